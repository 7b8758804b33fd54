import { parseItems, renderComment } from '../../src/checklist/checklist.js';
import { DEFAULT_TEMPLATE } from '../../src/checklist/default-template.js';
import { stateDigest, withState, type ChecklistState } from '../../src/checklist/state.js';
import { FakeGitHub, type RecordedRequest } from '../support/fake-github.js';

/** Who an account is, as the API describes a comment's author. */
export interface Account {
  user: { login: string; type: 'Bot' | 'User' };
  author_association: string;
}

/** The workflow token's identity: what the action writes as. */
export const ACTIONS_BOT: Account = {
  user: { login: 'github-actions[bot]', type: 'Bot' },
  author_association: 'NONE',
};
/** A maintainer with write access. */
export const MARIA: Account = { user: { login: 'maria', type: 'User' }, author_association: 'MEMBER' };
/** The pull request's author, with write access too (a same-repository branch). */
export const DAVE: Account = { user: { login: 'dave', type: 'User' }, author_association: 'MEMBER' };
/** A reader: can comment, cannot edit others' comments or push. */
export const MALLORY: Account = {
  user: { login: 'mallory', type: 'User' },
  author_association: 'CONTRIBUTOR',
};
/** Another GitHub App installed on the repository. */
export const OTHER_APP: Account = {
  user: { login: 'other-app[bot]', type: 'Bot' },
  author_association: 'NONE',
};

export interface Comment extends Account {
  id: number;
  body: string;
  html_url: string;
  issue: number;
}

export interface Status {
  sha: string;
  state: string;
  context: string;
  description: string;
  target_url?: string;
  creator: { login: string };
}

export const HEAD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const NEXT_HEAD = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
export const PULL = 7;

/**
 * Pull request 7 of octo/shop on a GitHub stand-in: its comments (paged two to a page with `link` headers),
 * its head and author, commit statuses (with their creator), and repository permissions by login. What the
 * token writes is written as `token` (github-actions[bot] unless a test says otherwise); `forbidden` turns writes into 403s as a fork's token gets.
 */
export class PullRequestApi {
  readonly github = new FakeGitHub();
  comments: Comment[] = [];
  statuses: Status[] = [];
  head = HEAD;
  author = 'dave';
  permissions: Record<string, string> = { maria: 'write', dave: 'write', mallory: 'read' };
  /** The account the token acts as: what it writes is written as this account. */
  token: Account = ACTIONS_BOT;
  forbidden = new Set<'comments' | 'statuses'>();
  /**
   * Writes answer as GitHub does when the token's rate limit is spent: HTTP 403 with "API rate limit
   * exceeded" and x-ratelimit-remaining 0 (REST docs, "Rate limits for the REST API").
   */
  rateLimited = false;
  /** Listing comments fails with a 500, as in a GitHub outage. */
  outage = false;
  private nextId = 1000;
  private readonly pageSize = 2;

  constructor() {
    const { github } = this;
    const deny = (what: 'comments' | 'statuses') =>
      this.rateLimited
        ? {
            status: 403,
            body: { message: 'API rate limit exceeded for installation ID 1.' },
            headers: { 'x-ratelimit-remaining': '0' } as Record<string, string>,
          }
        : this.forbidden.has(what)
          ? { status: 403, body: { message: 'Resource not accessible by integration' } }
          : undefined;
    github
      // GraphQL names a bot by its slug, without the "[bot]" suffix of its REST login.
      .on('POST', '/graphql', () => ({
        body: {
          data: {
            viewer: {
              login: this.token.user.login.replace(/\[bot\]$/, ''),
              __typename: this.token.user.type,
            },
          },
        },
      }))
      .on('GET', '/repos/octo/shop/issues/(\\d+)/comments', (req, [issue]) => {
        if (this.outage) return { status: 500, body: { message: 'Server Error' } };
        const all = this.comments.filter((c) => c.issue === Number(issue));
        const page = Number(req.query.get('page') ?? '1');
        const last = Math.max(1, Math.ceil(all.length / this.pageSize));
        const link = (p: number, rel: string) =>
          `<${github.url}/repos/octo/shop/issues/${issue}/comments?per_page=${this.pageSize}&page=${p}>; rel="${rel}"`;
        const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
        return {
          body: all.slice((page - 1) * this.pageSize, page * this.pageSize),
          headers: (links.length ? { link: links.join(', ') } : {}) as Record<string, string>,
        };
      })
      .on('POST', '/repos/octo/shop/issues/(\\d+)/comments', (req, [issue]) => {
        const denied = deny('comments');
        if (denied) return denied;
        const comment = this.post(this.token, (req.body as { body: string }).body, Number(issue));
        return { status: 201, body: comment };
      })
      .on('PATCH', '/repos/octo/shop/issues/comments/(\\d+)', (req, [id]) => {
        const denied = deny('comments');
        if (denied) return denied;
        const comment = this.comments.find((c) => c.id === Number(id));
        if (!comment) return { status: 404, body: { message: 'Not Found' } };
        comment.body = (req.body as { body: string }).body;
        return { body: comment };
      })
      .on('GET', '/repos/octo/shop/pulls/(\\d+)', (_req, [pull]) =>
        Number(pull) === PULL
          ? { body: { number: PULL, head: { sha: this.head }, user: { login: this.author } } }
          : { status: 404, body: { message: 'Not Found' } },
      )
      .on('GET', '/repos/octo/shop/collaborators/([^/]+)/permission', (_req, [login]) => {
        const permission = this.permissions[decodeURIComponent(login!)];
        return permission
          ? { body: { permission, role_name: permission, user: { login } } }
          : { status: 404, body: { message: 'Not Found' } };
      })
      .on('GET', '/repos/octo/shop/commits/([0-9a-f]+)/statuses', (_req, [sha]) => ({
        // Newest first, as GitHub lists them.
        body: this.statuses.filter((s) => s.sha === sha).reverse(),
      }))
      .on('POST', '/repos/octo/shop/statuses/([0-9a-f]+)', (req, [sha]) => {
        const denied = deny('statuses');
        if (denied) return denied;
        const fields = req.body as Omit<Status, 'sha' | 'creator'>;
        this.statuses.push({ sha: sha!, ...fields, creator: { login: this.token.user.login } });
        return { status: 201, body: {} };
      });
  }

