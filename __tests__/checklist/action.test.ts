import { copyFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/run-action.js';
import { runnerCommands } from '../support/workflow-commands.js';
import { DAVE, MALLORY, MARIA, NEXT_HEAD, OTHER_APP, PullRequestApi, tickAll } from './pull-request-api.js';

// The built dist/checklist bundle, run on Node 24 as the runner runs it, against the GitHub stand-in.
const api = new PullRequestApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  // Three ordinary comments first, so the checklist lands on the second page.
  for (const n of [1, 2, 3]) api.post(MALLORY, `Looks good ${n}`);
});

function checklist(
  event: { name: string; payload: unknown },
  inputs: Record<string, string> = {},
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ActionRun> {
  return runAction('checklist', {
    inputs: { mode: 'require', 'github-token': 'ghs_test', ...inputs },
    env: { GITHUB_API_URL: api.github.url, GITHUB_EVENT_NAME: event.name, ...options.env },
    event: event.payload,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
}

const last = () => api.statuses.at(-1)!;

test('the first run posts the checklist and a failing status; a second run adds nothing', async () => {
  const first = await checklist(api.pullRequestEvent('opened'));
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.outputs).toEqual({ total: '8', checked: '0', complete: 'false' });
  expect(api.checklists()).toHaveLength(1);
  const [posted] = api.checklists();
  expect(posted!.body).toContain('### Testing');
  expect(posted!.body).toContain(`<!-- safe-deploy:checklist-state `);
  expect(api.statuses).toEqual([
    {
      sha: api.head,
      state: 'failure',
      context: 'safe-deploy/checklist',
      description: expect.stringMatching(/^0 of 8 items ticked · record [0-9a-f]{12}$/),
      target_url: posted!.html_url,
      creator: { login: 'github-actions[bot]' },
    },
  ]);
  expect(first.summary).toContain('0 of 8 items ticked');
  // Every page of comments was read before posting.
  expect(
    api.github.calls('GET', '/repos/octo/shop/issues/7/comments').map((r) => r.query.get('page') ?? '1'),
  ).toEqual(['1', '2']);

  api.github.requests.length = 0;
  const before = api.head;
  api.head = NEXT_HEAD;
  const second = await checklist(api.pullRequestEvent('synchronize', before));
  expect(second.code).toBe(0);
  expect(api.writes()).toEqual([]);
  expect(api.checklists()).toHaveLength(1);
  expect(last()).toMatchObject({ sha: NEXT_HEAD, state: 'failure' });
});

test("a maintainer's ticks turn the status to success and carry over a push; the author's are put back", async () => {
  await checklist(api.pullRequestEvent('opened'));
  const [comment] = api.checklists();

  const byAuthor = await checklist(api.edit(comment!.id, DAVE, tickAll));
  expect(byAuthor.code).toBe(0);
  expect(byAuthor.outputs).toEqual({ total: '8', checked: '0', complete: 'false' });
  expect(byAuthor.warnings).toEqual([
    expect.stringContaining("Put back 8 answer(s) changed by dave: dave is the pull request's author"),
  ]);
  expect(comment!.body).not.toContain('- [x]');

  api.head = NEXT_HEAD;
  const byMaintainer = await checklist(api.edit(comment!.id, MARIA, tickAll));
  expect(byMaintainer.outputs).toEqual({ total: '8', checked: '8', complete: 'true' });
  expect(byMaintainer.stdout).toContain('Counted 8 answer(s) by maria');
  // The event does not carry the head commit, so the pull request was looked up.
  expect(last()).toMatchObject({ sha: NEXT_HEAD, state: 'success' });

  const pushed = 'cccccccccccccccccccccccccccccccccccccccc';
  api.head = pushed;
  const push = await checklist(api.pullRequestEvent('synchronize', NEXT_HEAD));
  expect(push.outputs.complete).toBe('true');
  expect(last()).toMatchObject({ sha: pushed, state: 'success' });
});

test('an edit of a copy of the checklist is ignored without a single API call', async () => {
  await checklist(api.pullRequestEvent('opened'));
  const [real] = api.checklists();
  const copy = api.post(MALLORY, tickAll(real!.body));
  api.github.requests.length = 0;
  const run = await checklist(api.editEvent(copy, real!.body, MALLORY));
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(
    `comment ${copy.id} on #7 carries the checklist marker but is not the action's checklist`,
  );
  expect(api.github.requests).toEqual([]);
  expect(api.statuses).toHaveLength(1);
});

test('pull_request closed does nothing; an unsupported event fails, naming the ones to use', async () => {
  const closed = await checklist(api.pullRequestEvent('closed'));
  expect(closed.code).toBe(0);
  expect(closed.stdout).toContain('Nothing to do: pull request #7 was closed');
  const review = await checklist({ ...api.pullRequestEvent('submitted'), name: 'pull_request_review' });
  expect(review.code).toBe(1);
  expect(review.errors).toEqual([
    expect.stringContaining("issue_comment (edited) events; this run was triggered by 'pull_request_review'"),
  ]);
  expect(api.github.requests).toEqual([]);
});

test('an event payload that is not JSON, or a pull_request without a head, fails plainly (no stack)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checklist-event-'));
  writeFileSync(join(dir, 'event.json'), '{"action": "opened", ');
  const notJson = await checklist(
    api.pullRequestEvent('opened'),
    {},
    { env: { GITHUB_EVENT_PATH: join(dir, 'event.json') } },
  );
  expect(notJson.code).toBe(1);
  expect(notJson.errors).toEqual([
    expect.stringMatching(/^The event payload GITHUB_EVENT_PATH=.*event\.json is not JSON/),
  ]);
  expect(notJson.stderr).toBe('');
  const headless = await checklist({
    name: 'pull_request',
    payload: { action: 'opened', pull_request: { number: 7 } },
  });
  expect(headless.code).toBe(1);
  expect(headless.errors).toEqual([
    'The pull_request event payload of #7 has no head commit (pull_request.head.sha is missing)',
  ]);
  expect(api.github.requests).toEqual([]);
});

