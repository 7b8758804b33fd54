import { readInputFile } from '../files.js';
import { isAbsolute, resolve } from 'node:path';
import { inputError, UserError } from '../errors.js';
import { boolean, oneOf, optional, required, type InputReader } from '../inputs.js';
import { COMMENT_LIMIT, parseItems, renderComment } from './checklist.js';
import { DEFAULT_TEMPLATE } from './default-template.js';
import { largestStateLine } from './state.js';

/** `comment` only keeps the comment; `require` also sets the `safe-deploy/checklist` commit status. */
export type ChecklistMode = 'comment' | 'require';

/** The checklist action's inputs, parsed once. */
export interface ChecklistSettings {
  /** The template's Markdown. */
  template: string;
  /** Where the template came from, for the log: `built-in` or the file path. */
  templateSource: string;
  mode: ChecklistMode;
  token: string;
  /** Whether the pull request's author may answer items (input `authors-may-tick`, or the template says so). */
  authorsMayTick: boolean;
}

/** A template line that lets authors answer their own pull request's checklist. */
export const AUTHORS_MAY_TICK = '<!-- safe-deploy:authors-may-tick -->';

/**
 * Reads and checks every input: the template file (relative to `workspace`, the repository checkout) must
 * exist and hold at least one `- [ ]` item, or the checklist could never mean anything.
 */
export function readChecklistSettings(read: InputReader, workspace: string): ChecklistSettings {
  const mode = oneOf(read, 'mode', ['comment', 'require'] as const, 'comment');
  const token = required(read, 'github-token');
  const path = optional(read, 'template');
  const authorsMay = boolean(read, 'authors-may-tick', false);
  if (!path)
    return {
      template: DEFAULT_TEMPLATE,
      templateSource: 'built-in',
      mode,
      token,
      authorsMayTick: authorsMay,
    };
  const file = isAbsolute(path) ? path : resolve(workspace, path);
  let template: string;
  try {
    template = readInputFile({ input: 'template', kind: 'template', path, baseDir: workspace });
  } catch (error) {
    // A directory, FIFO or huge file is refused by readInputFile as it is; a missing one gets the hint.
    if (!(error instanceof UserError) || !error.message.endsWith('no such file')) throw error;
    throw inputError(
      'template',
      path,
      `no such file at ${file} (paths are relative to the repository checkout; run actions/checkout first)`,
    );
  }
  if (!parseItems(template).some((item) => !item.struck)) {
    throw inputError(
      'template',
      path,
      'the file has no task-list items (lines such as "- [ ] Tests were added")',
    );
  }
  // GitHub refuses a longer comment: say so now, not when the first pull request fails to get one.
  const size =
    renderComment(template).length + largestStateLine(parseItems(template).map((item) => item.key)) + 1;
  if (size > COMMENT_LIMIT) {
    throw inputError(
      'template',
      path,
      `the checklist comment would be up to ${size.toLocaleString('en-US')} characters with every item answered; ` +
        `GitHub allows ${COMMENT_LIMIT.toLocaleString('en-US')}: shorten the template`,
    );
  }
  return {
    template,
    templateSource: path,
    mode,
    token,
    authorsMayTick: authorsMay || template.includes(AUTHORS_MAY_TICK),
  };
}
