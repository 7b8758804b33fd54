import { evaluateGate, daysAhead, formatInstant } from '../../src/gate/evaluate.js';
import { parseGateSettings } from '../../src/gate/settings.js';
import { recordInputs } from '../../src/inputs.js';

const FIXTURES = '__tests__/gate/fixtures';
const CHANGES = `${FIXTURES}/moved-and-cancelled.ics`;
const MOVED_FAR = `${FIXTURES}/moved-far.ics`;
const SAME_HOUR = `${FIXTURES}/two-series-same-hour.ics`;

function settings(inputs: Record<string, string>) {
  return parseGateSettings(recordInputs(inputs));
}

interface Case {
  name: string;
  inputs: Record<string, string>;
  /** Always written with its offset, so the table reads as what a user in that zone would see. */
  at: string;
  open: boolean;
  reason: string;
  nextOpen?: string;
  closesAt?: string;
}

const DEFAULT = { windows: 'Mon-Thu 09:00-16:00' };
const NIGHT = { windows: 'Mon-Fri 22:00-02:00' };

const cases: Case[] = [
  // Window edges, to the minute (2026-11-23 is a Monday).
  {
    name: 'a minute before the window',
    inputs: DEFAULT,
    at: '2026-11-23T08:59:00Z',
    open: false,
    reason: 'Monday before 09:00 UTC',
    nextOpen: '2026-11-23T09:00:00Z',
  },
  {
    name: 'the window opens',
    inputs: DEFAULT,
    at: '2026-11-23T09:00:00Z',
    open: true,
    reason: 'inside deploy window Mon-Thu 09:00-16:00 UTC',
    nextOpen: '2026-11-23T09:00:00Z',
    closesAt: '2026-11-23T16:00:00Z',
  },
  {
    name: 'the last minute of the window',
    inputs: DEFAULT,
    at: '2026-11-23T15:59:00Z',
    open: true,
    reason: 'inside deploy window Mon-Thu 09:00-16:00 UTC',
    closesAt: '2026-11-23T16:00:00Z',
    nextOpen: '2026-11-23T15:59:00Z',
  },
  {
    name: 'the window has closed',
    inputs: DEFAULT,
    at: '2026-11-23T16:00:00Z',
    open: false,
    reason: 'Monday after 16:00 UTC',
    nextOpen: '2026-11-24T09:00:00Z',
  },
  {
    name: 'default windows when the input is empty',
    inputs: {},
    at: '2026-11-26T15:00:00Z',
    open: true,
    reason: 'inside deploy window Mon-Thu 09:00-16:00 UTC',
    nextOpen: '2026-11-26T15:00:00Z',
    closesAt: '2026-11-26T16:00:00Z',
  },
  {
    name: 'Friday after a half-day window, in Seoul',
    inputs: { windows: 'Mon-Thu 09:00-16:00; Fri 09:00-12:00', timezone: 'Asia/Seoul' },
    at: '2026-11-27T12:00:00+09:00',
    open: false,
    reason: 'Friday after 12:00 Asia/Seoul',
    nextOpen: '2026-11-30T09:00:00+09:00',
  },
  {
    name: 'a day without windows',
    inputs: { windows: 'Mon-Thu 09:00-16:00; Fri 09:00-12:00', timezone: 'Asia/Seoul' },
    at: '2026-11-28T10:00:00+09:00',
    open: false,
    reason: 'Saturday: outside deploy windows (Mon-Thu 09:00-16:00; Fri 09:00-12:00 Asia/Seoul)',
    nextOpen: '2026-11-30T09:00:00+09:00',
  },
  {
    name: 'between two ranges of a rule',
    inputs: { windows: 'Mon-Thu 09:00-12:00,13:00-16:00' },
    at: '2026-11-24T12:30:00Z',
    open: false,
    reason: 'Tuesday between 12:00 and 13:00 UTC',
    nextOpen: '2026-11-24T13:00:00Z',
  },
  {
    name: 'the second range of a rule',
    inputs: { windows: 'Mon-Thu 09:00-12:00,13:00-16:00' },
    at: '2026-11-24T13:00:00Z',
    open: true,
    reason: 'inside deploy window Mon-Thu 09:00-12:00,13:00-16:00 UTC',
    nextOpen: '2026-11-24T13:00:00Z',
    closesAt: '2026-11-24T16:00:00Z',
  },
  {
    name: 'a day list',
    inputs: { windows: 'Mon,Wed 10:00-11:00' },
    at: '2026-11-24T10:30:00Z',
    open: false,
    reason: 'Tuesday: outside deploy windows (Mon,Wed 10:00-11:00 UTC)',
    nextOpen: '2026-11-25T10:00:00Z',
  },
  {
    name: 'a day range that wraps around the week',
    inputs: { windows: 'Fri-Mon 10:00-11:00' },
    at: '2026-11-29T10:30:00Z',
    open: true,
    reason: 'inside deploy window Fri-Mon 10:00-11:00 UTC',
    nextOpen: '2026-11-29T10:30:00Z',
    closesAt: '2026-11-29T11:00:00Z',
  },
  {
    name: 'outside a wrapped day range',
    inputs: { windows: 'Fri-Mon 10:00-11:00' },
    at: '2026-11-24T10:30:00Z',
    open: false,
    reason: 'Tuesday: outside deploy windows (Fri-Mon 10:00-11:00 UTC)',
    nextOpen: '2026-11-27T10:00:00Z',
  },
  {
    name: 'whole days to 24:00 run on into the next day',
    inputs: { windows: 'Sat-Sun 00:00-24:00' },
    at: '2026-11-28T12:00:00Z',
    open: true,
    reason: 'inside deploy window Sat-Sun 00:00-24:00 UTC',
    nextOpen: '2026-11-28T12:00:00Z',
    closesAt: '2026-11-30T00:00:00Z',
  },

  // A range that ends before it starts spans midnight and belongs to the day it starts on.
  {
    name: 'a night window opens on Friday',
    inputs: NIGHT,
    at: '2026-11-27T22:00:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 22:00-02:00 UTC',
    nextOpen: '2026-11-27T22:00:00Z',
    closesAt: '2026-11-28T02:00:00Z',
  },
  {
    name: "Friday's night window runs into Saturday",
    inputs: NIGHT,
    at: '2026-11-28T01:59:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 22:00-02:00 UTC',
    nextOpen: '2026-11-28T01:59:00Z',
    closesAt: '2026-11-28T02:00:00Z',
  },
  {
    name: "Friday's night window ends at 02:00 Saturday",
    inputs: NIGHT,
    at: '2026-11-28T02:00:00Z',
    open: false,
    reason: 'Saturday after 02:00 UTC',
    nextOpen: '2026-11-30T22:00:00Z',
  },
  {
    name: 'early Monday belongs to Sunday, which has no window',
    inputs: NIGHT,
    at: '2026-11-30T01:00:00Z',
    open: false,
    reason: 'Monday before 22:00 UTC',
    nextOpen: '2026-11-30T22:00:00Z',
  },
  {
    name: 'early Tuesday belongs to Monday',
    inputs: NIGHT,
    at: '2026-12-01T01:00:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 22:00-02:00 UTC',
    nextOpen: '2026-12-01T01:00:00Z',
    closesAt: '2026-12-01T02:00:00Z',
  },
  {
    name: 'between the night spill-over and the next night',
    inputs: NIGHT,
    at: '2026-12-01T12:00:00Z',
    open: false,
    reason: 'Tuesday between 02:00 and 22:00 UTC',
    nextOpen: '2026-12-01T22:00:00Z',
  },

  // Daylight saving, America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT, 2026-11-01 02:00 EDT -> 01:00 EST.
  {
    name: 'NY: a window across the spring-forward gap is one real hour shorter',
    inputs: { windows: 'Sun 01:30-03:30', timezone: 'America/New_York' },
    at: '2026-03-08T01:45:00-05:00',
    open: true,
    reason: 'inside deploy window Sun 01:30-03:30 America/New_York',
    nextOpen: '2026-03-08T01:45:00-05:00',
    closesAt: '2026-03-08T03:30:00-04:00',
  },
  {
    name: 'NY: just after the jump to 03:00 EDT',
    inputs: { windows: 'Sun 01:30-03:30', timezone: 'America/New_York' },
    at: '2026-03-08T03:29:00-04:00',
    open: true,
    reason: 'inside deploy window Sun 01:30-03:30 America/New_York',
    nextOpen: '2026-03-08T03:29:00-04:00',
    closesAt: '2026-03-08T03:30:00-04:00',
  },
  {
    name: 'NY: after the spring-forward window',
    inputs: { windows: 'Sun 01:30-03:30', timezone: 'America/New_York' },
    at: '2026-03-08T03:30:00-04:00',
    open: false,
    reason: 'Sunday after 03:30 America/New_York',
    nextOpen: '2026-03-15T01:30:00-04:00',
  },
  {
    name: 'NY: office hours the Monday after spring-forward are 13:00Z',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York' },
    at: '2026-03-09T12:59:00Z',
    open: false,
    reason: 'Monday before 09:00 America/New_York',
    nextOpen: '2026-03-09T09:00:00-04:00',
  },
  {
    name: 'NY: next-open across the weekend and the clock change',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York' },
    at: '2026-03-06T17:00:00-05:00',
    open: false,
    reason: 'Friday after 17:00 America/New_York',
    nextOpen: '2026-03-09T09:00:00-04:00',
  },
  {
    name: 'NY: the repeated 01:30 after fall-back is still inside 01:00-02:00',
    inputs: { windows: 'Sun 01:00-02:00', timezone: 'America/New_York' },
    at: '2026-11-01T01:30:00-05:00',
    open: true,
    reason: 'inside deploy window Sun 01:00-02:00 America/New_York',
    nextOpen: '2026-11-01T01:30:00-05:00',
    closesAt: '2026-11-01T02:00:00-05:00',
  },
  {
    name: 'NY: the first 01:30 on fall-back day',
    inputs: { windows: 'Sun 01:00-02:00', timezone: 'America/New_York' },
    at: '2026-11-01T01:30:00-04:00',
    open: true,
    reason: 'inside deploy window Sun 01:00-02:00 America/New_York',
    nextOpen: '2026-11-01T01:30:00-04:00',
    closesAt: '2026-11-01T02:00:00-05:00',
  },

  {
    name: 'NY: a window inside the repeated hour holds each occurrence, not the time between',
    inputs: { windows: 'Sun 01:00-01:30', timezone: 'America/New_York' },
    at: '2026-11-01T01:45:00-04:00',
    open: false,
    reason: 'Sunday after 01:30 America/New_York',
    nextOpen: '2026-11-01T01:00:00-05:00',
  },
  {
    name: 'NY: the second 01:15 on fall-back day is inside 01:00-01:30',
    inputs: { windows: 'Sun 01:00-01:30', timezone: 'America/New_York' },
    at: '2026-11-01T01:15:00-05:00',
    open: true,
    reason: 'inside deploy window Sun 01:00-01:30 America/New_York',
    nextOpen: '2026-11-01T01:15:00-05:00',
    closesAt: '2026-11-01T01:30:00-05:00',
  },
  {
    name: 'NY: a window ending inside the repeated hour closes at its first occurrence, then reopens',
    inputs: { windows: 'Sun 00:30-01:30', timezone: 'America/New_York' },
    at: '2026-11-01T01:00:00-04:00',
    open: true,
    reason: 'inside deploy window Sun 00:30-01:30 America/New_York',
    nextOpen: '2026-11-01T01:00:00-04:00',
    closesAt: '2026-11-01T01:30:00-04:00',
  },
  {
    name: 'NY: a window wholly inside the skipped hour has no real time',
    inputs: { windows: 'Sun 02:00-02:30; Mon 09:00-10:00', timezone: 'America/New_York' },
    at: '2026-03-08T01:59:00-05:00',
    open: false,
    reason: 'Sunday before 02:00 America/New_York',
    nextOpen: '2026-03-09T09:00:00-04:00',
  },
  {
    name: 'NY: a window starting in the skipped hour opens when the clock jumps',
    inputs: { windows: 'Sun 02:30-04:00', timezone: 'America/New_York' },
    at: '2026-03-08T01:59:00-05:00',
    open: false,
    reason: 'Sunday before 02:30 America/New_York',
    nextOpen: '2026-03-08T03:00:00-04:00',
  },
  {
    name: 'Berlin: a window across the repeated hour on fall-back day',
    inputs: { windows: 'Sun 02:15-02:45', timezone: 'Europe/Berlin' },
    at: '2026-10-25T02:50:00+02:00',
    open: false,
    reason: 'Sunday after 02:45 Europe/Berlin',
    nextOpen: '2026-10-25T02:15:00+01:00',
  },

  // Daylight saving, Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST, 2026-10-25 03:00 CEST -> 02:00 CET.
  {
    name: 'Berlin: 03:30 CEST on spring-forward day is inside 01:00-04:00',
    inputs: { windows: 'Sun 01:00-04:00', timezone: 'Europe/Berlin' },
    at: '2026-03-29T01:30:00Z',
    open: true,
    reason: 'inside deploy window Sun 01:00-04:00 Europe/Berlin',
    nextOpen: '2026-03-29T03:30:00+02:00',
    closesAt: '2026-03-29T04:00:00+02:00',
  },
  {
    name: 'Berlin: the window opened at 01:00 CET',
    inputs: { windows: 'Sun 01:00-04:00', timezone: 'Europe/Berlin' },
    at: '2026-03-28T23:59:00Z',
    open: false,
    reason: 'Sunday before 01:00 Europe/Berlin',
    nextOpen: '2026-03-29T01:00:00+01:00',
  },
  {
    name: 'Berlin: the repeated 02:30 CET after fall-back',
    inputs: { windows: 'Sun 02:00-03:00', timezone: 'Europe/Berlin' },
    at: '2026-10-25T01:30:00Z',
    open: true,
    reason: 'inside deploy window Sun 02:00-03:00 Europe/Berlin',
    nextOpen: '2026-10-25T02:30:00+01:00',
    closesAt: '2026-10-25T03:00:00+01:00',
  },
  {
    name: 'Berlin: office hours on the Monday after fall-back are 08:00Z',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'Europe/Berlin' },
    at: '2026-10-26T08:00:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 Europe/Berlin',
    nextOpen: '2026-10-26T09:00:00+01:00',
    closesAt: '2026-10-26T17:00:00+01:00',
  },

  // Blackouts: whole local days, inclusive.
  {
    name: 'the working day before a blackout',
    inputs: {
      windows: 'Mon-Fri 09:00-17:00',
      timezone: 'Europe/Berlin',
      blackout: '2026-12-20..2027-01-04, 2026-11-26',
    },
    at: '2026-12-18T16:59:00+01:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 Europe/Berlin',
    nextOpen: '2026-12-18T16:59:00+01:00',
    closesAt: '2026-12-18T17:00:00+01:00',
  },
  {
    name: 'inside a blackout range',
    inputs: {
      windows: 'Mon-Fri 09:00-17:00',
      timezone: 'Europe/Berlin',
      blackout: '2026-12-20..2027-01-04, 2026-11-26',
    },
    at: '2026-12-21T10:00:00+01:00',
    open: false,
    reason: 'blackout 2026-12-20..2027-01-04',
    nextOpen: '2027-01-05T09:00:00+01:00',
  },
  {
    name: 'the last day of a blackout range',
    inputs: {
      windows: 'Mon-Fri 09:00-17:00',
      timezone: 'Europe/Berlin',
      blackout: '2026-12-20..2027-01-04, 2026-11-26',
    },
    at: '2027-01-04T16:00:00+01:00',
    open: false,
    reason: 'blackout 2026-12-20..2027-01-04',
    nextOpen: '2027-01-05T09:00:00+01:00',
  },
  {
    name: 'a single blackout date',
    inputs: {
      windows: 'Mon-Fri 09:00-17:00',
      timezone: 'Europe/Berlin',
      blackout: '2026-12-20..2027-01-04, 2026-11-26',
    },
    at: '2026-11-26T09:00:00+01:00',
    open: false,
    reason: 'blackout 2026-11-26',
    nextOpen: '2026-11-27T09:00:00+01:00',
  },
  {
    name: 'a blackout cuts a night window at local midnight',
    inputs: { windows: 'Wed 22:00-02:00', timezone: 'America/New_York', blackout: '2026-11-26' },
    at: '2026-11-25T23:00:00-05:00',
    open: true,
    reason: 'inside deploy window Wed 22:00-02:00 America/New_York',
    nextOpen: '2026-11-25T23:00:00-05:00',
    closesAt: '2026-11-26T00:00:00-05:00',
  },
  {
    name: "a blackout closes its day's night window after midnight too",
    inputs: { windows: 'Mon-Fri 22:00-02:00', blackout: '2026-11-27' },
    at: '2026-11-28T01:00:00Z',
    open: false,
    reason: 'blackout 2026-11-27',
    nextOpen: '2026-11-30T22:00:00Z',
  },
  {
    name: 'a timed event on the day before leaves its night window open after midnight',
    inputs: { windows: 'Mon-Fri 22:00-02:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2026-10-06T01:00:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 22:00-02:00 UTC',
    nextOpen: '2026-10-06T01:00:00Z',
    closesAt: '2026-10-06T02:00:00Z',
  },
  {
    name: 'next-open skips weekends, a blackout and a holiday',
    inputs: { timezone: 'Europe/Berlin', blackout: '2026-12-20..2027-01-05', holidays: 'DE-BY' },
    at: '2026-12-17T16:00:00+01:00',
    open: false,
    reason: 'Thursday after 16:00 Europe/Berlin',
    nextOpen: '2027-01-07T09:00:00+01:00',
  },

  // Public holidays: whole local days in the gate's zone.
  {
    name: 'US Thanksgiving',
    inputs: { timezone: 'America/New_York', holidays: 'US' },
    at: '2026-11-26T10:00:00-05:00',
    open: false,
    reason: 'holiday: Thanksgiving Day (US)',
    nextOpen: '2026-11-30T09:00:00-05:00',
  },
  {
    name: "Thanksgiving night: the holiday's night window stays shut after midnight",
    inputs: { windows: 'Mon-Fri 22:00-02:00', timezone: 'America/New_York', holidays: 'US' },
    at: '2026-11-27T00:30:00-05:00',
    open: false,
    reason: 'holiday: Thanksgiving Day (US)',
    nextOpen: '2026-11-27T22:00:00-05:00',
  },
  {
    name: 'on Thanksgiving, next-open is the night of the next working day',
    inputs: { windows: 'Mon-Fri 22:00-02:00', timezone: 'America/New_York', holidays: 'US' },
    at: '2026-11-26T21:00:00-05:00',
    open: false,
    reason: 'holiday: Thanksgiving Day (US)',
    nextOpen: '2026-11-27T22:00:00-05:00',
  },
  {
    name: 'the day before US Thanksgiving',
    inputs: { timezone: 'America/New_York', holidays: 'US' },
    at: '2026-11-25T15:59:00-05:00',
    open: true,
    reason: 'inside deploy window Mon-Thu 09:00-16:00 America/New_York',
    nextOpen: '2026-11-25T15:59:00-05:00',
    closesAt: '2026-11-25T16:00:00-05:00',
  },
  {
    name: 'Chuseok in Korea',
    inputs: { timezone: 'Asia/Seoul', holidays: 'KR' },
    at: '2026-09-24T10:00:00+09:00',
    open: false,
    reason: 'holiday: Korean Thanksgiving (KR)',
    nextOpen: '2026-09-28T09:00:00+09:00',
  },
  {
    name: 'Chuseok lasts three days: its Friday is closed too',
    inputs: { windows: 'Mon-Fri 09:00-18:00', timezone: 'Asia/Seoul', holidays: 'KR' },
    at: '2026-09-25T10:00:00+09:00',
    open: false,
    reason: 'holiday: Korean Thanksgiving (KR)',
    nextOpen: '2026-09-28T09:00:00+09:00',
  },
  {
    name: 'the working day before Chuseok closes at local midnight',
    inputs: { windows: 'Mon-Fri 22:00-02:00', timezone: 'Asia/Seoul', holidays: 'KR' },
    at: '2026-09-23T23:00:00+09:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 22:00-02:00 Asia/Seoul',
    nextOpen: '2026-09-23T23:00:00+09:00',
    closesAt: '2026-09-24T00:00:00+09:00',
  },
  {
    name: 'a multi-day holiday read in another zone covers its days there',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/Los_Angeles', holidays: 'KR' },
    at: '2026-09-25T16:59:00-07:00',
    open: false,
    reason: 'holiday: Korean Thanksgiving (KR)',
    nextOpen: '2026-09-28T09:00:00-07:00',
  },
  {
    name: 'a Korean substitute holiday',
    inputs: { timezone: 'Asia/Seoul', holidays: 'kr' },
    at: '2026-10-05T10:00:00+09:00',
    open: false,
    reason: 'holiday: National Foundation Day (substitute day) (KR)',
    nextOpen: '2026-10-06T09:00:00+09:00',
  },
  {
    name: 'Epiphany in Bavaria',
    inputs: { timezone: 'Europe/Berlin', holidays: 'DE-BY' },
    at: '2026-01-06T10:00:00+01:00',
    open: false,
    reason: 'holiday: Epiphany (DE-BY)',
    nextOpen: '2026-01-07T09:00:00+01:00',
  },
  {
    name: 'Epiphany is not a holiday in all of Germany',
    inputs: { timezone: 'Europe/Berlin', holidays: 'DE' },
    at: '2026-01-06T10:00:00+01:00',
    open: true,
    reason: 'inside deploy window Mon-Thu 09:00-16:00 Europe/Berlin',
    nextOpen: '2026-01-06T10:00:00+01:00',
    closesAt: '2026-01-06T16:00:00+01:00',
  },
  {
    name: 'bank holidays only when asked: Christmas Eve morning in Germany',
    inputs: {
      windows: 'Mon-Fri 09:00-17:00',
      timezone: 'Europe/Berlin',
      holidays: 'DE-BY',
      'holiday-types': 'public, bank',
    },
    at: '2026-12-24T13:59:00+01:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 Europe/Berlin',
    nextOpen: '2026-12-24T13:59:00+01:00',
    closesAt: '2026-12-24T14:00:00+01:00',
  },
  {
    name: 'bank holidays only when asked: Christmas Eve afternoon in Germany',
    inputs: {
      windows: 'Mon-Fri 09:00-17:00',
      timezone: 'Europe/Berlin',
      holidays: 'DE-BY',
      'holiday-types': 'public, bank',
    },
    at: '2026-12-24T14:00:00+01:00',
    open: false,
    reason: 'holiday: Christmas Eve (DE-BY)',
    nextOpen: '2026-12-28T09:00:00+01:00',
  },
  {
    name: 'public holidays only by default: Christmas Eve is a working day',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'Europe/Berlin', holidays: 'DE-BY' },
    at: '2026-12-24T15:00:00+01:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 Europe/Berlin',
    nextOpen: '2026-12-24T15:00:00+01:00',
    closesAt: '2026-12-24T17:00:00+01:00',
  },
  {
    name: 'observances when asked: the day after US Thanksgiving',
    inputs: {
      windows: 'Mon-Fri 09:00-17:00',
      timezone: 'America/New_York',
      holidays: 'US',
      'holiday-types': 'observance',
    },
    at: '2026-11-27T10:00:00-05:00',
    open: false,
    reason: 'holiday: Day after Thanksgiving Day (US)',
    nextOpen: '2026-11-30T09:00:00-05:00',
  },
  {
    name: 'several countries at once',
    inputs: { timezone: 'Asia/Seoul', holidays: 'US, KR' },
    at: '2026-11-26T10:00:00+09:00',
    open: false,
    reason: 'holiday: Thanksgiving Day (US)',
    nextOpen: '2026-11-30T09:00:00+09:00',
  },

  // .ics: a weekly freeze on Mondays 14:00-16:00 Berlin time (one week excluded), an all-day offsite,
  // a timed migration in UTC. The gate runs in UTC, so the TZID and Berlin's clock change must be honoured.
  {
    name: 'a weekly event in summer time (12:00Z)',
    inputs: { windows: 'Mon-Fri 09:00-17:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2026-10-05T12:00:00Z',
    open: false,
    reason: 'calendar: Weekly release freeze',
    nextOpen: '2026-10-05T14:00:00Z',
  },
  {
    name: 'the weekly event closes the window early',
    inputs: { windows: 'Mon-Fri 09:00-17:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2026-10-12T11:59:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 UTC',
    nextOpen: '2026-10-12T11:59:00Z',
    closesAt: '2026-10-12T12:00:00Z',
  },
  {
    name: 'an excluded occurrence (EXDATE) does not close',
    inputs: { windows: 'Mon-Fri 09:00-17:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2026-10-19T12:30:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 UTC',
    nextOpen: '2026-10-19T12:30:00Z',
    closesAt: '2026-10-19T17:00:00Z',
  },
  {
    name: 'the weekly event after Berlin falls back is 13:00Z',
    inputs: { windows: 'Mon-Fri 09:00-17:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2026-11-02T12:30:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 UTC',
    nextOpen: '2026-11-02T12:30:00Z',
    closesAt: '2026-11-02T13:00:00Z',
  },
  {
    name: 'a weekly occurrence months later',
    inputs: { windows: 'Mon-Fri 09:00-17:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2027-02-01T14:59:00Z',
    open: false,
    reason: 'calendar: Weekly release freeze',
    nextOpen: '2027-02-01T15:00:00Z',
  },
  {
    name: 'an all-day event (DTEND exclusive)',
    inputs: { windows: 'Mon-Fri 09:00-17:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2026-11-12T16:00:00Z',
    open: false,
    reason: 'calendar: Company offsite',
    nextOpen: '2026-11-13T09:00:00Z',
  },
  {
    name: 'a timed event in UTC',
    inputs: { windows: 'Mon-Fri 09:00-17:00', calendar: `${FIXTURES}/weekly-freeze.ics` },
    at: '2026-11-03T09:59:00Z',
    open: false,
    reason: 'calendar: Database migration',
    nextOpen: '2026-11-03T10:00:00Z',
  },

  // .ics changes to a recurring event: a moved occurrence, a cancelled one, and a cancelled event.
  {
    name: 'a daily event closes its hour',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: CHANGES },
    at: '2026-11-03T10:30:00-05:00',
    open: false,
    reason: 'calendar: Daily change review',
    nextOpen: '2026-11-03T11:00:00-05:00',
  },
  {
    name: 'a moved occurrence no longer closes its old hour',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: CHANGES },
    at: '2026-11-04T10:30:00-05:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 America/New_York',
    nextOpen: '2026-11-04T10:30:00-05:00',
    closesAt: '2026-11-04T15:00:00-05:00',
  },
  {
    name: 'a moved occurrence closes its new hour, under its own summary',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: CHANGES },
    at: '2026-11-04T15:30:00-05:00',
    open: false,
    reason: 'calendar: Daily change review (moved)',
    nextOpen: '2026-11-04T16:00:00-05:00',
  },
  {
    name: 'a cancelled occurrence (STATUS:CANCELLED) closes nothing',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: CHANGES },
    at: '2026-11-05T10:30:00-05:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 America/New_York',
    nextOpen: '2026-11-05T10:30:00-05:00',
    closesAt: '2026-11-05T17:00:00-05:00',
  },
  {
    name: 'a cancelled all-day event closes nothing',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: CHANGES },
    at: '2026-11-06T12:00:00-05:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 America/New_York',
    nextOpen: '2026-11-06T12:00:00-05:00',
    closesAt: '2026-11-06T17:00:00-05:00',
  },
  {
    name: 'a recurring event ends after its COUNT',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: CHANGES },
    at: '2026-11-30T10:30:00-05:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 America/New_York',
    nextOpen: '2026-11-30T10:30:00-05:00',
    closesAt: '2026-11-30T17:00:00-05:00',
  },
  {
    name: 'the last occurrence within COUNT',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: CHANGES },
    at: '2026-11-27T10:59:00-05:00',
    open: false,
    reason: 'calendar: Daily change review',
    nextOpen: '2026-11-27T11:00:00-05:00',
  },

  // .ics occurrences moved weeks away: expansion neither stops at one moved past the period nor misses
  // one moved into it from weeks ahead.
  {
    name: 'an occurrence moved weeks later does not end the series: the next day still closes',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: MOVED_FAR },
    at: '2026-11-04T10:30:00-05:00',
    open: false,
    reason: 'calendar: Daily freeze',
    nextOpen: '2026-11-04T11:00:00-05:00',
  },
  {
    name: 'the slot an occurrence moved away from is open',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: MOVED_FAR },
    at: '2026-11-03T10:30:00-05:00',
    open: true,
    reason: 'inside deploy window Mon-Fri 09:00-17:00 America/New_York',
    nextOpen: '2026-11-03T10:30:00-05:00',
    closesAt: '2026-11-03T17:00:00-05:00',
  },
  {
    name: 'an occurrence moved up from weeks ahead closes its new hour',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: MOVED_FAR },
    at: '2026-11-06T13:30:00-05:00',
    open: false,
    reason: 'calendar: Daily freeze (moved up from December)',
    nextOpen: '2026-11-06T14:00:00-05:00',
  },
  {
    name: 'an occurrence moved weeks later closes its new hour',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: MOVED_FAR },
    at: '2026-12-15T15:30:00-05:00',
    open: false,
    reason: 'calendar: Daily freeze (moved to December)',
    nextOpen: '2026-12-15T16:00:00-05:00',
  },

  // Two series at the same hour: one series' cancelled or moved occurrence leaves the other's alone.
  {
    name: "another series' cancelled occurrence at the same hour does not cancel this one",
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: SAME_HOUR },
    at: '2026-11-05T10:45:00-05:00',
    open: false,
    reason: 'calendar: Release freeze',
    nextOpen: '2026-11-05T11:00:00-05:00',
  },
  {
    name: "another series' moved occurrence does not move this one",
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: SAME_HOUR },
    at: '2026-11-06T10:45:00-05:00',
    open: false,
    reason: 'calendar: Release freeze',
    nextOpen: '2026-11-06T11:00:00-05:00',
  },
  {
    name: 'the moved occurrence of the other series closes its new hour',
    inputs: { windows: 'Mon-Fri 09:00-17:00', timezone: 'America/New_York', calendar: SAME_HOUR },
    at: '2026-11-06T14:15:00-05:00',
    open: false,
    reason: 'calendar: Team standup (moved)',
    nextOpen: '2026-11-06T14:30:00-05:00',
  },

  // Outlook writes Windows zone names with their own VTIMEZONE rules: those rules are followed.
  {
    name: 'Outlook zone: a weekly event in summer time',
    inputs: { windows: 'Mon-Fri 07:00-17:00', calendar: `${FIXTURES}/outlook-zone.ics` },
    at: '2026-10-21T09:59:00Z',
    open: false,
    reason: 'calendar: Change advisory board',
    nextOpen: '2026-10-21T10:00:00Z',
  },
  {
    name: 'Outlook zone: the same event in winter time starts an hour later in UTC',
    inputs: { windows: 'Mon-Fri 07:00-17:00', calendar: `${FIXTURES}/outlook-zone.ics` },
    at: '2026-10-28T08:30:00Z',
    open: true,
    reason: 'inside deploy window Mon-Fri 07:00-17:00 UTC',
    nextOpen: '2026-10-28T08:30:00Z',
    closesAt: '2026-10-28T09:00:00Z',
  },

  // Override: open whatever the calendar says, and the reason says what it overrode.
  {
    name: 'override on a closed calendar',
    inputs: { timezone: 'Asia/Seoul', override: 'hotfix INC-1234' },
    at: '2026-11-27T13:00:00+09:00',
    open: true,
    reason:
      'override: hotfix INC-1234 (otherwise closed: Friday: outside deploy windows (Mon-Thu 09:00-16:00 Asia/Seoul))',
    nextOpen: '2026-11-30T09:00:00+09:00',
  },
];

