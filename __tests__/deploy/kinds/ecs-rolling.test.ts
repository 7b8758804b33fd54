import { FakeEcsDeployments, TASK_DEFINITION } from '../../support/fake-ecs-deployments.js';
import { deploy, MUTATING, scenario, type Scenario } from '../harness.js';

// Rolling deploys of an ECS-controller service through the whole lifecycle, against the fake's rolling
// deployments (moto's are in __tests__/integration and __tests__/e2e).
const OLD = TASK_DEFINITION(1);
const NEW = TASK_DEFINITION(7);
const rolling = { 'listener-arn': '', 'bake-time': '2m', 'poll-interval': '5s' };

function setup(options: ConstructorParameters<typeof FakeEcsDeployments>[2] = {}): {
  s: Scenario;
  ecs: FakeEcsDeployments;
} {
  const s = scenario();
  return { s, ecs: new FakeEcsDeployments(s.aws, s.clock, options) };
}

test('updates the service, follows ECS replacing the tasks, bakes, and reports the new task definition', async () => {
  const { s, ecs } = setup();
  const saved: unknown[] = [];
  const report = await deploy(s, rolling, { saveState: (state) => saved.push(state) });
  expect(report.result).toBe('deployed');
  expect(report.reason).toBe('service api runs api:7 (was api:1); the rolling deployment completed');
  expect(report.taskDefinitionArn).toBe(NEW);
  expect(ecs.updates).toEqual([{ cluster: 'web', service: 'api', taskDefinition: NEW }]);
  expect(ecs.runningByTaskDefinition()).toEqual({ [NEW]: 4 });
  // The new tasks' share of running tasks is green's share of traffic in the timeline.
  expect(report.timeline.filter((e) => e.phase === 'stabilize').map((e) => e.traffic)).toEqual(
    expect.arrayContaining([0, 50, 100]),
  );
  expect(report.timeline.map((e) => e.phase)).toEqual(
    expect.arrayContaining(['prepare', 'stabilize', 'bake', 'promote', 'finished']),
  );
  expect(saved.at(-1)).toMatchObject({
    kind: 'ecs',
    stage: 'finished',
    target: { previousTaskDefinition: OLD },
  });
  // Saved before UpdateService: a run killed right after it is rolled back by the post step.
  expect(saved[0]).toMatchObject({ kind: 'ecs', stage: 'deploying', target: { taskDefinition: NEW } });
  expect(s.logs).toEqual(expect.arrayContaining([expect.stringMatching(/^ECS controller, rolling update/)]));
});

test('an alarm during the bake stops the deployment with rollback; done only once api:1 runs alone', async () => {
  const { s, ecs } = setup();
  s.clock.after(60_000, () => s.aws.setAlarm('api-5xx', 'ALARM', '5xx above 10'));
  const report = await deploy(s, rolling);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('alarm api-5xx is in ALARM: 5xx above 10');
  // The deployment had completed, so it could not be stopped: the service was updated back.
  expect(ecs.updates.map((u) => u.taskDefinition)).toEqual([NEW, OLD]);
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
  expect(ecs.taskDefinition).toBe(OLD);
  expect(report.timeline.at(-1)).toMatchObject({ phase: 'rollback', traffic: 0, note: 'back on api:1' });
  expect(s.logs).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^Rollback confirmed by AWS: the service runs api:1 again/),
    ]),
  );
});

