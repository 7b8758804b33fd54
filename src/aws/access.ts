import { errorName } from './ecs.js';

// The error codes AWS services answer when the caller's policy does not allow a call: IAM and STS say
// AccessDenied, most JSON services AccessDeniedException, EC2-style ones UnauthorizedOperation.
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);

/** True when AWS refused a call because the credentials may not make it (not because something is missing). */
export function isAccessDenied(error: unknown): boolean {
  if (DENIED.has(errorName(error))) return true;
  const meta = error as { $metadata?: { httpStatusCode?: number }; Code?: string } | undefined;
  return meta?.Code !== undefined && DENIED.has(meta.Code);
}
