import { DateTime, type Zone } from 'luxon';
import type { AlarmState } from '../aws/cloudwatch.js';
import type { ClosedSpan, Closure } from './spans.js';
import { dayName, formatMinutes, rangesOn, type DeployWindow, type Weekday } from './windows.js';

/**
 * The gate's decision: pure, from the settings, an instant and the alarms' states. The weekly windows
 * are laid out as absolute intervals day by day in the gate's zone (so daylight-saving days are as long
 * as they really are), the closed spans of blackouts, holidays and calendar events are cut out of
 * them, and the answer is read off the result.
 */

/** What the decision depends on (the parsed inputs that are not about I/O or waiting). */
export interface GateCalendar {
  windows: DeployWindow[];
  /** IANA zone every window, date and holiday is read in. */
  timezone: string;
  /** Blackouts, then holidays, then calendar events: the first that covers an instant names the reason. */
  closures: Closure[];
  /** A reason that opens the gate whatever the calendar says. */
  override?: string;
}

/** The gate's answer at one instant. */
export interface GateDecision {
  /** Epoch milliseconds evaluated. */
  at: number;
  open: boolean;
  /** Why it is open or closed, in words a person reads in the log. */
  reason: string;
  /** Whether the calendar alone (windows, blackouts, holidays, events) is open. */
  calendarOpen: boolean;
  /** The calendar's own reason (before override and alarms). */
  calendarReason: string;
  /** The earliest instant at or after `at` the calendar is open (within the search horizon). */
  nextOpen?: number;
  /** When the current open stretch of the calendar ends, if open (within the search horizon). */
  closesAt?: number;
  overridden: boolean;
  /** Blocker alarms in ALARM. */
  alarms: AlarmState[];
}

/** How far ahead next-open and closes-at are searched. */
export const HORIZON_DAYS = 366;

interface OpenInterval {
  start: number;
  end: number;
  /** The rule that opened it, e.g. `Mon-Thu 09:00-16:00`. */
  window: string;
  /** The local day the window starts on, and so belongs to (epoch ms, end exclusive). */
  dayStart: number;
  dayEnd: number;
}

/**
 * How far ahead the calendar is laid out: a short stretch answers almost every question, a year covers
 * long blackouts; the second is used only when the first cannot say when the gate opens or closes.
 */
const HORIZONS_DAYS = [14, HORIZON_DAYS];

/** Evaluates the gate at `instant` (epoch ms) with the given blocker alarm states. */
export function evaluateGate(
  calendar: GateCalendar,
  instant: number,
  alarms: readonly AlarmState[] = [],
): GateDecision {
  const from = instant - 2 * DAY;
  let raw: OpenInterval[] = [];
  let closed: ClosedSpan[] = [];
  let current: OpenInterval | undefined;
  let nextOpen: number | undefined;
  let closesAt: number | undefined;
  for (const days of HORIZONS_DAYS) {
    const to = instant + days * DAY;
    closed = closedSpans(calendar, from, to);
    raw = windowIntervals(calendar, from, to);
    const open = layout(raw, closed, from, to);
    current = open.find((i) => i.start <= instant && instant < i.end);
    nextOpen = current ? instant : open.find((i) => i.start > instant)?.start;
    // An interval cut at the end of the laid-out stretch does not close there.
    closesAt = current && current.end < to ? current.end : undefined;
    if (nextOpen !== undefined && (!current || closesAt !== undefined)) break;
  }
  const calendarOpen = current !== undefined;
  const zone = calendar.timezone;

  let calendarReason: string;
  if (calendarOpen) {
    const rule = raw.find((i) => i.start <= instant && instant < i.end)?.window ?? '';
    calendarReason = `inside deploy window ${rule} ${zone}`;
  } else {
    // Inside a window yet closed and in no closed span: a night window whose start day is closed.
    const dropped = raw.find((i) => i.start <= instant && instant < i.end);
    calendarReason =
      closed.find((s) => s.start <= instant && instant < s.end)?.reason ??
      (dropped && closedDay(dropped, closed)) ??
      outsideWindows(calendar, instant);
  }

  const inAlarm = alarms.filter((a) => a.state === 'ALARM');
  const alarmReasons = inAlarm.map((a) => `alarm ${a.name} in ALARM`);
  const base = { at: instant, calendarOpen, calendarReason, overridden: false, alarms: inAlarm };
  const times = {
    ...(nextOpen !== undefined ? { nextOpen } : {}),
    ...(closesAt !== undefined ? { closesAt } : {}),
  };
  if (calendar.override) {
    const otherwise = [...(calendarOpen ? [] : [calendarReason]), ...alarmReasons];
    const reason = `override: ${calendar.override}${otherwise.length ? ` (otherwise closed: ${otherwise.join('; ')})` : ''}`;
    return { ...base, ...times, open: true, overridden: true, reason };
  }
  if (inAlarm.length) {
    const reason = [...(calendarOpen ? [] : [calendarReason]), ...alarmReasons].join('; ');
    return { ...base, ...times, open: false, reason };
  }
  return { ...base, ...times, open: calendarOpen, reason: calendarReason };
}

