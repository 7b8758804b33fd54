import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { AlarmWatch, breachReason } from '../../src/alarms/watch.js';
import { SdkCloudWatch } from '../../src/aws/cloudwatch.js';
import { FakeClock } from '../support/fake-clock.js';
import { motoClientConfig, putAlarm, setAlarm, startMoto, type Moto } from '../support/moto.js';

// The SDK adapter over HTTP against moto_server. What moto 5.2 runs of these reads (its
// cloudwatch/responses.py describe_alarms): StateValue is honoured only when neither AlarmNames nor
// AlarmNamePrefix is given, so a filtered read by name or prefix returns the alarms in every state;
// MaxRecords and NextToken are ignored (one page); StateUpdatedTimestamp is set on every SetAlarmState;
// DescribeAlarmHistory is not implemented (HTTP 500). The watch must be right with all of that too.
let moto: Moto;
let port: SdkCloudWatch;
beforeAll(async () => {
  moto = await startMoto();
  port = new SdkCloudWatch(new CloudWatchClient(motoClientConfig(moto)));
}, 30_000);
afterAll(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  for (const name of ['api-5xx', 'api-latency', 'db-lag']) await putAlarm(moto, name);
});

test('a read filtered on ALARM by name and by prefix goes over the wire and maps states and times', async () => {
  await setAlarm(moto, 'api-latency', 'ALARM', 'Threshold Crossed: p99 2s');
  const byName = await port.describeAlarms(['api-5xx', 'api-latency'], { state: 'ALARM' });
  const byPrefix = await port.alarmsWithPrefix('api-', { state: 'ALARM' });
  for (const alarms of [byName, byPrefix]) {
    // moto returns both; each carries its own state, so the watch never takes api-5xx for firing.
    expect(alarms.map((a) => [a.name, a.state])).toEqual([
      ['api-5xx', 'OK'],
      ['api-latency', 'ALARM'],
    ]);
    expect(alarms.find((a) => a.name === 'api-latency')).toMatchObject({
      reason: 'Threshold Crossed: p99 2s',
      changedAt: expect.any(Number),
    });
  }
  const latency = byName.find((a) => a.name === 'api-latency')!;
  expect(Math.abs(latency.changedAt! - Date.now())).toBeLessThan(60_000);
});

test('a prefix with more alarms than a page returns them all', async () => {
  for (let i = 0; i < 120; i++) await putAlarm(moto, `web-${String(i).padStart(3, '0')}`);
  const alarms = await port.alarmsWithPrefix('web-');
  expect(alarms).toHaveLength(120);
});

test('moto has no alarm history: the port says so by rejecting', async () => {
  await expect(port.stateChangesSince(new Date(Date.now() - 60_000))).rejects.toThrow();
});

describe('the watch over moto', () => {
  const names = ['api-5xx', 'api-latency', 'db-lag'];
  const rig = () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    const watch = new AlarmWatch(port, false);
    const poll = async () => {
      await watch.read(names, { prefixes: ['api-'], now: clock.now(), warn: (m) => warnings.push(m) });
      await clock.sleep(1_000);
    };
    return { clock, watch, warnings, poll };
  };

  test('SetAlarmState ALARM is a breach at the next poll', async () => {
    const r = rig();
    await r.poll();
    await setAlarm(moto, 'db-lag', 'ALARM', 'replica lag 40s');
    await r.poll();
    expect(breachReason(r.watch.breach(names)!)).toBe('alarm db-lag is in ALARM: replica lag 40s');
  });

  test('ALARM then OK between two polls is a breach, told by StateUpdatedTimestamp without history', async () => {
    const r = rig();
    // moto answers DescribeAlarmHistory with HTTP 500 (after the SDK's retries): the watch says so once.
    const deadline = Date.now() + 10_000;
    while (!r.warnings.length && Date.now() < deadline) {
      await r.poll();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(r.warnings).toEqual([expect.stringMatching(/^Could not read the alarm history/)]);
    // A server error is not a missing permission: no IAM advice for it.
    expect(r.warnings[0]).not.toContain('Allow cloudwatch:DescribeAlarmHistory');
    await setAlarm(moto, 'api-latency', 'ALARM', 'p99 2s');
    await setAlarm(moto, 'api-latency', 'OK', 'p99 fine');
    // Steady polls read only alarms in ALARM; the full read, once a minute, sees the newer timestamp. It
    // runs beside the polls and is taken at the first poll after its answer, which on a busy machine can
    // be several (real-time) polls after it starts: the bound leaves room for that, the loop ends at the breach.
    for (let i = 0; i < 180 && !r.watch.breach(names); i++) await r.poll();
    const breach = r.watch.breach(names)!;
    expect(breach).toMatchObject({ alarm: 'api-latency', recovered: { state: 'OK', unseen: true } });
    expect(breachReason(breach)).toMatch(/^alarm api-latency changed state at \S+ and was back in OK/);
  });

  test('a deleted watched alarm is noticed by the full read', async () => {
    const r = rig();
    await r.poll();
    await new CloudWatchClient(motoClientConfig(moto)).send(
      new DeleteAlarmsCommand({ AlarmNames: ['db-lag'] }),
    );
    // The full read starts a minute (60 polls) after the first and runs beside the polls over HTTP, so
    // the loop also gives moto real time to answer it.
    const deadline = Date.now() + 15_000;
    for (let i = 0; !r.watch.vanished(names) && Date.now() < deadline; i++) {
      await r.poll();
      if (i >= 59) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(r.clock.now() - Date.parse('2026-11-23T10:00:00Z')).toBeGreaterThanOrEqual(60_000);
    expect(r.watch.vanished(names)).toBe('db-lag');
    expect(r.watch.breach(names)).toBeUndefined();
  });
});
