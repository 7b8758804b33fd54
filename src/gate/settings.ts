import { DateTime } from 'luxon';
import { inputError } from '../errors.js';
import { duration, list, oneOf, optional, type InputReader } from '../inputs.js';
import {
  Blackouts,
  HOLIDAY_TYPES,
  HolidayCalendar,
  IcsCalendar,
  isZone,
  type Closure,
  type HolidayType,
} from './closures.js';
import type { GateCalendar } from './evaluate.js';
import { DEFAULT_WINDOWS, parseWindows } from './windows.js';

/** What to do when the gate is closed. */
export type OnClosed = 'fail' | 'skip' | 'wait';

/** Every gate input, parsed once. */
export interface GateSettings extends GateCalendar {
  blockerAlarms: string[];
  alarmPrefixes: string[];
  onClosed: OnClosed;
  /** Milliseconds `wait` may wait. */
  maxWait: number;
  /** The instant to evaluate instead of now (epoch ms), to preview a schedule. */
  at?: number;
}

/** Reads and validates the gate's inputs; every error names the input and the bad text. */
export function parseGateSettings(read: InputReader): GateSettings {
  const timezone = read('timezone') || 'UTC';
  if (!isZone(timezone)) {
    throw inputError(
      'timezone',
      timezone,
      'expected an IANA time zone such as UTC, Europe/Berlin or Asia/Seoul',
    );
  }
  const windows = parseWindows(read('windows') || DEFAULT_WINDOWS, 'windows');
  const closures: Closure[] = [Blackouts.parse(read('blackout'), 'blackout')];
  closures.push(...HolidayCalendar.parse(read('holidays'), 'holidays', holidayTypes(read)));
  const calendarPath = optional(read, 'calendar');
  if (calendarPath) closures.push(IcsCalendar.load(calendarPath, 'calendar'));
  const onClosed = oneOf(read, 'on-closed', ['fail', 'skip', 'wait'] as const, 'fail');
  const maxWait = duration(read, 'max-wait', '6h');
  const atText = optional(read, 'at');
  const at = atText === undefined ? undefined : parseInstant(atText, timezone, 'at');
  if (at !== undefined && onClosed === 'wait') {
    throw inputError(
      'on-closed',
      'wait',
      'cannot be combined with `at`: a preview of another time does not wait',
    );
  }
  const override = optional(read, 'override');
  return {
    windows,
    timezone,
    closures,
    ...(override ? { override } : {}),
    blockerAlarms: list(read, 'blocker-alarms'),
    alarmPrefixes: list(read, 'alarm-prefixes'),
    onClosed,
    maxWait,
    ...(at !== undefined ? { at } : {}),
  };
}

/** The `holiday-types` input: which date-holidays types close the gate (default `public`). */
function holidayTypes(read: InputReader): HolidayType[] {
  const types = list(read, 'holiday-types').map((text) => {
    const type = HOLIDAY_TYPES.find((known) => known === text.toLowerCase());
    if (!type) throw inputError('holiday-types', text, `expected a list of ${HOLIDAY_TYPES.join(', ')}`);
    return type;
  });
  return types.length ? types : ['public'];
}

/** An ISO-8601 date or date-time; without an offset it is read in the gate's zone. */
export function parseInstant(text: string, zone: string, input: string): number {
  const time = DateTime.fromISO(text, { zone });
  if (!time.isValid) {
    throw inputError(
      input,
      text,
      'expected an ISO-8601 time such as 2026-11-27T10:00:00+09:00 or 2026-11-27T10:00',
    );
  }
  return time.toMillis();
}
