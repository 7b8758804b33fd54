import { HolidayCalendar, IcsCalendar } from './closures.js';
import type { GateCalendar } from './evaluate.js';
import type { Closure } from './spans.js';
import { readGateInputs, type GateInputs } from './inputs.js';
import type { InputReader } from '../inputs.js';

export { fixedOffsetWarning, parseInstant, type OnClosed } from './inputs.js';

/** Every gate input, parsed once, with the holiday and .ics calendars loaded. */
export interface GateSettings
  extends GateCalendar, Omit<GateInputs, 'blackouts' | 'holidays' | 'holidayTypes' | 'calendarPath'> {}

/**
 * Reads and validates the gate's inputs (inputs.ts), then the holiday codes (date-holidays) and the
 * `.ics` file (ical.js); every error names the input and the bad text.
 */
export function parseGateSettings(read: InputReader): GateSettings {
  const { blackouts, holidays, holidayTypes, calendarPath, ...rest } = readGateInputs(read);
  const closures: Closure[] = [blackouts, ...HolidayCalendar.parse(holidays, 'holidays', holidayTypes)];
  if (calendarPath) closures.push(IcsCalendar.load(calendarPath, 'calendar'));
  return { ...rest, closures };
}
