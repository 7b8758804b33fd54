import { crypto } from '../builtins.js';
import type { Answer } from './checklist.js';

/**
 * The checklist's own record, hidden in its comment: which comment it is, and each answer with who gave it.
 * The boxes in the comment are only a view of this record: the action shows every item as the record says,
 * and changes the record only for an edit it can attribute (from the `issue_comment` event's `sender`) to
 * someone allowed to answer. A tick that is in the comment but not in the record is put back.
 */
export interface ChecklistState {
  /** The id of the comment this state belongs to: a copy of it in another comment does not match that one. */
  comment: number;
  /** By item key (see `itemKey`): the answer and the login that gave it. */
  answers: Map<string, { answer: Answer; by: string }>;
}

const STATE_LINE = /<!-- safe-deploy:checklist-state ([A-Za-z0-9_-]*) -->/;

/** A fresh state for comment `comment` (0 until the comment exists), with no answers. */
export function emptyState(comment = 0): ChecklistState {
  return { comment, answers: new Map() };
}

/** The hidden line that carries `state` (base64url JSON, so item text can never close the HTML comment). */
export function stateLine(state: ChecklistState): string {
  const json = JSON.stringify({ comment: state.comment, answers: [...state.answers].sort(byKey) });
  return `<!-- safe-deploy:checklist-state ${Buffer.from(json).toString('base64url')} -->`;
}

/** The state line of a body exactly as written, if any (to tell whether an edit changed it). */
export function rawStateLine(body: string): string | undefined {
  return STATE_LINE.exec(body)?.[0];
}

/** The state in a comment body: undefined when there is none, 'malformed' when it does not decode. */
export function readState(body: string): ChecklistState | undefined | 'malformed' {
  const match = STATE_LINE.exec(body);
  if (!match) return undefined;
  try {
    const data = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')) as {
      comment?: unknown;
      answers?: unknown;
    };
    if (typeof data.comment !== 'number' || !Array.isArray(data.answers)) return 'malformed';
    const answers = new Map<string, { answer: Answer; by: string }>();
    for (const entry of data.answers as unknown[]) {
      const [key, value] = Array.isArray(entry) ? (entry as unknown[]) : [];
      const { answer, by } = (value ?? {}) as { answer?: unknown; by?: unknown };
      if (typeof key !== 'string' || (answer !== 'checked' && answer !== 'struck') || typeof by !== 'string')
        return 'malformed';
      answers.set(key, { answer, by });
    }
    return { comment: data.comment, answers };
  } catch {
    return 'malformed';
  }
}

/** `body` with its state line replaced by (or, after the marker lines, set to) `state`'s. */
export function withState(body: string, state: ChecklistState): string {
  const line = stateLine(state);
  if (STATE_LINE.test(body)) return body.replace(STATE_LINE, () => line);
  const lines = body.split('\n');
  const after = lines.findIndex((text) => text.startsWith('<!-- safe-deploy:checklist-template'));
  lines.splice(after + 1, 0, line);
  return lines.join('\n');
}

/**
 * A short fingerprint of a state, set beside the count in the commit status the action writes. The next run
 * compares it with the state in the comment: a state edited by hand (which the action never does) no longer
 * matches, even when the run for that edit was skipped.
 */
export function stateDigest(state: ChecklistState): string {
  return crypto().createHash('sha256').update(stateLine(state)).digest('hex').slice(0, 12);
}

/** The largest state line `items` answers could need (every item answered by a 39-character login). */
export function largestStateLine(itemKeys: readonly string[]): number {
  const answers = new Map(itemKeys.map((key) => [key, { answer: 'checked' as Answer, by: 'x'.repeat(39) }]));
  return stateLine({ comment: Number.MAX_SAFE_INTEGER, answers }).length;
}

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
