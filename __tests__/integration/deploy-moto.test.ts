import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import type { DeployReport } from '../../src/report/model.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { FakeClock } from '../support/fake-clock.js';
import { motoDeployDeps } from '../support/moto-deploy.js';
import {
  motoClientConfig,
  putAlarm,
  readDeployState,
  seedService,
  setAlarm,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';

// The real SDK over HTTP against moto_server; only time is simulated, so holds take no wall time.
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

let seeded: SeededService;
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx', 'api-latency'] });
});

async function deploy(
  inputs: Record<string, string>,
  clock = new FakeClock(),
  onTrafficRestored?: () => void,
): Promise<DeployReport> {
  const settings = parseDeploySettings(
    recordInputs({
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      'poll-interval': '1s',
      'bake-time': '1m',
      ...inputs,
    }),
  );
  return runLifecycle(
    settings,
    { register: taskDefinitionJson('shop/api@sha256:' + 'b'.repeat(64)) as never },
    motoDeployDeps(moto, {
      clock,
      identity: { repository: 'octo/shop', commit: 'c0ffee', runId: '7', runAttempt: '2' },
      ...(onTrafficRestored ? { onTrafficRestored } : {}),
    }),
  );
}

test('a listener canary deploy ends with green PRIMARY behind all traffic and blue gone', async () => {
  const report = await deploy({ steps: '10%:1m, 50%:1m, 100%' });
  expect(report.result).toBe('deployed');
  const state = await readDeployState(moto, seeded);
  expect(state.greenWeight).toBe(100);
  expect(state.blueWeight).toBe(0);
  expect(state.taskSets).toEqual([
    expect.objectContaining({
      arn: report.taskSetArn,
      status: 'PRIMARY',
      scale: 100,
      targetGroup: seeded.greenTargetGroup,
      taskDefinition: report.taskDefinitionArn,
      tags: expect.objectContaining({
        'safe-deploy:repository': 'octo/shop',
        'safe-deploy:commit': 'c0ffee',
        'safe-deploy:run-id': '7',
        'safe-deploy:run-attempt': '2',
      }),
    }),
  ]);
  expect(report.timeline.filter((e) => e.note?.startsWith('traffic')).map((e) => e.traffic)).toEqual([
    10, 50, 100,
  ]);
});

test('a second deploy goes back the other way: green is now the target group that was blue', async () => {
  await deploy({ steps: 'AllAtOnce' });
  const second = await deploy({ steps: 'AllAtOnce' });
  expect(second.result).toBe('deployed');
  const state = await readDeployState(moto, seeded);
  expect(state.blueWeight).toBe(100);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', targetGroup: seeded.blueTargetGroup }),
  ]);
});

test('SetAlarmState ALARM mid-step rolls back: listener 100% blue, green deleted', async () => {
  const clock = new FakeClock();
  clock.after(90_000, () => setAlarm(moto, 'api-5xx', 'ALARM', 'Threshold Crossed: 12 errors'));
  const report = await deploy({ steps: 'Canary20Percent5Minutes' }, clock);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('alarm api-5xx is in ALARM: Threshold Crossed: 12 errors');
  const state = await readDeployState(moto, seeded);
  expect(state.blueWeight).toBe(100);
  expect(state.greenWeight).toBe(0);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
});

test('task-sets routing moves traffic by scale and promotes green', async () => {
  const report = await deploy({ 'listener-arn': '', routing: 'task-sets', steps: '25%:1m, 100%' });
  expect(report.result).toBe('deployed');
  const state = await readDeployState(moto, seeded);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', scale: 100, targetGroup: seeded.blueTargetGroup }),
  ]);
});

test('alarm prefixes resolve through DescribeAlarms over HTTP and a breach on one rolls back', async () => {
  await putAlarm(moto, 'api-p99');
  const clock = new FakeClock();
  clock.after(30_000, () => setAlarm(moto, 'api-p99', 'ALARM'));
  const report = await deploy({ alarms: '', 'alarm-prefixes': 'api-' }, clock);
  expect(report.plan.alarms.sort()).toEqual(['api-5xx', 'api-latency', 'api-p99']);
  expect(report.result).toBe('rolled-back');
  expect((await readDeployState(moto, seeded)).blueWeight).toBe(100);
});

test('a watched alarm deleted mid-step rolls back, since it can no longer fire', async () => {
  const { DeleteAlarmsCommand } = await import('@aws-sdk/client-cloudwatch');
  const clock = new FakeClock();
  clock.after(20_000, async () => {
    await new CloudWatchClient(motoClientConfig(moto)).send(
      new DeleteAlarmsCommand({ AlarmNames: ['api-latency'] }),
    );
  });
  const report = await deploy({ alarms: 'api-5xx, api-latency', steps: '30%:1m, 100%' }, clock);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe(
    'alarm api-latency no longer exists in CloudWatch: the deploy would go on unwatched by it',
  );
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toHaveLength(1);
});