test('a fork pull request read-only token: warnings name the permissions, outputs are set, exit 0', async () => {
  api.forbidden = new Set(['comments', 'statuses']);
  const run = await checklist(api.pullRequestEvent('opened'));
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
  expect(api.checklists()).toEqual([]);
  expect(run.summary).toContain('`pull-requests: write` and `statuses: write`');
});

test('a spent rate limit (HTTP 403) fails the run saying so, not as a missing permission', async () => {
  api.rateLimited = true;
  const run = await checklist(api.pullRequestEvent('opened'));
  expect(run.code).toBe(1);
  expect(run.warnings.join('\n')).not.toMatch(/needs the permission/);
  expect(run.errors.join('\n')).toMatch(/rate limit/i);
  expect(api.checklists()).toEqual([]);
});

test('comment mode keeps the comment and sets no status', async () => {
  const run = await checklist(api.pullRequestEvent('opened'), { mode: 'comment' });
  expect(run.code).toBe(0);
  expect(api.checklists()).toHaveLength(1);
  expect(api.statuses).toEqual([]);
});

/** A workspace whose .github/review.md template `fixture` replaces with a named fixture file. */
function templateWorkspace(): { workspace: string; fixture: (name: string) => void } {
  const workspace = mkdtempSync(join(tmpdir(), 'checklist-ws-'));
  mkdirSync(join(workspace, '.github'));
  const fixture = (name: string): void =>
    copyFileSync(join(import.meta.dirname, 'fixtures', name), join(workspace, '.github/review.md'));
  return { workspace, fixture };
}

