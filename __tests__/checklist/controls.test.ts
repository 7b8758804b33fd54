import { parseItems, renderComment } from '../../src/checklist/checklist.js';
import { DEFAULT_TEMPLATE } from '../../src/checklist/default-template.js';
import { octokitChecklistGitHub } from '../../src/checklist/github.js';
import { runChecklist, type ChecklistResult } from '../../src/checklist/run.js';
import { readState } from '../../src/checklist/state.js';
import { recordInputs } from '../../src/inputs.js';
import {
  ACTIONS_BOT,
  DAVE,
  MALLORY,
  MARIA,
  NEXT_HEAD,
  OTHER_APP,
  PullRequestApi,
  tickAll,
  type Comment,
} from './pull-request-api.js';

// Every way around the checklist, run in-process through the real Octokit adapter against the stand-in.
const api = new PullRequestApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(() => api.reset());

function run(
  event: { name: string; payload: unknown },
  inputs: Record<string, string> = {},
): Promise<ChecklistResult> {
  const github = octokitChecklistGitHub({
    token: 'ghs_test',
    owner: 'octo',
    repo: 'shop',
    baseUrl: api.github.url,
  });
  return runChecklist(recordInputs({ 'github-token': 'ghs_test', mode: 'require', ...inputs }), {
    github,
    event,
    repository: 'octo/shop',
  });
}

/** The action's checklist, posted by a first run. */
async function posted(inputs: Record<string, string> = {}): Promise<Comment> {
  await run(api.pullRequestEvent('opened'), inputs);
  const [checklist] = api.checklists();
  return checklist!;
}

const last = () => api.statuses.at(-1)!;
const record = (comment: Comment) => {
  const state = readState(comment.body);
  return typeof state === 'object' ? Object.fromEntries(state.answers) : state;
};

test('the posted checklist names its own id in its record; a maintainer ticking every box completes it', async () => {
  const checklist = await posted();
  expect(readState(checklist.body)).toEqual({ comment: checklist.id, answers: new Map() });
  expect(last()).toMatchObject({
    state: 'failure',
    description: expect.stringMatching(/^0 of 8 items ticked · record [0-9a-f]{12}$/),
  });

  const result = await run(api.edit(checklist.id, MARIA, tickAll));
  expect(result).toMatchObject({ tally: { checked: 8, complete: true }, status: 'success', reverted: [] });
  expect(last()).toMatchObject({ sha: api.head, state: 'success' });
  expect(Object.values(record(checklist) as object).map((a: { by: string }) => a.by)).toEqual(
    Array(8).fill('maria'),
  );
});

describe('an edit by someone not allowed to answer is put back', () => {
  test("the pull request's author, even with write access", async () => {
    const checklist = await posted();
    const result = await run(api.edit(checklist.id, DAVE, tickAll));
    expect(result).toMatchObject({ tally: { checked: 0, complete: false }, status: 'failure' });
    expect(result.reverted).toHaveLength(8);
    expect(checklist.body).not.toContain('- [x]');
    expect(record(checklist)).toEqual({});
    expect(last().state).toBe('failure');
  });

  test('a reader (read access) or a stranger (not a collaborator)', async () => {
    const checklist = await posted();
    for (const sender of [MALLORY, { ...MALLORY, user: { login: 'stranger', type: 'User' as const } }]) {
      const result = await run(api.edit(checklist.id, sender, (b) => b.replace('- [ ]', '- [x]')));
      expect(result).toMatchObject({
        tally: { checked: 0 },
        status: 'failure',
        reverted: [expect.stringContaining(`by ${sender.user.login}`)],
      });
      expect(checklist.body).not.toContain('- [x]');
    }
  });

  test('striking an item through (which takes it out of the count) needs the same right as ticking it', async () => {
    const checklist = await posted();
    const strikeAll = (b: string) => b.replace(/- \[ \] (.*)/g, '- [ ] ~~$1~~');
    const result = await run(api.edit(checklist.id, DAVE, strikeAll));
    expect(result.tally).toMatchObject({ total: 8, checked: 0 });
    expect(parseItems(checklist.body).filter((item) => item.struck)).toEqual([]);
  });

  test('unless the authors-may-tick input or the template allows authors', async () => {
    const checklist = await posted({ 'authors-may-tick': 'true' });
    const result = await run(api.edit(checklist.id, DAVE, tickAll), { 'authors-may-tick': 'true' });
    expect(result).toMatchObject({ tally: { complete: true }, status: 'success' });
  });

  test("a maintainer's ticks count while the author's in the same comment do not", async () => {
    const checklist = await posted();
    await run(api.edit(checklist.id, MARIA, (b) => b.replace('- [ ]', '- [x]')));
    const result = await run(api.edit(checklist.id, DAVE, tickAll));
    expect(result.tally).toMatchObject({ checked: 1, complete: false });
    expect(checklist.body.match(/- \[x\]/g)).toHaveLength(1);
  });
});

