import type { Stats } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fs } from './builtins.js';
import { UserError, describeError, inputError } from './errors.js';

/**
 * Reading the files users point inputs at (task definition, calendar, template, pipeline file, event
 * payload, manifest). Only a regular file under a size limit is read: a FIFO or a device would block the
 * step or never end, a directory is a mistake, and a huge file would be read whole into memory before it
 * could be refused. The limits are in docs/reliability.md ("Bad input").
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** The largest file read for each kind of file input, in bytes. */
export const FILE_LIMITS = {
  /** A task definition file: ECS refuses one over 64 KiB; describe-task-definition output adds a little. */
  'task definition': 1 * MiB,
  /** A deploy manifest is a few KiB. */
  manifest: 1 * MiB,
  /** The launch settings of a service's first task set (`first-task-set`): a few hundred bytes. */
  'first task set': 64 * KiB,
  /** An .ics calendar: a decade of a busy shared calendar stays well under this. */
  calendar: 10 * MiB,
  /** A checklist template: its comment may be at most 65,536 characters. */
  template: 1 * MiB,
  /** The pipeline file. */
  'pipeline file': 1 * MiB,
  /** The workflow's event payload: GitHub caps webhook payloads at 25 MB. */
  'event payload': 32 * MiB,
} as const;

/** A kind of file input, which sets its size limit. */
export type FileKind = keyof typeof FILE_LIMITS;

/** How to find and check one file input. */
export interface InputFile {
  /** The input (or file) the path came from, named in every error: `task-definition`, `calendar`. */
  input: string;
  /** What the file is; sets the size limit. */
  kind: FileKind;
  /** The path as the user wrote it. */
  path: string;
  /** Where a relative path is resolved (default: the working directory). */
  baseDir?: string;
  /** When set, a path that reaches through a symbolic link must end inside this folder. */
  within?: string;
  /** Overrides the kind's size limit (tests). */
  maxBytes?: number;
}

/** The error for a file input, naming the input and quoting the path. */
export function fileError(input: string, path: string, reason: string): UserError {
  return inputError(input, path, reason);
}

/** Why the system refused a path, in words: Node's own message ("ELOOP: too many symbolic links encountered,
 * stat '/abs/path'") is its error code and an absolute path the user never wrote. */
const SYSTEM_ERRORS: Record<string, string> = {
  ELOOP: 'a loop of symbolic links: a link on the path leads back to itself',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the path is too long',
  EISDIR: 'a directory, not a regular file',
  EIO: 'an input/output error',
};

function systemError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return SYSTEM_ERRORS[code] ?? `the system said ${code}`;
  return describeError(error);
}

/** What a non-regular file is, in words. */
function fileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

/** The size words of an error: `1 MiB`, `64 KiB`, `123 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}

/**
 * What `absolute` (the path input `input` gave as `path`) is, or undefined when nothing is there. A path the
 * system refuses (a loop of symbolic links, no permission) is an error naming the input and the path.
 */
export function statInput(input: string, path: string, absolute: string = path): Stats | undefined {
  try {
    return fs.statSync(absolute, { throwIfNoEntry: false });
  } catch (error) {
    throw fileError(input, path, `cannot be read (${systemError(error)})`);
  }
}

/**
 * Checks a file input without reading it: it exists, is a regular file (after following links) within
 * the size limit, and, with `within`, does not lead outside that folder. Returns the absolute path.
 */
export function checkInputFile(file: InputFile): string {
  const absolute = resolve(file.baseDir ?? process.cwd(), file.path);
  const stats = statInput(file.input, file.path, absolute);
  if (!stats) throw fileError(file.input, file.path, 'no such file');
  checkStats(file, stats);
  if (file.within !== undefined) checkWithin(file, absolute, file.within);
  return absolute;
}

/**
 * Reads a file input as UTF-8 text after the checks of `checkInputFile`. The file is opened without
 * blocking and checked again on the open descriptor, so a file swapped for a FIFO in between cannot
 * hang the step, and at most the limit (plus one byte) is ever read.
 */
export function readInputFile(file: InputFile): string {
  const absolute = checkInputFile(file);
  const limit = file.maxBytes ?? FILE_LIMITS[file.kind];
  let fd: number;
  try {
    fd = fs.openSync(absolute, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw fileError(file.input, file.path, `cannot be read (${systemError(error)})`);
  }
  try {
    checkStats(file, fs.fstatSync(fd));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * KiB, limit + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      // The file grew after it was checked: refuse it rather than read on.
      if (total > limit) throw tooLarge(file, undefined, limit);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fileError(file.input, file.path, `cannot be read (${systemError(error)})`);
  } finally {
    fs.closeSync(fd);
  }
}

function checkStats(file: InputFile, stats: Stats): void {
  if (!stats.isFile()) {
    throw fileError(file.input, file.path, `${fileType(stats)}, not a regular file`);
  }
  const limit = file.maxBytes ?? FILE_LIMITS[file.kind];
  if (stats.size > limit) throw tooLarge(file, stats.size, limit);
}

/** `size` is undefined when the file grew while it was read: it is more than the limit, by how much unknown. */
function tooLarge(file: InputFile, size: number | undefined, limit: number): UserError {
  const actual = size === undefined ? `more than ${limit} bytes` : `${size} bytes`;
  return fileError(
    file.input,
    file.path,
    `too large for a ${file.kind}: ${actual} (at most ${formatBytes(limit)})`,
  );
}

/**
 * A link the repository or an artifact could have planted must not lead out of the workspace: every
 * symbolic link on the path inside the workspace, and the file itself, must resolve to a place inside
 * it. Links above the workspace (a runner's own `/home` link) are the machine's, not the input's.
 */
function checkWithin(file: InputFile, absolute: string, within: string): void {
  const workspace = resolve(within);
  const root = realOrSelf(workspace);
  const parts = absolute.split(sep);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(sep) || sep;
    const last = i === parts.length;
    if (!last && !isInside(workspace, prefix)) continue;
    if (!fs.lstatSync(prefix, { throwIfNoEntry: false })?.isSymbolicLink()) continue;
    const target = realOrSelf(prefix);
    if (!isInside(root, target) && !isInside(workspace, target)) {
      throw fileError(
        file.input,
        file.path,
        `it leads through the symbolic link ${prefix} to ${target}, outside the workspace (${workspace}): ` +
          'a link may only point inside it',
      );
    }
  }
}

function realOrSelf(path: string): string {
  try {
    return fs.realpathSync(path);
  } catch {
    return path;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
