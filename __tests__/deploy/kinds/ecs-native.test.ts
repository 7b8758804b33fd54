import { BLUE_TG, GREEN_TG, LISTENER, TEST_LISTENER } from '../../support/fake-aws.js';
import { FakeEcsDeployments, PRODUCTION_RULE, TASK_DEFINITION } from '../../support/fake-ecs-deployments.js';
import { deploy, MUTATING, scenario, type Scenario } from '../harness.js';

// Deploys of services that run ECS's own BLUE_GREEN, LINEAR and CANARY strategies, through the whole
// lifecycle against the fake's service deployments (moto 5.2 has none).
const OLD = TASK_DEFINITION(1);
const NEW = TASK_DEFINITION(7);
const native = { 'listener-arn': '', 'bake-time': '2m', 'poll-interval': '1s' };
const canary = { ...native, steps: 'Canary10Percent1Minutes' };

function setup(options: ConstructorParameters<typeof FakeEcsDeployments>[2] = {}): {
  s: Scenario;
  ecs: FakeEcsDeployments;
} {
  const s = scenario();
  return { s, ecs: new FakeEcsDeployments(s.aws, s.clock, { strategy: 'BLUE_GREEN', ...options }) };
}

/**
 * What a user checks after a rollback: all production traffic on the target group the old revision runs
 * behind (blue's after ECS's own rollback; green's after an update back, which ECS runs as a new
 * blue/green deployment), and only old tasks.
 */
function expectBackOnOld(s: Scenario, ecs: FakeEcsDeployments, oldBehind = BLUE_TG): void {
  const other = oldBehind === BLUE_TG ? GREEN_TG : BLUE_TG;
  expect(s.aws.weights(PRODUCTION_RULE)).toEqual({ [oldBehind]: 100, [other]: 0 });
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
  expect(ecs.taskDefinition).toBe(OLD);
}

describe('a native deploy that succeeds', () => {
  test('CANARY from steps: the strategy is set, the stages and traffic are in the timeline', async () => {
    const { s, ecs } = setup({
      deploymentConfiguration: {
        alarms: { alarmNames: ['ecs-own'], enable: true, rollback: true },
        lifecycleHooks: [
          {
            hookTargetArn: 'arn:aws:lambda:us-east-1:111111111111:function:check',
            lifecycleStages: ['POST_SCALE_UP'],
          },
        ],
      },
    });
    const report = await deploy(s, canary);
    expect(report.result).toBe('deployed');
    expect(report.reason).toBe(
      "service api runs api:7 (was api:1); ECS's service deployment ended SUCCESSFUL",
    );
    // Only what the deploy must set changed; the service's own alarms, hooks and percents are kept.
    expect(ecs.updates).toEqual([
      {
        cluster: 'web',
        service: 'api',
        taskDefinition: NEW,
        deploymentConfiguration: {
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          strategy: 'CANARY',
          bakeTimeInMinutes: 2,
          canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 },
          alarms: { alarmNames: ['ecs-own'], enable: true, rollback: true },
          lifecycleHooks: [
            {
              hookTargetArn: 'arn:aws:lambda:us-east-1:111111111111:function:check',
              lifecycleStages: ['POST_SCALE_UP'],
            },
          ],
        },
      },
    ]);
    expect(s.logs).toEqual(
      expect.arrayContaining([
        `Setting on the service's deployment configuration: strategy: "BLUE_GREEN" → "CANARY"; bakeTimeInMinutes: 10 → 2; ` +
          `canaryConfiguration: unset → {"canaryPercent":10,"canaryBakeTimeInMinutes":1} (everything else stays as configured)`,
      ]),
    );
    expect(report.timeline.filter((e) => e.note?.startsWith('ECS ')).map((e) => e.note)).toEqual([
      'ECS PRE_SCALE_UP',
      'ECS SCALE_UP',
      'ECS POST_SCALE_UP',
      'ECS PRODUCTION_TRAFFIC_SHIFT',
      'ECS POST_PRODUCTION_TRAFFIC_SHIFT',
      'ECS BAKE_TIME',
      'ECS CLEAN_UP',
    ]);
    expect(report.timeline.filter((e) => e.note?.startsWith('traffic')).map((e) => e.traffic)).toEqual([
      10, 100,
    ]);
    expect(report.timeline.find((e) => e.note === 'ECS BAKE_TIME')?.phase).toBe('bake');
    expect(ecs.latest()?.status).toBe('SUCCESSFUL');
    expect(ecs.runningByTaskDefinition()).toEqual({ [NEW]: 4 });
  });

  test('LINEAR from a list of equal steps, shown step by step', async () => {
    const { s, ecs } = setup({ strategy: 'LINEAR' });
    const report = await deploy(s, { ...native, steps: '25%:1m, 50%:1m, 75%:1m, 100%' });
    expect(report.result).toBe('deployed');
    expect(ecs.updates[0]?.deploymentConfiguration).toMatchObject({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
    });
    expect(report.timeline.filter((e) => e.note?.startsWith('traffic')).map((e) => e.traffic)).toEqual([
      25, 50, 75, 100,
    ]);
  });

  test('AllAtOnce on a BLUE_GREEN service with the same bake changes only the task definition', async () => {
    const { s, ecs } = setup();
    const report = await deploy(s, { ...native, steps: 'AllAtOnce', 'bake-time': '10m', timeout: '1h' });
    expect(report.result).toBe('deployed');
    expect(ecs.updates).toEqual([{ cluster: 'web', service: 'api', taskDefinition: NEW }]);
    expect(s.logs).toEqual(
      expect.arrayContaining([
        "The service's deployment configuration already matches steps and bake-time; leaving it as it is",
      ]),
    );
  });

  test('the plan says which strategy ECS runs and what each step means', async () => {
    const { s } = setup();
    const report = await deploy(s, { ...canary, 'dry-run': 'true' });
    expect(report.result).toBe('dry-run');
    expect(report.plan.kind).toEqual([
      expect.stringMatching(/^ECS controller, BLUE_GREEN strategy/),
      'ECS CANARY: 10% of production traffic for 1 minute(s), then 100%',
      'ECS bakes 2 minute(s) with both revisions running, then removes the old one',
      expect.stringMatching(/^set on the service before the update: strategy: "BLUE_GREEN" → "CANARY"/),
    ]);
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });
});

