import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { FULL_READ_EVERY_MS } from '../../src/alarms/plan.js';
import {
  AlarmWatch,
  breachReason,
  HISTORY_EVERY_MS,
  READ_MARGIN_MS,
  type WatchReadOptions,
} from '../../src/alarms/watch.js';
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
  test('250 named alarms: the first read is full, then one account-wide call a poll asks only for ALARM', async () => {
    const names = numbered('api-', 250);
    const r = rig([...names, 'other-team-alarm']);
    await r.poll(names);
    expect(r.reads().map((i) => [i.AlarmNames?.length, i.StateValue])).toEqual([
      [100, undefined],
      [100, undefined],
      [50, undefined],
    ]);
    await r.poll(names);
    expect(r.reads().map((i) => [i.AlarmNames?.length, i.AlarmNamePrefix, i.StateValue])).toEqual([
      [undefined, undefined, 'ALARM'],
    ]);
    // Another team's alarm in ALARM comes back too, and is not this deploy's breach.
    r.aws.setAlarm('other-team-alarm', 'ALARM');
    await r.poll(names);
    expect(r.watch.breach(names)).toBeUndefined();
    r.aws.setAlarm('api-0249', 'ALARM', 'Threshold Crossed: 9 errors');
    await r.poll(names);
    expect(r.watch.breach(names)).toEqual({
      alarm: 'api-0249',
      state: 'ALARM',
      reason: 'Threshold Crossed: 9 errors',
    });
  });

  test('5,000 named alarms: a 50-call full read first, then one call a poll', async () => {
    const names = numbered('api-', 5_000);
    const r = rig(names);
    await r.poll(names);
    expect(r.reads()).toHaveLength(50);
    for (let i = 0; i < 5; i++) await r.poll(names);
    expect(r.reads().map((i) => [i.AlarmNames?.length, i.StateValue])).toEqual(
      Array.from({ length: 5 }, () => [undefined, 'ALARM']),
    );
  });

  test('5,000 named alarms: polls build no set of every name, whichever list the caller passes', async () => {
    // The deploy passes two lists for the whole deploy (a hold's alarms, and every alarm for the status
    // line). A set of 5,000 names is a large object each time it is built; built twice a poll, scavenges
    // promoted them and the heap grew by megabytes a minute. Counted here by wrapping the global Set.
    const watched = numbered('api-', 5_000);
    const all = [...watched];
    const r = rig(watched);
    const RealSet = globalThis.Set;
    let everyName = 0;
    globalThis.Set = class<T> extends RealSet<T> {
      constructor(items?: Iterable<T> | null) {
        super(items);
        if (this.size >= 5_000) everyName++;
      }
    } as SetConstructor;
    try {
      for (let i = 0; i < 30; i++) {
        await r.poll(watched);
        r.watch.breach(watched);
        r.watch.notOk(all);
        r.watch.created(all);
      }
    } finally {
      globalThis.Set = RealSet;
    }
    // One per list and one for the read plan, none a poll (the full read's own bookkeeping included).
    expect(everyName).toBeLessThanOrEqual(3);
  });

  test('when the account has many alarms in ALARM, or may not be listed, the read goes by name', async () => {
    const names = numbered('api-', 150);
    const r = rig([...names, ...numbered('noisy-', 250)]);
    for (const name of numbered('noisy-', 250)) r.aws.setAlarm(name, 'ALARM');
    await r.poll(names);
    r.reads();
    await r.poll(names);
    // Three pages of the account's ALARM alarms cost more than two name batches: by name from the next poll.
    expect(r.reads().map((i) => [i.AlarmNames?.length, i.StateValue])).toHaveLength(3);
    await r.poll(names);
    expect(r.reads().map((i) => [i.AlarmNames?.length, i.StateValue])).toEqual([
      [100, 'ALARM'],
      [50, 'ALARM'],
    ]);

    const denied = rig(names);
    await denied.poll(names);
    denied.reads();
    denied.aws.fail(
      'DescribeAlarms',
      Object.assign(new Error('not authorized to perform cloudwatch:DescribeAlarms on resource *'), {
        name: 'AccessDenied',
      }),
      1,
    );
    await denied.poll(names);
    denied.aws.setAlarm('api-0003', 'ALARM');
    await denied.poll(names);
    expect(denied.watch.breach(names)).toMatchObject({ alarm: 'api-0003' });
    expect(denied.reads().map((i) => [i.AlarmNames?.length, i.StateValue])).toEqual([
      [undefined, 'ALARM'],
      [100, 'ALARM'],
      [50, 'ALARM'],
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
    expect(r.reads()).toEqual([
      expect.objectContaining({ AlarmNames: ['db-lag'] }),
      expect.objectContaining({ AlarmNamePrefix: 'api-' }),
    ]);
  });
});

