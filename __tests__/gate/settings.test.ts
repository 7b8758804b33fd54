import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGateSettings } from '../../src/gate/settings.js';
import { parseWindows } from '../../src/gate/windows.js';
import { UserError } from '../../src/errors.js';
import { recordInputs } from '../../src/inputs.js';

const FIXTURES = '__tests__/gate/fixtures';

function parse(inputs: Record<string, string>) {
  return () => parseGateSettings(recordInputs(inputs));
}

describe('parseWindows', () => {
  test('rules, day ranges, lists, wrap-around and several ranges', () => {
    expect(
      parseWindows(
        'Mon-Thu 09:00-12:00,13:00-16:00; Fri 09:00-12:00; sat,SUN 10:00-11:00; Fri-Mon 22:00-02:00',
      ),
    ).toEqual([
      {
        days: [1, 2, 3, 4],
        ranges: [
          { start: 540, end: 720 },
          { start: 780, end: 960 },
        ],
        text: 'Mon-Thu 09:00-12:00,13:00-16:00',
      },
      { days: [5], ranges: [{ start: 540, end: 720 }], text: 'Fri 09:00-12:00' },
      { days: [6, 7], ranges: [{ start: 600, end: 660 }], text: 'sat,SUN 10:00-11:00' },
      { days: [1, 5, 6, 7], ranges: [{ start: 1320, end: 120 }], text: 'Fri-Mon 22:00-02:00' },
    ]);
  });

  test('full day names, spaces around separators, 24:00 as an end', () => {
    expect(parseWindows('Monday - Wednesday 9:00 - 17:30, 20:00-24:00')).toEqual([
      {
        days: [1, 2, 3],
        ranges: [
          { start: 540, end: 1050 },
          { start: 1200, end: 1440 },
        ],
        text: 'Monday-Wednesday 09:00-17:30,20:00-24:00',
      },
    ]);
  });
});

