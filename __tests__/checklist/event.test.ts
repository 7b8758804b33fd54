import { renderComment } from '../../src/checklist/checklist.js';
import { readTrigger } from '../../src/checklist/event.js';

const checklist = renderComment('- [ ] a');
const actionsBot = { user: { login: 'github-actions[bot]', type: 'Bot' }, author_association: 'NONE' };

test('a pull_request event carries the number and head commit', () => {
  for (const action of ['opened', 'reopened', 'synchronize', 'edited']) {
    expect(
      readTrigger('pull_request', { action, pull_request: { number: 7, head: { sha: 'abc' } } }),
    ).toEqual({
      kind: 'pull-request',
      number: 7,
      headSha: 'abc',
    });
  }
});

test('an edit of the checklist comment on a pull request is read from the comment', () => {
  const payload = {
    action: 'edited',
    issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/o/r/pulls/7' } },
    comment: { id: 99, body: checklist, ...actionsBot },
  };
  expect(readTrigger('issue_comment', payload)).toEqual({
    kind: 'checklist-edited',
    number: 7,
    commentId: 99,
    body: checklist,
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

test("an edit of a copy of the checklist in a contributor's own comment is ignored", () => {
  const pr = { number: 7, pull_request: {} };
  const copy = { id: 5, body: checklist.replace('[ ]', '[x]') };
  for (const author of [
    { user: { login: 'mallory', type: 'User' }, author_association: 'CONTRIBUTOR' },
    { user: { login: 'mallory', type: 'User' }, author_association: 'FIRST_TIME_CONTRIBUTOR' },
    { user: null },
  ]) {
    expect(
      readTrigger('issue_comment', { action: 'edited', issue: pr, comment: { ...copy, ...author } }),
    ).toEqual({
      kind: 'ignored',
      reason: `comment 5 on #7 carries the checklist marker but was written by ${author.user ? 'mallory' : 'a deleted account'}, not by the action or a maintainer`,
    });
  }
});

test('pull_request actions other than opened, reopened, synchronize and edited are ignored', () => {
  for (const action of ['closed', 'labeled', 'assigned', 'converted_to_draft']) {
    expect(
      readTrigger('pull_request', { action, pull_request: { number: 7, head: { sha: 'abc' } } }),
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
  const review = { action: 'edited', pull_request: { number: 7, head: { sha: 'abc' } } };
  expect(() => readTrigger('pull_request_review', review)).toThrow(/triggered by 'pull_request_review'/);
});