describe('evaluateGate over a table of instants', () => {
  test.each(cases)('$name ($at)', ({ inputs, at, open, reason, nextOpen, closesAt }) => {
    const gate = settings(inputs);
    const decision = evaluateGate(gate, Date.parse(at));
    expect(decision.open).toBe(open);
    expect(decision.reason).toBe(reason);
    const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
    expect(iso(decision.nextOpen)).toBe(
      nextOpen === undefined ? undefined : new Date(nextOpen).toISOString(),
    );
    expect(iso(decision.closesAt)).toBe(
      closesAt === undefined ? undefined : new Date(closesAt).toISOString(),
    );
  });
});

describe('evaluateGate', () => {
  test('next-open and closes-at are written with the zone offset', () => {
    const gate = settings({ timezone: 'Asia/Seoul' });
    const decision = evaluateGate(gate, Date.parse('2026-11-27T13:00:00+09:00'));
    expect(formatInstant(decision.nextOpen!, gate.timezone)).toBe('2026-11-30T09:00:00+09:00');
  });

  test('a calendar that never opens within the horizon has no next-open', () => {
    const gate = settings({ blackout: '2026-01-01..2028-12-31' });
    const decision = evaluateGate(gate, Date.parse('2026-11-24T10:00:00Z'));
    expect(decision).toMatchObject({ open: false, reason: 'blackout 2026-01-01..2028-12-31' });
    expect(decision.nextOpen).toBeUndefined();
  });

  test('a window open around the clock has no closes-at within the horizon', () => {
    const decision = evaluateGate(
      settings({ windows: 'Mon-Sun 00:00-24:00' }),
      Date.parse('2026-11-24T10:00:00Z'),
    );
    expect(decision.open).toBe(true);
    expect(decision.closesAt).toBeUndefined();
  });

  test('a blackout months long is searched past to the next opening', () => {
    const decision = evaluateGate(
      settings({ blackout: '2026-11-01..2027-06-30' }),
      Date.parse('2026-11-24T10:00:00Z'),
    );
    expect(formatInstant(decision.nextOpen!, 'UTC')).toBe('2027-07-01T09:00:00Z');
  });

  test('a blocker alarm in ALARM closes an open calendar; the calendar stays open', () => {
    const gate = settings({});
    const at = Date.parse('2026-11-24T10:00:00Z');
    const alarms = [
      { name: 'api-5xx', type: 'metric' as const, state: 'ALARM' as const, reason: 'Threshold Crossed' },
      { name: 'api-latency', type: 'metric' as const, state: 'OK' as const, reason: '' },
    ];
    const decision = evaluateGate(gate, at, alarms);
    expect(decision).toMatchObject({
      open: false,
      calendarOpen: true,
      reason: 'alarm api-5xx in ALARM',
      nextOpen: at,
    });
    expect(decision.alarms.map((a) => a.name)).toEqual(['api-5xx']);
    expect(evaluateGate(gate, at, alarms.slice(1)).open).toBe(true);
  });

  test('a closed calendar and an alarm are both reasons', () => {
    const decision = evaluateGate(settings({}), Date.parse('2026-11-28T10:00:00Z'), [
      { name: 'api-5xx', type: 'metric', state: 'ALARM', reason: '' },
    ]);
    expect(decision.reason).toBe(
      'Saturday: outside deploy windows (Mon-Thu 09:00-16:00 UTC); alarm api-5xx in ALARM',
    );
  });

  test('an override opens the gate over an alarm and says so', () => {
    const decision = evaluateGate(
      settings({ override: 'rollback of #42' }),
      Date.parse('2026-11-24T10:00:00Z'),
      [{ name: 'api-5xx', type: 'metric', state: 'ALARM', reason: '' }],
    );
    expect(decision).toMatchObject({
      open: true,
      overridden: true,
      reason: 'override: rollback of #42 (otherwise closed: alarm api-5xx in ALARM)',
    });
  });

  test('an override on an open calendar', () => {
    const decision = evaluateGate(settings({ override: 'planned' }), Date.parse('2026-11-24T10:00:00Z'));
    expect(decision).toMatchObject({
      open: true,
      overridden: true,
      reason: 'override: planned',
      closesAt: Date.parse('2026-11-24T16:00:00Z'),
    });
  });

  // How long this takes is measured by `npm run bench` (the gate row with holidays and a calendar), never here.
  test('every hour with holidays and a calendar gets an answer: when it closes, or when it next opens', () => {
    const gate = settings({
      windows: 'Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-11:00',
      holidays: 'US, DE-BY',
      timezone: 'Europe/Berlin',
      calendar: `${FIXTURES}/weekly-freeze.ics`,
    });
    const opens = [];
    for (let i = 0; i < 20; i++) {
      const at = Date.parse('2026-11-24T10:00:00Z') + i * 3_600_000;
      const decision = evaluateGate(gate, at);
      if (decision.open) expect(decision.closesAt).toBeGreaterThan(at);
      else expect(decision.nextOpen).toBeGreaterThan(at);
      opens.push(decision.open);
    }
    // Tuesday 11:00 Berlin is inside a window; 18:00 is not: both answers occur.
    expect(opens).toContain(true);
    expect(opens).toContain(false);
  });
});

