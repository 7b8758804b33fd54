import { errorName } from './ecs.js';

// Error codes AWS documents as throttling across ECS, ELBv2 and CloudWatch.
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
]);

// ... and those AWS documents as transient.
const TRANSIENT = new Set([
  ...THROTTLING,
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'ServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * True when an error (after the SDK's own retries) is throttling or a passing fault: such an error must
 * never by itself fail or roll back a deploy; the next poll tries again.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = error as Error & {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: string;
  };
  if (TRANSIENT.has(errorName(error)) || (meta.code && TRANSIENT.has(meta.code))) return true;
  if (meta.$retryable) return true;
  const status = meta.$metadata?.httpStatusCode;
  return status === 429 || (status !== undefined && status >= 500);
}

/** True when AWS refused a call for its rate (the answer to that is to call less often, not again at once). */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: string }).code;
  return THROTTLING.has(errorName(error)) || (code !== undefined && THROTTLING.has(code));
}
