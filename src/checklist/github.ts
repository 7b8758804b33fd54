import { githubClient, httpStatus, requestTimeout } from '../github/client.js';
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

/** A repository permission as the collaborator permission API reports it (maintain folds into write). */
export type RepositoryPermission = 'admin' | 'write' | 'read' | 'none';

/** The pull-request side of the GitHub API the checklist needs. */
export interface ChecklistGitHub {
  /**
   * The login the token's comments and statuses carry: `github-actions[bot]` for the workflow token, the
   * app's `<slug>[bot]` for an app's installation token, the user for a personal access token.
   */
  identity(): Promise<string>;
  /** The comments on the pull request that satisfy `matches`, oldest first, reading every page. */
  findComments(pull: number, matches: (comment: PullComment) => boolean): Promise<PullComment[]>;
  createComment(pull: number, body: string): Promise<PullComment>;
  updateComment(id: number, body: string): Promise<PullComment>;
  /** The pull request's current head commit and its author. */
  pullRequest(pull: number): Promise<{ headSha: string; author?: string }>;
  /** What `login` may do in the repository (`none` for an account that is not a collaborator). */
  permission(login: string): Promise<RepositoryPermission>;
  /** The newest `safe-deploy/checklist` status on `sha` set by `creator`, if any. */
  latestStatus(sha: string, creator: string): Promise<{ description: string } | undefined>;
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
    async identity() {
      // GET /user answers 403 to installation tokens (the workflow token, an app's); the GraphQL viewer
      // answers every kind of token. GraphQL may name a bot without the "[bot]" suffix its REST login has.
      const { viewer } = await octokit.graphql<{ viewer: { login: string; __typename?: string } }>(
        'query { viewer { login __typename } }',
        { request: request() },
      );
      return viewer.__typename === 'Bot' && !viewer.login.endsWith('[bot]')
        ? `${viewer.login}[bot]`
        : viewer.login;
    },
    async findComments(pull, matches) {
      const found: PullComment[] = [];
      await octokit.paginate(
        octokit.rest.issues.listComments,
        { owner, repo, issue_number: pull, per_page: 100, request: request() },
        (response) => {
          found.push(...response.data.map(comment).filter(matches));
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
    async pullRequest(pull) {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pull, request: request() });
      return { headSha: data.head.sha, ...(data.user?.login ? { author: data.user.login } : {}) };
    },
    async permission(login) {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
          owner,
          repo,
          username: login,
          request: request(),
        });
        const level = data.permission;
        return level === 'admin' || level === 'write' || level === 'read' ? level : 'none';
      } catch (error) {
        // 404: not a collaborator (or no such account), which can do nothing here.
        if (httpStatus(error) === 404) return 'none';
        throw error;
      }
    },
    async latestStatus(sha, creator) {
      // Newest first; one page of 100 covers every status a pull request's head gets in practice.
      const { data } = await octokit.rest.repos.listCommitStatusesForRef({
        owner,
        repo,
        ref: sha,
        per_page: 100,
        request: request(),
      });
      const status = data.find((s) => s.context === STATUS_CONTEXT && s.creator?.login === creator);
      return status ? { description: status.description ?? '' } : undefined;
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

export { httpStatus };
