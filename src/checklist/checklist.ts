import { crypto } from '../builtins.js';

/**
 * The checklist itself, with no I/O: reading task-list items out of Markdown, counting them, and writing
 * the comment body (the template with the ticks a reviewer already made carried over).
 *
 * Hand-written, line by line, rather than with a Markdown parser: task items are a line-level construct,
 * the only block structure that matters is fenced code, and rewriting a tick must leave every other byte of
 * the reviewer's comment exactly as it was, which a parse-and-render round trip would not.
 */

/** The hidden marker that identifies the checklist comment on a pull request. */
export const COMMENT_MARKER = '<!-- safe-deploy:checklist -->';

/** One `- [ ]` / `- [x]` task-list item. */
export interface ChecklistItem {
  /** The item's text as written, after the box. */
  text: string;
  /** The text normalised for matching across template versions (case, emphasis and spacing ignored). */
  key: string;
  checked: boolean;
  /** Struck through (`~~text~~`): does not apply, and is not counted. */
  struck: boolean;
  /** Zero-based line number in the Markdown it came from. */
  line: number;
}

/** How far a pull request's checklist has been ticked. */
export interface Tally {
  total: number;
  checked: number;
  complete: boolean;
  /** Template items the comment no longer contains (counted as unticked). */
  missing: string[];
}

// A list item (bullet `-`, `*`, `+` or ordered `1.` / `1)`) that starts with a task box, as GitHub renders it.
// Only the start of the line is matched by a regular expression, and every part of it is followed by a
// character the part cannot match, so matching never backtracks: a 60,000-character line takes microseconds.
const TASK_ITEM = /^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)([ xX])(\][ \t]+)/;
// A fence opener/closer: up to three spaces of indentation outside lists, more inside nested list items.
const FENCE = /^\s*(`{3,}|~{3,})/;
const HASH_MARKER = /<!-- safe-deploy:checklist-template sha256:([0-9a-f]+) -->/;

/** The task-list items of a Markdown document, skipping any inside fenced code blocks. */
export function parseItems(markdown: string): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  forEachItemLine(markdown, (match, text, line) => {
    items.push({ text, key: itemKey(text), checked: match[2] !== ' ', struck: isStruck(text), line });
  });
  return items;
}

/** Lower-cased text without emphasis, strike-through, code ticks, links' targets or extra spaces. */
export function itemKey(text: string): string {
  const plain = linkLabels(text)
    .replace(/[*_~`]/g, '')
    .replace(/\s+/g, ' ');
  // Trailing punctuation and spaces, trimmed by hand: a regular expression anchored at the end backtracks
  // over every run of them in the middle of the text.
  let end = plain.length;
  while (end > 0 && ' .:;,!'.includes(plain[end - 1]!)) end--;
  return plain.slice(0, end).trim().toLowerCase();
}

/**
 * `[label](target)` links replaced by their label, in one pass: each `]` and `)` is searched for once, so a
 * line of thousands of `[` stays linear (the regular expression `\[([^\]]*)\]\([^)]*\)` is quadratic there).
 */
export function linkLabels(text: string): string {
  let out = '';
  let at = 0;
  let close = -2; // the first `]` at or after the current `[`; -2 until searched
  for (let open = text.indexOf('['); open !== -1; open = text.indexOf('[', open + 1)) {
    if (open < at) continue;
    if (close < open && close !== -1) close = text.indexOf(']', open + 1);
    if (close === -1) break; // no `]` after here: no more links
    if (text[close + 1] !== '(') continue;
    const end = text.indexOf(')', close + 2);
    if (end === -1) break; // no `)` after here: no more links
    out += text.slice(at, open) + text.slice(open + 1, close);
    at = end + 1;
    close = -2;
  }
  return out + text.slice(at);
}

/**
 * Counts a comment against its template: every template item counts unless struck through (in the template
 * or in the comment); a template item deleted from the comment counts as unticked, so editing an item away
 * never completes the checklist; items a reviewer added to the comment count too.
 */
export function tally(template: readonly ChecklistItem[], comment: readonly ChecklistItem[]): Tally {
  const inComment = new Map<string, ChecklistItem>();
  for (const item of comment) if (!inComment.has(item.key)) inComment.set(item.key, item);
  const templateKeys = new Set(template.map((item) => item.key));
  let total = 0;
  let checked = 0;
  const missing: string[] = [];
  for (const item of template) {
    if (item.struck) continue;
    const current = inComment.get(item.key);
    if (current?.struck) continue;
    total++;
    if (current?.checked) checked++;
    if (!current) missing.push(item.text);
  }
  for (const item of comment) {
    if (item.struck || templateKeys.has(item.key)) continue;
    total++;
    if (item.checked) checked++;
  }
  return { total, checked, complete: checked === total, missing };
}

/** A short fingerprint of the template, hidden in the comment so a changed template is noticed. */
export function templateHash(template: string): string {
  return crypto().createHash('sha256').update(normaliseNewlines(template)).digest('hex').slice(0, 16);
}

/** The template fingerprint hidden in a checklist comment, if any. */
export function commentTemplateHash(body: string): string | undefined {
  return HASH_MARKER.exec(body)?.[1];
}

