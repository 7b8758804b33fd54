import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkCloudWatch, type AlarmState, type CloudWatchPort } from '../../src/aws/cloudwatch.js';
import { runGate } from '../../src/gate/run.js';
import { recordInputs } from '../../src/inputs.js';
import { FakeClock } from '../support/fake-clock.js';
import { parseFileCommand } from '../support/run-action.js';

/** Alarms whose states tests change as time passes; counts the reads. */
class FakeAlarms implements CloudWatchPort {
  reads = 0;
  constructor(readonly alarms: Map<string, AlarmState['state']>) {}
  describeAlarms(names: readonly string[]): Promise<AlarmState[]> {
    this.reads++;
    return Promise.resolve(names.filter((n) => this.alarms.has(n)).map((n) => this.state(n)));
  }
  alarmsWithPrefix(prefix: string): Promise<AlarmState[]> {
    this.reads++;
    return Promise.resolve(
      [...this.alarms.keys()].filter((n) => n.startsWith(prefix)).map((n) => this.state(n)),
    );
  }
  requestCount(): Promise<number> {
    throw new Error('the gate reads no metrics');
  }
  getMetricData(): Promise<never> {
    throw new Error('the gate reads no metrics');
  }
  private state(name: string): AlarmState {
    return { name, type: 'metric', state: this.alarms.get(name)!, reason: `Threshold Crossed: ${name}` };
  }
}

/** A CloudWatch that fails the test if the gate calls it. */
const noAws: CloudWatchPort = {
  describeAlarms: () => Promise.reject(new Error('called AWS without alarms')),
  alarmsWithPrefix: () => Promise.reject(new Error('called AWS without alarms')),
  requestCount: () => Promise.reject(new Error('called AWS without alarms')),
  getMetricData: () => Promise.reject(new Error('called AWS without alarms')),
};

let files: { output: string; summary: string };
let stdout: string[];
const write = process.stdout.write.bind(process.stdout);

// One pair of files for the whole run: core.summary remembers the summary path it first saw.
const dir = mkdtempSync(join(tmpdir(), 'gate-run-'));

