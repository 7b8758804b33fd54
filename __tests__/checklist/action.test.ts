import { copyFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderComment } from '../../src/checklist/checklist.js';
import { DEFAULT_TEMPLATE } from '../../src/checklist/default-template.js';
import { FakeGitHub, type RecordedRequest } from '../support/fake-github.js';
import { runAction, type ActionRun } from '../support/run-action.js';

// The built dist/checklist bundle, run on Node 24 as the runner runs it, against a GitHub API stand-in that
// keeps issue comments (paginated two to a page with `link` headers), pull requests and commit statuses.
const HEAD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const NEXT_HEAD = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const MARKER = '<!-- safe-deploy:checklist -->';
const PAGE_SIZE = 2;

interface Comment {
  id: number;
  body: string;
  html_url: string;
  issue: number;
  user: { login: string; type: 'Bot' | 'User' };
  author_association: string;
}

// What the API says of a comment's author: the workflow token's bot, a maintainer, or anyone else.
const ACTIONS_BOT = {
  user: { login: 'github-actions[bot]', type: 'Bot' },
  author_association: 'NONE',
} as const;
const MAINTAINER = { user: { login: 'maria', type: 'User' }, author_association: 'MEMBER' } as const;
const CONTRIBUTOR = { user: { login: 'mallory', type: 'User' }, author_association: 'CONTRIBUTOR' } as const;

let github: FakeGitHub;
let comments: Comment[];
let statuses: { sha: string; state: string; context: string; description: string; target_url?: string }[];
let heads: Record<number, string>;
let nextId: number;
let forbidden: Set<string>;

beforeAll(async () => {
  github = new FakeGitHub();
  const deny = (what: string) =>
    forbidden.has(what)
      ? { status: 403, body: { message: 'Resource not accessible by integration' } }
      : undefined;
  github
    .on('GET', '/repos/octo/shop/issues/(\\d+)/comments', (req, [issue]) => {
      const all = comments.filter((c) => c.issue === Number(issue));
      const page = Number(req.query.get('page') ?? '1');
      const last = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
      const link = (p: number, rel: string) =>
        `<${github.url}/repos/octo/shop/issues/${issue}/comments?per_page=${PAGE_SIZE}&page=${p}>; rel="${rel}"`;
      const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
      return {
        body: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
        headers: (links.length ? { link: links.join(', ') } : {}) as Record<string, string>,
      };
    })
    .on('POST', '/repos/octo/shop/issues/(\\d+)/comments', (req, [issue]) => {
      const denied = deny('comments');
      if (denied) return denied;
      const id = nextId++;
      const comment = {
        id,
        issue: Number(issue),
        body: (req.body as { body: string }).body,
        html_url: url(id),
        ...ACTIONS_BOT,
      };
      comments.push(comment);
      return { status: 201, body: comment };
    })
    .on('GET', '/repos/octo/shop/issues/comments/(\\d+)', (_req, [id]) => {
      const comment = comments.find((c) => c.id === Number(id));
      return comment ? { body: comment } : { status: 404, body: { message: 'Not Found' } };
    })
    .on('PATCH', '/repos/octo/shop/issues/comments/(\\d+)', (req, [id]) => {
      const denied = deny('comments');
      if (denied) return denied;
      const comment = comments.find((c) => c.id === Number(id));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      comment.body = (req.body as { body: string }).body;
      return { body: comment };
    })
    .on('GET', '/repos/octo/shop/pulls/(\\d+)', (_req, [pull]) => {
      const sha = heads[Number(pull)];
      return sha
        ? { body: { number: Number(pull), head: { sha } } }
        : { status: 404, body: { message: 'Not Found' } };
    })
    .on('POST', '/repos/octo/shop/statuses/([0-9a-f]+)', (req, [sha]) => {
      const denied = deny('statuses');
      if (denied) return denied;
      statuses.push({ sha: sha!, ...(req.body as Omit<(typeof statuses)[number], 'sha'>) });
      return { status: 201, body: {} };
    });
  await github.start();
});
afterAll(() => github?.stop());
beforeEach(() => {
  github.requests.length = 0;
  nextId = 1000;
  // Three ordinary comments first, so the checklist lands on the second page.
  comments = [1, 2, 3].map((n) => ({
    id: n,
    issue: 7,
    body: `Looks good ${n}`,
    html_url: url(n),
    ...CONTRIBUTOR,
  }));
  statuses = [];
  heads = { 7: HEAD };
  forbidden = new Set();
});