describe("only the action's own comment is the checklist", () => {
  test("a copied marker in a reader's comment, even one naming the checklist's id, is ignored", async () => {
    const checklist = await posted();
    const copy = api.post(MALLORY, tickAll(checklist.body));
    const result = await run(api.editEvent(copy, copy.body.replace('- [x]', '- [ ]'), MALLORY));
    expect(result.comment).toBe('ignored');
    const again = await run(api.pullRequestEvent('synchronize'));
    expect(again).toMatchObject({ tally: { checked: 0 }, status: 'failure' });
  });

  test("a reader's copy that names its own id is not the checklist", async () => {
    const checklist = await posted();
    const copy = api.post(MALLORY, '');
    copy.body = tickAll(checklist.body).replace(/checklist-state \S+/, `checklist-state ${stateOf(copy.id)}`);
    const result = await run(api.editEvent(copy, '', MALLORY));
    expect(result.comment).toBe('ignored');
    expect(api.statuses.at(-1)!.state).toBe('failure');
  });

  test("another workflow's github-actions[bot] copy, or another app's, posted before the action, is cleared", async () => {
    for (const account of [ACTIONS_BOT, OTHER_APP]) {
      api.reset();
      // Pre-ticked, with a record of maintainer answers, and naming its own id: as forged as it gets.
      const forged = api.post(account, '');
      const answers = 'unit and integration tests were added or updated for the new behaviour';
      forged.body = `<!-- safe-deploy:checklist -->\n<!-- safe-deploy:checklist-state ${stateOf(forged.id, [answers])} -->\n- [x] Unit and integration tests were added or updated for the new behaviour`;
      const result = await run(api.pullRequestEvent('opened'));
      // No status the action set carries that record's fingerprint, so nothing in it counts.
      expect(result.tally).toMatchObject({ checked: 0, complete: false });
      expect(last().state).toBe('failure');
    }
  });
});

test('an edit of the hidden record is refused whole, even by a maintainer', async () => {
  const checklist = await posted();
  const forged = stateOf(checklist.id, [
    'the change can be merged right away (nothing else has to ship or happen first)',
  ]);
  const result = await run(
    api.edit(checklist.id, MARIA, (b) =>
      tickAll(b).replace(/checklist-state \S+/, `checklist-state ${forged}`),
    ),
  );
  expect(result).toMatchObject({ tally: { checked: 0 }, status: 'failure' });
  expect(record(checklist)).toEqual({});
});

test('a record edited while no run was watching (a skipped run) fails its fingerprint and is cleared', async () => {
  const checklist = await posted();
  await run(api.edit(checklist.id, MARIA, (b) => b.replace('- [ ]', '- [x]')));
  // Someone rewrites the comment with a record of eight answers, and the run for that edit never happens.
  const keys = Object.keys(record(checklist) as object);
  const all = [...keys, 'the commands run to test this change are written below'];
  checklist.body = tickAll(checklist.body).replace(
    /checklist-state \S+/,
    `checklist-state ${stateOf(checklist.id, all)}`,
  );
  const result = await run(api.pullRequestEvent('edited'));
  expect(result.tally).toMatchObject({ checked: 0, complete: false });
  expect(record(checklist)).toEqual({});
});

test('ticks in the comment that no run attributed are put back on the next run', async () => {
  const checklist = await posted();
  checklist.body = tickAll(checklist.body);
  const result = await run(api.pullRequestEvent('edited'));
  expect(result.tally).toMatchObject({ checked: 0 });
  expect(result.reverted).toHaveLength(8);
  expect(checklist.body).not.toContain('- [x]');
});

test('answers are carried over a new push, as documented, and the new head gets the status they earn', async () => {
  const checklist = await posted();
  await run(api.edit(checklist.id, MARIA, tickAll));
  const before = api.head;
  api.head = NEXT_HEAD;
  const pushed = await run(api.pullRequestEvent('synchronize', before));
  expect(pushed).toMatchObject({ tally: { complete: true }, status: 'success', comment: 'unchanged' });
  expect(last()).toMatchObject({ sha: NEXT_HEAD, state: 'success' });
});

