import { renderComment } from '../../src/checklist/checklist.js';
import { DEFAULT_TEMPLATE } from '../../src/checklist/default-template.js';
import type { ChecklistGitHub, CommitStatus, PullComment } from '../../src/checklist/github.js';
import { runChecklist } from '../../src/checklist/run.js';
import { recordInputs } from '../../src/inputs.js';

// runChecklist against an in-memory API, for the failure paths the end-to-end tests do not cover.
class HttpError extends Error {
  constructor(readonly status: number) {
    super(status === 403 ? 'Resource not accessible by integration' : 'Server Error');
  }
}

function memoryGitHub(fail: Partial<Record<keyof ChecklistGitHub, number>> = {}) {
  const comments: PullComment[] = [];
  const statuses: { sha: string; status: CommitStatus }[] = [];
  const guard = (name: keyof ChecklistGitHub) => {
    if (fail[name]) throw new HttpError(fail[name]);
  };
  const api: ChecklistGitHub = {
    async findComment(_pull, matches) {
      guard('findComment');
      return comments.find(matches);
    },
    async createComment(_pull, body) {
      guard('createComment');
      const id = comments.length + 1;
      const comment = { id, body, url: `https://example/${id}`, author: actions };
      comments.push(comment);
      return comment;
    },
    async updateComment(id, body) {
      guard('updateComment');
      const comment = comments.find((c) => c.id === id)!;
      comment.body = body;
      return comment;
    },
    async headSha() {
      guard('headSha');
      return 'f'.repeat(40);
    },
    async setStatus(sha, status) {
      guard('setStatus');
      statuses.push({ sha, status });
    },
  };
  return { api, comments, statuses };
}

const actions = { login: 'github-actions[bot]', bot: true, association: 'NONE' };
const inputs = recordInputs({ 'github-token': 't', mode: 'require' });
const opened = {
  name: 'pull_request',
  payload: { action: 'opened', pull_request: { number: 4, head: { sha: 'a'.repeat(40) } } },
};

test('when the comments cannot be read, nothing is posted (it could be a duplicate) and the count still comes out', async () => {
  const github = memoryGitHub({ findComment: 403 });
  const result = await runChecklist(inputs, { github: github.api, event: opened, repository: 'o/r' });
  expect(github.comments).toEqual([]);
  expect(result).toMatchObject({
    comment: 'not-written',
    tally: { total: 8, checked: 0, complete: false },
    status: 'failure',
    missingPermissions: ['pull-requests: write'],
  });
  expect(github.statuses).toHaveLength(1);
});

test('an edit event whose pull request cannot be read reports the count but sets no status', async () => {
  const github = memoryGitHub({ headSha: 404 });
  const body = renderComment(DEFAULT_TEMPLATE).replace(/- \[ \]/g, '- [x]');
  github.comments.push({ id: 9, body, url: 'https://example/9', author: actions });
  const comment = { id: 9, body, user: { login: actions.login, type: 'Bot' }, author_association: 'NONE' };
  const event = {
    name: 'issue_comment',
    payload: { action: 'edited', issue: { number: 4, pull_request: {} }, comment },
  };
  const result = await runChecklist(inputs, { github: github.api, event, repository: 'o/r' });
  expect(result).toMatchObject({ tally: { total: 8, checked: 8, complete: true }, status: 'not-set' });
  expect(result.missingPermissions).toEqual(['pull-requests: write']);
  expect(github.statuses).toEqual([]);
});

test('an edit event whose comments cannot be listed counts the edited comment as the event carries it', async () => {
  const github = memoryGitHub({ findComment: 403 });
  const body = renderComment(DEFAULT_TEMPLATE).replace(/- \[ \]/g, '- [x]');
  const comment = { id: 9, body, user: { login: actions.login, type: 'Bot' }, author_association: 'NONE' };
  const event = {
    name: 'issue_comment',
    payload: { action: 'edited', issue: { number: 4, pull_request: {} }, comment },
  };
  const result = await runChecklist(inputs, { github: github.api, event, repository: 'o/r' });
  expect(result).toMatchObject({
    comment: 'unchanged',
    tally: { checked: 8, complete: true },
    status: 'success',
  });
  expect(result.missingPermissions).toEqual(['pull-requests: write']);
});

test('an edit event for a checklist deleted since fails the step, saying how to get one back', async () => {
  const github = memoryGitHub();
  const body = renderComment(DEFAULT_TEMPLATE);
  const comment = { id: 9, body, user: { login: actions.login, type: 'Bot' }, author_association: 'NONE' };
  const event = {
    name: 'issue_comment',
    payload: { action: 'edited', issue: { number: 4, pull_request: {} }, comment },
  };
  await expect(runChecklist(inputs, { github: github.api, event, repository: 'o/r' })).rejects.toThrow(
    'Pull request #4 has no checklist comment any more (comment 9 was deleted or lost its marker)',
  );
  expect(github.statuses).toEqual([]);
});

test('other API failures (a GitHub outage) fail the step rather than pass silently', async () => {
  const github = memoryGitHub({ createComment: 502 });
  await expect(
    runChecklist(inputs, { github: github.api, event: opened, repository: 'o/r' }),
  ).rejects.toThrow('Server Error');
});

test('an ignored event touches nothing', async () => {
  const github = memoryGitHub({ findComment: 500, setStatus: 500 });
  const event = {
    name: 'issue_comment',
    payload: { action: 'edited', issue: { number: 2 }, comment: { id: 1, body: 'x' } },
  };
  await expect(runChecklist(inputs, { github: github.api, event, repository: 'o/r' })).resolves.toEqual({
    comment: 'ignored',
    missingPermissions: [],
  });
});
