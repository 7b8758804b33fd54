import { readFileSync } from 'node:fs';
import Holidays from 'date-holidays';
import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';
import { UserError, describeError, inputError } from '../errors.js';
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
const DAY = 24 * 60 * 60 * 1000;

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
      splitList(text).map((entry) => {
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

/** Public holidays of one country, state or region (`US`, `KR`, `DE-BY`), each a whole local day. */
export class PublicHolidays implements Closure {
  private readonly byYear = new Map<number, { date: string; name: string }[]>();

  private constructor(
    readonly code: string,
    private readonly holidays: Holidays,
  ) {}

  /** Parses the `holidays` input; an unknown code is a UserError naming the input and the code. */
  static parse(text: string, input = 'holidays'): PublicHolidays[] {
    return splitList(text).map((code) => {
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
      const holidays = new Holidays(country, state ?? '', region ?? '', { types: ['public'] });
      return new PublicHolidays(code.toUpperCase(), holidays);
    });
  }

  spans(from: number, to: number, zone: string): ClosedSpan[] {
    const spans: ClosedSpan[] = [];
    const first = DateTime.fromMillis(from, { zone }).year;
    const last = DateTime.fromMillis(to, { zone }).year;
    for (let year = first; year <= last; year++) {
      for (const holiday of this.inYear(year)) {
        spans.push(localDays(holiday.date, holiday.date, zone, `holiday: ${holiday.name} (${this.code})`));
      }
    }
    return spans;
  }

  private inYear(year: number): { date: string; name: string }[] {
    let found = this.byYear.get(year);
    if (!found) {
      // The holiday's own calendar date (`date` is local to the country); the gate reads it as a whole
      // day in its own time zone, as for blackouts.
      found = this.holidays
        .getHolidays(year, 'en')
        .filter((h) => h.type === 'public')
        .map((h) => ({ date: h.date.slice(0, 10), name: h.name }));
      this.byYear.set(year, found);
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
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UserError(
        `Input '${input}': ${JSON.stringify(path)} cannot be read: ${describeError(error)}`,
      );
    }
    return IcsCalendar.parse(text, path, input);
  }

  /** Parses iCalendar text read from `path`. */
  static parse(text: string, path: string, input = 'calendar'): IcsCalendar {
    let root: ICAL.Component;
    try {
      const parsed: unknown = ICAL.parse(text);
      if (!Array.isArray(parsed) || parsed[0] !== 'vcalendar') throw new Error('no VCALENDAR in the file');
      root = new ICAL.Component(parsed);
    } catch (error) {
      throw new UserError(
        `Input '${input}': ${JSON.stringify(path)} is not a valid iCalendar (.ics) file: ${describeError(error)}`,
      );
    }
    for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const components = root.getAllSubcomponents('vevent');
    const masters = new Map<string, ICAL.Event>();
    const events: ICAL.Event[] = [];
    for (const component of components) {
      if (component.hasProperty('recurrence-id')) continue;
      const event = new ICAL.Event(component);
      if (!component.hasProperty('dtstart')) {
        throw new UserError(
          `Input '${input}': ${JSON.stringify(path)}: event ${JSON.stringify(event.summary ?? event.uid)} has no DTSTART`,
        );
      }
      masters.set(event.uid, event);
      events.push(event);
    }
    // A moved or changed occurrence of a recurring event (RECURRENCE-ID) replaces that occurrence.
    for (const component of components) {
      if (!component.hasProperty('recurrence-id')) continue;
      const master = masters.get(String(component.getFirstPropertyValue('uid')));
      if (master) master.relateException(component);
      else events.push(new ICAL.Event(component));
    }
    return new IcsCalendar(path, events);
  }

  spans(from: number, to: number, zone: string): ClosedSpan[] {
    const spans: ClosedSpan[] = [];
    for (const event of this.events) {
      const reason = `calendar: ${event.summary || 'event'}`;
      const iterator = event.iterator();
      // Occurrences well before the period are passed over cheaply (no zone conversion). Not when an
      // occurrence may have been moved (RECURRENCE-ID), as it may have moved into the period.
      const skipBefore = Object.keys(event.exceptions).length
        ? -Infinity
        : from - event.duration.toSeconds() * 1000 - 2 * DAY;
      for (let n = 0, next = iterator.next(); next && n < MAX_OCCURRENCES; n++, next = iterator.next()) {
        if (next.toUnixTime() * 1000 < skipBefore) continue;
        const details = event.getOccurrenceDetails(next);
        const span = toSpan(details.startDate, details.endDate, event, zone, reason);
        if (span.start >= to) break;
        if (span.end > from && span.end > span.start) spans.push(span);
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

function isoDate(time: ICAL.Time): string {
  return `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
}
