import { UserError } from '../errors.js';
import { commentAuthor, isChecklistComment, mayHoldChecklist } from './checklist.js';

/** What the workflow event asks the checklist to do. */
export type Trigger =
  /** A pull request was opened, pushed to or edited: make sure the comment is there, then report. */
  | { kind: 'pull-request'; number: number; headSha: string }
  /** A reviewer edited the checklist comment (ticked a box): report from that comment. */
  | { kind: 'checklist-edited'; number: number; commentId: number; body: string }
  /** Nothing to do, and why (a comment on a plain issue, or on another comment). */
  | { kind: 'ignored'; reason: string };

interface EventPayload {
  action?: string;
  pull_request?: { number?: number; head?: { sha?: string } };
  issue?: { number?: number; pull_request?: unknown };
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
// pull_request_target carries the same payload; the docs never use it, but this action runs no code from
// the pull request, so it is safe there too.
const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

/** Reads the event the workflow was triggered by into a `Trigger`. */
export function readTrigger(eventName: string, payload: unknown): Trigger {
  const event = (payload ?? {}) as EventPayload;
  const pull = event.pull_request;
  if (PULL_REQUEST_EVENTS.includes(eventName) && pull && typeof pull.number === 'number' && pull.head?.sha) {
    if (!PULL_REQUEST_ACTIONS.includes(event.action ?? '')) {
      return {
        kind: 'ignored',
        reason: `pull request #${pull.number} was ${event.action ?? 'changed'}; only ${PULL_REQUEST_ACTIONS.join(', ')} update the checklist`,
      };
    }
    return { kind: 'pull-request', number: pull.number, headSha: pull.head.sha };
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
    const author = commentAuthor(comment.user, comment.author_association);
    if (!mayHoldChecklist(author)) {
      return {
        kind: 'ignored',
        reason: `comment ${comment.id} on #${issue.number} carries the checklist marker but was written by ${author?.login ?? 'a deleted account'}, not by the action or a maintainer`,
      };
    }
    return {
      kind: 'checklist-edited',
      number: issue.number,
      commentId: comment.id,
      body: comment.body ?? '',
    };
  }
  throw new UserError(
    `The checklist runs on pull_request (opened, reopened, synchronize, edited) and issue_comment (edited) events; this run was triggered by '${eventName || 'unknown'}'`,
  );
}