describe('daysAhead', () => {
  test('the next 7 days with their open hours and what closes the others', () => {
    const gate = settings({
      windows: 'Mon-Thu 09:00-16:00; Fri 22:00-02:00',
      timezone: 'America/New_York',
      holidays: 'US',
      calendar: `${FIXTURES}/weekly-freeze.ics`,
    });
    expect(daysAhead(gate, Date.parse('2026-11-23T12:00:00-05:00'))).toEqual([
      // The weekly freeze is 14:00-16:00 Berlin, 08:00-10:00 in New York.
      { date: '2026-11-23', weekday: 'Monday', open: ['10:00-16:00'] },
      { date: '2026-11-24', weekday: 'Tuesday', open: ['09:00-16:00'] },
      { date: '2026-11-25', weekday: 'Wednesday', open: ['09:00-16:00'] },
      { date: '2026-11-26', weekday: 'Thursday', open: [], closed: 'holiday: Thanksgiving Day (US)' },
      { date: '2026-11-27', weekday: 'Friday', open: ['22:00-24:00'] },
      { date: '2026-11-28', weekday: 'Saturday', open: ['00:00-02:00'] },
      { date: '2026-11-29', weekday: 'Sunday', open: [], closed: 'no deploy window' },
    ]);
  });

  test("a night window belongs to the day it starts on: none after a holiday's midnight", () => {
    const gate = settings({ windows: 'Mon-Fri 22:00-02:00', timezone: 'America/New_York', holidays: 'US' });
    expect(daysAhead(gate, Date.parse('2026-11-25T12:00:00-05:00'), 4)).toEqual([
      { date: '2026-11-25', weekday: 'Wednesday', open: ['00:00-02:00', '22:00-24:00'] },
      { date: '2026-11-26', weekday: 'Thursday', open: [], closed: 'holiday: Thanksgiving Day (US)' },
      { date: '2026-11-27', weekday: 'Friday', open: ['22:00-24:00'] },
      { date: '2026-11-28', weekday: 'Saturday', open: ['00:00-02:00'] },
    ]);
  });
});