  start(): Promise<string> {
    return this.github.start();
  }

  stop(): Promise<void> {
    return this.github.stop();
  }

  /** Forgets every comment, status and request, for the next test. */
  reset(): void {
    this.github.requests.length = 0;
    this.comments = [];
    this.statuses = [];
    this.head = HEAD;
    this.author = 'dave';
    this.permissions = { maria: 'write', dave: 'write', mallory: 'read' };
    this.token = ACTIONS_BOT;
    this.forbidden = new Set();
    this.rateLimited = false;
    this.outage = false;
  }

  /** Posts a comment as `account` (what a person or another workflow does outside the action). */
  post(account: Account, body: string, issue = PULL): Comment {
    const id = this.nextId++;
    const comment = { id, issue, body, html_url: this.url(id), ...account };
    this.comments.push(comment);
    return comment;
  }

  /**
   * `account` forges the checklist as completely as another app with comment and status rights can: a copy
   * with every item ticked, a record naming its own id with every answer given by maria, and a
   * `safe-deploy/checklist` success status on the head whose description carries that record's fingerprint.
   */
  forge(account: Account): Comment {
    const forged = this.post(account, '');
    const state: ChecklistState = {
      comment: forged.id,
      answers: new Map(
        parseItems(DEFAULT_TEMPLATE).map((item) => [item.key, { answer: 'checked', by: 'maria' }]),
      ),
    };
    forged.body = withState(tickAll(renderComment(DEFAULT_TEMPLATE)), state);
    this.statuses.push({
      sha: this.head,
      state: 'success',
      context: 'safe-deploy/checklist',
      description: `8 of 8 items ticked · record ${stateDigest(state)}`,
      creator: { login: account.user.login },
    });
    return forged;
  }

  /** The action's checklist comments (the ones it wrote). */
  checklists(): Comment[] {
    return this.comments.filter(
      (c) => c.user.login === this.token.user.login && c.body.includes('<!-- safe-deploy:checklist -->'),
    );
  }

  /**
   * `sender` edits comment `id` to `change(body)` in the browser (which sends CRLF back), and the
   * `issue_comment` `edited` event GitHub fires for it.
   */
  edit(id: number, sender: Account, change: (body: string) => string): { name: string; payload: unknown } {
    const comment = this.comments.find((c) => c.id === id)!;
    const from = comment.body;
    comment.body = change(from).replace(/\r?\n/g, '\r\n');
    return this.editEvent(comment, from, sender);
  }

  /** The `issue_comment` `edited` event for an edit of `comment` from `from` by `sender`. */
  editEvent(comment: Comment, from: string, sender: Account): { name: string; payload: unknown } {
    const { issue, ...fields } = comment;
    return {
      name: 'issue_comment',
      payload: {
        action: 'edited',
        issue: { number: issue, pull_request: { url: 'x' }, user: { login: this.author } },
        comment: fields,
        changes: { body: { from } },
        sender: { login: sender.user.login },
      },
    };
  }

  /** A `pull_request` event for the pull request as it is now. */
  pullRequestEvent(action: string, before?: string): { name: string; payload: unknown } {
    return {
      name: 'pull_request',
      payload: {
        action,
        number: PULL,
        ...(before ? { before } : {}),
        pull_request: { number: PULL, head: { sha: this.head }, user: { login: this.author } },
      },
    };
  }

  /** Requests that wrote a comment. */
  writes(): RecordedRequest[] {
    return [
      ...this.github.calls('POST', '/repos/octo/shop/issues/\\d+/comments'),
      ...this.github.calls('PATCH', '/repos/octo/shop/issues/comments/\\d+'),
    ];
  }

  url(id: number): string {
    return `https://github.com/octo/shop/pull/${PULL}#issuecomment-${id}`;
  }
}

/** Every `- [ ]` box in a body ticked. */
export const tickAll = (body: string): string => body.replace(/- \[ \]/g, '- [x]');