function url(id: number): string {
  return `https://github.com/octo/shop/pull/7#issuecomment-${id}`;
}

function pullRequestEvent(action: string, sha = HEAD): { name: string; payload: unknown } {
  return { name: 'pull_request', payload: { action, number: 7, pull_request: { number: 7, head: { sha } } } };
}

function commentEvent(
  comment: Pick<Comment, 'id' | 'body'> & Partial<Comment>,
  issue: object = { number: 7, pull_request: {} },
) {
  return { name: 'issue_comment', payload: { action: 'edited', issue, comment } };
}

function checklist(
  event: { name: string; payload: unknown },
  inputs: Record<string, string> = {},
  cwd?: string,
): Promise<ActionRun> {
  return runAction('checklist', {
    inputs: { mode: 'require', 'github-token': 'ghs_test', ...inputs },
    env: { GITHUB_API_URL: github.url, GITHUB_EVENT_NAME: event.name },
    event: event.payload,
    ...(cwd ? { cwd } : {}),
  });
}

const checklists = () => comments.filter((c) => c.body.includes(MARKER));
const writes = (): RecordedRequest[] => [
  ...github.calls('POST', '/repos/octo/shop/issues/\\d+/comments'),
  ...github.calls('PATCH', '/repos/octo/shop/issues/comments/\\d+'),
];

test('the first run posts the checklist and a failing status; a second run adds nothing', async () => {
  const first = await checklist(pullRequestEvent('opened'));
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.outputs).toEqual({ total: '8', checked: '0', complete: 'false' });
  expect(checklists()).toHaveLength(1);
  const [posted] = checklists();
  expect(posted!.body).toContain('### Testing');
  expect(posted!.body).toContain('can be rolled back safely');
  expect(statuses).toEqual([
    {
      sha: HEAD,
      state: 'failure',
      context: 'safe-deploy/checklist',
      description: '0 of 8 items ticked',
      target_url: posted!.html_url,
    },
  ]);
  expect(first.summary).toContain('0 of 8 items ticked');
  // Every page of comments was read before posting.
  expect(
    github.calls('GET', '/repos/octo/shop/issues/7/comments').map((r) => r.query.get('page') ?? '1'),
  ).toEqual(['1', '2']);

  github.requests.length = 0;
  const second = await checklist(pullRequestEvent('synchronize', NEXT_HEAD));
  expect(second.code).toBe(0);
  expect(writes()).toEqual([]);
  expect(checklists()).toHaveLength(1);
  expect(second.outputs).toEqual({ total: '8', checked: '0', complete: 'false' });
  expect(statuses.at(-1)).toMatchObject({
    sha: NEXT_HEAD,
    state: 'failure',
    description: '0 of 8 items ticked',
  });
});

test('ticking boxes is never undone by a later pull_request run', async () => {
  await checklist(pullRequestEvent('opened'));
  const [comment] = checklists();
  let ticks = 0;
  comment!.body = comment!.body.replace(/- \[ \]/g, (box) => (ticks++ < 3 ? '- [x]' : box));
  comment!.body += '\nRan `npm test` locally.';
  const before = comment!.body;

  const run = await checklist(pullRequestEvent('edited'));
  expect(run.outputs).toEqual({ total: '8', checked: '3', complete: 'false' });
  expect(comment!.body).toBe(before);
  expect(statuses.at(-1)).toMatchObject({ state: 'failure', description: '3 of 8 items ticked' });

  // New commits: the ticks stand, and the new head commit gets the status they earn.
  github.requests.length = 0;
  const pushed = await checklist(pullRequestEvent('synchronize', NEXT_HEAD));
  expect(pushed.outputs).toEqual({ total: '8', checked: '3', complete: 'false' });
  expect(comment!.body).toBe(before);
  expect(writes()).toEqual([]);
  expect(statuses.at(-1)).toMatchObject({ sha: NEXT_HEAD, description: '3 of 8 items ticked' });
});

