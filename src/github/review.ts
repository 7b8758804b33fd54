import { UserError } from '../errors.js';
import * as log from '../log.js';
import {
  describeApiError,
  githubClient,
  githubErrorHint,
  httpStatus,
  requestTimeout,
  type GitHubClient,
} from './client.js';

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
  /** Where the line saying whose approval counted goes; defaults to the job log. */
  info?: (line: string) => void;
}

/** A review as the API lists it. */
export interface Review {
  state: string;
  user?: { login: string } | null;
  submitted_at?: string | null;
  /** The commit the review was given to. */
  commit_id?: string | null;
}

/** Who may approve, and which commits an approval must be given to. */
export interface ReviewPolicy {
  /** Commits an approval counts for: the deployed commit and the pull request's final head. */
  commits: ReadonlySet<string>;
  /** Logins whose approval never counts: the pull request's author and the authors of its commits. */
  authors: ReadonlySet<string>;
  /** Whether a login has write access to the repository (admin, maintain or write). */
  canWrite: (login: string) => Promise<boolean>;
}

/** One pull request's review outcome under a policy. */
export interface ReviewVerdict {
  approvedBy: string[];
  changesRequestedBy: string[];
  /** Approvals that do not count, each with why ("bob (no write access)"). */
  notCounted: string[];
}

/**
 * Checks that `sha` reached the branch through a merged pull request approved by someone with write access
 * who is not one of its authors, on its final head (or on `sha` itself), with no request for changes
 * outstanding from a reviewer with write access. API failures are UserErrors naming the permissions the
 * token needs.
 */
export async function checkReviewed(options: ReviewCheckOptions): Promise<ReviewCheck> {
  const { owner, repo, sha } = options;
  const short = sha.slice(0, 7);
  const branch = options.branch ?? branchOfRef(process.env.GITHUB_REF);
  const where = branch ? `reach ${branch}` : 'reach the branch';
  const info = options.info ?? log.info;
  if (!options.octokit && !options.token) {
    throw new UserError(
      `Input 'require-review': true needs 'github-token' (with ${PERMISSIONS}) to find the commit's pull request`,
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

  // One permission lookup per login per check: a reviewer may appear on several pull requests.
  const permissions = new Map<string, Promise<boolean>>();
  const canWrite = (login: string): Promise<boolean> => {
    let known = permissions.get(login);
    if (!known) {
      known = call(`read the repository permission of ${login}`, () =>
        writeAccess(octokit, owner, repo, login),
      );
      permissions.set(login, known);
    }
    return known;
  };

  const problems: string[] = [];
  for (const pr of merged) {
    const [reviews, commits] = await Promise.all([
      call(`list the reviews of pull request #${pr.number}`, () =>
        octokit.paginate(octokit.rest.pulls.listReviews, {
          owner,
          repo,
          pull_number: pr.number,
          per_page: 100,
          ...requestTimeout(),
        }),
      ),
      call(`list the commits of pull request #${pr.number}`, () =>
        octokit.paginate(octokit.rest.pulls.listCommits, {
          owner,
          repo,
          pull_number: pr.number,
          per_page: 100,
          ...requestTimeout(),
        }),
      ),
    ]);
    const authors = new Set<string>();
    if (pr.user?.login) authors.add(pr.user.login);
    for (const commit of commits) if (commit.author?.login) authors.add(commit.author.login);
    // The final head's approval stands for what its merge produced (the merge, squash or last rebased commit,
    // or the head itself when fast-forwarded), not for an earlier commit of the pull request.
    const producedByMerge = pr.merge_commit_sha === sha || pr.head.sha === sha;
    const verdict = await reviewVerdict(reviews, {
      commits: new Set(producedByMerge ? [sha, pr.head.sha] : [sha]),
      authors,
      canWrite,
    });
    const skipped = verdict.notCounted.length ? `; not counted: ${verdict.notCounted.join(', ')}` : '';
    if (verdict.approvedBy.length > 0 && verdict.changesRequestedBy.length === 0) {
      info(
        `Review: commit ${short} reached the branch through #${pr.number}, approved at ${pr.head.sha.slice(0, 7)} ` +
          `by ${verdict.approvedBy.join(', ')} (write access, not an author)${skipped}`,
      );
      return { ok: true, pr: pr.number, approvedBy: verdict.approvedBy };
    }
    problems.push(
      verdict.changesRequestedBy.length > 0
        ? `#${pr.number} has changes requested by ${verdict.changesRequestedBy.join(', ')}`
        : `#${pr.number} has no approval that counts${skipped}` +
            (producedByMerge ? '' : ` (${short} is an earlier commit of it, not what its merge produced)`),
    );
  }
  return {
    ok: false,
    reason: `commit ${short} did not ${where} through an approved pull request (${problems.join('; ')})`,
  };
}

/**
 * Each reviewer's latest decisive review, as GitHub's merge box counts them (APPROVED and CHANGES_REQUESTED
 * replace that reviewer's earlier verdict, COMMENTED leaves it alone, DISMISSED withdraws it), then judged
 * by the policy: an approval counts only from a reviewer with write access who is not an author, given to
 * one of the policy's commits; a request for changes by a reviewer with write access blocks.
 */
export async function reviewVerdict(
  reviews: readonly Review[],
  policy: ReviewPolicy,
): Promise<ReviewVerdict> {
  const ordered = reviews
    .map((review, index) => ({ review, index }))
    .sort((a, b) => time(a.review) - time(b.review) || a.index - b.index);
  const latest = new Map<string, Review>();
  for (const { review } of ordered) {
    const login = review.user?.login;
    if (!login) continue;
    if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED') latest.set(login, review);
    else if (review.state === 'DISMISSED') latest.delete(login);
  }
  const verdict: ReviewVerdict = { approvedBy: [], changesRequestedBy: [], notCounted: [] };
  for (const [login, review] of latest) {
    const write = await policy.canWrite(login);
    if (review.state === 'CHANGES_REQUESTED') {
      if (write) verdict.changesRequestedBy.push(login);
      continue;
    }
    if (!write) verdict.notCounted.push(`${login} (no write access)`);
    else if (policy.authors.has(login)) verdict.notCounted.push(`${login} (an author of the change)`);
    else if (!review.commit_id || !policy.commits.has(review.commit_id))
      verdict.notCounted.push(
        `${login} (approved ${review.commit_id?.slice(0, 7) ?? 'an unknown commit'}, not the final head)`,
      );
    else verdict.approvedBy.push(login);
  }
  return verdict;
}

/** Whether `login` can push to the repository, from the collaborator permission API (not author_association). */
async function writeAccess(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  login: string,
): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username: login,
      ...requestTimeout(),
    });
    // `permission` folds maintain into write and triage into read; custom roles report their base role.
    return data.permission === 'admin' || data.permission === 'write';
  } catch (error) {
    // GitHub answers 404 for an account that is not a collaborator at all (or no longer exists).
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

function time(review: Review): number {
  // Reviews without a time (pending ones) keep the API's order.
  return review.submitted_at ? Date.parse(review.submitted_at) : 0;
}

/** `main` for `refs/heads/main`; undefined for tags, pull request refs or no ref. */
export function branchOfRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

const PERMISSIONS = 'contents: read and pull-requests: read';

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const hint = githubErrorHint(error, `the 'github-token' needs the permissions ${PERMISSIONS}`);
    throw new UserError(`Input 'require-review': could not ${what} (${describeApiError(error)}): ${hint}.`);
  }
}

function optionalBaseUrl(baseUrl: string | undefined): { baseUrl?: string } {
  return baseUrl ? { baseUrl } : {};
}
