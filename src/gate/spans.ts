import { DateTime, IANAZone } from 'luxon';
import { inputError } from '../errors.js';
import { splitList } from '../inputs.js';

/**
 * What closes the calendar on top of the weekly windows: blackout dates, public holidays and the
 * events of an .ics file. Each becomes absolute closed spans over the period the gate looks at.
 */

/** A stretch of time in which nothing deploys, in epoch milliseconds (`end` exclusive). */
export interface ClosedSpan {
  start: number;
  end: number;
  reason: string;
}

/** A source of closed spans over a period. */
export interface Closure {
  spans(from: number, to: number, zone: string): ClosedSpan[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The closed span of whole local days `first`..`last` (inclusive ISO dates) in `zone`. */
export function localDays(first: string, last: string, zone: string, reason: string): ClosedSpan {
  const start = DateTime.fromISO(first, { zone }).startOf('day');
  const end = DateTime.fromISO(last, { zone }).plus({ days: 1 }).startOf('day');
  return { start: start.toMillis(), end: end.toMillis(), reason };
}

/** Whether `zone` is an IANA time zone luxon knows. */
export function isZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Blackout dates and inclusive ranges: `2026-12-20..2027-01-04, 2026-11-26`. */
export class Blackouts implements Closure {
  private constructor(readonly entries: readonly { first: string; last: string; text: string }[]) {}

  /** Parses the `blackout` input; throws a UserError naming the input and the bad entry. */
  static parse(text: string, input = 'blackout'): Blackouts {
    return new Blackouts(
      splitList(text, input).map((entry) => {
        const [first = '', last = first, ...rest] = entry.split('..').map((part) => part.trim());
        const expected = 'expected a date (2026-11-26) or an inclusive range (2026-12-20..2027-01-04)';
        if (rest.length || !isDate(first) || !isDate(last)) throw inputError(input, entry, expected);
        if (last < first) throw inputError(input, entry, 'the range ends before it starts');
        return { first, last, text: first === last ? first : `${first}..${last}` };
      }),
    );
  }

  spans(_from: number, _to: number, zone: string): ClosedSpan[] {
    return this.entries.map((e) => localDays(e.first, e.last, zone, `blackout ${e.text}`));
  }
}

function isDate(text: string): boolean {
  return DATE.test(text) && DateTime.fromISO(text, { zone: 'UTC' }).isValid;
}

/** The holiday types date-holidays knows; the gate uses `public` unless asked for more. */
export const HOLIDAY_TYPES = ['public', 'bank', 'school', 'optional', 'observance'] as const;
export type HolidayType = (typeof HOLIDAY_TYPES)[number];
