import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderComment } from '../../src/checklist/checklist.js';
import { readRunnerEvent, readTrigger } from '../../src/checklist/event.js';
import { emptyState, stateLine } from '../../src/checklist/state.js';
import { UserError } from '../../src/errors.js';

const checklist = renderComment('- [ ] a', stateLine(emptyState(99)));
const actionsBot = { user: { login: 'github-actions[bot]', type: 'Bot' }, author_association: 'NONE' };

test('a pull_request event carries the number and head commit', () => {
  for (const action of ['opened', 'reopened', 'synchronize', 'edited']) {
    expect(
      readTrigger('pull_request', { action, pull_request: { number: 7, head: { sha: 'abc1234' } } }),
    ).toEqual({
      kind: 'pull-request',
      number: 7,
      headSha: 'abc1234',
    });
  }
  expect(
    readTrigger('pull_request', {
      action: 'synchronize',
      before: 'def0',
      pull_request: { number: 7, head: { sha: 'abc1234' }, user: { login: 'dave' } },
    }),
  ).toEqual({ kind: 'pull-request', number: 7, headSha: 'abc1234', author: 'dave', before: 'def0' });
});

test('a pull_request payload without a number or a head commit is a clear error', () => {
  for (const [pull, message] of [
    [
      { head: { sha: 'abc1234' } },
      'The pull_request event payload has no pull request number (pull_request.number is missing)',
    ],
    [{ number: '7', head: { sha: 'abc1234' } }, 'has no pull request number (pull_request.number is "7")'],
    [
      { number: 7 },
      'The pull_request event payload of #7 has no head commit (pull_request.head.sha is missing)',
    ],
    [{ number: 7, head: { sha: 'not a sha' } }, 'has no head commit (pull_request.head.sha is "not a sha")'],
  ] as const) {
    expect(() => readTrigger('pull_request', { action: 'opened', pull_request: pull })).toThrow(message);
  }
});

test('an event payload that is not JSON, or not an object, is a clear error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'event-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(dir, name) };
  };
  const error = (env: NodeJS.ProcessEnv) => {
    try {
      readRunnerEvent(env);
    } catch (e) {
      return e;
    }
    return undefined;
  };
  const notJson = error(write('bad.json', '{"action": "opened",'));
  expect(notJson).toBeInstanceOf(UserError);
  expect((notJson as Error).message).toContain(
    `The event payload GITHUB_EVENT_PATH=${dir}/bad.json is not JSON`,
  );
  expect((error(write('list.json', '[1]')) as Error).message).toContain('is not a JSON object');
  expect((error({ GITHUB_EVENT_PATH: join(dir, 'missing.json') }) as Error).message).toBe(
    `Input 'GITHUB_EVENT_PATH': ${JSON.stringify(join(dir, 'missing.json'))} is not valid: no such file`,
  );
  expect(readRunnerEvent(write('ok.json', '{"action":"opened"}'))).toEqual({
    name: 'pull_request',
    payload: { action: 'opened' },
  });
});

test('an edit of the checklist comment on a pull request is read from the comment', () => {
  const payload = {
    action: 'edited',
    issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/o/r/pulls/7' } },
    comment: { id: 99, body: checklist, ...actionsBot },
    changes: { body: { from: 'before' } },
    sender: { login: 'maria' },
  };
  expect(readTrigger('issue_comment', payload)).toEqual({
    kind: 'checklist-edited',
    number: 7,
    commentId: 99,
    body: checklist,
    from: 'before',
    sender: 'maria',
    commentAuthor: { login: 'github-actions[bot]', bot: true, association: 'NONE' },
  });
});

test('comments on plain issues, other comments and new comments are ignored', () => {
  expect(
    readTrigger('issue_comment', {
      action: 'edited',
      issue: { number: 3 },
      comment: { id: 1, body: checklist },
    }),
  ).toEqual({ kind: 'ignored', reason: '#3 is an issue, not a pull request' });
  const pr = { number: 7, pull_request: {} };
  expect(
    readTrigger('issue_comment', { action: 'edited', issue: pr, comment: { id: 1, body: 'LGTM' } }),
  ).toEqual({
    kind: 'ignored',
    reason: 'the edited comment on #7 is not the checklist',
  });
  expect(
    readTrigger('issue_comment', { action: 'created', issue: pr, comment: { id: 1, body: checklist } }),
  ).toMatchObject({
    kind: 'ignored',
  });
});

test('an edit of a copy of the checklist (its record names another comment, or it has none) is ignored', () => {
  const pr = { number: 7, pull_request: {} };
  for (const [id, body] of [
    [5, checklist.replace('[ ]', '[x]')],
    [6, renderComment('- [x] a')],
  ] as const) {
    for (const author of [
      { user: { login: 'mallory', type: 'User' }, author_association: 'CONTRIBUTOR' },
      actionsBot,
      { user: null },
    ]) {
      expect(
        readTrigger('issue_comment', { action: 'edited', issue: pr, comment: { id, body, ...author } }),
      ).toEqual({
        kind: 'ignored',
        reason: `comment ${id} on #7 carries the checklist marker but is not the action's checklist (written by ${author.user?.login ?? 'a deleted account'})`,
      });
    }
  }
});

test('pull_request actions other than opened, reopened, synchronize and edited are ignored', () => {
  for (const action of ['closed', 'labeled', 'assigned', 'converted_to_draft']) {
    expect(
      readTrigger('pull_request', { action, pull_request: { number: 7, head: { sha: 'abc1234' } } }),
    ).toEqual({
      kind: 'ignored',
      reason: `pull request #7 was ${action}; only opened, reopened, synchronize, edited update the checklist`,
    });
  }
});

test('any other event is an error that names the events to use, even one that carries a pull request', () => {
  expect(() => readTrigger('push', { ref: 'refs/heads/main' })).toThrow(
    /runs on pull_request \(opened, reopened, synchronize, edited\) and issue_comment \(edited\) events; this run was triggered by 'push'/,
  );
  const review = { action: 'edited', pull_request: { number: 7, head: { sha: 'abc1234' } } };
  expect(() => readTrigger('pull_request_review', review)).toThrow(/triggered by 'pull_request_review'/);
});

describe('the runner event payload file', () => {
  test('a FIFO at GITHUB_EVENT_PATH is refused at once, never waited on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-'));
    const fifo = join(dir, 'event.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readRunnerEvent({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: fifo })).toThrow(
      /Input 'GITHUB_EVENT_PATH': .* a named pipe \(FIFO\), not a regular file/,
    );
  });
});
