import { readInputFile } from '../files.js';
import { jsonSyntaxError, UserError } from '../errors.js';
import { commentAuthor, isChecklistComment, type CommentAuthor } from './checklist.js';
import { readState } from './state.js';

/** What the workflow event asks the checklist to do. */
export type Trigger =
  /** A pull request was opened, pushed to or edited: make sure the comment is there, then report. */
  | {
      kind: 'pull-request';
      number: number;
      headSha: string;
      /** The pull request's author, when the payload names one. */
      author?: string;
      /** On `synchronize`: the head before the push, whose status carries the record's fingerprint. */
      before?: string;
    }
  /** Someone edited the checklist comment (ticked a box): attribute the edit, then report. */
  | {
      kind: 'checklist-edited';
      number: number;
      commentId: number;
      /** The comment as the edit left it. */
      body: string;
      /** The comment before the edit (`changes.body.from`); absent when the edit did not change the body. */
      from?: string;
      /** Who made the edit (the event's `sender`). */
      sender?: string;
      /** The pull request's author (the event's `issue.user`). */
      author?: string;
      commentAuthor?: CommentAuthor;
    }
  /** Nothing to do, and why (a comment on a plain issue, or on another comment). */
  | { kind: 'ignored'; reason: string };

interface EventPayload {
  action?: string;
  before?: string;
  sender?: { login?: string } | null;
  changes?: { body?: { from?: string } };
  pull_request?: { number?: unknown; head?: { sha?: unknown } | null; user?: { login?: string } | null };
  issue?: { number?: number; pull_request?: unknown; user?: { login?: string } | null };
  comment?: {
    id?: number;
    body?: string | null;
    user?: { login?: string; type?: string } | null;
    author_association?: string;
  };
}

// The pull request changed in a way that needs the comment and the status: new, reopened, new commits (a
// status belongs to a commit), or a new base. Other actions (closed, labeled, assigned...) change nothing.
const PULL_REQUEST_ACTIONS = ['opened', 'reopened', 'synchronize', 'edited'];
// pull_request_target carries the same payload and is read the same way, but the docs never use it: it hands a
// write token to runs that anyone can trigger from a fork (see "Forks" in docs/checklist.md).
const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

/**
 * The runner's event: its name from GITHUB_EVENT_NAME and its payload from the JSON file at
 * GITHUB_EVENT_PATH. A file that cannot be read or is not a JSON object is a clear error.
 */
export function readRunnerEvent(env: NodeJS.ProcessEnv = process.env): { name: string; payload: unknown } {
  const name = env.GITHUB_EVENT_NAME ?? '';
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return { name, payload: {} };
  // A regular file within the size limit only: a FIFO or device there would hang the step.
  const text = readInputFile({ input: 'GITHUB_EVENT_PATH', kind: 'event payload', path });
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `The event payload GITHUB_EVENT_PATH=${path} is not JSON (${jsonSyntaxError(text, error)})`,
    );
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UserError(`The event payload GITHUB_EVENT_PATH=${path} is not a JSON object`);
  }
  return { name, payload };
}

/** Reads the event the workflow was triggered by into a `Trigger`. */
export function readTrigger(eventName: string, payload: unknown): Trigger {
  const event = (payload ?? {}) as EventPayload;
  const pull = event.pull_request;
  if (PULL_REQUEST_EVENTS.includes(eventName) && pull) {
    const { number, head } = pull;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
      throw new UserError(
        `The ${eventName} event payload has no pull request number (pull_request.number is ${JSON.stringify(number) ?? 'missing'})`,
      );
    }
    if (typeof head?.sha !== 'string' || !/^[0-9a-f]{7,64}$/i.test(head.sha)) {
      throw new UserError(
        `The ${eventName} event payload of #${number} has no head commit (pull_request.head.sha is ${JSON.stringify(head?.sha) ?? 'missing'})`,
      );
    }
    if (!PULL_REQUEST_ACTIONS.includes(event.action ?? '')) {
      return {
        kind: 'ignored',
        reason: `pull request #${number} was ${event.action ?? 'changed'}; only ${PULL_REQUEST_ACTIONS.join(', ')} update the checklist`,
      };
    }
    return {
      kind: 'pull-request',
      number,
      headSha: head.sha,
      ...(pull.user?.login ? { author: pull.user.login } : {}),
      ...(event.action === 'synchronize' && typeof event.before === 'string' ? { before: event.before } : {}),
    };
  }
  if (eventName === 'issue_comment' && event.issue && event.comment) {
    const { issue, comment } = event;
    // Pull requests are issues too; only they carry the `pull_request` link.
    if (!issue.pull_request) {
      return { kind: 'ignored', reason: `#${issue.number} is an issue, not a pull request` };
    }
    if (event.action !== 'edited') {
      return {
        kind: 'ignored',
        reason: `a comment was ${event.action ?? 'changed'}; only edits of the checklist count`,
      };
    }
    if (
      !isChecklistComment(comment.body) ||
      typeof comment.id !== 'number' ||
      typeof issue.number !== 'number'
    ) {
      return { kind: 'ignored', reason: `the edited comment on #${issue.number} is not the checklist` };
    }
    // The action's comment names its own id in its hidden record; a copy pasted into another comment names
    // the original's id (or none), so it is never taken for the checklist.
    const state = readState(comment.body ?? '');
    const author = commentAuthor(comment.user, comment.author_association);
    if (typeof state !== 'object' || state.comment !== comment.id) {
      return {
        kind: 'ignored',
        reason: `comment ${comment.id} on #${issue.number} carries the checklist marker but is not the action's checklist (written by ${author?.login ?? 'a deleted account'})`,
      };
    }
    const from = event.changes?.body?.from;
    return {
      kind: 'checklist-edited',
      number: issue.number,
      commentId: comment.id,
      body: comment.body ?? '',
      ...(typeof from === 'string' ? { from } : {}),
      ...(event.sender?.login ? { sender: event.sender.login } : {}),
      ...(issue.user?.login ? { author: issue.user.login } : {}),
      ...(author ? { commentAuthor: author } : {}),
    };
  }
  throw new UserError(
    `The checklist runs on pull_request (opened, reopened, synchronize, edited) and issue_comment (edited) events; this run was triggered by '${eventName || 'unknown'}'`,
  );
}
