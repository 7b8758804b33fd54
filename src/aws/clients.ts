/**
 * Shared AWS SDK client settings. Throttling and transient errors are retried by the SDK's own
 * `adaptive` retry mode (token bucket plus client-side rate limiting), so a throttling storm slows a
 * deploy down instead of failing it. Region, credentials and `AWS_ENDPOINT_URL` come from the
 * environment as for any SDK client.
 */
export interface AwsSettings {
  region?: string;
  /** Attempts per call, including the first. */
  maxAttempts?: number;
}

/**
 * Client configuration used for every AWS client the actions create. The SDK's retries are the first
 * layer and kept short (a few attempts, a socket that stops answering is dropped): a deploy's own call
 * policy tries again once a poll with alarms still watched, so one call's retries never blind the watch.
 */
export function clientConfig(settings: AwsSettings = {}): {
  region?: string;
  maxAttempts: number;
  retryMode: 'adaptive';
  requestHandler: { connectionTimeout: number; requestTimeout: number };
} {
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return {
    ...(region ? { region } : {}),
    maxAttempts: settings.maxAttempts ?? 3,
    retryMode: 'adaptive',
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  };
}