describe('the alarm history is read when a poll could have missed a round trip', () => {
  const historyReads = (r: Rig): number => r.aws.cwMock.commandCalls(DescribeAlarmHistoryCommand).length;

  test('1 s polls of 60 s alarms: the history once a minute, not once a poll', async () => {
    const r = rig([]);
    r.aws.addAlarm('api-5xx', 'OK', 'metric', 60);
    for (let i = 0; i < 121; i++) await r.poll(['api-5xx']);
    // The first poll's, then one a minute.
    expect(historyReads(r)).toBe(3);
  });

  test("polls as long as an alarm's period: the history every poll", async () => {
    const r = rig([]);
    r.aws.addAlarm('api-5xx', 'OK', 'metric', 10);
    const poll = () => r.poll(['api-5xx']).then(() => r.clock.sleep(10_000 - POLL));
    for (let i = 0; i < 6; i++) await poll();
    expect(historyReads(r)).toBe(6);
    // A 10 s alarm that fired and recovered between two 10 s polls is found at the next one.
    await r.clock.sleep(0);
    r.clock.after(2_000, () => r.aws.setAlarm('api-5xx', 'ALARM', 'errors'));
    r.clock.after(9_500, () => r.aws.setAlarm('api-5xx', 'OK'));
    await poll();
    await poll();
    expect(r.watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-5xx', recovered: { state: 'OK' } });
  });

  test('alarm reads that failed for a while: the next poll that answers reads the history too', async () => {
    const r = rig([]);
    r.aws.addAlarm('api-5xx', 'OK', 'metric', 60);
    await r.poll(['api-5xx']);
    await r.poll(['api-5xx']);
    const before = historyReads(r);
    // The deploy's watch skipped reads for 70 s (CloudWatch throttling the poll): a 60 s alarm could have
    // fired and recovered meanwhile.
    r.clock.after(5_000, () => r.aws.setAlarm('api-5xx', 'ALARM', 'errors'));
    r.clock.after(65_000, () => r.aws.setAlarm('api-5xx', 'OK'));
    await r.clock.sleep(70_000 - READ_MARGIN_MS);
    await r.poll(['api-5xx']);
    expect(historyReads(r)).toBe(before + 1);
    await r.poll(['api-5xx']);
    expect(r.watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-5xx', recovered: { state: 'OK' } });
  });
});

describe("seeded with validation's read", () => {
  test('the first poll is a steady one, and a round trip since validation is still found', async () => {
    const r = rig(['api-5xx']);
    const seededAt = r.clock.now();
    const states = await r.aws.ports().cloudwatch.describeAlarms(['api-5xx']);
    r.watch.seed(['api-5xx'], states, { at: seededAt });
    r.reads();
    // Between validation and the first poll (green stabilising), the alarm fires and recovers.
    r.clock.after(1_000, () => r.aws.setAlarm('api-5xx', 'ALARM', 'errors'));
    r.clock.after(3_000, () => r.aws.setAlarm('api-5xx', 'OK'));
    await r.clock.sleep(5_000);
    await r.poll(['api-5xx']);
    expect(r.reads().map((i) => [i.AlarmNames, i.StateValue])).toEqual([[['api-5xx'], 'ALARM']]);
    await r.poll(['api-5xx']);
    expect(r.watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-5xx', recovered: { state: 'OK' } });
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
    // Told by the next history read, within HISTORY_EVERY_MS; the timeline gets the state it passed through.
    let changed: string[] = [];
    let polls = 0;
    while (changed.length === 0) {
      changed = await r.poll(['api-5xx']);
      expect(++polls).toBeLessThanOrEqual(HISTORY_EVERY_MS / POLL + 1);
    }
    expect(changed).toEqual(['api-5xx=ALARM']);
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
    for (let i = 0; i < HISTORY_EVERY_MS / POLL + 2; i++) await r.poll(['api-5xx']);
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
    // Told by the next history read; a full read that no longer finds it does not take the breach back.
    for (let i = 0; i < 2 * (HISTORY_EVERY_MS / POLL) + 2; i++) {
      await r.poll(['api-5xx'], { prefixes: ['api-'] });
    }
    expect(r.watch.breach(['api-5xx'])).toMatchObject({ alarm: 'api-new', state: 'ALARM' });
  });

  test('throttled history reads lose nothing: the next read covers the gap', async () => {
    const r = rig(['api-5xx']);
    await r.poll(['api-5xx']);
    r.aws.fail('DescribeAlarmHistory', Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }), 3);
    r.clock.after(200, () => r.aws.setAlarm('api-5xx', 'ALARM'));
    r.clock.after(500, () => r.aws.setAlarm('api-5xx', 'OK'));
    while (r.aws.cwMock.commandCalls(DescribeAlarmHistoryCommand).length < 4) {
      expect(r.watch.breach(['api-5xx'])).toBeUndefined();
      await r.poll(['api-5xx']);
    }
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
      expect.stringMatching(
        /^Could not read the alarm history \(User is not authorized .*\): an alarm.*Allow cloudwatch:DescribeAlarmHistory/,
      ),
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
