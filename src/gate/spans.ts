import { DateTime } from 'luxon';
import type { BlackoutEntry } from './inputs.js';

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

/** The closed span of whole local days `first`..`last` (inclusive ISO dates) in `zone`. */
export function localDays(first: string, last: string, zone: string, reason: string): ClosedSpan {
  const start = DateTime.fromISO(first, { zone }).startOf('day');
  const end = DateTime.fromISO(last, { zone }).plus({ days: 1 }).startOf('day');
  return { start: start.toMillis(), end: end.toMillis(), reason };
}

/** Blackout dates and inclusive ranges (parsed by parseBlackouts), as whole local days of the zone. */
export class Blackouts implements Closure {
  constructor(readonly entries: readonly BlackoutEntry[]) {}

  spans(_from: number, _to: number, zone: string): ClosedSpan[] {
    return this.entries.map((e) => localDays(e.first, e.last, zone, `blackout ${e.text}`));
  }
}