/** One local day of the week ahead: its open hours, or what closes it. */
export interface DayPlan {
  date: string;
  weekday: string;
  /** Open stretches as local `HH:MM-HH:MM` (a stretch running past midnight is cut at 24:00). */
  open: string[];
  /** Why the day has no open hours (a blackout, holiday or event covering it, or no window). */
  closed?: string;
}

/** The calendar for `days` local days starting with the day of `instant`, for the job summary. */
export function daysAhead(calendar: GateCalendar, instant: number, days = 7): DayPlan[] {
  const zone = calendar.timezone;
  const first = DateTime.fromMillis(instant, { zone }).startOf('day');
  const from = first.toMillis() - DAY;
  const to = first.plus({ days: days + 1 }).toMillis();
  const closed = closedSpans(calendar, from, to);
  const open = layout(windowIntervals(calendar, from, to), closed, from, to);
  const plans: DayPlan[] = [];
  for (let d = 0; d < days; d++) {
    const day = first.plus({ days: d });
    const start = day.toMillis();
    const end = day.plus({ days: 1 }).startOf('day').toMillis();
    const hours = open
      .filter((i) => i.end > start && i.start < end)
      .map(
        (i) =>
          `${localTime(Math.max(i.start, start), zone)}-${i.end >= end ? '24:00' : localTime(i.end, zone)}`,
      );
    const plan: DayPlan = { date: day.toISODate()!, weekday: dayName(day.weekday as Weekday), open: hours };
    if (!hours.length) {
      const covering = closed.find((s) => s.start < end && s.end > start && hasWindowOn(calendar, day));
      plan.closed = covering?.reason ?? 'no deploy window';
    }
    plans.push(plan);
  }
  return plans;
}

/** ISO-8601 with the zone's offset, to the second: `2026-11-27T09:00:00-05:00`. */
export function formatInstant(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? '';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function localTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');
}

function hasWindowOn(calendar: GateCalendar, day: DateTime): boolean {
  return rangesOn(calendar.windows, day.weekday as Weekday).length > 0;
}

function closedSpans(calendar: GateCalendar, from: number, to: number): ClosedSpan[] {
  return calendar.closures
    .flatMap((c) => c.spans(from, to, calendar.timezone))
    .filter((s) => s.end > from && s.start < to);
}

/** Every window occurrence starting on a local day from the day of `from` to the day of `to`. */
function windowIntervals(calendar: GateCalendar, from: number, to: number): OpenInterval[] {
  const zone = calendar.timezone;
  const intervals: OpenInterval[] = [];
  for (
    let day = DateTime.fromMillis(from, { zone }).startOf('day');
    day.toMillis() < to;
    day = day.plus({ days: 1 })
  ) {
    const dayEnd = day.plus({ days: 1 }).startOf('day').toMillis();
    for (const window of calendar.windows) {
      if (!window.days.includes(day.weekday as Weekday)) continue;
      for (const range of window.ranges) {
        const end = range.end <= range.start ? range.end + 1440 : range.end;
        for (const span of wallClockSpans(day, range.start, end))
          intervals.push({ ...span, window: window.text, dayStart: day.toMillis(), dayEnd });
      }
    }
  }
  return intervals.sort((a, b) => a.start - b.start);
}

/**
 * The instants at which the clock of `day`'s zone shows a time from `start` to `end` minutes after that
 * day's midnight (beyond 1440: on the next day). Worked out per UTC offset, so daylight saving is exact:
 * on a spring-forward day a window loses the skipped hour (one starting in it opens when the clock
 * jumps; one wholly inside it has no real time), and on a fall-back day a window holds every instant
 * the clock shows a time inside it, twice over for the repeated hour, and not the time between.
 */