beforeEach(() => {
  files = { output: join(dir, 'output'), summary: join(dir, 'summary') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  process.env.GITHUB_OUTPUT = files.output;
  process.env.GITHUB_STEP_SUMMARY = files.summary;
  stdout = [];
  process.stdout.write = ((chunk: string) => {
    stdout.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
});

afterEach(() => {
  process.stdout.write = write;
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STEP_SUMMARY;
});

const outputs = () => parseFileCommand(readFileSync(files.output, 'utf8')) as Record<string, string>;
const summary = () => readFileSync(files.summary, 'utf8');
const log = () => stdout.join('');

describe('runGate', () => {
  test('open: outputs, summary with the week ahead, no AWS call without alarms', async () => {
    const clock = new FakeClock(Date.parse('2026-11-23T15:00:00Z'));
    await runGate(recordInputs({ timezone: 'America/New_York', holidays: 'US' }), {
      clock,
      cloudwatch: noAws,
    });
    expect(outputs()).toEqual({
      open: 'true',
      reason: 'inside deploy window Mon-Thu 09:00-16:00 America/New_York',
      'next-open': '2026-11-23T10:00:00-05:00',
      'closes-at': '2026-11-23T16:00:00-05:00',
      overridden: 'false',
    });
    expect(summary()).toContain('## 🟢 Deploy gate open');
    expect(summary()).toContain('| Window closes | 2026-11-23T16:00:00-05:00 |');
    expect(summary()).toContain('### Next 7 days (America/New_York)');
    expect(summary()).toContain('| Thursday | 2026-11-26 | closed: holiday: Thanksgiving Day (US) |');
    expect(summary()).toContain('| Saturday | 2026-11-28 | closed: no deploy window |');
  });

  test('closed with fail: the outputs are set, then the step fails naming the reason and the next opening', async () => {
    const clock = new FakeClock(Date.parse('2026-11-26T15:00:00Z'));
    await expect(
      runGate(recordInputs({ timezone: 'America/New_York', holidays: 'US' }), { clock }),
    ).rejects.toThrow(
      'Deploy gate closed: holiday: Thanksgiving Day (US). Next opening: 2026-11-30T09:00:00-05:00.',
    );
    expect(outputs()).toMatchObject({
      open: 'false',
      'next-open': '2026-11-30T09:00:00-05:00',
      'closes-at': '',
    });
    expect(summary()).toContain('## 🔴 Deploy gate closed');
    expect(summary()).toContain('| Thursday | 2026-11-26 | closed: holiday: Thanksgiving Day (US) |');
    expect(summary()).toContain('| Monday | 2026-11-30 | 09:00-16:00 |');
  });

  test('skip succeeds with open=false and a notice', async () => {
    const decision = await runGate(recordInputs({ 'on-closed': 'skip', at: '2026-11-28T10:00:00Z' }));
    expect(decision.open).toBe(false);
    expect(outputs()).toMatchObject({ open: 'false', 'next-open': '2026-11-30T09:00:00Z' });
    expect(log()).toContain('::notice::Deploy gate closed: Saturday: outside deploy windows');
  });

  test('wait sleeps until the window opens, re-reading the alarms each minute', async () => {
    const clock = new FakeClock(Date.parse('2026-11-23T08:30:00Z'));
    const cloudwatch = new FakeAlarms(new Map([['api-5xx', 'OK']]));
    const decision = await runGate(
      recordInputs({ 'on-closed': 'wait', 'max-wait': '1h', 'blocker-alarms': 'api-5xx' }),
      { clock, cloudwatch },
    );
    expect(decision.open).toBe(true);
    expect(clock.now()).toBe(Date.parse('2026-11-23T09:00:00Z'));
    expect(cloudwatch.reads).toBe(31);
    expect(outputs()).toMatchObject({ open: 'true', 'closes-at': '2026-11-23T16:00:00Z' });
    expect(log()).toContain('Waiting up to 1h (until 2026-11-23T09:30:00Z) for the gate to open.');
  });

  test('wait on an alarm: open the minute it leaves ALARM', async () => {
    const clock = new FakeClock(Date.parse('2026-11-24T10:00:00Z'));
    const cloudwatch = new FakeAlarms(
      new Map([
        ['shop-api-5xx', 'ALARM'],
        ['shop-latency', 'OK'],
      ]),
    );
    clock.after(12 * 60_000 + 5_000, () => void cloudwatch.alarms.set('shop-api-5xx', 'OK'));
    await runGate(recordInputs({ 'on-closed': 'wait', 'alarm-prefixes': 'shop-' }), { clock, cloudwatch });
    expect(clock.now()).toBe(Date.parse('2026-11-24T10:13:00Z'));
    expect(outputs()).toMatchObject({ open: 'true', reason: 'inside deploy window Mon-Thu 09:00-16:00 UTC' });
    expect(log()).toContain('The calendar is open: the gate opens when the alarms leave ALARM.');
  });

  test('wait gives up at max-wait and fails', async () => {
    const clock = new FakeClock(Date.parse('2026-11-24T10:00:00Z'));
    const cloudwatch = new FakeAlarms(new Map([['api-5xx', 'ALARM']]));
    await expect(
      runGate(recordInputs({ 'on-closed': 'wait', 'max-wait': '5m', 'blocker-alarms': 'api-5xx' }), {
        clock,
        cloudwatch,
      }),
    ).rejects.toThrow('Deploy gate closed after waiting up to 5m: alarm api-5xx in ALARM.');
    expect(clock.now()).toBe(Date.parse('2026-11-24T10:05:00Z'));
    expect(outputs()).toMatchObject({ open: 'false', reason: 'alarm api-5xx in ALARM' });
  });

  test('wait does not wait when the calendar opens only after max-wait', async () => {
    const clock = new FakeClock(Date.parse('2026-11-27T10:00:00Z'));
    // It did not wait, so the error does not say it did.
    await expect(runGate(recordInputs({ 'on-closed': 'wait', 'max-wait': '6h' }), { clock })).rejects.toThrow(
      /^Deploy gate closed: Friday: outside deploy windows .*\. Next opening: 2026-11-30T09:00:00Z\.$/,
    );
    expect(clock.now()).toBe(Date.parse('2026-11-27T10:00:00Z'));
    expect(log()).toContain('The calendar does not open before max-wait runs out: not waiting.');
  });

  test('override opens a closed calendar and warns about alarms in ALARM', async () => {
    const cloudwatch = new FakeAlarms(new Map([['api-5xx', 'ALARM']]));
    const decision = await runGate(
      recordInputs({ override: 'hotfix INC-1234', 'blocker-alarms': 'api-5xx', at: '2026-11-28T10:00:00Z' }),
      { cloudwatch },
    );
    expect(decision.open).toBe(true);
    expect(outputs()).toMatchObject({ open: 'true', overridden: 'true' });
    expect(outputs().reason).toMatch(
      /^override: hotfix INC-1234 \(otherwise closed: .*alarm api-5xx in ALARM\)$/,
    );
    expect(log()).toContain('::warning::Deploy gate overridden: hotfix INC-1234');
    expect(log()).toContain('::warning::Blocker alarm api-5xx is in ALARM (Threshold Crossed: api-5xx)');
    expect(summary()).toContain('| Override | hotfix INC-1234 |');
    expect(summary()).toContain('| Alarms in ALARM | `api-5xx` |');
  });

  test('a named blocker alarm that does not exist is an error naming the input', async () => {
    const cloudwatch = new FakeAlarms(new Map([['api-5xx', 'OK']]));
    await expect(
      runGate(recordInputs({ 'blocker-alarms': 'api-5xx, api-typo' }), { cloudwatch }),
    ).rejects.toThrow(`Input 'blocker-alarms': "api-typo" does not exist in CloudWatch`);
  });
});

describe('runGate outside a runner', () => {
  test('prints the summary when there is no job summary file (the command line)', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    await runGate(recordInputs({ at: '2026-11-24T10:00:00Z' }));
    expect(log()).toContain('## 🟢 Deploy gate open');
    expect(log()).toContain('| Tuesday | 2026-11-24 | 09:00-16:00 |');
  });
});

describe('runGate over the CloudWatch SDK (aws-sdk-client-mock)', () => {
  const cw = mockClient(CloudWatchClient);
  const cloudwatch = () => new SdkCloudWatch(new CloudWatchClient({ region: 'us-east-1' }));
  afterEach(() => cw.reset());

  /** 150 metric alarms and one composite alarm; `shop-` alarms come back a page at a time. */
  function serve(inAlarm: string[]) {
    const state = (name: string) => ({
      AlarmName: name,
      StateValue: inAlarm.includes(name) ? ('ALARM' as const) : ('OK' as const),
      StateReason: 'Threshold Crossed',
    });
    cw.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => {
      if (input.AlarmNamePrefix === 'shop-') {
        return input.NextToken === 'page-2'
          ? { MetricAlarms: [state('shop-latency')] }
          : { MetricAlarms: [state('shop-5xx')], NextToken: 'page-2' };
      }
      if (input.AlarmNamePrefix) return { MetricAlarms: [] };
      const names = input.AlarmNames ?? [];
      return {
        MetricAlarms: names.filter((n) => n.startsWith('api-')).map(state),
        CompositeAlarms: names.filter((n) => n === 'api-health').map(state),
      };
    });
  }
  const names = [...Array.from({ length: 150 }, (_, i) => `api-${String(i).padStart(3, '0')}`), 'api-health'];

  test('names are read in batches of 100, metric and composite alarms alike', async () => {
    serve(['api-health']);
    await runGate(
      recordInputs({ 'blocker-alarms': names.join(','), at: '2026-11-24T10:00:00Z', 'on-closed': 'skip' }),
      { cloudwatch: cloudwatch() },
    );
    const calls = cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.AlarmNames?.length)).toEqual([100, 51]);
    expect(
      calls.every((c) => c.AlarmTypes?.includes('CompositeAlarm') && c.AlarmTypes.includes('MetricAlarm')),
    ).toBe(true);
    expect(outputs()).toMatchObject({ open: 'false', reason: 'alarm api-health in ALARM' });
  });

  test('a prefix is read page by page: an alarm on the second page blocks', async () => {
    serve(['shop-latency']);
    await expect(
      runGate(recordInputs({ 'alarm-prefixes': 'shop-', at: '2026-11-24T10:00:00Z' }), {
        cloudwatch: cloudwatch(),
      }),
    ).rejects.toThrow('Deploy gate closed: alarm shop-latency in ALARM.');
    expect(cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
    ]);
  });

  test('a prefix that matches no alarm is a warning, not a silent pass', async () => {
    serve([]);
    await runGate(recordInputs({ 'alarm-prefixes': 'shop-, shpo-', at: '2026-11-24T10:00:00Z' }), {
      cloudwatch: cloudwatch(),
    });
    expect(outputs()).toMatchObject({ open: 'true' });
    expect(log()).toContain(
      `::warning::Input 'alarm-prefixes': no CloudWatch alarm starts with "shpo-", so it blocks nothing`,
    );
    expect(log()).not.toContain('starts with "shop-"');
  });
});