describe('a zone that never changes for daylight saving', () => {
  test.each(['EST', 'MST', 'HST', '+09:00', 'Etc/GMT+5'])('%s gets a warning naming its offset', (zone) => {
    const { warnings } = parseGateSettings(recordInputs({ timezone: zone }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^Input 'timezone': "${zone.replace('+', '\\+')}" is a fixed offset \\(UTC[+-]\\d\\d:\\d\\d\\)`,
      ),
    );
  });

  test.each(['UTC', 'Etc/UTC', 'GMT', 'America/New_York', 'Asia/Seoul', 'Japan', 'EST5EDT'])(
    '%s gets none',
    (zone) => {
      expect(parseGateSettings(recordInputs({ timezone: zone })).warnings).toEqual([]);
    },
  );
});

describe('parseGateSettings', () => {
  test('defaults', () => {
    const gate = parseGateSettings(recordInputs({}));
    expect(gate).toMatchObject({
      timezone: 'UTC',
      onClosed: 'fail',
      maxWait: 6 * 3600 * 1000,
      blockerAlarms: [],
      alarmPrefixes: [],
    });
    expect(gate.windows.map((w) => w.text)).toEqual(['Mon-Thu 09:00-16:00']);
    expect(gate.at).toBeUndefined();
    expect(gate.override).toBeUndefined();
    // The release queue is off until on-closed: queue or release-queued asks for it.
    expect(gate.queue).toEqual({
      environment: 'production',
      releaseQueued: false,
      manifestArtifact: 'safe-deploy-manifest',
    });
  });

  test('every input', () => {
    const gate = parseGateSettings(
      recordInputs({
        windows: 'Fri 09:00-12:00',
        timezone: 'Asia/Seoul',
        blackout: '2026-12-20..2027-01-04\n2026-11-26',
        holidays: 'US, kr, DE-BY',
        'holiday-types': 'Public, bank',
        calendar: `${FIXTURES}/weekly-freeze.ics`,
        'blocker-alarms': 'api-5xx, api-latency',
        'alarm-prefixes': 'shop-',
        override: 'hotfix INC-1',
        'on-closed': 'skip',
        'max-wait': '90m',
        at: '2026-11-27T13:00',
      }),
    );
    expect(gate).toMatchObject({
      timezone: 'Asia/Seoul',
      blockerAlarms: ['api-5xx', 'api-latency'],
      alarmPrefixes: ['shop-'],
      override: 'hotfix INC-1',
      onClosed: 'skip',
      maxWait: 90 * 60 * 1000,
      // Without an offset, `at` is read in the gate's zone.
      at: Date.parse('2026-11-27T13:00:00+09:00'),
    });
    expect(gate.closures).toHaveLength(5);
  });

  const bad: [string, Record<string, string>, string][] = [
    ['windows: hours without minutes', { windows: 'Mon-Thu 9-16' }, `Input 'windows': "9-16" is not valid`],
    ['windows: no time range', { windows: 'Mon-Thu' }, `Input 'windows': "Mon-Thu" is not valid`],
    [
      'windows: an unknown day',
      { windows: 'Mon-Fun 09:00-10:00' },
      `Input 'windows': "Fun" is not valid: expected a day`,
    ],
    ['windows: hour 25', { windows: 'Mon 09:00-25:00' }, `Input 'windows': "25:00" is not valid`],
    ['windows: minute 60', { windows: 'Mon 09:60-10:00' }, `Input 'windows': "09:60" is not valid`],
    ['windows: 24:00 as a start', { windows: 'Mon 24:00-02:00' }, `Input 'windows': "24:00" is not valid`],
    [
      'windows: an empty range',
      { windows: 'Mon 09:00-09:00' },
      `Input 'windows': "09:00-09:00" is not valid: the range starts and ends at the same time`,
    ],
    ['windows: only separators', { windows: ' ; ;' }, `Input 'windows': "; ;" is not valid`],
    [
      'timezone: not IANA',
      { timezone: 'Mars/Olympus' },
      `Input 'timezone': "Mars/Olympus" is not valid: expected an IANA time zone`,
    ],
    ['blackout: month 13', { blackout: '2026-13-01' }, `Input 'blackout': "2026-13-01" is not valid`],
    ['blackout: February 30', { blackout: '2026-02-30' }, `Input 'blackout': "2026-02-30" is not valid`],
    [
      'blackout: 29 February of a common year',
      { blackout: '2027-02-29' },
      `Input 'blackout': "2027-02-29" is not valid`,
    ],
    ['blackout: unpadded', { blackout: '2026-1-5' }, `Input 'blackout': "2026-1-5" is not valid`],
    [
      'blackout: a range backwards',
      { blackout: '2026-12-31..2026-12-01' },
      `Input 'blackout': "2026-12-31..2026-12-01" is not valid: the range ends before it starts`,
    ],
    [
      'blackout: a bad range',
      { blackout: '2026-12-20...2027-01-04' },
      `Input 'blackout': "2026-12-20...2027-01-04" is not valid`,
    ],
    [
      'holidays: an unknown country',
      { holidays: 'US, XX' },
      `Input 'holidays': "XX" is not valid: expected a country, state or region code`,
    ],
    [
      'holiday-types: an unknown type',
      { holidays: 'US', 'holiday-types': 'public, religious' },
      `Input 'holiday-types': "religious" is not valid: expected a list of public, bank, school, optional, observance`,
    ],
    ['holidays: an unknown region', { holidays: 'DE-BY-XX' }, `Input 'holidays': "DE-BY-XX" is not valid`],
    ['holidays: an unknown state', { holidays: 'DE-ZZ' }, `Input 'holidays': "DE-ZZ" is not valid`],
    [
      'calendar: a missing file',
      { calendar: `${FIXTURES}/missing.ics` },
      `Input 'calendar': "${FIXTURES}/missing.ics" is not valid: no such file`,
    ],
    [
      'calendar: an unparsable file',
      { calendar: `${FIXTURES}/broken.ics` },
      // The line is named by its number, never quoted: a path at the wrong file must not print its lines.
      `Input 'calendar': "${FIXTURES}/broken.ics" is not a valid iCalendar (.ics) file: invalid line (no token ";" or ":") at line 4`,
    ],
    [
      'calendar: not a calendar at all',
      { calendar: 'package.json' },
      `Input 'calendar': "package.json" is not a valid iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR`,
    ],
    [
      'calendar: an event with a bad date',
      { calendar: `${FIXTURES}/bad-date.ics` },
      `Input 'calendar': "${FIXTURES}/bad-date.ics": event "Release freeze" is not valid: invalid date-time value`,
    ],
    [
      'calendar: an event that ends before it starts',
      { calendar: `${FIXTURES}/ends-before-start.ics` },
      `Input 'calendar': "${FIXTURES}/ends-before-start.ics": event "Release freeze" is not valid: it ends before it starts`,
    ],
    [
      'at: not a time',
      { at: 'next friday' },
      `Input 'at': "next friday" is not valid: expected an ISO-8601 time`,
    ],
    [
      'at: with wait',
      { at: '2026-11-27T13:00', 'on-closed': 'wait' },
      `Input 'on-closed': "wait" is not valid: cannot be combined with \`at\``,
    ],
    [
      'on-closed: unknown',
      { 'on-closed': 'retry' },
      `Input 'on-closed': "retry" is not valid: expected one of fail, skip, wait`,
    ],
    ['max-wait: not a duration', { 'max-wait': '6 hours' }, `Input 'max-wait': "6 hours" is not valid`],
    [
      'release-queued: not a boolean',
      { 'release-queued': 'yes', 'github-token': 't' },
      `Input 'release-queued': "yes" is not valid: expected true or false`,
    ],
    [
      'release-queued: without a token',
      { 'release-queued': 'true' },
      'Input \'github-token\': "" is not valid: `release-queued: true` needs a token',
    ],
    [
      'release-queued: with at',
      { 'release-queued': 'true', at: '2026-11-27T13:00', 'github-token': 't' },
      `Input 'release-queued': "true" is not valid: cannot be combined with \`at\``,
    ],
    [
      'manifest-artifact: a slash',
      { 'manifest-artifact': 'build/manifest' },
      `Input 'manifest-artifact': "build/manifest" is not valid: an artifact name cannot contain`,
    ],
    [
      'environment: a line break',
      { environment: 'prod\nuction' },
      `Input 'environment': "prod\\nuction" is not valid: expected a GitHub environment name`,
    ],
  ];
  test.each(bad)('%s', (_name, inputs, message) => {
    expect(parse(inputs)).toThrow(UserError);
    expect(parse(inputs)).toThrow(message);
  });
});

describe('bad files and lists', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-calendar-'));

  test("a calendar path at another file, or a calendar's bad line, is refused without quoting the file", () => {
    const key = join(dir, 'id_rsa');
    writeFileSync(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n');
    const secret = join(dir, 'secret.ics');
    writeFileSync(secret, 'BEGIN:VCALENDAR\nVERSION:2.0\npassword hunter2\nEND:VCALENDAR\n');
    for (const [path, why] of [
      [key, 'it does not start with BEGIN:VCALENDAR'],
      [secret, 'invalid line (no token ";" or ":") at line 3'],
    ] as const) {
      let message = '';
      try {
        parse({ calendar: path })();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe(
        `Input 'calendar': ${JSON.stringify(path)} is not a valid iCalendar (.ics) file: ${why}`,
      );
    }
  });

  test('a calendar that is a FIFO, a directory or too large is refused at once, naming the input', () => {
    const fifo = join(dir, 'freeze.ics');
    execFileSync('mkfifo', [fifo]);
    expect(parse({ calendar: fifo })).toThrow(
      `Input 'calendar': ${JSON.stringify(fifo)} is not valid: a named pipe (FIFO), not a regular file`,
    );
    expect(parse({ calendar: dir })).toThrow('a directory, not a regular file');
    const big = join(dir, 'big.ics');
    writeFileSync(big, 'x'.repeat(10 * 1024 * 1024 + 1));
    expect(parse({ calendar: big })).toThrow('too large for a calendar: 10485761 bytes (at most 10 MiB)');
  });

  test.each([
    [{ 'blocker-alarms': 'sev1,,sev2' }, `Input 'blocker-alarms': "sev1,,sev2" is not valid: an empty item`],
    [{ blackout: '2026-12-24,' }, `Input 'blackout': "2026-12-24," is not valid: an empty item`],
    [{ holidays: ', US' }, `Input 'holidays': ", US" is not valid: an empty item`],
    [{ 'alarm-prefixes': ',' }, `Input 'alarm-prefixes': "," is not valid: only commas`],
  ])('%j is refused', (inputs, message) => {
    expect(parse(inputs)).toThrow(message);
  });
});

test('a leap day is a blackout date, and a named zone is checked', () => {
  const gate = parseGateSettings(recordInputs({ blackout: '2028-02-29', timezone: 'America/New_York' }));
  expect(gate.timezone).toBe('America/New_York');
  expect(gate.closures[0]!.spans(0, 0, 'UTC')).toEqual([
    { start: Date.UTC(2028, 1, 29), end: Date.UTC(2028, 2, 1), reason: 'blackout 2028-02-29' },
  ]);
});
