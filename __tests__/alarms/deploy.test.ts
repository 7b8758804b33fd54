import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { deploy, expectRolledBack, scenario } from '../deploy/harness.js';

describe('the deploy watches alarms through the cheap reads', () => {
  test('an alarm in ALARM for 1.5 s between 5 s polls rolls back, and the reason says it recovered', async () => {
    const s = scenario(['api-5xx', 'api-latency']);
    // Mid-step, between two polls (they fall on whole 5 s from the start of the hold).
    s.clock.after(62_000, () => s.aws.setAlarm('api-latency', 'ALARM', 'Threshold Crossed: p99 2.4s'));
    s.clock.after(63_500, () => s.aws.setAlarm('api-latency', 'OK', 'Threshold not crossed'));
    const report = await deploy(s, {
      alarms: 'api-5xx, api-latency',
      'poll-interval': '5s',
      steps: '10%:5m, 100%',
    });

    expectRolledBack(s, report);
    expect(report.reason).toMatch(
      /^alarm api-latency entered ALARM at \S+ between two reads and already recovered \(OK now\): Threshold Crossed: p99 2\.4s$/,
    );
    expect(report.timeline.find((e) => e.note === 'alarm api-latency ALARM')?.phase).toBe('shift');
    expect(s.aws.count('DescribeAlarmHistory')).toBeGreaterThan(0);
  });

  test('a deploy watching 300 alarms asks only for ALARM between full reads', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `api-${String(i).padStart(3, '0')}`);
    const s = scenario(names);
    const report = await deploy(s, {
      alarms: '',
      'alarm-prefixes': 'api-',
      steps: 'AllAtOnce',
      'bake-time': '10m',
    });
    expect(report.result).toBe('deployed');
    const reads = s.aws.cwMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    const steady = reads.filter((r) => r.StateValue === 'ALARM');
    const full = reads.filter((r) => r.StateValue === undefined);
    // 10 minutes of 10 s polls, one prefix call each; a full read (3 pages of 100) once a minute, that is
    // once in 6 polls, plus the one that resolves the prefix and the first read of the watch.
    expect(steady.every((r) => r.AlarmNamePrefix === 'api-')).toBe(true);
    expect(steady.length).toBeGreaterThanOrEqual(60);
    const fullReads = full.length / 3;
    expect(fullReads).toBeGreaterThanOrEqual(Math.floor(steady.length / 6));
    expect(fullReads).toBeLessThanOrEqual(Math.ceil(steady.length / 6) + 2);
  });

  test('an alarm created under a prefix during the deploy is watched: its ALARM rolls back', async () => {
    const s = scenario(['api-5xx']);
    s.clock.after(90_000, () => {
      s.aws.addAlarm('api-checkout-errors');
      s.aws.setAlarm('api-checkout-errors', 'ALARM', 'checkout failing');
    });
    const report = await deploy(s, { alarms: '', 'alarm-prefixes': 'api-' });
    expectRolledBack(s, report);
    expect(report.plan.alarms).toEqual(['api-5xx']);
    expect(report.reason).toBe('alarm api-checkout-errors is in ALARM: checkout failing');
  });

  test('without DescribeAlarmHistory the deploy says so once and goes on', async () => {
    const s = scenario(['api-5xx']);
    s.aws.fail(
      'DescribeAlarmHistory',
      Object.assign(new Error('not authorized to perform: cloudwatch:DescribeAlarmHistory'), {
        name: 'AccessDenied',
      }),
    );
    const report = await deploy(s, { steps: 'AllAtOnce', 'bake-time': '2m' });
    expect(report.result).toBe('deployed');
    expect(s.logs.filter((l) => l.startsWith('warning: Could not read the alarm history'))).toEqual([
      expect.stringContaining('Allow cloudwatch:DescribeAlarmHistory to tell them apart'),
    ]);
  });
});
