import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { FULL_READ_EVERY_MS } from '../../src/alarms/plan.js';
import { AlarmWatch, breachReason, type WatchReadOptions } from '../../src/alarms/watch.js';
import { FakeAws } from '../support/fake-aws.js';
import { FakeClock } from '../support/fake-clock.js';

const POLL = 1_000;

interface Rig {
  clock: FakeClock;
  aws: FakeAws;
  watch: AlarmWatch;
  warnings: string[];
  /** One poll at the clock's time, then the clock moves one poll interval on. */
  poll(names: readonly string[], options?: WatchReadOptions): Promise<string[]>;
  /** DescribeAlarms inputs since the last call. */
  reads(): { AlarmNames?: string[]; AlarmNamePrefix?: string; StateValue?: string; NextToken?: string }[];
}

function rig(alarms: string[], insufficientDataIsBreach = false): Rig {
  const clock = new FakeClock();
  const aws = new FakeAws(clock);
  for (const name of alarms) aws.addAlarm(name);
  const watch = new AlarmWatch(aws.ports().cloudwatch, insufficientDataIsBreach);
  const warnings: string[] = [];
  let seen = 0;
  return {
    clock,
    aws,
    watch,
    warnings,
    async poll(names, options = {}) {
      const changed = await watch.read(names, {
        now: clock.now(),
        warn: (m) => warnings.push(m),
        ...options,
      });
      // Let reads running beside the polls (the full read) answer, as they would between two polls.
      await new Promise((resolve) => setImmediate(resolve));
      await clock.sleep(POLL);
      return changed.map((a) => `${a.name}=${a.state}`);
    },
    reads() {
      const calls = aws.cwMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
      const fresh = calls.slice(seen);
      seen = calls.length;
      return fresh;
    },
  };
}

const numbered = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('a steady poll costs the same at any alarm count', () => {
  test('250 named alarms: the first read is full, then three calls a poll ask only for ALARM', async () => {
    const names = numbered('api-', 250);
    const r = rig(names);
    await r.poll(names);
    expect(r.reads().map((i) => [i.AlarmNames?.length, i.StateValue])).toEqual([
      [100, undefined],
      [100, undefined],
      [50, undefined],
    ]);
    await r.poll(names);
    expect(r.reads().map((i) => [i.AlarmNames?.length, i.StateValue])).toEqual([
      [100, 'ALARM'],
      [100, 'ALARM'],
      [50, 'ALARM'],
    ]);
  });

  test('5,000 alarms by one prefix: one call a poll, and a 50-page full read once a minute', async () => {
    const names = numbered('api-', 5_000);
    const r = rig(names);
    await r.poll(names, { prefixes: ['api-'] });
    expect(r.reads()).toHaveLength(50);
    const perPoll: number[] = [];
    for (let i = 0; i < 61; i++) {
      await r.poll(names, { prefixes: ['api-'] });
      perPoll.push(r.reads().length);
    }
    // Steady polls: one StateValue=ALARM call for the prefix. A minute after the first read the full
    // read of 50 pages (100 alarms each) runs beside the poll.
    expect(perPoll.filter((n) => n === 1)).toHaveLength(60);
    expect(perPoll.indexOf(51)).toBe(FULL_READ_EVERY_MS / POLL - 1);
  });

  test('with insufficient-data: rollback a call per state, since StateValue takes one', async () => {
    const r = rig(['api-5xx', 'api-latency'], true);
    await r.poll(['api-5xx', 'api-latency']);
    r.reads();
    await r.poll(['api-5xx', 'api-latency']);
    expect(r.reads().map((i) => i.StateValue)).toEqual(['ALARM', 'INSUFFICIENT_DATA']);
    r.aws.setAlarm('api-latency', 'INSUFFICIENT_DATA', 'no datapoints');
    await r.poll(['api-5xx', 'api-latency']);
    expect(r.watch.breach(['api-5xx', 'api-latency'])).toEqual({
      alarm: 'api-latency',
      state: 'INSUFFICIENT_DATA',
      reason: 'no datapoints',
    });
  });

  test('a named alarm under a prefix is read through the prefix, not by name', async () => {
    const r = rig(['api-5xx', 'api-latency', 'db-lag']);
    await r.poll(['api-5xx', 'api-latency', 'db-lag'], { prefixes: ['api-'] });
    r.reads();
    await r.poll(['api-5xx', 'api-latency', 'db-lag'], { prefixes: ['api-'] });
    expect(r.reads()).toEqual([
      expect.objectContaining({ AlarmNames: ['db-lag'], StateValue: 'ALARM' }),
      expect.objectContaining({ AlarmNamePrefix: 'api-', StateValue: 'ALARM' }),
    ]);
  });
});

