import * as core from '@actions/core';
import { inputError } from './errors.js';
import { parseDuration } from './duration.js';

/**
 * Reading action inputs into typed values. Every action parses all of its inputs up front with these,
 * so a bad value fails before anything changes, with an error naming the input and its text.
 */
export interface InputReader {
  /** The input's text, trimmed; empty when not given. */
  (name: string): string;
  /** The input's text as given, untrimmed (so a list of only spaces can be told from no list). */
  raw?: (name: string) => string;
}

/** Reads inputs the way the runner passes them (`INPUT_<NAME>` variables). */
export const actionInputs: InputReader = Object.assign((name: string) => core.getInput(name), {
  // The variable name as @actions/core forms it.
  raw: (name: string) => process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '',
});

/** Reads inputs from a plain record (CLI flags, tests). */
export function recordInputs(values: Record<string, string | undefined>): InputReader {
  return Object.assign((name: string) => (values[name] ?? '').trim(), {
    raw: (name: string) => values[name] ?? '',
  });
}

/** A required, non-empty input. */
export function required(read: InputReader, name: string): string {
  const value = read(name);
  if (!value) throw inputError(name, value, 'a value is required');
  return value;
}

/** An optional input: `undefined` when empty. */
export function optional(read: InputReader, name: string): string | undefined {
  return read(name) || undefined;
}

/** `true`/`false` (YAML 1.2 core schema spellings, as `core.getBooleanInput`). */
export function boolean(read: InputReader, name: string, fallback: boolean): boolean {
  const value = read(name);
  if (!value) return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw inputError(name, value, 'expected true or false');
}

/** A duration such as `90s`, `5m`, `1h30m`, in milliseconds. */
export function duration(read: InputReader, name: string, fallback: string): number {
  return parseDuration(read(name) || fallback, name);
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(
  read: InputReader,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = read(name) || fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw inputError(name, value, `expected one of ${choices.join(', ')}`);
  }
  return value as T;
}

/**
 * A workflow artifact name (`fallback` when empty): the characters the artifact service refuses in a
 * name are an error naming the input.
 */
export function artifactName(read: InputReader, name: string, fallback: string): string {
  const value = read(name) || fallback;
  if (/["<>|*?\\/:\r\n]/.test(value)) {
    throw inputError(name, value, 'an artifact name cannot contain " : < > | * ? \\ / or a line break');
  }
  return value;
}

/** A non-negative whole number. */
export function count(read: InputReader, name: string, fallback: number): number {
  const value = read(name);
  if (!value) return fallback;
  if (!/^\d+$/.test(value)) throw inputError(name, value, 'expected a whole number of 0 or more');
  return Number(value);
}

/**
 * A list separated by commas and/or newlines; duplicates removed, order kept. Blank lines are skipped,
 * but an empty item beside a comma (`a,, b`, `a,`) and a list of only spaces or commas are errors
 * naming the input: they are typos, and silently dropping them would watch or deploy less than meant.
 */
export function list(read: InputReader, name: string): string[] {
  const text = read(name);
  const raw = read.raw?.(name) ?? text;
  // Only line breaks is what a block scalar around an empty expression gives (`alarms: |` then
  // `${{ vars.ALARMS }}`): no list, as meant. Spaces are typed, and so a mistake.
  if (!text && raw.replace(/[\r\n]/g, '')) {
    throw inputError(name, raw, 'a list of only spaces: give at least one item, or leave the input out');
  }
  return splitList(text, name);
}

/**
 * Splits comma- or newline-separated text into trimmed, unique, non-empty items. With `input`, an empty
 * item beside a comma or a list with no items is an error naming it; without, blanks are dropped.
 */
export function splitList(text: string, input?: string): string[] {
  return [...new Set(splitItems(text, input))];
}

/**
 * Splits comma- or newline-separated text into trimmed items, in order, duplicates kept. Blank lines are
 * skipped. With `input`, an empty item beside a comma is an error quoting its line, and text of only
 * commas is an error quoting the text; without, empty items are dropped.
 */
export function splitItems(text: string, input?: string): string[] {
  const items: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const parts = line.split(',').map((part) => part.trim());
    const empty = parts.indexOf('');
    if (empty >= 0 && input !== undefined) {
      const where = parts.every((part) => !part)
        ? 'only commas: give at least one item, or leave the input out'
        : empty === 0
          ? 'an empty item: the line starts with a comma'
          : empty === parts.length - 1
            ? `an empty item: a comma ends the line after ${JSON.stringify(parts[empty - 1])}`
            : `an empty item between two commas after ${JSON.stringify(parts[empty - 1])}`;
      throw inputError(input, line.trim(), where);
    }
    items.push(...parts.filter(Boolean));
  }
  return items;
}