test('a breach while tasks are replaced uses StopServiceDeployment ROLLBACK', async () => {
  const { s, ecs } = setup();
  ecs.taskStartMs = 60_000;
  s.clock.after(20_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
  const report = await deploy(s, rolling);
  expect(report.result).toBe('rolled-back');
  expect(s.aws.count('StopServiceDeployment')).toBe(1);
  expect(ecs.latest()?.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(ecs.updates).toHaveLength(1);
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('without the service-deployment API the rollback updates back to the previous task definition', async () => {
  const { s, ecs } = setup({ serviceDeploymentApi: false });
  ecs.taskStartMs = 60_000;
  s.clock.after(20_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
  const report = await deploy(s, rolling);
  expect(report.result).toBe('rolled-back');
  expect(ecs.updates.map((u) => u.taskDefinition)).toEqual([NEW, OLD]);
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('ECS failing the deployment (circuit breaker) is reported with its reason and rolled back', async () => {
  const { s, ecs } = setup({
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
  });
  ecs.failingTaskDefinitions.add(NEW);
  const report = await deploy(s, rolling);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe(
    'ECS failed the deployment: ECS deployment circuit breaker: tasks failed to start.',
  );
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
  expect(ecs.taskDefinition).toBe(OLD);
});

test('the circuit breaker rolling back on its own: the deploy waits for ECS rollback, no update back', async () => {
  const { s, ecs } = setup({
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  });
  ecs.failingTaskDefinitions.add(NEW);
  const report = await deploy(s, rolling);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe(
    'ECS failed the deployment: ECS deployment circuit breaker: tasks failed to start.',
  );
  expect(ecs.latest()?.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(ecs.updates).toHaveLength(1);
  expect(s.aws.count('StopServiceDeployment')).toBe(0);
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('tasks that keep failing without a circuit breaker fail the deploy at ECS threshold', async () => {
  const { s, ecs } = setup();
  ecs.failingTaskDefinitions.add(NEW);
  const report = await deploy(s, rolling);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('3 tasks of api:7 failed to start');
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('a failing after-traffic hook rolls back', async () => {
  const { s, ecs } = setup();
  const report = await deploy(s, { ...rolling, 'after-traffic': './smoke.sh' }, { runHook: async () => 3 });
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('after-traffic hook failed with exit code 3: ./smoke.sh');
  expect(ecs.taskDefinition).toBe(OLD);
});

test('cancelling the job rolls back', async () => {
  const { s, ecs } = setup();
  s.clock.after(30_000, () => s.cancel.abort());
  const report = await deploy(s, rolling);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('the job was cancelled');
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('a deploy that outlasts its timeout rolls back', async () => {
  const { s, ecs } = setup();
  ecs.taskStartMs = 10 * 60_000;
  const report = await deploy(s, { ...rolling, timeout: '5m', 'stabilize-timeout': '20m' });
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toMatch(/^the deploy did not finish within timeout 5m/);
  expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('throttled reads never by themselves roll back', async () => {
  const { s } = setup();
  s.aws.fail(
    'DescribeServices',
    Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    5,
  );
  const report = await deploy(s, rolling);
  expect(report.result).toBe('deployed');
});

describe('refused before anything changes', () => {
  const nothingChanged = (s: Scenario) => expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);

  test('steps other than AllAtOnce name steps and say how to get steps', async () => {
    const { s } = setup();
    await expect(deploy(s, { ...rolling, steps: 'Canary10Percent5Minutes' })).rejects.toThrow(
      /^Input 'steps': "Canary10Percent5Minutes" is not valid: 'api' is an ECS rolling service: its traffic moves with its tasks/,
    );
    nothingChanged(s);
  });

  test('AllAtOnce is accepted', async () => {
    const { s } = setup();
    expect((await deploy(s, { ...rolling, steps: 'AllAtOnce' })).result).toBe('deployed');
  });

  test('a listener is refused naming listener-arn', async () => {
    const { s } = setup();
    await expect(deploy(s, { 'bake-time': '1m' })).rejects.toThrow(
      /^Input 'listener-arn': .* is an ECS rolling service/,
    );
    nothingChanged(s);
  });

  test('a service in the middle of another deployment blocks the deploy', async () => {
    const { s } = setup();
    // Someone else's update is still replacing the tasks.
    await s.aws.ports().ecs.updateService('web', 'api', { taskDefinition: TASK_DEFINITION(3) });
    const calls = s.aws.calls.length;
    const report = await deploy(s, rolling);
    expect(report.result).toBe('blocked');
    expect(report.reason).toBe(
      "Service 'api' is in the middle of a deployment (api:3 IN_PROGRESS); not starting another until it finishes",
    );
    expect(s.aws.calls.slice(calls).filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('dry-run says which controller and strategy, and changes nothing', async () => {
    const { s } = setup();
    const report = await deploy(s, { ...rolling, 'dry-run': 'true' });
    expect(report.result).toBe('dry-run');
    expect(report.plan.kind?.[0]).toMatch(/^ECS controller, rolling update/);
    expect(s.logs.join('\n')).toMatch(
      /Plan for .*api: ECS controller, rolling update[^\n]*\n {2}1\. UpdateService to the new task definition/,
    );
    nothingChanged(s);
  });
});

test('the job summary plan says what ECS does instead of a traffic-step table', async () => {
  const { renderSummary } = await import('../../../src/report/summary.js');
  const { s } = setup();
  const report = await deploy(s, rolling);
  const summary = renderSummary(report);
  expect(summary).toMatch(/### Plan\n\nECS controller, rolling update: ECS replaces the tasks in place/);
  expect(summary).toContain('1. UpdateService to the new task definition');
  expect(summary).not.toContain('Canary10Percent5Minutes');
});