describe('the guarantees of a full read', () => {
  test('an alarm entering ALARM is a breach at the next poll', async () => {
    const r = rig(['api-5xx', 'api-latency']);
    await r.poll(['api-5xx', 'api-latency']);
    await r.poll(['api-5xx', 'api-latency']);
    r.aws.setAlarm('api-latency', 'ALARM', 'Threshold Crossed: p99 > 2s');
    expect(await r.poll(['api-5xx', 'api-latency'])).toEqual(['api-latency=ALARM']);
    const breach = r.watch.breach(['api-5xx', 'api-latency'])!;
    expect(breachReason(breach)).toBe('alarm api-latency is in ALARM: Threshold Crossed: p99 > 2s');
    expect(r.watch.notOk(['api-5xx', 'api-latency'])).toEqual({ 'api-latency': 'ALARM' });
  });

  test('a deleted watched alarm is noticed by the next full read, within a minute', async () => {
    const r = rig(['api-5xx', 'api-latency']);
    await r.poll(['api-5xx', 'api-latency']);
    r.aws.alarms.delete('api-latency');
    let polls = 0;
    while (!r.watch.vanished(['api-5xx', 'api-latency'])) {
      await r.poll(['api-5xx', 'api-latency']);
      polls++;
      expect(polls).toBeLessThanOrEqual(FULL_READ_EVERY_MS / POLL + 1);
    }
    expect(polls).toBeGreaterThan(FULL_READ_EVERY_MS / POLL - 2);
    expect(r.watch.vanished(['api-5xx', 'api-latency'])).toBe('api-latency');
  });

  test('an alarm created under a prefix is watched: ALARM is a breach, its first INSUFFICIENT_DATA is not', async () => {
    const r = rig(['api-5xx'], true);
    await r.poll(['api-5xx'], { prefixes: ['api-'] });
    r.aws.addAlarm('api-new', 'INSUFFICIENT_DATA');
    for (let i = 0; i < 61; i++) await r.poll(['api-5xx'], { prefixes: ['api-'] });
    expect(r.watch.created(['api-5xx'])).toEqual(['api-new']);
    expect(r.watch.breach(['api-5xx'])).toBeUndefined();
    expect(r.watch.notOk(['api-5xx'])).toEqual({ 'api-new': 'INSUFFICIENT_DATA' });
    r.aws.setAlarm('api-new', 'ALARM', 'new alarm fired');
    await r.poll(['api-5xx'], { prefixes: ['api-'] });
    expect(r.watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-new', state: 'ALARM' });
  });

  test('a full read that fails beside the polls is said and tried again; the polls go on', async () => {
    const r = rig(['api-5xx']);
    const port = r.aws.ports().cloudwatch;
    let refuse = 0;
    const watch = new AlarmWatch(
      {
        describeAlarms: (names, options) =>
          !options?.state && refuse-- > 0
            ? Promise.reject(new Error('Service Unavailable'))
            : port.describeAlarms(names, options),
        alarmsWithPrefix: (prefix, options) => port.alarmsWithPrefix(prefix, options),
        requestCount: () => Promise.resolve(0),
        getMetricData: () => Promise.resolve([]),
      },
      false,
    );
    const poll = async () => {
      await watch.read(['api-5xx'], { now: r.clock.now(), warn: (m) => r.warnings.push(m) });
      await new Promise((resolve) => setImmediate(resolve));
      await r.clock.sleep(POLL);
    };
    await poll();
    refuse = 1;
    for (let i = 0; i < 61; i++) await poll();
    expect(r.warnings).toEqual([
      'Could not read every watched alarm (Service Unavailable); trying again next poll',
    ]);
    // Tried again at the next poll: a deletion is still noticed.
    r.aws.alarms.delete('api-5xx');
    for (let i = 0; i < 61; i++) await poll();
    expect(watch.vanished(['api-5xx'])).toBe('api-5xx');
  });

  test('the first read failing fails the poll, so the caller holds until alarms can be read', async () => {
    const r = rig(['api-5xx']);
    r.aws.fail('DescribeAlarms', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(r.watch.read(['api-5xx'], { now: r.clock.now() })).rejects.toThrow('Rate exceeded');
  });
});

describe('an alarm that fires and recovers between two polls (issue 10, defect 14)', () => {
  test('is a breach, and the reason says it already recovered', async () => {
    const r = rig(['api-5xx']);
    await r.poll(['api-5xx']);
    // In ALARM from 200 ms to 700 ms after this poll: the next poll reads it OK again.
    r.clock.after(200, () => r.aws.setAlarm('api-5xx', 'ALARM', 'Threshold Crossed: 12 errors'));
    r.clock.after(700, () => r.aws.setAlarm('api-5xx', 'OK', 'Threshold not crossed'));
    expect(await r.poll(['api-5xx'])).toEqual([]);
    expect(r.watch.breach(['api-5xx'])).toBeUndefined();
    // The timeline gets the state it passed through.
    expect(await r.poll(['api-5xx'])).toEqual(['api-5xx=ALARM']);
    expect(r.watch.notOk(['api-5xx'])).toEqual({});
    const breach = r.watch.breach(['api-5xx'])!;
    expect(breach).toMatchObject({ alarm: 'api-5xx', state: 'ALARM', recovered: { state: 'OK' } });
    expect(breachReason(breach)).toBe(
      `alarm api-5xx entered ALARM at ${new Date(breach.recovered!.at!).toISOString()} between two reads and ` +
        'already recovered (OK now): Threshold Crossed: 12 errors',
    );
  });

  test('an INSUFFICIENT_DATA round trip is not a breach under insufficient-data: ignore', async () => {
    const r = rig(['api-5xx']);
    await r.poll(['api-5xx']);
    r.clock.after(200, () => r.aws.setAlarm('api-5xx', 'INSUFFICIENT_DATA', 'no datapoints'));
    r.clock.after(700, () => r.aws.setAlarm('api-5xx', 'OK'));
    for (let i = 0; i < 70; i++) await r.poll(['api-5xx']);
    expect(r.watch.breach(['api-5xx'])).toBeUndefined();
  });

  test('an INSUFFICIENT_DATA round trip is a breach under insufficient-data: rollback', async () => {
    const r = rig(['api-5xx'], true);
    await r.poll(['api-5xx']);
    r.clock.after(200, () => r.aws.setAlarm('api-5xx', 'INSUFFICIENT_DATA', 'no datapoints'));
    r.clock.after(700, () => r.aws.setAlarm('api-5xx', 'OK'));
    await r.poll(['api-5xx']);
    await r.poll(['api-5xx']);
    expect(breachReason(r.watch.breach(['api-5xx'])!)).toMatch(
      /^alarm api-5xx entered INSUFFICIENT_DATA at \S+ between two reads and already recovered \(OK now\): no datapoints$/,
    );
  });

  test('a round trip before the watch started is not a breach', async () => {
    const r = rig(['api-5xx']);
    r.aws.setAlarm('api-5xx', 'ALARM');
    await r.clock.sleep(5_000);
    r.aws.setAlarm('api-5xx', 'OK');
    await r.clock.sleep(1_000);
    for (let i = 0; i < 5; i++) await r.poll(['api-5xx']);
    expect(r.watch.breach(['api-5xx'])).toBeUndefined();
  });

  test('the history of an alarm under a prefix deleted before the watch started is not a breach', async () => {
    const r = rig(['api-5xx', 'api-old']);
    r.aws.setAlarm('api-old', 'ALARM', 'old alarm');
    await r.clock.sleep(10_000);
    r.aws.alarms.delete('api-old');
    await r.clock.sleep(5_000);
    for (let i = 0; i < 3; i++) await r.poll(['api-5xx'], { prefixes: ['api-'] });
    expect(r.watch.breach(['api-5xx'])).toBeUndefined();
    // One created and fired after the start is watched, though no read ever returned it.
    r.aws.addAlarm('api-new');
    r.clock.after(100, () => r.aws.setAlarm('api-new', 'ALARM', 'new one fired'));
    r.clock.after(300, () => void r.aws.alarms.delete('api-new'));
    await r.poll(['api-5xx'], { prefixes: ['api-'] });
    await r.poll(['api-5xx'], { prefixes: ['api-'] });
    expect(r.watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-new', state: 'ALARM' });
  });

  test('throttled history reads lose nothing: the next read covers the gap', async () => {
    const r = rig(['api-5xx']);
    await r.poll(['api-5xx']);
    r.aws.fail('DescribeAlarmHistory', Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }), 3);
    r.clock.after(200, () => r.aws.setAlarm('api-5xx', 'ALARM'));
    r.clock.after(500, () => r.aws.setAlarm('api-5xx', 'OK'));
    for (let i = 0; i < 3; i++) await r.poll(['api-5xx']);
    expect(r.watch.breach(['api-5xx'])).toBeUndefined();
    await r.poll(['api-5xx']);
    expect(r.watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-5xx', recovered: { state: 'OK' } });
    expect(r.warnings).toEqual([]);
  });

  test('without the history, a newer state-change time on an unchanged state counts, at the next full read', async () => {
    const r = rig(['api-5xx', 'api-latency']);
    r.aws.fail(
      'DescribeAlarmHistory',
      Object.assign(new Error('User is not authorized to perform: cloudwatch:DescribeAlarmHistory'), {
        name: 'AccessDenied',
      }),
    );
    await r.poll(['api-5xx', 'api-latency']);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^Could not read the alarm history \(User is not authorized .*\): an alarm/),
    ]);
    r.clock.after(1_200, () => r.aws.setAlarm('api-latency', 'ALARM', 'p99 > 2s'));
    r.clock.after(1_700, () => r.aws.setAlarm('api-latency', 'OK'));
    let polls = 0;
    while (!r.watch.breach(['api-5xx', 'api-latency'])) {
      await r.poll(['api-5xx', 'api-latency']);
      expect(++polls).toBeLessThanOrEqual(FULL_READ_EVERY_MS / POLL + 1);
    }
    const breach = r.watch.breach(['api-5xx', 'api-latency'])!;
    expect(breachReason(breach)).toMatch(
      /^alarm api-latency changed state at \S+ and was back in OK by the next read; its history could not be read/,
    );
    expect(r.aws.cwMock.commandCalls(DescribeAlarmHistoryCommand)).toHaveLength(1);
  });

  test('a history read that never answers turns the history off within a minute; round trips still count', async () => {
    const r = rig(['api-5xx']);
    const port = r.aws.ports().cloudwatch;
    const watch = new AlarmWatch(
      {
        describeAlarms: (names, options) => port.describeAlarms(names, options),
        alarmsWithPrefix: (prefix, options) => port.alarmsWithPrefix(prefix, options),
        stateChangesSince: () => new Promise(() => undefined),
        requestCount: () => Promise.resolve(0),
        getMetricData: () => Promise.resolve([]),
      },
      false,
    );
    const poll = async () => {
      await watch.read(['api-5xx'], { now: r.clock.now(), warn: (m) => r.warnings.push(m) });
      await new Promise((resolve) => setImmediate(resolve));
      await r.clock.sleep(POLL);
    };
    await poll();
    r.clock.after(200, () => r.aws.setAlarm('api-5xx', 'ALARM', 'errors'));
    r.clock.after(600, () => r.aws.setAlarm('api-5xx', 'OK'));
    for (let i = 0; i < 125 && !watch.breach(['api-5xx']); i++) await poll();
    expect(r.warnings).toEqual([
      expect.stringMatching(/^Could not read the alarm history \(no answer in 60 s\)/),
    ]);
    expect(watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-5xx', recovered: { unseen: true } });
  });
});
