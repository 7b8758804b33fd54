import { renderComment } from '../../src/checklist/checklist.js';
import { DEFAULT_TEMPLATE } from '../../src/checklist/default-template.js';
import type { ChecklistGitHub, CommitStatus, PullComment } from '../../src/checklist/github.js';
import { runChecklist } from '../../src/checklist/run.js';
import { emptyState, stateLine } from '../../src/checklist/state.js';
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
    async identity() {
      guard('identity');
      return actions.login;
    },
    async findComments(_pull, matches) {
      guard('findComments');
      return comments.filter(matches);
    },
    async createComment(_pull, body) {
      guard('createComment');
      const id = comments.length + 1;
      const comment = { id, body, url: `https://example/${id}`, author: actions };
      comments.push(comment);
      return { ...comment };
    },
    async updateComment(id, body) {
      guard('updateComment');
      const comment = comments.find((c) => c.id === id)!;
      comment.body = body;
      return { ...comment };
    },
    async pullRequest() {
      guard('pullRequest');
      return { headSha: 'f'.repeat(40), author: 'dave' };
    },
    async permission(login) {
      guard('permission');
      return login === 'maria' ? 'write' : 'read';
    },
    async latestStatus() {
      guard('latestStatus');
      return undefined;
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
  payload: {
    action: 'opened',
    pull_request: { number: 4, head: { sha: 'a'.repeat(40) }, user: { login: 'dave' } },
  },
};
/** The action's comment 9 with every item ticked in the boxes, and maria's edit event that ticked them. */
function tickedByMaria() {
  const unticked = renderComment(DEFAULT_TEMPLATE, stateLine(emptyState(9)));
  const body = unticked.replace(/- \[ \]/g, '- [x]');
  const comment = { id: 9, body, user: { login: actions.login, type: 'Bot' }, author_association: 'NONE' };
  const event = {
    name: 'issue_comment',
    payload: {
      action: 'edited',
      issue: { number: 4, pull_request: {}, user: { login: 'dave' } },
      comment,
      changes: { body: { from: unticked } },
      sender: { login: 'maria' },
    },
  };
  return { body, event };
}

test('when the comments cannot be read, nothing is posted (it could be a duplicate) and the count still comes out', async () => {
  const github = memoryGitHub({ findComments: 403 });
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

test('an edit whose pull request cannot be read counts nobody: the author cannot be told apart', async () => {
  const github = memoryGitHub({ pullRequest: 404 });
  const { body, event } = tickedByMaria();
  github.comments.push({ id: 9, body, url: 'https://example/9', author: actions });
  const result = await runChecklist(inputs, { github: github.api, event, repository: 'o/r' });
  expect(result).toMatchObject({ tally: { total: 8, checked: 0, complete: false }, status: 'not-set' });
  expect(result.reverted).toHaveLength(8);
  expect(result.missingPermissions).toEqual(['pull-requests: write']);
  expect(github.statuses).toEqual([]);
});

test('an edit whose comments cannot be listed counts nothing: the comment cannot be shown to be the checklist', async () => {
  const github = memoryGitHub({ findComments: 403 });
  const { event } = tickedByMaria();
  const result = await runChecklist(inputs, { github: github.api, event, repository: 'o/r' });
  expect(result).toMatchObject({ comment: 'not-written', tally: { checked: 0 }, status: 'failure' });
  expect(result.missingPermissions).toEqual(['pull-requests: write']);
});

test('an edit event for a checklist deleted since is ignored and sets nothing', async () => {
  const github = memoryGitHub();
  const { event } = tickedByMaria();
  await expect(runChecklist(inputs, { github: github.api, event, repository: 'o/r' })).resolves.toMatchObject(
    {
      comment: 'ignored',
    },
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
  const github = memoryGitHub({ findComments: 500, setStatus: 500 });
  const event = {
    name: 'issue_comment',
    payload: { action: 'edited', issue: { number: 2 }, comment: { id: 1, body: 'x' } },
  };
  await expect(runChecklist(inputs, { github: github.api, event, repository: 'o/r' })).resolves.toEqual({
    comment: 'ignored',
    missingPermissions: [],
    reverted: [],
  });
});
