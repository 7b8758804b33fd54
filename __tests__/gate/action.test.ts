import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { putAlarm, setAlarm, startMoto, type Moto } from '../support/moto.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';

// The built dist/gate bundle, run on Node 24 as the runner runs it; blocker alarms live in moto.
const FREEZES = resolve('__tests__/gate/fixtures/weekly-freeze.ics');
const BAD_EVENT = resolve('__tests__/gate/fixtures/bad-date.ics');
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

function gate(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  return runAction('gate', { inputs, ...options });
}

describe('gate action (built bundle)', () => {
  test('action.yml declares every input the gate reads and runs the gate bundle', () => {
    const action = parse(readFileSync('gate/action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
      runs: { using: string; main: string };
    };
    expect(Object.keys(action.inputs).sort()).toEqual(
      [
        'alarm-prefixes',
        'at',
        'blackout',
        'blocker-alarms',
        'calendar',
        'environment',
        'github-token',
        'holidays',
        'holiday-types',
        'manifest-artifact',
        'max-wait',
        'on-closed',
        'override',
        'release-queued',
        'timezone',
        'windows',
      ].sort(),
    );
    expect(action.inputs.windows?.default).toBe('Mon-Thu 09:00-16:00');
    expect(action.inputs['on-closed']?.default).toBe('fail');
    expect(action.inputs['holiday-types']?.default).toBe('public');
    expect(Object.keys(action.outputs).sort()).toEqual([
      'closes-at',
      'image',
      'manifest',
      'manifest-artifact',
      'next-open',
      'open',
      'overridden',
      'queued',
      'reason',
      'release',
      'release-commit',
    ]);
    expect(action.runs).toEqual({ using: 'node24', main: '../dist/gate/index.js' });
  });

  test('open inside a window: outputs and summary', async () => {
    const run = await gate({
      windows: 'Mon-Thu 09:00-16:00; Fri 09:00-12:00',
      timezone: 'Asia/Seoul',
      at: '2026-11-27T11:00',
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({
      open: 'true',
      reason: 'inside deploy window Fri 09:00-12:00 Asia/Seoul',
      'next-open': '2026-11-27T11:00:00+09:00',
      'closes-at': '2026-11-27T12:00:00+09:00',
      overridden: 'false',
    });
    expect(run.summary).toContain('## 🟢 Deploy gate open');
    expect(run.summary).toContain('| Friday | 2026-11-27 | 09:00-12:00 |');
    expect(run.summary).toContain('| Monday | 2026-11-30 | 09:00-16:00 |');
  });

  test('on-closed fail (default): the step fails with the reason, outputs still set', async () => {
    const run = await gate({
      windows: 'Mon-Thu 09:00-16:00; Fri 09:00-12:00',
      timezone: 'Asia/Seoul',
      at: '2026-11-27T12:00:00+09:00',
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      'Deploy gate closed: Friday after 12:00 Asia/Seoul. Next opening: 2026-11-30T09:00:00+09:00.',
    ]);
    expect(run.outputs).toMatchObject({
      open: 'false',
      reason: 'Friday after 12:00 Asia/Seoul',
      'next-open': '2026-11-30T09:00:00+09:00',
    });
  });

  test('on-closed skip: succeeds with open=false; blackouts, holidays and calendar events', async () => {
    const common = {
      'on-closed': 'skip',
      timezone: 'America/New_York',
      holidays: 'US',
      blackout: '2026-12-20..2027-01-04',
      calendar: FREEZES,
    };
    const holiday = await gate({ ...common, at: '2026-11-26T10:00' });
    expect(holiday.code).toBe(0);
    expect(holiday.outputs).toMatchObject({
      open: 'false',
      reason: 'holiday: Thanksgiving Day (US)',
      'next-open': '2026-11-30T10:00:00-05:00',
    });
    // Monday 30th opens at 10:00, after the weekly freeze (14:00-16:00 Berlin is 08:00-10:00 New York).
    expect(holiday.summary).toContain('| Monday | 2026-11-30 | 10:00-16:00 |');

    // Public holidays only by default; observances when asked.
    const dayAfter = await gate({ ...common, at: '2026-11-27T10:00', windows: 'Mon-Fri 09:00-16:00' });
    expect(dayAfter.outputs).toMatchObject({ open: 'true' });
    const observed = await gate({
      ...common,
      at: '2026-11-27T10:00',
      windows: 'Mon-Fri 09:00-16:00',
      'holiday-types': 'public, observance',
    });
    expect(observed.outputs).toMatchObject({
      open: 'false',
      reason: 'holiday: Day after Thanksgiving Day (US)',
      'next-open': '2026-11-30T10:00:00-05:00',
    });

    const blackout = await gate({ ...common, at: '2026-12-22T10:00' });
    expect(blackout.outputs).toMatchObject({
      open: 'false',
      reason: 'blackout 2026-12-20..2027-01-04',
      'next-open': '2027-01-05T09:00:00-05:00',
    });

    const event = await gate({ ...common, at: '2026-11-23T09:30' });
    expect(event.outputs).toMatchObject({
      open: 'false',
      reason: 'calendar: Weekly release freeze',
      'next-open': '2026-11-23T10:00:00-05:00',
    });
  });

  test('a night window belongs to the day it starts on: none after midnight on a holiday', async () => {
    const inputs = { windows: 'Mon-Fri 22:00-02:00', timezone: 'America/New_York', holidays: 'US' };
    const thanksgivingNight = await gate({ ...inputs, at: '2026-11-27T00:30', 'on-closed': 'skip' });
    expect(thanksgivingNight.outputs).toMatchObject({
      open: 'false',
      reason: 'holiday: Thanksgiving Day (US)',
      'next-open': '2026-11-27T22:00:00-05:00',
    });
    const fridayNight = await gate({ ...inputs, at: '2026-11-28T01:59' });
    expect(fridayNight.code).toBe(0);
    expect(fridayNight.outputs).toMatchObject({
      open: 'true',
      reason: 'inside deploy window Mon-Fri 22:00-02:00 America/New_York',
      'closes-at': '2026-11-28T02:00:00-05:00',
    });
  });

  test('a fixed-offset zone such as EST is read as written, with a warning that it ignores summer time', async () => {
    // 2026-07-06 is a Monday: 09:30 in New York (EDT) is 08:30 EST, before the window.
    const run = await gate({ timezone: 'EST', at: '2026-07-06T13:30:00Z' });
    expect(run.code).toBe(1);
    expect(run.outputs.open).toBe('false');
    expect(run.warnings).toContainEqual(
      expect.stringContaining(`Input 'timezone': "EST" is a fixed offset (UTC-05:00)`),
    );
    const berlin = await gate({ timezone: 'Europe/Berlin', at: '2026-07-06T08:30:00Z' });
    expect(berlin.outputs.open).toBe('true');
    expect(berlin.warnings).toEqual([]);
  });

  test('override opens a closed calendar and is recorded', async () => {
    const run = await gate({ at: '2026-11-28T10:00:00Z', override: 'hotfix INC-1234' });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      open: 'true',
      overridden: 'true',
      reason:
        'override: hotfix INC-1234 (otherwise closed: Saturday: outside deploy windows (Mon-Thu 09:00-16:00 UTC))',
    });
    expect(run.warnings).toContain('Deploy gate overridden: hotfix INC-1234');
    expect(run.summary).toContain('| Override | hotfix INC-1234 |');
  });

  test.each([
    [{ windows: 'Mon-Thu 9-16' }, `Input 'windows': "9-16" is not valid`],
    [{ timezone: 'Europe/Atlantis' }, `Input 'timezone': "Europe/Atlantis" is not valid`],
    [{ blackout: '2026-12-32' }, `Input 'blackout': "2026-12-32" is not valid`],
    [{ holidays: 'ZZ' }, `Input 'holidays': "ZZ" is not valid`],
    [{ calendar: 'nowhere.ics' }, `Input 'calendar': "nowhere.ics" is not valid: no such file`],
    [{ calendar: BAD_EVENT }, `Input 'calendar': "${BAD_EVENT}": event "Release freeze" is not valid`],
    [{ windows: 'Fry 09:00-12:00' }, `Input 'windows': "Fry" is not valid`],
    [{ windows: 'Fri 09:00-25:00' }, `Input 'windows': "25:00" is not valid`],
    [{ at: 'tomorrow' }, `Input 'at': "tomorrow" is not valid`],
    [{ holidays: 'DE', 'holiday-types': 'fun' }, `Input 'holiday-types': "fun" is not valid`],
    [{ 'on-closed': 'retry' }, `Input 'on-closed': "retry" is not valid`],
    [{ 'on-closed': 'wait', 'max-wait': 'forever' }, `Input 'max-wait': "forever" is not valid`],
  ])('bad input %j fails naming the input', async (inputs, message) => {
    const run = await gate(inputs);
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(run.outputs).toEqual({});
  });

  test('a blocker alarm in ALARM (moto) closes an open window', async () => {
    await putAlarm(moto, 'api-5xx');
    await putAlarm(moto, 'shop-latency');
    await setAlarm(moto, 'api-5xx', 'ALARM');
    const inputs = { at: '2026-11-24T10:00:00Z', 'blocker-alarms': 'api-5xx', 'alarm-prefixes': 'shop-' };
    const closed = await gate({ ...inputs, 'on-closed': 'skip' }, { env: moto.env });
    expect(closed.code).toBe(0);
    expect(closed.outputs).toMatchObject({
      open: 'false',
      reason: 'alarm api-5xx in ALARM',
      'next-open': '2026-11-24T10:00:00Z',
    });
    expect(closed.summary).toContain('| Alarms in ALARM | `api-5xx` |');

    await setAlarm(moto, 'api-5xx', 'OK');
    await setAlarm(moto, 'shop-latency', 'ALARM');
    const byPrefix = await gate(inputs, { env: moto.env });
    expect(byPrefix.code).toBe(1);
    expect(byPrefix.errors[0]).toContain('Deploy gate closed: alarm shop-latency in ALARM');

    await setAlarm(moto, 'shop-latency', 'OK');
    const open = await gate(inputs, { env: moto.env });
    expect(open.outputs).toMatchObject({ open: 'true' });
  });

  test('a blocker alarm that does not exist is an error naming the input', async () => {
    const run = await gate({ at: '2026-11-24T10:00:00Z', 'blocker-alarms': 'api-typo' }, { env: moto.env });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`Input 'blocker-alarms': "api-typo" does not exist in CloudWatch`);
  });

  test('on-closed wait: gives up after max-wait while an alarm stays in ALARM', async () => {
    await putAlarm(moto, 'api-5xx');
    await setAlarm(moto, 'api-5xx', 'ALARM');
    const started = Date.now();
    const run = await gate(
      { windows: 'Mon-Sun 00:00-24:00', 'blocker-alarms': 'api-5xx', 'on-closed': 'wait', 'max-wait': '2s' },
      { env: moto.env },
    );
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      'Deploy gate closed after waiting up to 2s: alarm api-5xx in ALARM. The calendar is open: the gate opens when the alarms leave ALARM.',
    ]);
    expect(run.stdout).toContain('Waiting up to 2s');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(run.outputs).toMatchObject({ open: 'false' });
  });

  test('on-closed wait: opens once the alarm leaves ALARM', async () => {
    await putAlarm(moto, 'api-5xx');
    await setAlarm(moto, 'api-5xx', 'ALARM');
    let cleared: Promise<void> | undefined;
    const run = await gate(
      { windows: 'Mon-Sun 00:00-24:00', 'blocker-alarms': 'api-5xx', 'on-closed': 'wait', 'max-wait': '2s' },
      {
        env: moto.env,
        onStdout: (text: string) => {
          if (text.includes('Waiting up to')) cleared ??= setAlarm(moto, 'api-5xx', 'OK');
        },
      },
    );
    await cleared;
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ open: 'true', overridden: 'false' });
    expect(run.stdout).toMatch(/Deploy gate open at .*: inside deploy window Mon-Sun 00:00-24:00 UTC/);
  });
});