test('ticking every box in the comment turns the status to success on the issue_comment edit', async () => {
  await checklist(pullRequestEvent('opened'));
  const [comment] = checklists();
  // The browser sends edited comments back with CRLF line endings and [x] ticks.
  comment!.body = comment!.body.replace(/- \[ \]/g, '- [x]').replace(/\n/g, '\r\n');
  heads[7] = NEXT_HEAD;
  github.requests.length = 0;

  const run = await checklist(commentEvent(comment!));
  expect(run.code).toBe(0);
  expect(run.outputs).toEqual({ total: '8', checked: '8', complete: 'true' });
  // The event does not carry the head commit, so the pull request was looked up.
  expect(github.calls('GET', '/repos/octo/shop/pulls/7')).toHaveLength(1);
  expect(statuses.at(-1)).toMatchObject({
    sha: NEXT_HEAD,
    state: 'success',
    context: 'safe-deploy/checklist',
    description: '8 of 8 items ticked',
  });
  expect(writes()).toEqual([]);
  expect(run.summary).toContain('8 of 8 items ticked');
});

test('the count comes from the comment as it is now, not as the (older) event saw it', async () => {
  await checklist(pullRequestEvent('opened'));
  const [comment] = checklists();
  const stale = { ...comment!, body: comment!.body.replace('- [ ]', '- [x]') };
  comment!.body = comment!.body.replace(/- \[ \]/g, '- [x]');
  const run = await checklist(commentEvent(stale));
  expect(run.outputs.complete).toBe('true');
  expect(statuses.at(-1)).toMatchObject({ state: 'success' });
});

test('comments on plain issues and edits of other comments are ignored', async () => {
  const onIssue = await checklist(commentEvent({ id: 1, body: `${MARKER}\n- [x] a` }, { number: 3 }));
  expect(onIssue.code).toBe(0);
  expect(onIssue.stdout).toContain('Nothing to do: #3 is an issue, not a pull request');
  const other = await checklist(commentEvent({ id: 2, body: 'Looks good, edited' }));
  expect(other.code).toBe(0);
  expect(other.stdout).toContain('the edited comment on #7 is not the checklist');
  expect(github.requests).toEqual([]);
  expect(statuses).toEqual([]);
});

test("a ticked copy of the checklist in someone else's comment never counts", async () => {
  // The pull request's author pastes the checklist, every box ticked, before the action's first run...
  const forged = {
    id: 50,
    issue: 7,
    body: renderComment(DEFAULT_TEMPLATE).replace(/- \[ \]/g, '- [x]'),
    html_url: url(50),
    ...CONTRIBUTOR,
  };
  comments.push(forged);
  const opened = await checklist(pullRequestEvent('opened'));
  expect(opened.outputs).toEqual({ total: '8', checked: '0', complete: 'false' });
  expect(checklists().map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]']);
  expect(statuses).toEqual([
    expect.objectContaining({ state: 'failure', description: '0 of 8 items ticked' }),
  ]);

  // ...and edits it: ignored without a single API call.
  github.requests.length = 0;
  const edited = await checklist(commentEvent(forged));
  expect(edited.code).toBe(0);
  expect(edited.stdout).toContain('comment 50 on #7 carries the checklist marker but was written by mallory');
  expect(edited.outputs).toEqual({});
  expect(github.requests).toEqual([]);

  // A maintainer's ticked copy is not the checklist either: the action's own comment is.
  const copy = { ...forged, id: 51, html_url: url(51), ...MAINTAINER };
  comments.push(copy);
  const maintainers = await checklist(commentEvent(copy));
  expect(maintainers.code).toBe(0);
  expect(maintainers.stdout).toMatch(
    /comment 51 on #7 carries the checklist marker but the checklist is comment 10\d\d/,
  );
  expect(statuses).toHaveLength(1);
  expect(writes()).toEqual([]);
});

/** A workspace whose .github/review.md template `fixture` replaces with a named fixture file. */
function templateWorkspace(): { workspace: string; fixture: (name: string) => void } {
  const workspace = mkdtempSync(join(tmpdir(), 'checklist-ws-'));
  mkdirSync(join(workspace, '.github'));
  const fixture = (name: string): void =>
    copyFileSync(join(import.meta.dirname, 'fixtures', name), join(workspace, '.github/review.md'));
  return { workspace, fixture };
}

test("the issue_comment edit that the action's own rewrite fires changes nothing (no loop)", async () => {
  const { workspace, fixture } = templateWorkspace();
  fixture('old-template.md');
  await checklist(pullRequestEvent('opened'), { template: '.github/review.md' }, workspace);
  const [comment] = checklists();
  comment!.body = comment!.body.replace('- [ ] Unit tests', '- [x] Unit tests');

  // A reviewer ticks a box after the template changed: the comment is rewritten from the new template.
  fixture('new-template.md');
  github.requests.length = 0;
  const ticked = await checklist(commentEvent(comment!), { template: '.github/review.md' }, workspace);
  expect(ticked.outputs).toEqual({ total: '3', checked: '1', complete: 'false' });
  expect(writes()).toEqual([expect.objectContaining({ method: 'PATCH' })]);
  // That rewrite fires issue_comment edited again when the token is an app's or a person's (the workflow's
  // GITHUB_TOKEN fires nothing): this time the comment is current, so nothing is written.
  github.requests.length = 0;
  const echo = await checklist(commentEvent(comment!), { template: '.github/review.md' }, workspace);
  expect(echo.outputs).toEqual({ total: '3', checked: '1', complete: 'false' });
  expect(writes()).toEqual([]);
  expect(checklists()).toHaveLength(1);
});

