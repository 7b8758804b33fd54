import { DateTime } from 'luxon';
import { inputError } from '../errors.js';
import { duration, list, oneOf, optional, type InputReader } from '../inputs.js';
import { DEFAULT_WINDOWS, parseWindows, type DeployWindow } from './windows.js';
import { Blackouts, HOLIDAY_TYPES, isZone, type HolidayType } from './spans.js';

/** What to do when the gate is closed. */
export type OnClosed = 'fail' | 'skip' | 'wait';

/**
 * The gate's inputs as read and checked without the calendar libraries: holiday codes and the `.ics`
 * file are kept as given, for parseGateSettings (settings.ts) to load with date-holidays and ical.js.
 */
export interface GateInputs {
  windows: DeployWindow[];
  timezone: string;
  blackouts: Blackouts;
  holidays: string;
  holidayTypes: HolidayType[];
  calendarPath?: string;
  override?: string;
  blockerAlarms: string[];
  alarmPrefixes: string[];
  onClosed: OnClosed;
  /** Milliseconds `wait` may wait. */
  maxWait: number;
  /** The instant to evaluate instead of now (epoch ms), to preview a schedule. */
  at?: number;
  /** Inputs that parse but probably do not say what the user meant. */
  warnings: string[];
}

/** Reads and validates the gate's inputs but holidays and calendar; every error names the input and the bad text. */
export function readGateInputs(read: InputReader): GateInputs {
  const windows = parseWindows(read('windows') || DEFAULT_WINDOWS, 'windows');
  const timezone = read('timezone') || 'UTC';
  // UTC and its aliases need no zone database: checking a named zone starts ICU's time zone data, about
  // 20 ms, which the default spares an input error.
  if (!UNIVERSAL.test(timezone) && !isZone(timezone)) {
    throw inputError(
      'timezone',
      timezone,
      'expected an IANA time zone such as UTC, Europe/Berlin or Asia/Seoul',
    );
  }
  const blackouts = Blackouts.parse(read('blackout'), 'blackout');
  const holidayTypes = readHolidayTypes(read);
  const calendarPath = optional(read, 'calendar');
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
    blackouts,
    holidays: read('holidays'),
    holidayTypes,
    ...(calendarPath ? { calendarPath } : {}),
    ...(override ? { override } : {}),
    blockerAlarms: list(read, 'blocker-alarms'),
    alarmPrefixes: list(read, 'alarm-prefixes'),
    onClosed,
    maxWait,
    ...(at !== undefined ? { at } : {}),
    warnings: [fixedOffsetWarning(timezone)].filter((w): w is string => w !== undefined),
  };
}

const UNIVERSAL = /^(UTC|GMT|UCT|Etc\/(UTC|GMT|UCT|Universal|Zulu)|Universal|Zulu)$/;
// Names that read like a place's zone but are a fixed offset: abbreviations (EST, MST, HST), offsets
// (+09:00) and Etc/GMT+5. Region names (America/New_York, Asia/Seoul) and old aliases (Japan) are not.
const FIXED_LOOKING = /^([A-Z]{3,4}|[+-]\d.*|Etc\/GMT[+-]\d+)$/;

/**
 * A warning for a zone that never changes for daylight saving although its name suggests a place that
 * may: `EST` is always UTC-5, so a New York team's windows would be an hour off all summer.
 */
export function fixedOffsetWarning(zone: string): string | undefined {
  if (UNIVERSAL.test(zone) || !FIXED_LOOKING.test(zone)) return undefined;
  const year = DateTime.now().year;
  const offsets = [1, 7].map((month) =>
    DateTime.fromObject({ year, month, day: 1 }, { zone }).toFormat('ZZ'),
  );
  if (offsets[0] !== offsets[1]) return undefined; // EST5EDT and the like do follow daylight saving
  return (
    `Input 'timezone': ${JSON.stringify(zone)} is a fixed offset (UTC${offsets[0]}) that never changes for ` +
    'daylight saving; if your windows follow a place that does, name it by region, such as America/New_York'
  );
}

/** The `holiday-types` input: which date-holidays types close the gate (default `public`). */
function readHolidayTypes(read: InputReader): HolidayType[] {
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
