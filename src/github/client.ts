import type { getOctokit as GetOctokit } from '@actions/github';
import { registerSecret } from '../log.js';

export { registerSecret };

/** The REST client the deployment record and the review check use. */
export type GitHubClient = ReturnType<typeof GetOctokit>;

/**
 * `@actions/github` parses the file at GITHUB_EVENT_PATH as soon as it is imported and throws a bare
 * SyntaxError on one that is not JSON, before any action code can say what is wrong. No action here uses its
 * `context` (each reads the event itself, with a clear error), so it is imported with the variable hidden.
 */
const { getOctokit } = await (async () => {
  const eventPath = process.env.GITHUB_EVENT_PATH;
  delete process.env.GITHUB_EVENT_PATH;
  try {
    return await import('@actions/github');
  } finally {
    if (eventPath !== undefined) process.env.GITHUB_EVENT_PATH = eventPath;
  }
})();

/** Where and how to reach the GitHub API. */
export interface GitHubConnection {
  token: string;
  /** The REST API root; defaults to `GITHUB_API_URL`, then https://api.github.com. */
  baseUrl?: string;
}

/**
 * A client for the API at `baseUrl`. The base URL is passed explicitly because `@actions/github` reads
 * `GITHUB_API_URL` once, when it is first imported, and GitHub Enterprise or a test stand-in set it later.
 */
export function githubClient({ token, baseUrl }: GitHubConnection): GitHubClient {
  // Every client is made here, so registering the token here masks it in the log of every action.
  registerSecret(token);
  return getOctokit(token, { baseUrl: apiBaseUrl(baseUrl) });
}

/** The API root to use: the given one, else `GITHUB_API_URL`, else github.com's. */
export function apiBaseUrl(baseUrl?: string): string {
  return (baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}

/** The HTTP status of an Octokit request error, when there is one. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

/**
 * What a failed GitHub API call most likely means, for a log line: `permission` (what the token needs)
 * only where GitHub refused the token's access (403, or the 404 it answers for what a token may not see),
 * never for a network error, a rate limit, a bad token or GitHub's own failure.
 */
export function githubErrorHint(error: unknown, permission: string): string {
  const status = httpStatus(error);
  // Octokit reports a request that got no answer (DNS, refused, reset, timed out) as a status 500
  // with no response: GitHub never said anything about the token.
  const answered = typeof error === 'object' && error !== null && (error as { response?: unknown }).response;
  if (status === undefined || !answered)
    return 'GitHub could not be reached (a network error, not a permission)';
  if (isRateLimited(error)) return "GitHub's API rate limit was reached; it resets within the hour";
  if (status === 401) return 'GitHub refused the token itself (expired, revoked or not a token)';
  if (status === 403) return permission;
  if (status === 404)
    return `not found with this token (GitHub answers 404 for what a token may not see); ${permission}`;
  if (status >= 500) return `GitHub failed the request (HTTP ${status}); it may answer on a later try`;
  return 'GitHub did not accept the request';
}

/**
 * GitHub's rate limit: a 429, or a 403 that says so (GitHub answers an exhausted primary or secondary rate
 * limit with 403 and "API rate limit exceeded…" / "You have exceeded a secondary rate limit"). Not a
 * missing permission, whatever the status.
 */
export function isRateLimited(error: unknown): boolean {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  return status === 429 || (status === 403 && /rate limit/i.test(message));
}

/** "HTTP 403: Resource not accessible by integration", or the plain message for network errors. */
export function describeApiError(error: unknown): string {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  // Octokit messages end with " - https://docs.github.com/..."; the link adds nothing in a log line.
  const short = message.replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '');
  return status ? `HTTP ${status}: ${short}` : short;
}

/** GitHub refuses deployment and deployment status descriptions over 140 characters: cut to fit. */
export function clipDescription(text: string): string {
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

/** Per-request options that stop one slow API call from stalling a deploy. */
export function requestTimeout(ms = 15_000): { request: { signal: AbortSignal } } {
  return { request: { signal: AbortSignal.timeout(ms) } };
}