test('pull_request closed (or labeled...) does nothing; an unsupported event fails, naming the ones to use', async () => {
  const closed = await checklist(pullRequestEvent('closed'));
  expect(closed.code).toBe(0);
  expect(closed.stdout).toContain(
    'Nothing to do: pull request #7 was closed; only opened, reopened, synchronize, edited update the checklist',
  );
  expect(github.requests).toEqual([]);
  expect(checklists()).toEqual([]);

  const review = await checklist({ ...pullRequestEvent('submitted'), name: 'pull_request_review' });
  expect(review.code).toBe(1);
  expect(review.errors).toEqual([
    expect.stringContaining("issue_comment (edited) events; this run was triggered by 'pull_request_review'"),
  ]);
  expect(github.requests).toEqual([]);
});

test('a fork pull request read-only token: warnings name the permissions, outputs are set, exit 0', async () => {
  forbidden = new Set(['comments', 'statuses']);
  const run = await checklist(pullRequestEvent('opened'));
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('');
  expect(run.errors).toEqual([]);
  expect(run.outputs).toEqual({ total: '8', checked: '0', complete: 'false' });
  expect(run.warnings).toEqual([
    expect.stringMatching(
      /could not comment on the pull request \(HTTP 403: Resource not accessible by integration\).*'pull-requests: write'/,
    ),
    expect.stringMatching(/could not set the commit status \(HTTP 403.*'statuses: write'/),
  ]);
  expect(run.warnings[0]).toContain('permissions: { pull-requests: write }');
  expect(run.warnings[0]).toContain('forks');
  expect(checklists()).toEqual([]);
  expect(run.summary).toContain('`pull-requests: write` and `statuses: write`');
});

test('comment mode keeps the comment and sets no status', async () => {
  const run = await checklist(pullRequestEvent('opened'), { mode: 'comment' });
  expect(run.code).toBe(0);
  expect(checklists()).toHaveLength(1);
  expect(statuses).toEqual([]);
  expect(github.calls('POST', '/repos/octo/shop/statuses/[0-9a-f]+')).toEqual([]);
});

test('a changed template file rewrites the comment in place, keeping ticks of items still there', async () => {
  const { workspace, fixture } = templateWorkspace();
  fixture('old-template.md');
  await checklist(pullRequestEvent('opened'), { template: '.github/review.md' }, workspace);
  const [comment] = checklists();
  expect(comment!.body).toContain('## Release review');
  comment!.body = comment!.body
    .replace('- [ ] Unit tests', '- [x] Unit tests')
    .replace('- [ ] The dashboard', '- [x] The dashboard');

  fixture('new-template.md');
  const run = await checklist(pullRequestEvent('synchronize'), { template: '.github/review.md' }, workspace);
  expect(run.code).toBe(0);
  expect(checklists()).toHaveLength(1);
  expect(github.calls('PATCH', `/repos/octo/shop/issues/comments/${comment!.id}`)).toHaveLength(1);
  expect(comment!.body).toContain('## Release review (v2)');
  expect(comment!.body).toContain('- [x] **Unit tests** were added');
  expect(comment!.body).toContain('- [ ] Feature flag defaults to off');
  expect(comment!.body).not.toContain('dashboard');
  expect(run.outputs).toEqual({ total: '3', checked: '1', complete: 'false' });
  expect(statuses.at(-1)).toMatchObject({ description: '1 of 3 items ticked', state: 'failure' });
});

test('a missing template file fails the step naming the input and the path', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'checklist-ws-'));
  const run = await checklist(pullRequestEvent('opened'), { template: 'docs/review.md' }, workspace);
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([
    expect.stringContaining(
      `Input 'template': "docs/review.md" is not valid: no such file at ${workspace}/docs/review.md`,
    ),
  ]);
  expect(github.requests).toEqual([]);
});
