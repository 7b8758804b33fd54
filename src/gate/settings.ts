import { DateTime } from 'luxon';
import { inputError } from '../errors.js';
import type { InputReader } from '../inputs.js';
import { HolidayCalendar, IcsCalendar } from './closures.js';
import type { GateCalendar } from './evaluate.js';
import { readGateInputs, UNIVERSAL, type GateInputs } from './inputs.js';
import { Blackouts, type Closure } from './spans.js';

export type { OnClosed } from './inputs.js';

/** Every gate input, parsed once, with the holiday and .ics calendars loaded. */
export interface GateSettings
  extends GateCalendar, Omit<GateInputs, 'blackouts' | 'holidays' | 'holidayTypes' | 'calendarPath' | 'at'> {
  /** The instant to evaluate instead of now (epoch ms), to preview a schedule. */
  at?: number;
  /** Inputs that parse but probably do not say what the user meant. */
  warnings: string[];
}

/**
 * Reads and validates the gate's inputs (inputs.ts), then the holiday codes (date-holidays), the `.ics`
 * file (ical.js) and `at` (luxon); every error names the input and the bad text.
 */
export function parseGateSettings(read: InputReader): GateSettings {
  const { blackouts, holidays, holidayTypes, calendarPath, at, ...rest } = readGateInputs(read);
  const closures: Closure[] = [
    new Blackouts(blackouts),
    ...HolidayCalendar.parse(holidays, 'holidays', holidayTypes),
  ];
  if (calendarPath) closures.push(IcsCalendar.load(calendarPath, 'calendar'));
  return {
    ...rest,
    closures,
    ...(at !== undefined ? { at: parseInstant(at, rest.timezone, 'at') } : {}),
    warnings: [fixedOffsetWarning(rest.timezone)].filter((w): w is string => w !== undefined),
  };
}

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
