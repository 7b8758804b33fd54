import { githubClient, requestTimeout } from '../github/client.js';
import { commentAuthor, type CommentAuthor } from './checklist.js';

/** A comment on a pull request. */
export interface PullComment {
  id: number;
  body: string;
  url: string;
  /** Undefined for a deleted account. */
  author?: CommentAuthor;
}

/** A commit status as the checklist sets it. */
export interface CommitStatus {
  state: 'success' | 'failure';
  description: string;
  targetUrl?: string;
}

/** The commit status context the checklist reports under (the name to require in branch protection). */
export const STATUS_CONTEXT = 'safe-deploy/checklist';

/** The pull-request side of the GitHub API the checklist needs. */
export interface ChecklistGitHub {
  /** The first comment on the pull request that satisfies `matches`, reading every page as needed. */
  findComment(pull: number, matches: (comment: PullComment) => boolean): Promise<PullComment | undefined>;
  createComment(pull: number, body: string): Promise<PullComment>;
  updateComment(id: number, body: string): Promise<PullComment>;
  /** The pull request's current head commit. */
  headSha(pull: number): Promise<string>;
  setStatus(sha: string, status: CommitStatus): Promise<void>;
}

/** Where and as whom to reach the API. */
export interface GitHubTarget {
  token: string;
  owner: string;
  repo: string;
  /** The REST API root; defaults to `GITHUB_API_URL` (GitHub Enterprise, test stand-ins), then github.com. */
  baseUrl?: string;
}

/** The checklist's API calls through `@actions/github`'s Octokit (REST, with pagination). */
export function octokitChecklistGitHub({ token, owner, repo, baseUrl }: GitHubTarget): ChecklistGitHub {
  const octokit = githubClient({ token, ...(baseUrl ? { baseUrl } : {}) });
  // One slow API call must not hold the job until the runner's timeout.
  const request = () => requestTimeout().request;
  const comment = (data: {
    id: number;
    body?: string | null;
    html_url: string;
    user?: { login: string; type: string } | null;
    author_association?: string;
  }): PullComment => {
    const author = commentAuthor(data.user, data.author_association);
    return { id: data.id, body: data.body ?? '', url: data.html_url, ...(author ? { author } : {}) };
  };
  return {
    async findComment(pull, matches) {
      let found: PullComment | undefined;
      await octokit.paginate(
        octokit.rest.issues.listComments,
        { owner, repo, issue_number: pull, per_page: 100, request: request() },
        (response, done) => {
          const hit = response.data.map(comment).find(matches);
          if (hit && !found) {
            found = hit;
            done();
          }
          return [];
        },
      );
      return found;
    },
    async createComment(pull, body) {
      const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: pull,
        body,
        request: request(),
      });
      return comment(data);
    },
    async updateComment(id, body) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: id,
        body,
        request: request(),
      });
      return comment(data);
    },
    async headSha(pull) {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pull, request: request() });
      return data.head.sha;
    },
    async setStatus(sha, status) {
      await octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha,
        state: status.state,
        context: STATUS_CONTEXT,
        // GitHub rejects descriptions over 140 characters.
        description: status.description.slice(0, 140),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        request: request(),
      });
    },
  };
}

export { httpStatus } from '../github/client.js';
