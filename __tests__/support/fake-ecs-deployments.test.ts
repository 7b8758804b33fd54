import { ECSClient } from '@aws-sdk/client-ecs';
import { SdkEcs } from '../../src/aws/ecs.js';
import { BLUE_TG, FakeAws, GREEN_TG } from './fake-aws.js';
import { FakeClock } from './fake-clock.js';
import { FakeEcsDeployments, PRODUCTION_RULE, TASK_DEFINITION } from './fake-ecs-deployments.js';

// The fake itself, read through the real SDK adapter: what a deploy will see of each ECS behaviour.
const OLD = TASK_DEFINITION(1);
const NEW = TASK_DEFINITION(2);
let clock: FakeClock;
let fake: FakeAws;
let ecs: SdkEcs;
beforeEach(() => {
  clock = new FakeClock();
  fake = new FakeAws(clock);
  ecs = new SdkEcs(
    new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );
});

const service = async () => (await ecs.describeServiceConfiguration('web', 'api'))!;
const latest = async () =>
  (await ecs.describeServiceDeployments([(await ecs.listServiceDeployments('web', 'api'))[0]!.arn]))[0]!;

describe('rolling', () => {
  test('a rolling update replaces the old tasks, then completes', async () => {
    new FakeEcsDeployments(fake, clock);
    expect((await service()).strategy).toBe('ROLLING');
    await ecs.updateService('web', 'api', { taskDefinition: NEW });
    let state = await service();
    expect(state.taskDefinition).toBe(NEW);
    expect(
      state.deployments.map((d) => [d.status, d.taskDefinition, d.runningCount, d.rolloutState]),
    ).toEqual([
      ['PRIMARY', NEW, 0, 'IN_PROGRESS'],
      ['ACTIVE', OLD, 4, 'IN_PROGRESS'],
    ]);
    await clock.sleep(10_000);
    expect((await service()).deployments.map((d) => d.runningCount)).toEqual([4, 4]);
    await clock.sleep(5_000);
    state = await service();
    expect(
      state.deployments.map((d) => [d.status, d.taskDefinition, d.runningCount, d.rolloutState]),
    ).toEqual([['PRIMARY', NEW, 4, 'COMPLETED']]);
    expect((await latest()).status).toBe('SUCCESSFUL');
  });

  test('failing tasks trip the circuit breaker, which rolls back to the last completed deployment', async () => {
    const ecsService = new FakeEcsDeployments(fake, clock, {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    ecsService.failingTaskDefinitions.add(NEW);
    await ecs.updateService('web', 'api', { taskDefinition: NEW });
    await clock.sleep(20_000);
    expect((await service()).deployments[0]).toMatchObject({
      taskDefinition: NEW,
      failedTasks: 2,
      runningCount: 0,
    });
    await clock.sleep(10_000);
    const rolling = await latest();
    expect(rolling.status).toBe('ROLLBACK_IN_PROGRESS');
    expect(rolling.statusReason).toBe('ECS deployment circuit breaker: tasks failed to start.');
    await clock.sleep(5_000);
    expect((await latest()).status).toBe('ROLLBACK_SUCCESSFUL');
    const state = await service();
    expect(state.taskDefinition).toBe(OLD);
    expect(state.deployments.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
      ['PRIMARY', OLD, 'COMPLETED'],
    ]);
  });

  test('the breaker without rollback leaves the deployment FAILED and the service deployment STOPPED', async () => {
    const ecsService = new FakeEcsDeployments(fake, clock, {
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
    });
    ecsService.failingTaskDefinitions.add(NEW);
    await ecs.updateService('web', 'api', { taskDefinition: NEW });
    await clock.sleep(40_000);
    expect((await service()).deployments[0]).toMatchObject({ taskDefinition: NEW, rolloutState: 'FAILED' });
    expect((await latest()).status).toBe('STOPPED');
  });

  test('StopServiceDeployment ROLLBACK: requested, in progress, then successful with the new tasks gone', async () => {
    new FakeEcsDeployments(fake, clock);
    await ecs.updateService('web', 'api', { taskDefinition: NEW });
    await clock.sleep(3_000);
    const arn = (await ecs.listServiceDeployments('web', 'api'))[0]!.arn;
    await ecs.stopServiceDeployment(arn);
    expect((await latest()).status).toBe('ROLLBACK_REQUESTED');
    await clock.sleep(1_000);
    expect((await latest()).status).toBe('ROLLBACK_IN_PROGRESS');
    await clock.sleep(5_000);
    expect((await latest()).status).toBe('ROLLBACK_SUCCESSFUL');
    expect((await service()).deployments.map((d) => d.taskDefinition)).toEqual([OLD]);
    await expect(ecs.stopServiceDeployment(arn)).rejects.toMatchObject({ name: 'ConflictException' });
  });

  test('without the service-deployment API the calls fail as an unknown operation', async () => {
    new FakeEcsDeployments(fake, clock, { serviceDeploymentApi: false });
    await expect(ecs.listServiceDeployments('web', 'api')).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });

  test('service revisions map to their task definitions', async () => {
    new FakeEcsDeployments(fake, clock);
    await ecs.updateService('web', 'api', { taskDefinition: NEW });
    const record = await latest();
    const map = await ecs.describeServiceRevisionTaskDefinitions([
      record.targetServiceRevisionArn!,
      ...record.sourceServiceRevisionArns,
    ]);
    expect(Object.values(map)).toEqual([NEW, OLD]);
  });
});

describe('native strategies', () => {
  const stagesOver = async (ms: number, step = 1_000) => {
    const seen: string[] = [];
    for (let t = 0; t <= ms; t += step) {
      const record = await latest();
      const stage = record.status === 'IN_PROGRESS' ? (record.lifecycleStage ?? '') : record.status;
      if (seen.at(-1) !== stage) seen.push(stage);
      await clock.sleep(step);
    }
    return seen;
  };

  test('a CANARY deployment goes through the stages, moving canaryPercent then 100% on the rule', async () => {
    const ecsService = new FakeEcsDeployments(fake, clock, { strategy: 'BLUE_GREEN' });
    await ecs.updateService('web', 'api', {
      taskDefinition: NEW,
      deploymentConfiguration: {
        strategy: 'CANARY',
        bakeTimeInMinutes: 1,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 },
      },
    });
    expect(await stagesOver(4 * 60_000)).toEqual([
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
      'SUCCESSFUL',
    ]);
    expect(ecsService.trafficHistory.map((h) => h.target)).toEqual([10, 100]);
    // After success the green target group serves production.
    expect(fake.weights(PRODUCTION_RULE)).toEqual({ [GREEN_TG]: 100, [BLUE_TG]: 0 });
  });

  test('LINEAR moves stepPercent more every step bake; a test listener rule adds the test stages', async () => {
    const ecsService = new FakeEcsDeployments(fake, clock, {
      strategy: 'LINEAR',
      testListenerRule: `${PRODUCTION_RULE.slice(0, -4)}dddd`,
    });
    await ecs.updateService('web', 'api', {
      taskDefinition: NEW,
      deploymentConfiguration: {
        strategy: 'LINEAR',
        bakeTimeInMinutes: 0,
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
      },
    });
    const stages = await stagesOver(5 * 60_000);
    expect(stages.slice(3, 5)).toEqual(['TEST_TRAFFIC_SHIFT', 'POST_TEST_TRAFFIC_SHIFT']);
    expect(stages.at(-1)).toBe('SUCCESSFUL');
    expect(ecsService.trafficHistory.map((h) => h.target)).toEqual([25, 50, 75, 100]);
  });

  test('stopping with rollback puts all traffic back on the source revision', async () => {
    const ecsService = new FakeEcsDeployments(fake, clock, { strategy: 'CANARY' });
    await ecs.updateService('web', 'api', {
      taskDefinition: NEW,
      deploymentConfiguration: {
        strategy: 'CANARY',
        bakeTimeInMinutes: 5,
        canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 5 },
      },
    });
    await clock.sleep(30_000);
    await latest();
    expect(fake.weights(PRODUCTION_RULE)).toEqual({ [BLUE_TG]: 80, [GREEN_TG]: 20 });
    await ecs.stopServiceDeployment((await latest()).arn);
    await clock.sleep(1_000);
    expect((await latest()).status).toBe('ROLLBACK_IN_PROGRESS');
    expect(fake.weights(PRODUCTION_RULE)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    await clock.sleep(5_000);
    expect((await latest()).status).toBe('ROLLBACK_SUCCESSFUL');
    expect(ecsService.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
  });

  test('a rollback that fails ends ROLLBACK_FAILED with the reason', async () => {
    const ecsService = new FakeEcsDeployments(fake, clock, { strategy: 'BLUE_GREEN' });
    ecsService.rollbackFailure = 'tasks of the source revision failed to start';
    await ecs.updateService('web', 'api', { taskDefinition: NEW });
    await clock.sleep(2_000);
    await ecs.stopServiceDeployment((await latest()).arn);
    await clock.sleep(10_000);
    expect(await latest()).toMatchObject({
      status: 'ROLLBACK_FAILED',
      statusReason: 'tasks of the source revision failed to start',
    });
  });

  test('ECS failing the deployment on its own alarm rolls back and names the alarm', async () => {
    const ecsService = new FakeEcsDeployments(fake, clock, { strategy: 'BLUE_GREEN' });
    await ecs.updateService('web', 'api', { taskDefinition: NEW });
    ecsService.ecsFailsAt(clock.now() + 30_000, 'CloudWatch alarm(s) in ALARM', { alarms: ['ecs-own-5xx'] });
    await clock.sleep(31_000);
    expect(await latest()).toMatchObject({
      status: 'ROLLBACK_IN_PROGRESS',
      triggeredAlarms: ['ecs-own-5xx'],
    });
  });

  test('UpdateService refuses configurations outside the limits of the API reference', async () => {
    new FakeEcsDeployments(fake, clock, { strategy: 'LINEAR' });
    await expect(
      ecs.updateService('web', 'api', {
        taskDefinition: NEW,
        deploymentConfiguration: {
          strategy: 'LINEAR',
          bakeTimeInMinutes: 1,
          linearConfiguration: { stepPercent: 2, stepBakeTimeInMinutes: 1 },
        },
      }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      ecs.updateService('web', 'api', {
        taskDefinition: NEW,
        deploymentConfiguration: { strategy: 'BLUE_GREEN' },
      }),
    ).rejects.toThrow('bakeTimeInMinutes is required for BLUE_GREEN');
  });

  test('the service reports its controller, strategy and its own configuration', async () => {
    new FakeEcsDeployments(fake, clock, {
      strategy: 'BLUE_GREEN',
      deploymentConfiguration: { alarms: { alarmNames: ['ecs-own'], enable: true, rollback: true } },
    });
    const state = await service();
    expect(state).toMatchObject({
      controller: 'ECS',
      strategy: 'BLUE_GREEN',
      taskDefinition: OLD,
      targetGroupArns: [BLUE_TG],
    });
    expect(state.deploymentConfiguration.alarms?.alarmNames).toEqual(['ecs-own']);
  });
});