test('a changed template file rewrites the comment in place, keeping answers to items still there', async () => {
  const { workspace, fixture } = templateWorkspace();
  const template = { template: '.github/review.md' };
  fixture('old-template.md');
  await checklist(api.pullRequestEvent('opened'), template, { cwd: workspace });
  const [comment] = api.checklists();
  expect(comment!.body).toContain('## Release review');
  await checklist(
    api.edit(comment!.id, MARIA, (b) =>
      b.replace('- [ ] Unit tests', '- [x] Unit tests').replace('- [ ] The dashboard', '- [x] The dashboard'),
    ),
    template,
    { cwd: workspace },
  );

  fixture('new-template.md');
  const run = await checklist(api.pullRequestEvent('edited'), template, { cwd: workspace });
  expect(run.code).toBe(0);
  expect(api.checklists()).toHaveLength(1);
  expect(comment!.body).toContain('## Release review (v2)');
  expect(comment!.body).toContain('- [x] **Unit tests** were added');
  expect(comment!.body).toContain('- [ ] Feature flag defaults to off');
  expect(comment!.body).not.toContain('dashboard');
  expect(run.outputs).toEqual({ total: '3', checked: '1', complete: 'false' });
  expect(last()).toMatchObject({
    description: expect.stringContaining('1 of 3 items ticked'),
    state: 'failure',
  });
});

test('a missing template file fails the step naming the input and the path', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'checklist-ws-'));
  const run = await checklist(
    api.pullRequestEvent('opened'),
    { template: 'docs/review.md' },
    { cwd: workspace },
  );
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([
    expect.stringContaining(
      `Input 'template': "docs/review.md" is not valid: no such file at ${workspace}/docs/review.md`,
    ),
  ]);
  expect(api.github.requests).toEqual([]);
});

test('item text from the comment is logged so the runner reads no command in it', async () => {
  await checklist(api.pullRequestEvent('opened'));
  const [comment] = api.checklists();
  const run = await checklist(
    api.edit(
      comment!.id,
      MARIA,
      (b) => `${b}- [x] ::add-mask::ghs_x\n- [x] ##[set-output name=complete]true\n`,
    ),
  );
  // Logged (as the item's normalised key), but inside stop-commands.
  expect(run.stdout).toContain('"::add-mask::ghsx" ticked by maria');
  const acted = runnerCommands(run.stdout).map((c) => c.name);
  expect(acted).not.toContain('set-output');
  expect(
    runnerCommands(run.stdout)
      .filter((c) => c.name === 'add-mask')
      .map((c) => c.data),
  ).toEqual(['ghs_test']);
});

test('with RUNNER_DEBUG=1 the token appears only in its add-mask command, even when the API fails', async () => {
  api.outage = true;
  const run = await checklist(api.pullRequestEvent('opened'), {}, { env: { RUNNER_DEBUG: '1' } });
  expect(run.code).toBe(1);
  const lines = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.includes('ghs_test'));
  expect(lines).toEqual(['::add-mask::ghs_test']);
  // The stack went to the debug log, and still held no token.
  expect(run.stdout).toMatch(/::debug::HttpError: Server Error/);
});

test("another app's pre-answered copy, with its own status vouching for it, is ignored: the action posts its own", async () => {
  const forged = api.forge(OTHER_APP);
  const run = await checklist(api.pullRequestEvent('opened'));
  expect(run.code).toBe(0);
  expect(run.outputs).toEqual({ total: '8', checked: '0', complete: 'false' });
  expect(run.warnings).toEqual([
    expect.stringContaining(
      `posted by other-app[bot], not by github-actions[bot] (the github-token's account)`,
    ),
  ]);
  const [checklist_] = api.checklists();
  expect(checklist_!.id).not.toBe(forged.id);
  expect(last()).toMatchObject({ state: 'failure', creator: { login: 'github-actions[bot]' } });
  // Its edit of the copy is not taken for an edit of the checklist.
  const edited = await checklist(api.edit(forged.id, OTHER_APP, (b) => b));
  expect(edited.stdout).toContain(
    `Nothing to do: comment ${forged.id} on #7 carries the checklist marker but the checklist is comment ${checklist_!.id}`,
  );
  expect(last()).toMatchObject({ state: 'failure', creator: { login: 'github-actions[bot]' } });
});
