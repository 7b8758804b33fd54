import { inputError } from '../errors.js';

/**
 * Deploy windows: the weekly wall-clock hours in which a deploy may start. Hand-written: the grammar
 * (`Mon-Thu 09:00-16:00; Fri 09:00-12:00`) is ours, and no scheduling library reads it or says which
 * part of the text was wrong.
 */

/** ISO weekday: 1 = Monday ... 7 = Sunday (luxon's numbering). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Minutes after local midnight; a range's end may be 1440 (24:00). */
export interface TimeRange {
  start: number;
  end: number;
}

/** One rule: the days it applies to and its time ranges (a range ending before it starts spans midnight). */
export interface DeployWindow {
  days: Weekday[];
  ranges: TimeRange[];
  /** The rule as the user wrote it (normalised spacing), for reasons and the summary. */
  text: string;
}

export const DEFAULT_WINDOWS = 'Mon-Thu 09:00-16:00';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** The full English name of a weekday. */
export function dayName(day: Weekday): string {
  return DAY_NAMES[day - 1]!;
}

const EXPECTED =
  'expected `;`-separated rules of days and time ranges, such as "Mon-Thu 09:00-16:00; Fri 09:00-12:00" ' +
  'or "Mon-Fri 22:00-02:00" (days Mon..Sun, ranges Mon-Fri, lists Mon,Wed; times HH:MM, 00:00 to 24:00)';

/** Parses the `windows` input into rules; throws a UserError naming the input and the bad text. */
export function parseWindows(text: string, input = 'windows'): DeployWindow[] {
  const rules = text
    .split(/[;\n]/)
    .map((rule) => rule.trim())
    .filter(Boolean);
  if (rules.length === 0) throw inputError(input, text, EXPECTED);
  return rules.map((rule) => parseRule(rule, input));
}

function parseRule(rule: string, input: string): DeployWindow {
  // Days come first (letters, `-` and `,`), then the time ranges.
  const match = /^([A-Za-z]+(?:\s*[-,]\s*[A-Za-z]+)*)\s+(\S.*)$/.exec(rule);
  if (!match) throw inputError(input, rule, EXPECTED);
  const [, dayText = '', timeText = ''] = match;
  const days = parseDays(dayText, rule, input);
  const ranges = timeText.split(',').map((range) => parseRange(range.trim(), input));
  const text = `${dayText.replace(/\s+/g, '')} ${ranges.map(formatRange).join(',')}`;
  return { days, ranges, text };
}

function parseDays(text: string, rule: string, input: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const item of text.split(',').map((part) => part.trim())) {
    const [from, to, ...rest] = item.split('-').map((part) => part.trim());
    if (rest.length || from === undefined) throw inputError(input, rule, EXPECTED);
    const first = parseDay(from, input);
    if (to === undefined) {
      days.add(first);
      continue;
    }
    // A range may wrap around the week: Fri-Mon is Fri, Sat, Sun, Mon.
    const last = parseDay(to, input);
    for (let day = first; ; day = ((day % 7) + 1) as Weekday) {
      days.add(day);
      if (day === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

function parseDay(text: string, input: string): Weekday {
  const lower = text.toLowerCase();
  const index = DAY_NAMES.findIndex(
    (name) => name.toLowerCase() === lower || name.slice(0, 3).toLowerCase() === lower,
  );
  if (index < 0) throw inputError(input, text, 'expected a day: Mon, Tue, Wed, Thu, Fri, Sat or Sun');
  return (index + 1) as Weekday;
}

function parseRange(text: string, input: string): TimeRange {
  const match = /^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(text);
  if (!match) throw inputError(input, text, 'expected a time range such as 09:00-16:00 or 22:00-02:00');
  const start = parseTime(match[1]!, input, false);
  const end = parseTime(match[2]!, input, true);
  if (start === end % 1440 && end !== 1440) {
    throw inputError(
      input,
      text,
      'the range starts and ends at the same time (use 00:00-24:00 for a whole day)',
    );
  }
  return { start, end };
}

function parseTime(text: string, input: string, isEnd: boolean): number {
  const [h = '', m = ''] = text.split(':');
  const minutes = Number(h) * 60 + Number(m);
  const valid = Number(m) < 60 && (Number(h) < 24 || (isEnd && minutes === 1440));
  if (!valid) throw inputError(input, text, `expected a time from 00:00 to ${isEnd ? '24:00' : '23:59'}`);
  return minutes;
}

/** `HH:MM` for minutes after midnight (1440 is `24:00`). */
export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** `HH:MM-HH:MM`. */
export function formatRange(range: TimeRange): string {
  return `${formatMinutes(range.start)}-${formatMinutes(range.end)}`;
}

/** Whether a range spans midnight into the next day. */
export function spansMidnight(range: TimeRange): boolean {
  return range.end <= range.start;
}

/**
 * The wall-clock spans (minutes from that day's midnight, end may exceed 1440 when spanning midnight)
 * the windows give a weekday, in the order they start.
 */
export function rangesOn(windows: readonly DeployWindow[], day: Weekday): TimeRange[] {
  const ranges: TimeRange[] = [];
  for (const window of windows) {
    if (!window.days.includes(day)) continue;
    for (const range of window.ranges) {
      ranges.push(spansMidnight(range) ? { start: range.start, end: range.end + 1440 } : range);
    }
  }
  return ranges.sort((a, b) => a.start - b.start);
}