test('an allowed edit that raced a run is attributed by its own event', async () => {
  const checklist = await posted();
  // maria ticks one box, then carol another before the first run reads the comment.
  api.permissions.carol = 'write';
  const first = api.edit(checklist.id, MARIA, (b) => b.replace('- [ ]', '- [x]'));
  const second = api.edit(checklist.id, { ...MARIA, user: { login: 'carol', type: 'User' } }, (b) =>
    b.replace('- [ ]', '- [x]'),
  );
  await run(first);
  const result = await run(second);
  expect(result.tally).toMatchObject({ checked: 2 });
  expect(
    Object.values(record(checklist) as object)
      .map((a: { by: string }) => a.by)
      .sort(),
  ).toEqual(['carol', 'maria']);
});

/** A base64url record for comment `id` with `keys` answered by maria. */
function stateOf(id: number, keys: string[] = []): string {
  const json = JSON.stringify({
    comment: id,
    answers: keys.map((key) => [key, { answer: 'checked', by: 'maria' }]),
  });
  return Buffer.from(json).toString('base64url');
}

describe("another account's forged checklist, with a status vouching for its record, is ignored", () => {
  test("another app's, posted before the action's first run", async () => {
    const forged = api.forge(OTHER_APP);
    const result = await run(api.pullRequestEvent('opened'));
    expect(result).toMatchObject({ comment: 'created', tally: { checked: 0, complete: false } });
    expect(last()).toMatchObject({ state: 'failure', creator: { login: 'github-actions[bot]' } });
    const [checklist] = api.checklists();
    expect(checklist!.id).not.toBe(forged.id);
    expect(api.writes().map((w) => w.path)).not.toContain(`/repos/octo/shop/issues/comments/${forged.id}`);
  });

  test("another app's edit of its own copy is not taken for an edit of the checklist", async () => {
    const forged = api.forge(OTHER_APP);
    const result = await run(api.editEvent(forged, renderComment(DEFAULT_TEMPLATE), OTHER_APP));
    expect(result.comment).toBe('ignored');
    expect(api.statuses.map((s) => s.creator.login)).toEqual(['other-app[bot]']);
    // The action's own next run posts its checklist, and the copy counts for nothing.
    const next = await run(api.pullRequestEvent('synchronize'));
    expect(next).toMatchObject({ comment: 'created', tally: { checked: 0 }, status: 'failure' });
  });

  test("with a personal access token, a maintainer's own copy is not the checklist: only the token's user's is", async () => {
    api.token = MARIA;
    const forged = api.forge(DAVE);
    const result = await run(api.pullRequestEvent('opened'));
    expect(result).toMatchObject({ comment: 'created', tally: { checked: 0 }, status: 'failure' });
    expect(api.checklists().map((c) => c.user.login)).toEqual(['maria']);
    expect(api.checklists()[0]!.id).not.toBe(forged.id);
  });
});

test('a checklist from an earlier version (no record) is left alone: the action posts its own', async () => {
  const legacy = api.post(ACTIONS_BOT, tickAll(renderComment(DEFAULT_TEMPLATE)));
  const result = await run(api.pullRequestEvent('opened'));
  expect(result).toMatchObject({ comment: 'created', tally: { checked: 0 }, status: 'failure' });
  expect(api.checklists().map((c) => c.id)).toEqual([legacy.id, expect.any(Number)]);
  expect(legacy.body).toBe(tickAll(renderComment(DEFAULT_TEMPLATE)));
});

test('a second, forged record line put before the real one is refused, and the real record stays first', async () => {
  const checklist = await posted();
  const forged = `<!-- safe-deploy:checklist-state ${stateOf(checklist.id, ['the change can deploy without triggering alarms'])} -->`;
  const result = await run(
    api.edit(checklist.id, MARIA, (b) =>
      tickAll(b).replace('<!-- safe-deploy:checklist -->', `<!-- safe-deploy:checklist -->\n${forged}`),
    ),
  );
  expect(result.tally).toMatchObject({ checked: 0 });
  expect(record(checklist)).toEqual({});
  // The next tick by a maintainer counts as usual.
  const next = await run(api.edit(checklist.id, MARIA, (b) => b.replace('- [ ]', '- [x]')));
  expect(next.tally).toMatchObject({ checked: 1 });
});

test('deleting a ticked item, or fencing it off, leaves it unticked: the count never goes up', async () => {
  const checklist = await posted();
  await run(api.edit(checklist.id, MARIA, tickAll));
  const result = await run(
    api.edit(checklist.id, DAVE, (b) =>
      b
        .replace(/- \[x\] Unit and integration tests.*\n/, '')
        .replace('### Rollout', '```\n### Rollout')
        .concat('```\n'),
    ),
  );
  expect(result.tally).toMatchObject({ total: 8, complete: false });
  expect(result.tally!.checked).toBeLessThan(8);
  expect(last().state).toBe('failure');
});
