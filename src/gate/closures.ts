import Holidays from 'date-holidays';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { UserError, describeError, inputError, inputsError } from '../errors.js';
import { readInputFile } from '../files.js';
import { splitList } from '../inputs.js';
import { isZone, type HolidayType } from './inputs.js';
import { localDays, type ClosedSpan, type Closure } from './spans.js';

// Public holidays and .ics calendars: the two closures that need a large library (date-holidays with
// every country's rules, ical.js), apart from spans.ts so that reading the gate's inputs does not load
// them.

const DAY = 24 * 60 * 60 * 1000;

/**
 * The holidays of one country, state or region (`US`, `KR`, `DE-BY`). Each closes the local days (and
 * hours: some bank holidays start at 14:00) date-holidays gives it, read in the gate's zone; a holiday
 * of several days (Chuseok) closes all of them.
 */
export class HolidayCalendar implements Closure {
  private readonly byZone = new Map<string, Holidays>();
  private readonly byYear = new Map<string, ClosedSpan[]>();

  private constructor(
    readonly code: string,
    private readonly place: readonly [country: string, state: string, region: string],
    private readonly types: readonly HolidayType[],
  ) {}

  /** Parses the `holidays` input; an unknown code is a UserError naming the input and the code. */
  static parse(
    text: string,
    input = 'holidays',
    types: readonly HolidayType[] = ['public'],
  ): HolidayCalendar[] {
    return splitList(text, input).map((code) => {
      const [country = '', state, region, ...rest] = code.toUpperCase().split('-');
      const known = new Holidays();
      // init() accepts any code silently, so check against the library's own lists first.
      const ok =
        !rest.length &&
        has(known.getCountries(), country) &&
        (state === undefined || has(known.getStates(country) ?? {}, state)) &&
        (region === undefined ||
          (state !== undefined && has(known.getRegions(country, state) ?? {}, region)));
      if (!ok) {
        throw inputError(
          input,
          code,
          'expected a country, state or region code known to date-holidays, such as US, KR or DE-BY',
        );
      }
      return new HolidayCalendar(code.toUpperCase(), [country, state ?? '', region ?? ''], types);
    });
  }

  spans(from: number, to: number, zone: string): ClosedSpan[] {
    const spans: ClosedSpan[] = [];
    // A holiday of several days may start in the year before the period.
    const first = DateTime.fromMillis(from, { zone }).year - 1;
    const last = DateTime.fromMillis(to, { zone }).year;
    for (let year = first; year <= last; year++) spans.push(...this.inYear(year, zone));
    return spans;
  }

  private inYear(year: number, zone: string): ClosedSpan[] {
    const key = `${zone} ${year}`;
    let found = this.byYear.get(key);
    if (!found) {
      // With `timezone` set to the gate's zone, date-holidays gives each holiday's start and end as the
      // instants its local dates and times have in that zone (daylight saving included).
      let holidays = this.byZone.get(zone);
      if (!holidays) {
        const [country, state, region] = this.place;
        holidays = new Holidays(country, state, region, { types: [...this.types], timezone: zone });
        this.byZone.set(zone, holidays);
      }
      found = holidays
        .getHolidays(year, 'en')
        .filter((h) => this.types.includes(h.type))
        .map((h) => ({
          start: h.start.getTime(),
          end: h.end.getTime(),
          reason: `holiday: ${h.name} (${this.code})`,
        }));
      this.byYear.set(key, found);
    }
    return found;
  }
}

function has(codes: Record<string, string>, code: string): boolean {
  return Object.keys(codes).some((key) => key.toUpperCase() === code);
}

/** Safety net for a rule that repeats very often from long ago (FREQ=MINUTELY since 1970). */
const MAX_OCCURRENCES = 200_000;

/** The events of an .ics file (recurring ones expanded) as blackouts. */
export class IcsCalendar implements Closure {
  private constructor(
    readonly path: string,
    private readonly events: ICAL.Event[],
  ) {}

  /** Reads and parses the file; a missing or unparsable file is a UserError naming the input. */
  static load(path: string, input = 'calendar'): IcsCalendar {
    return IcsCalendar.parse(readInputFile({ input, kind: 'calendar', path }), path, input);
  }

