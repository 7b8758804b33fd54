import { UserError } from '../errors.js';
import { describeApiError, githubClient, httpStatus, requestTimeout, type GitHubClient } from './client.js';

/** The answer to `require-review`: the approved pull request, or why the commit does not qualify. */
export type ReviewCheck = { ok: true; pr: number; approvedBy: string[] } | { ok: false; reason: string };

/** What `checkReviewed` needs: a client (or a token to make one) and the commit. */
export interface ReviewCheckOptions {
  octokit?: GitHubClient;
  token?: string;
  baseUrl?: string;
  owner: string;
  repo: string;
  sha: string;
  /**
   * The branch being deployed from; only pull requests into it count. Defaults to the branch of
   * `GITHUB_REF` (none for tags, where any merged pull request counts).
   */
  branch?: string;
}

/** One pull request's review outcome. */
export interface ReviewVerdict {
  approvedBy: string[];
  changesRequestedBy: string[];
}

type Review = { state: string; user?: { login: string } | null; submitted_at?: string | null };

/**
 * Checks that `sha` reached the branch through a merged pull request with an approving review and no
 * outstanding request for changes. API failures are UserErrors naming the permissions the token needs.
 */
export async function checkReviewed(options: ReviewCheckOptions): Promise<ReviewCheck> {
  const { owner, repo, sha } = options;
  const short = sha.slice(0, 7);
  const branch = options.branch ?? branchOfRef(process.env.GITHUB_REF);
  const where = branch ? `reach ${branch}` : 'reach the branch';
  if (!options.octokit && !options.token) {
    throw new UserError(
      "Input 'require-review': true needs 'github-token' (with contents: read and pull-requests: read) to find the commit's pull request",
    );
  }
  const octokit =
    options.octokit ?? githubClient({ token: options.token!, ...optionalBaseUrl(options.baseUrl) });

  // GitHub's own commit-to-pull-request association covers merge commits, squash and rebase merges, and
  // commits inside a merged pull request, so no history walking is needed here.
  const pulls = await call(`list the pull requests of commit ${short}`, () =>
    octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
      owner,
      repo,
      commit_sha: sha,
      per_page: 100,
      ...requestTimeout(),
    }),
  );
  const mergedAnywhere = pulls.filter((pr) => pr.merged_at);
  const merged = mergedAnywhere
    .filter((pr) => !branch || pr.base.ref === branch)
    // The pull request whose merge produced this very commit is the most telling one; check it first.
    .sort((a, b) => Number(b.merge_commit_sha === sha) - Number(a.merge_commit_sha === sha));
  if (merged.length === 0) {
    const elsewhere = mergedAnywhere.map((pr) => `#${pr.number} into ${pr.base.ref}`);
    const detail = elsewhere.length
      ? `it was merged only by ${elsewhere.join(', ')}`
      : 'no merged pull request contains it';
    return {
      ok: false,
      reason: `commit ${short} did not ${where} through an approved pull request (${detail})`,
    };
  }

  const problems: string[] = [];
  for (const pr of merged) {
    const reviews = await call(`list the reviews of pull request #${pr.number}`, () =>
      octokit.paginate(octokit.rest.pulls.listReviews, {
        owner,
        repo,
        pull_number: pr.number,
        per_page: 100,
        ...requestTimeout(),
      }),
    );
    const verdict = reviewVerdict(reviews);
    if (verdict.approvedBy.length > 0 && verdict.changesRequestedBy.length === 0) {
      return { ok: true, pr: pr.number, approvedBy: verdict.approvedBy };
    }
    problems.push(
      verdict.changesRequestedBy.length > 0
        ? `#${pr.number} has changes requested by ${verdict.changesRequestedBy.join(', ')}`
        : `#${pr.number} has no approving review`,
    );
  }
  return {
    ok: false,
    reason: `commit ${short} did not ${where} through an approved pull request (${problems.join('; ')})`,
  };
}

/**
 * Each reviewer's latest decisive review, as GitHub's merge box counts them: APPROVED and
 * CHANGES_REQUESTED replace that reviewer's earlier verdict, COMMENTED leaves it alone, and a
 * DISMISSED review withdraws it.
 */
export function reviewVerdict(reviews: readonly Review[]): ReviewVerdict {
  const ordered = reviews
    .map((review, index) => ({ review, index }))
    .sort((a, b) => time(a.review) - time(b.review) || a.index - b.index);
  const latest = new Map<string, 'APPROVED' | 'CHANGES_REQUESTED'>();
  for (const { review } of ordered) {
    const login = review.user?.login;
    if (!login) continue;
    if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED') latest.set(login, review.state);
    else if (review.state === 'DISMISSED') latest.delete(login);
  }
  const by = (state: string): string[] => [...latest].filter(([, s]) => s === state).map(([login]) => login);
  return { approvedBy: by('APPROVED'), changesRequestedBy: by('CHANGES_REQUESTED') };
}

function time(review: Review): number {
  // Reviews without a time (pending ones) keep the API's order.
  return review.submitted_at ? Date.parse(review.submitted_at) : 0;
}

/** `main` for `refs/heads/main`; undefined for tags, pull request refs or no ref. */
export function branchOfRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const status = httpStatus(error);
    const hint =
      status === 404
        ? 'the repository or commit was not found with this token'
        : 'the API refused or failed the request';
    throw new UserError(
      `Input 'require-review': could not ${what} (${describeApiError(error)}): ${hint}. ` +
        "The 'github-token' needs the permissions contents: read and pull-requests: read.",
    );
  }
}

function optionalBaseUrl(baseUrl: string | undefined): { baseUrl?: string } {
  return baseUrl ? { baseUrl } : {};
}