test('a missing alarm is refused before any change', async () => {
  await expect(deploy({ alarms: 'api-5xx, nope' })).rejects.toThrow(`Input 'alarms': "nope" does not exist`);
  const state = await readDeployState(moto, seeded);
  expect(state.taskSets).toHaveLength(1);
  expect(state.blueWeight).toBe(100);
});

test('an alarm already in ALARM blocks the deploy', async () => {
  await setAlarm(moto, 'api-latency', 'ALARM');
  const report = await deploy({ 'blocker-alarms': 'api-latency' });
  expect(report.result).toBe('blocked');
  expect(report.reason).toMatch(/^blocker alarm api-latency is already in ALARM/);
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('min-requests reads RequestCount for green from GetMetricData', async () => {
  const clock = new FakeClock(Date.now());
  const report = await deploy(
    // A short timeout: every 1 s poll of it is a round of calls to moto.
    { steps: 'AllAtOnce', 'bake-time': '1m', 'min-requests': '1', timeout: '3m' },
    clock,
  );
  // moto stores no ALB metrics, so green never reaches one request and the overall timeout rolls back.
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('the deploy did not finish within timeout 3m (bake, 0/1 requests)');
});

test('min-requests ends the bake once green served enough requests', async () => {
  const { PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
  const { dimensionOf } = await import('../../src/aws/cloudwatch.js');
  const start = Date.now();
  const clock = new FakeClock(start);
  clock.after(3 * 60_000, async () => {
    await new CloudWatchClient(motoClientConfig(moto)).send(
      new PutMetricDataCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricData: [
          {
            MetricName: 'RequestCount',
            Dimensions: [
              { Name: 'TargetGroup', Value: dimensionOf(seeded.greenTargetGroup) },
              { Name: 'LoadBalancer', Value: dimensionOf(seeded.loadBalancerArn) },
            ],
            Timestamp: new Date(start + 60_000),
            Value: 1200,
            Unit: 'Count',
          },
        ],
      }),
    );
  });
  const report = await deploy({ steps: 'AllAtOnce', 'bake-time': '1m', 'min-requests': '1000' }, clock);
  expect(report.result).toBe('deployed');
  expect(report.timeline.find((e) => e.phase === 'bake' && e.note?.startsWith('baked'))?.note).toBe(
    'baked 1m, 1200 requests',
  );
  expect(clock.now() - start).toBeGreaterThanOrEqual(3 * 60_000);
});

describe('a listener rule', () => {
  async function createRule(): Promise<string> {
    const { CreateRuleCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const elb = new ElasticLoadBalancingV2Client(motoClientConfig(moto));
    const out = await elb.send(
      new CreateRuleCommand({
        ListenerArn: seeded.listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: seeded.blueTargetGroup, Weight: 100 },
                { TargetGroupArn: seeded.greenTargetGroup, Weight: 0 },
              ],
            },
          },
        ],
      }),
    );
    return out.Rules![0]!.RuleArn!;
  }

  async function ruleWeights(ruleArn: string): Promise<Record<string, number>> {
    const { DescribeRulesCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const elb = new ElasticLoadBalancingV2Client(motoClientConfig(moto));
    const out = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
    const forward = out.Rules![0]!.Actions!.find((a) => a.Type === 'forward')!;
    return Object.fromEntries(
      forward.ForwardConfig!.TargetGroups!.map((g) => [g.TargetGroupArn!, g.Weight!]),
    );
  }

  test('shifts the rule, keeps its condition, and leaves the listener default action alone', async () => {
    const ruleArn = await createRule();
    const report = await deploy({ 'listener-arn': '', 'listener-rule-arn': ruleArn, steps: '30%:1m, 100%' });
    expect(report.result).toBe('deployed');
    expect(await ruleWeights(ruleArn)).toEqual({
      [seeded.blueTargetGroup]: 0,
      [seeded.greenTargetGroup]: 100,
    });
    expect(await readDeployState(moto, seeded)).toMatchObject({ blueWeight: 100, greenWeight: 0 });
    const { DescribeRulesCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const rule = await new ElasticLoadBalancingV2Client(motoClientConfig(moto)).send(
      new DescribeRulesCommand({ RuleArns: [ruleArn] }),
    );
    expect(rule.Rules![0]!.Conditions![0]).toMatchObject({ Field: 'path-pattern', Values: ['/api/*'] });
  });

  test('a breach puts the rule back on blue', async () => {
    const ruleArn = await createRule();
    const clock = new FakeClock();
    clock.after(20_000, () => setAlarm(moto, 'api-5xx', 'ALARM'));
    const report = await deploy(
      { 'listener-arn': '', 'listener-rule-arn': ruleArn, steps: '30%:1m, 100%' },
      clock,
    );
    expect(report.result).toBe('rolled-back');
    expect(await ruleWeights(ruleArn)).toEqual({
      [seeded.blueTargetGroup]: 100,
      [seeded.greenTargetGroup]: 0,
    });
    const state = await readDeployState(moto, seeded);
    expect(state.taskSets).toEqual([expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY' })]);
  });
});
