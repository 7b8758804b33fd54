import { createHash } from 'node:crypto';

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
const TASK_ITEM = /^(\s*(?:[-*+]|\d{1,9}[.)])\s+\[)([ xX])(\]\s+)(.*?)\s*$/;
// A fence opener/closer: up to three spaces of indentation outside lists, more inside nested list items.
const FENCE = /^\s*(`{3,}|~{3,})/;
const HASH_MARKER = /<!-- safe-deploy:checklist-template sha256:([0-9a-f]+) -->/;

/** The task-list items of a Markdown document, skipping any inside fenced code blocks. */
export function parseItems(markdown: string): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  forEachItemLine(markdown, (match, line) => {
    const text = match[4]!;
    items.push({ text, key: itemKey(text), checked: match[2] !== ' ', struck: isStruck(text), line });
  });
  return items;
}

/** Lower-cased text without emphasis, strike-through, code ticks, links' targets or extra spaces. */
export function itemKey(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_~`]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[\s.:;,!]+$/, '')
    .trim()
    .toLowerCase();
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
  return createHash('sha256').update(normaliseNewlines(template)).digest('hex').slice(0, 16);
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

// People whose own copy of the checklist grants nothing: they can already edit (tick) the real one. A personal
// access token belongs to one of them, so the action's comment is still found when it posts with one.
const MAINTAINERS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/**
 * Whether a comment with the marker may be taken for the checklist. Anyone can paste the marker and a row of
 * ticked boxes into a comment of their own, and the author of a pull request can then tick it; only a bot
 * (the action itself) or a maintainer counts, or the required status would be theirs to set.
 */
export function mayHoldChecklist(author: CommentAuthor | undefined): boolean {
  return !!author && (author.bot || MAINTAINERS.has(author.association));
}

/**
 * The checklist comment for `template`. Given the previous comment, the items that were ticked there and
 * are still in the template (matched by normalised text) stay ticked, and those struck through as not
 * applicable stay struck through (both are a reviewer's answer); everything else comes from the template.
 */
export function renderComment(template: string, previous?: string): string {
  const answers = new Map<string, ChecklistItem>();
  for (const item of previous ? parseItems(previous) : []) {
    if ((item.checked || item.struck) && !answers.has(item.key)) answers.set(item.key, item);
  }
  const lines = normaliseNewlines(template).trim().split('\n');
  forEachItemLine(lines.join('\n'), (match, line) => {
    const answer = answers.get(itemKey(match[4]!));
    if (!answer) return;
    const text = answer.struck && !isStruck(match[4]!) ? `~~${match[4]}~~` : match[4]!;
    lines[line] = `${match[1]}${answer.checked ? 'x' : match[2]}${match[3]}${text}`;
  });
  const header = `${COMMENT_MARKER}\n<!-- safe-deploy:checklist-template sha256:${templateHash(template)} -->`;
  return `${header}\n${lines.join('\n')}\n`;
}

/** Whether the comment was written from this very template (so it must be left exactly as reviewers made it). */
export function isCurrent(body: string, template: string): boolean {
  return commentTemplateHash(body) === templateHash(template);
}

/** "3 of 8 items ticked", the status description and summary line. */
export function describeTally({ total, checked }: Tally): string {
  return `${checked} of ${total} ${total === 1 ? 'item' : 'items'} ticked`;
}

function forEachItemLine(markdown: string, visit: (match: RegExpExecArray, line: number) => void): void {
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
      if (match) visit(match, line);
    });
}

function isStruck(text: string): boolean {
  // GFM strike-through is `~~text~~` or `~text~`; an item whose whole text is struck does not apply.
  return /^(~~?)[^~](?:.*[^~])?\1$/.test(text);
}

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}