  /** Parses iCalendar text read from `path`. */
  static parse(text: string, path: string, input = 'calendar'): IcsCalendar {
    let root: ICAL.Component;
    const invalid = (why: string) =>
      inputsError([input], `${JSON.stringify(path)} is not a valid iCalendar (.ics) file: ${why}`);
    // Said here, in words: ical.js meets any other file with a TypeError, or quotes its first line back.
    if (!/^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text)) throw invalid('it does not start with BEGIN:VCALENDAR');
    try {
      const parsed: unknown = ICAL.parse(text);
      if (!Array.isArray(parsed) || parsed[0] !== 'vcalendar') throw new Error('no VCALENDAR in the file');
      root = new ICAL.Component(parsed);
    } catch (error) {
      throw invalid(unquoted(text, describeError(error)));
    }
    for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const components = root.getAllSubcomponents('vevent');
    const masters = new Map<string, ICAL.Event>();
    const events: ICAL.Event[] = [];
    for (const component of components) {
      if (component.hasProperty('recurrence-id')) continue;
      if (!component.hasProperty('dtstart')) throw eventError(component, path, input, 'it has no DTSTART');
      // Left to itself, ical.js relates every RECURRENCE-ID component in the file to each event, whatever
      // its UID: another series' cancelled 10:00 would cancel this one's. Exceptions are related by UID below.
      const event = new ICAL.Event(component, { exceptions: [], strictExceptions: true });
      masters.set(event.uid, event);
      // A cancelled event (STATUS:CANCELLED, as calendar apps keep them) closes nothing, nor do its occurrences.
      if (!isCancelled(component)) events.push(event);
    }
    // A moved or changed occurrence of a recurring event (RECURRENCE-ID) replaces that occurrence.
    for (const component of components) {
      if (!component.hasProperty('recurrence-id')) continue;
      const master = masters.get(String(component.getFirstPropertyValue('uid')));
      try {
        if (master) master.relateException(component);
        else if (!isCancelled(component)) events.push(new ICAL.Event(component));
      } catch (error) {
        throw eventError(component, path, input, error);
      }
    }
    // ical.js decodes dates and rules only when they are used: read each event's now, so a bad value is
    // an error naming the input, the file and the event, not a crash in the middle of an evaluation.
    for (const event of events) {
      for (const item of [event, ...Object.values(event.exceptions)]) {
        try {
          if (!item.component.hasProperty('dtstart')) throw new Error('it has no DTSTART');
          if (item.endDate.compare(item.startDate) < 0) throw new Error('it ends before it starts');
          if (item === event) event.iterator().next();
        } catch (error) {
          throw eventError(item.component, path, input, error);
        }
      }
    }
    return new IcsCalendar(path, events);
  }

  spans(from: number, to: number, zone: string): ClosedSpan[] {
    const spans: ClosedSpan[] = [];
    for (const event of this.events) {
      const iterator = event.iterator();
      // A moved occurrence (RECURRENCE-ID) may land anywhere, earlier or later than where the rule puts
      // it: an event with some is expanded from its start up to the last of them. Otherwise occurrences
      // well outside the period are passed over cheaply (the slack covers floating and zoned times).
      const moved = new Set(Object.values(event.exceptions).map((e) => e.recurrenceId.toUnixTime() * 1000));
      const skipBefore = moved.size ? -Infinity : from - event.duration.toSeconds() * 1000 - 2 * DAY;
      const late = to + 2 * DAY;
      const stopAfter = Math.max(late, ...moved);
      for (let n = 0, next = iterator.next(); next && n < MAX_OCCURRENCES; n++, next = iterator.next()) {
        const scheduled = next.toUnixTime() * 1000;
        if (scheduled < skipBefore) continue;
        if (scheduled > stopAfter) break;
        if (scheduled >= late && !moved.has(scheduled)) continue;
        const details = event.getOccurrenceDetails(next);
        // A changed occurrence (RECURRENCE-ID) may carry its own summary.
        const reason = `calendar: ${details.item.summary || event.summary || 'event'}`;
        const span = toSpan(details.startDate, details.endDate, event, zone, reason);
        // One occurrence cancelled by its own RECURRENCE-ID component.
        if (isCancelled(details.item.component)) continue;
        if (span.start < to && span.end > from && span.end > span.start) spans.push(span);
      }
    }
    return spans;
  }
}

function toSpan(
  start: ICAL.Time,
  end: ICAL.Time,
  event: ICAL.Event,
  zone: string,
  reason: string,
): ClosedSpan {
  if (start.isDate) {
    // All-day: whole local days in the gate's zone; DTEND is exclusive (and one day when absent).
    const first = isoDate(start);
    const endDay =
      end.isDate && end.compare(start) > 0
        ? DateTime.fromISO(isoDate(end), { zone }).minus({ days: 1 })
        : null;
    return localDays(first, endDay ? endDay.toISODate()! : first, zone, reason);
  }
  const tzid = String(event.component.getFirstProperty('dtstart')?.getParameter('tzid') ?? '');
  return { start: instant(start, tzid, zone), end: instant(end, tzid, zone), reason };
}

/** Epoch milliseconds of an iCalendar date-time. */
function instant(time: ICAL.Time, tzid: string, zone: string): number {
  const id = time.zone?.tzid;
  if (id === 'UTC') return time.toUnixTime() * 1000;
  // A zone defined by a VTIMEZONE in the file with a non-IANA name (Outlook's "W. Europe Standard Time").
  if (id && id !== 'floating' && !isZone(id)) return time.toUnixTime() * 1000;
  // IANA names are read with luxon's rules; a TZID without VTIMEZONE leaves ical.js with a floating time,
  // so take the name from the property; truly floating times are in the gate's zone.
  const name = id && id !== 'floating' ? id : isZone(tzid) ? tzid : zone;
  return DateTime.fromObject(
    {
      year: time.year,
      month: time.month,
      day: time.day,
      hour: time.hour,
      minute: time.minute,
      second: time.second,
    },
    { zone: name },
  ).toMillis();
}

function eventError(component: ICAL.Component, path: string, input: string, error: unknown): UserError {
  const name = component.getFirstPropertyValue('summary') ?? component.getFirstPropertyValue('uid') ?? '';
  return inputsError(
    [input],
    `${JSON.stringify(path)}: event ${JSON.stringify(String(name))} is not valid: ${describeError(error)}`,
  );
}

function isCancelled(component: ICAL.Component): boolean {
  return String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
}

function isoDate(time: ICAL.Time): string {
  return `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
}

/**
 * An ical.js parse error without the text it quotes (`invalid line (no token ";" or ":") "<the line>"`): a
 * path pointing at the wrong file must not have its lines printed in the log. The quoted line is named by its
 * number instead.
 */
function unquoted(text: string, message: string): string {
  const quoted = /\s*"([^"]*)"\s*$/.exec(message);
  if (!quoted) return message;
  const index = quoted[1] ? text.split(/\r?\n/).findIndex((line) => line.includes(quoted[1]!)) : -1;
  return `${message.slice(0, quoted.index)}${index >= 0 ? ` at line ${index + 1}` : ''}`;
}