function wallClockSpans(day: DateTime, start: number, end: number): { start: number; end: number }[] {
  const zone = day.zone;
  // The wall-clock times written as if they were UTC; subtracting an offset gives the real instant.
  const midnight = Date.UTC(day.year, day.month - 1, day.day);
  const wallStart = midnight + start * MINUTE;
  const wallEnd = midnight + end * MINUTE;
  // Every real instant showing those times lies within 14 hours (the largest UTC offset) of them.
  const lo = wallStart - 14 * HOUR;
  const hi = wallEnd + 14 * HOUR;
  const before = zone.offset(lo) * MINUTE;
  const after = zone.offset(hi) * MINUTE;
  if (before === after) return [{ start: wallStart - before, end: wallEnd - before }];
  // One clock change nearby: the part before it is read with the old offset, the rest with the new.
  const jump = clockJump(lo, hi, zone);
  const spans = [
    { start: wallStart - before, end: Math.min(wallEnd - before, jump) },
    { start: Math.max(wallStart - after, jump), end: wallEnd - after },
  ].filter((span) => span.end > span.start);
  const [first, second] = spans;
  if (first && second && first.end === second.start) return [{ start: first.start, end: second.end }];
  return spans;
}

/** The first minute with `hi`'s UTC offset after `lo` (a different offset): where the clock jumped. */
function clockJump(lo: number, hi: number, zone: Zone): number {
  const offset = (ms: number) => zone.offset(ms);
  const target = offset(hi);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
    if (offset(mid) === target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The open stretches within [from, to): windows merged, closed spans cut out. A window that spans
 * midnight belongs to the day it starts on, so when that whole day is closed it does not open after
 * midnight either (Thursday night's window stays shut through Thanksgiving night).
 */
function layout(
  raw: readonly OpenInterval[],
  closed: readonly ClosedSpan[],
  from: number,
  to: number,
): OpenInterval[] {
  const kept = raw.filter((i) => i.end <= i.dayEnd || closedDay(i, closed) === undefined);
  return subtract(merge(kept), closed)
    .map((i) => ({ ...i, start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter((i) => i.end > i.start);
}

/** The reason a window's whole start day is closed (closed spans covering it end to end), if it is. */
function closedDay(interval: OpenInterval, closed: readonly ClosedSpan[]): string | undefined {
  let reach = interval.dayStart;
  // Extend the covered stretch from the day's start while some closed span continues it.
  for (let extended = true; extended && reach < interval.dayEnd;) {
    extended = false;
    for (const span of closed) {
      if (span.start <= reach && span.end > reach) {
        reach = span.end;
        extended = true;
      }
    }
  }
  if (reach < interval.dayEnd) return undefined;
  return closed.find((s) => s.start <= interval.dayStart && s.end > interval.dayStart)?.reason;
}

function merge(intervals: readonly OpenInterval[]): OpenInterval[] {
  const merged: OpenInterval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

function subtract(open: readonly OpenInterval[], closed: readonly ClosedSpan[]): OpenInterval[] {
  let result = [...open];
  for (const span of closed) {
    result = result.flatMap((i) => {
      if (span.end <= i.start || span.start >= i.end) return [i];
      const parts: OpenInterval[] = [];
      if (span.start > i.start) parts.push({ ...i, end: span.start });
      if (span.end < i.end) parts.push({ ...i, start: span.end });
      return parts;
    });
  }
  return result;
}

/** Why an instant outside every window is closed, by its local day's windows. */
function outsideWindows(calendar: GateCalendar, instant: number): string {
  const zone = calendar.timezone;
  const local = DateTime.fromMillis(instant, { zone });
  const weekday = local.weekday as Weekday;
  const yesterday = (((weekday + 5) % 7) + 1) as Weekday;
  // Today's wall-clock stretches, with what spills over midnight from yesterday's windows.
  const today = [
    ...rangesOn(calendar.windows, yesterday)
      .filter((r) => r.end > 1440)
      .map((r) => ({ start: 0, end: r.end - 1440 })),
    ...rangesOn(calendar.windows, weekday).map((r) => ({ start: r.start, end: Math.min(r.end, 1440) })),
  ].sort((a, b) => a.start - b.start);
  const minute = local.hour * 60 + local.minute;
  const day = dayName(weekday);
  const all = `outside deploy windows (${calendar.windows.map((w) => w.text).join('; ')} ${zone})`;
  if (!today.length) return `${day}: ${all}`;
  const before = today.filter((r) => r.end <= minute);
  const after = today.filter((r) => r.start > minute);
  const last = before[before.length - 1];
  const next = after[0];
  if (last && next)
    return `${day} between ${formatMinutes(last.end)} and ${formatMinutes(next.start)} ${zone}`;
  if (last) return `${day} after ${formatMinutes(Math.max(...before.map((r) => r.end)))} ${zone}`;
  if (next) return `${day} before ${formatMinutes(next.start)} ${zone}`;
  return all;
}