describe('a breach at each stage stops the deployment with rollback', () => {
  // With the fake's timings: PRE_SCALE_UP 0-5s, SCALE_UP 5-15s, POST_SCALE_UP 15-20s,
  // PRODUCTION_TRAFFIC_SHIFT 20-80s, POST_PRODUCTION_TRAFFIC_SHIFT 80-85s, BAKE_TIME 85-205s, CLEAN_UP 205-210s.
  test.each([
    ['PRE_SCALE_UP', 1_000],
    ['SCALE_UP', 8_000],
    ['POST_SCALE_UP', 16_000],
    ['PRODUCTION_TRAFFIC_SHIFT', 40_000],
    ['POST_PRODUCTION_TRAFFIC_SHIFT', 81_000],
    ['BAKE_TIME', 120_000],
    ['CLEAN_UP', 206_000],
  ])('%s', async (stage, at) => {
    const { s, ecs } = setup();
    s.clock.after(at, () => s.aws.setAlarm('api-5xx', 'ALARM', 'errors'));
    const report = await deploy(s, canary);
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe('alarm api-5xx is in ALARM: errors');
    const run = ecs.runs[0]!;
    expect(run.stage).toBe(stage);
    expect(run.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(s.aws.count('StopServiceDeployment')).toBe(1);
    expectBackOnOld(s, ecs);
    expect(report.timeline.at(-1)).toMatchObject({ phase: 'rollback', traffic: 0 });
  });
});

describe('failures ECS reports, and rollbacks that fail', () => {
  test('ECS rolling back on its own alarm: the deploy waits for ROLLBACK_SUCCESSFUL and names the alarm', async () => {
    const { s, ecs } = setup();
    ecs.ecsFailsAt(s.clock.now() + 40_000, 'CloudWatch alarm(s) in ALARM', { alarms: ['ecs-own-5xx'] });
    const report = await deploy(s, canary);
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe(
      'ECS ended the service deployment ROLLBACK_IN_PROGRESS at PRODUCTION_TRAFFIC_SHIFT: CloudWatch alarm(s) in ALARM (ECS alarms in ALARM: ecs-own-5xx)',
    );
    expect(s.aws.count('StopServiceDeployment')).toBe(0);
    expect(ecs.runs[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    expectBackOnOld(s, ecs);
  });

  test('ECS stopping the deployment without rollback: the deploy updates the service back', async () => {
    const { s, ecs } = setup();
    ecs.ecsFailsAt(s.clock.now() + 12_000, 'circuit breaker: tasks failed', { rollback: false });
    const report = await deploy(s, canary);
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toMatch(
      /^ECS ended the service deployment STOPPED at SCALE_UP: circuit breaker: tasks failed/,
    );
    expect(ecs.updates.map((u) => u.taskDefinition)).toEqual([NEW, OLD]);
    // The way back runs all at once, not through the canary again; the rest of the configuration stays.
    expect(ecs.updates[1]?.deploymentConfiguration).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 0,
      maximumPercent: 200,
    });
    expect(ecs.updates[1]?.deploymentConfiguration?.canaryConfiguration).toBeUndefined();
    expectBackOnOld(s, ecs, GREEN_TG);
  });

  test('a rollback ECS fails: the deploy says so and updates the service back', async () => {
    const { s, ecs } = setup();
    ecs.rollbackFailure = 'tasks of the source revision failed to start';
    s.clock.after(30_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s, canary);
    expect(report.result).toBe('rolled-back');
    expect(ecs.runs[0]?.status).toBe('ROLLBACK_FAILED');
    expect(s.logs).toEqual(
      expect.arrayContaining([
        "warning: ECS did not roll the deployment back (ECS's rollback ended ROLLBACK_FAILED: tasks of the source revision failed to start); updating the service back to api:1",
      ]),
    );
    expect(ecs.updates.map((u) => u.taskDefinition)).toEqual([NEW, OLD]);
    expectBackOnOld(s, ecs, GREEN_TG);
  });

  test('a rollback that cannot be confirmed is reported as such', async () => {
    const { s, ecs } = setup();
    ecs.rollbackFailure = 'no capacity';
    ecs.failingTaskDefinitions.add(OLD);
    s.clock.after(30_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s, canary);
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toMatch(
      /^alarm api-5xx is in ALARM.*; ROLLBACK NOT CONFIRMED BY AWS: ECS's own rollback: ECS's rollback ended ROLLBACK_FAILED: no capacity/,
    );
  });

  test('cancelling the job stops the deployment with rollback', async () => {
    const { s, ecs } = setup();
    s.clock.after(30_000, () => s.cancel.abort());
    const report = await deploy(s, canary);
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe('the job was cancelled');
    expect(ecs.runs[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
    expectBackOnOld(s, ecs);
  });

  test('a failing after-traffic hook (run during ECS bake) stops the deployment with rollback', async () => {
    const { s, ecs } = setup();
    const report = await deploy(s, { ...canary, 'after-traffic': './smoke.sh' }, { runHook: async () => 1 });
    expect(report.result).toBe('rolled-back');
    expect(ecs.runs[0]?.stage).toBe('BAKE_TIME');
    expectBackOnOld(s, ecs);
  });
});

describe('refused before anything changes', () => {
  const nothingChanged = (s: Scenario) => expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);

  test('steps ECS cannot express name steps and the nearest form', async () => {
    const { s } = setup();
    await expect(deploy(s, { ...native, steps: '10%:5m, 50%:10m, 100%', timeout: '1h' })).rejects.toThrow(
      /^Input 'steps': "10%:5m, 50%:10m, 100%" is not valid: ECS runs one canary step, or equal steps every equal hold/,
    );
    nothingChanged(s);
  });

  test('a bake ECS cannot express names bake-time', async () => {
    const { s } = setup();
    await expect(deploy(s, { ...canary, 'bake-time': '90s' })).rejects.toThrow(/^Input 'bake-time': "1m30s"/);
    nothingChanged(s);
  });

  test('a test listener is refused, pointing at the service own testListenerRule', async () => {
    const { s } = setup();
    await expect(
      deploy(s, { ...canary, 'listener-arn': LISTENER, 'test-listener-arn': TEST_LISTENER }),
    ).rejects.toThrow(/^Input 'test-listener-arn': .*ECS sends test traffic through the testListenerRule/);
    await expect(deploy(s, { ...canary, 'listener-arn': LISTENER })).rejects.toThrow(
      /^Input 'listener-arn': .*ECS moves traffic on the productionListenerRule/,
    );
    await expect(deploy(s, { ...canary, 'one-box': 'true' })).rejects.toThrow(/^Input 'one-box'/);
    nothingChanged(s);
  });

  test('min-requests is refused: ECS bakes by time (not the listener-routing error a task-set service gets)', async () => {
    const { s } = setup();
    await expect(deploy(s, { ...canary, 'min-requests': '500' })).rejects.toThrow(
      /^Input 'min-requests': "500" is not valid: 'api' runs ECS's own BLUE_GREEN strategy: ECS ends its bake after bakeTimeInMinutes \(set from bake-time\) and cannot wait for a request count/,
    );
    expect(s.aws.count('DescribeTargetGroups')).toBe(0);
    nothingChanged(s);
  });

  test('without the service-deployment API the deploy cannot follow ECS: an error before any change', async () => {
    const { s } = setup({ serviceDeploymentApi: false });
    await expect(deploy(s, canary)).rejects.toThrow(
      /^Service 'api' runs ECS's BLUE_GREEN strategy, which safe-deploy follows through ListServiceDeployments/,
    );
    nothingChanged(s);
  });

  test('a service deployment already running blocks the deploy', async () => {
    const { s } = setup();
    await s.aws.ports().ecs.updateService('web', 'api', { taskDefinition: TASK_DEFINITION(3) });
    const calls = s.aws.calls.length;
    const report = await deploy(s, canary);
    expect(report.result).toBe('blocked');
    expect(s.aws.calls.slice(calls).filter((c) => MUTATING.includes(c))).toEqual([]);
  });
});