/** Whether a comment body carries the checklist marker. */
export function isChecklistComment(body: string | null | undefined): boolean {
  return !!body && body.includes(COMMENT_MARKER);
}

/** Who wrote a comment, as the API reports it. */
export interface CommentAuthor {
  login: string;
  /** A bot account: `github-actions[bot]` for the workflow's token, or a GitHub App. */
  bot: boolean;
  /** GitHub's `author_association`: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE... */
  association: string;
}

/** A comment's author from the API's (or an event payload's) `user` and `author_association`. */
export function commentAuthor(
  user: { login?: string; type?: string } | null | undefined,
  association: string | undefined,
): CommentAuthor | undefined {
  if (!user?.login) return undefined; // a deleted account
  return { login: user.login, bot: user.type === 'Bot', association: association ?? 'NONE' };
}

/** A reviewer's answer to one item: ticked, or struck through as not applicable. */
export type Answer = 'checked' | 'struck';

/** The answer a parsed item shows, if any (struck wins: a struck item does not count either way). */
export function answerOf(item: ChecklistItem): Answer | undefined {
  return item.struck ? 'struck' : item.checked ? 'checked' : undefined;
}

/** Each item key's answer in a Markdown body (the first item with that key), unanswered keys included. */
export function answersIn(markdown: string): Map<string, Answer | undefined> {
  const answers = new Map<string, Answer | undefined>();
  for (const item of parseItems(markdown)) if (!answers.has(item.key)) answers.set(item.key, answerOf(item));
  return answers;
}

/**
 * `body` with every item line showing the answer `answerFor` gives its key: ticked or not, struck through or
 * not. Items the template itself strikes through (`struckInTemplate`) are left as they are; every other byte
 * of the body stays as reviewers wrote it.
 */
export function applyAnswers(
  body: string,
  answerFor: (key: string) => Answer | undefined,
  struckInTemplate: ReadonlySet<string> = new Set(),
): string {
  const lines = normaliseNewlines(body).split('\n');
  forEachItemLine(lines.join('\n'), (match, text, line) => {
    const key = itemKey(text);
    if (struckInTemplate.has(key)) return;
    const answer = answerFor(key);
    const shown = answerOf({ text, key, checked: match[2] !== ' ', struck: isStruck(text), line });
    if (shown === answer) return;
    const bare = isStruck(text) ? unstrike(text) : text;
    const newText = answer === 'struck' ? `~~${bare}~~` : bare;
    lines[line] = `${match[1]}${answer === 'checked' ? 'x' : ' '}${match[3]}${newText}`;
  });
  return lines.join('\n');
}

/** The checklist comment for `template`, with the given answers shown and `stateLine` hidden in its header. */
export function renderComment(
  template: string,
  stateLine = '',
  answerFor: (key: string) => Answer | undefined = () => undefined,
): string {
  const struck = new Set(
    parseItems(template)
      .filter((item) => item.struck)
      .map((item) => item.key),
  );
  const body = applyAnswers(normaliseNewlines(template).trim(), answerFor, struck);
  const header = [
    COMMENT_MARKER,
    `<!-- safe-deploy:checklist-template sha256:${templateHash(template)} -->`,
    ...(stateLine ? [stateLine] : []),
  ].join('\n');
  return `${header}\n${body}\n`;
}

/** Whether the comment was written from this very template (so reviewers' text in it is kept as it is). */
export function isCurrent(body: string, template: string): boolean {
  return commentTemplateHash(body) === templateHash(template);
}

/** GitHub refuses a comment body longer than this many characters. */
export const COMMENT_LIMIT = 65_536;

/** "3 of 8 items ticked", the status description and summary line. */
export function describeTally({ total, checked }: Tally): string {
  return `${checked} of ${total} ${total === 1 ? 'item' : 'items'} ticked`;
}

function forEachItemLine(
  markdown: string,
  visit: (match: RegExpExecArray, text: string, line: number) => void,
): void {
  let fence: { char: string; length: number } | undefined;
  normaliseNewlines(markdown)
    .split('\n')
    .forEach((text, line) => {
      const opener = FENCE.exec(text);
      if (fence) {
        // A fence closes with the same character, at least as long, and nothing after it.
        if (opener && opener[1]![0] === fence.char && opener[1]!.length >= fence.length) {
          if (text.trim() === opener[1]) fence = undefined;
        }
        return;
      }
      if (opener) {
        fence = { char: opener[1]![0]!, length: opener[1]!.length };
        return;
      }
      const match = TASK_ITEM.exec(text);
      if (match) visit(match, text.slice(match[0].length).trimEnd(), line);
    });
}

function isStruck(text: string): boolean {
  // GFM strike-through is `~~text~~` or `~text~`; an item whose whole text is struck does not apply.
  const fence = text.startsWith('~~') ? '~~' : text.startsWith('~') ? '~' : '';
  if (!fence || !text.endsWith(fence)) return false;
  const inner = text.slice(fence.length, text.length - fence.length);
  return inner.length > 0 && !inner.startsWith('~') && !inner.endsWith('~');
}

function unstrike(text: string): string {
  const fence = text.startsWith('~~') ? 2 : 1;
  return text.slice(fence, text.length - fence);
}

/** CRLF and CR as LF: comments edited in the browser come back with CRLF. */
export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
