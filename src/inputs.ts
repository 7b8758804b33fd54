import * as core from '@actions/core';
import { inputError } from './errors.js';
import { parseDuration } from './duration.js';

/**
 * Reading action inputs into typed values. Every action parses all of its inputs up front with these,
 * so a bad value fails before anything changes, with an error naming the input and its text.
 */
export type InputReader = (name: string) => string;

/** Reads inputs the way the runner passes them (`INPUT_<NAME>` variables). */
export const actionInputs: InputReader = (name) => core.getInput(name);

/** Reads inputs from a plain record (CLI flags, tests). */
export function recordInputs(values: Record<string, string | undefined>): InputReader {
  return (name) => (values[name] ?? '').trim();
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

/** A non-negative whole number. */
export function count(read: InputReader, name: string, fallback: number): number {
  const value = read(name);
  if (!value) return fallback;
  if (!/^\d+$/.test(value)) throw inputError(name, value, 'expected a whole number of 0 or more');
  return Number(value);
}

/** A list separated by commas and/or newlines; blanks dropped, duplicates removed, order kept. */
export function list(read: InputReader, name: string): string[] {
  return splitList(read(name));
}

/** Splits comma- or newline-separated text into trimmed, unique, non-empty items. */
export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n]/)
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}
