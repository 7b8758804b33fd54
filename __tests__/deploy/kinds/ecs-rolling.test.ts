import { dimensionOf } from '../../../src/aws/cloudwatch.js';
import { BLUE_TG, LOAD_BALANCER } from '../../support/fake-aws.js';
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

describe('min-requests: the bake counts the service target group', () => {
  const MINUTE = 60_000;
  const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';
  const INTERNAL_TG = `${ELB}:targetgroup/internal/3333333333333333`;
  const INTERNAL_LB = `${ELB}:loadbalancer/app/internal/4444444444444444`;
  const NLB_TG = `${ELB}:targetgroup/edge/5555555555555555`;
  const NLB = `${ELB}:loadbalancer/net/edge/6666666666666666`;
  /** The fake's key for RequestCount of one target group on one load balancer. */
  const requestsOf = (targetGroup: string, loadBalancer: string) =>
    `AWS/ApplicationELB/RequestCount{LoadBalancer=${dimensionOf(loadBalancer)},TargetGroup=${dimensionOf(targetGroup)}}:Sum`;
  /** Data points CloudWatch has by now: `[minutes after the deploy started, requests]`. */
  const served = (s: Scenario, points: [number, number][]) => {
    const start = s.clock.now();
    return () =>
      points
        .map(([minutes, value]) => ({ at: start + minutes * MINUTE, value }))
        .filter((p) => p.at <= s.clock.now());
  };
  const bakedAt = (report: Awaited<ReturnType<typeof deploy>>) =>
    report.timeline.find((e) => e.note?.startsWith('baked'))!;
  const nothingChanged = (s: Scenario) => expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);

  test('counts from the bake start, waits past bake-time for the requests, and ends once they are reached', async () => {
    const { s, ecs } = setup();
    const start = s.clock.now();
    // 5000 requests in the rollout's minute (old and new tasks behind the group) are not the new revision's.
    s.aws.metricSeries.set(
      requestsOf(BLUE_TG, LOAD_BALANCER),
      served(s, [
        [0, 5000],
        [4, 600],
        [6, 600],
      ]),
    );
    const report = await deploy(s, { ...rolling, 'min-requests': '1000' });
    expect(report.result).toBe('deployed');
    expect(ecs.runningByTaskDefinition()).toEqual({ [NEW]: 4 });
    const bakeStart = Date.parse(report.timeline.find((e) => e.phase === 'bake')!.at);
    expect(bakeStart - start).toBeLessThan(MINUTE);
    // The 2-minute bake held on until the second 600 arrived, six minutes in, and ended within a poll of it.
    const baked = bakedAt(report);
    expect(baked.note).toBe('baked 2m, 1200 requests');
    expect(Date.parse(baked.at) - start).toBeGreaterThanOrEqual(6 * MINUTE);
    expect(Date.parse(baked.at) - start).toBeLessThan(6 * MINUTE + 5_000);
    expect(s.logs).toEqual(
      expect.arrayContaining([expect.stringMatching(/^bake · .* · 600\/1000 requests$/)]),
    );
    expect(s.logs).toContain(
      'min-requests: the bake counts RequestCount of targetgroup/blue/1111111111111111 on ' +
        'app/shop/0123456789abcdef from the moment it starts (all tasks then run the new task definition)',
    );
    // The load balancer was read before the service was updated.
    expect(s.aws.calls.indexOf('DescribeTargetGroups')).toBeLessThan(s.aws.calls.indexOf('UpdateService'));
  });

  test('a timeout while waiting for the requests rolls back to the previous task definition, naming the count', async () => {
    const { s, ecs } = setup();
    s.aws.requestCount = 400;
    const report = await deploy(s, { ...rolling, 'min-requests': '1000', timeout: '10m' });
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe('the deploy did not finish within timeout 10m (bake, 400/1000 requests)');
    expect(ecs.updates.map((u) => u.taskDefinition)).toEqual([NEW, OLD]);
    expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
    expect(ecs.taskDefinition).toBe(OLD);
  });

  test('several target groups: their counts are summed', async () => {
    const { s } = setup({ targetGroups: [BLUE_TG, INTERNAL_TG] });
    s.aws.targetGroupLoadBalancers.set(INTERNAL_TG, [INTERNAL_LB]);
    s.aws.metricSeries.set(requestsOf(BLUE_TG, LOAD_BALANCER), served(s, [[3, 600]]));
    s.aws.metricSeries.set(requestsOf(INTERNAL_TG, INTERNAL_LB), served(s, [[3, 500]]));
    const report = await deploy(s, { ...rolling, 'min-requests': '1000' });
    expect(report.result).toBe('deployed');
    expect(bakedAt(report).note).toBe('baked 2m, 1100 requests');
    expect(s.logs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^min-requests: the bake counts RequestCount of targetgroup\/blue\/\w+ on app\/shop\/\w+ \+ targetgroup\/internal\/\w+ on app\/internal\/\w+ /,
        ),
      ]),
    );
  });

  test('a target group behind a Network Load Balancer is left out with a warning; the others are counted', async () => {
    const { s } = setup({ targetGroups: [BLUE_TG, NLB_TG] });
    s.aws.targetGroupLoadBalancers.set(NLB_TG, [NLB]);
    s.aws.requestCount = 1500;
    const report = await deploy(s, { ...rolling, 'min-requests': '1000' });
    expect(report.result).toBe('deployed');
    expect(s.logs).toContain(
      `warning: min-requests: not counted: ${NLB_TG} is behind net/edge/6666666666666666, not an Application ` +
        'Load Balancer: only those report RequestCount',
    );
    const dimensions = s.aws.metricCalls.flat().map((q) => q.MetricStat?.Metric?.Dimensions);
    expect(new Set(dimensions.map((d) => JSON.stringify(d)))).toEqual(
      new Set([
        JSON.stringify([
          { Name: 'TargetGroup', Value: dimensionOf(BLUE_TG) },
          { Name: 'LoadBalancer', Value: dimensionOf(LOAD_BALANCER) },
        ]),
      ]),
    );
  });

  test('the dry-run plan says the bake waits for the requests', async () => {
    const { s } = setup();
    const report = await deploy(s, { ...rolling, 'min-requests': '1000', 'dry-run': 'true' });
    expect(report.result).toBe('dry-run');
    expect(report.plan.minRequests).toBe(1000);
    expect(s.logs.join('\n')).toContain(
      "  2. then bake 2m and until targetgroup/blue/1111111111111111 served 1000 requests from the bake's start " +
        '(ALB RequestCount) with all tasks on the new task definition',
    );
    nothingChanged(s);
  });

  describe('refused before anything changes, naming min-requests', () => {
    test('a service with no load balancer has no target group to count', async () => {
      const { s } = setup({ targetGroup: undefined });
      await expect(deploy(s, { ...rolling, 'min-requests': '100' })).rejects.toThrow(
        `Input 'min-requests': "100" is not valid: 'api' is an ECS rolling service: it has no load balancer, so ` +
          'there is no target group whose requests could be counted; leave min-requests out, or give the service ' +
          'a target group behind an Application Load Balancer',
      );
      nothingChanged(s);
    });

    test('a target group no listener forwards to', async () => {
      const { s } = setup();
      s.aws.targetGroupLoadBalancers.set(BLUE_TG, []);
      await expect(deploy(s, { ...rolling, 'min-requests': '100' })).rejects.toThrow(
        `Input 'min-requests': "100" is not valid: 'api' is an ECS rolling service: none of its target groups ` +
          `can be counted: ${BLUE_TG} is behind no load balancer (no listener or rule forwards to it). Leave ` +
          'min-requests out, or put the target group behind an Application Load Balancer',
      );
      nothingChanged(s);
    });

    test('a target group that no longer exists', async () => {
      const { s } = setup();
      s.aws.targetGroupLoadBalancers.delete(BLUE_TG);
      await expect(deploy(s, { ...rolling, 'min-requests': '100' })).rejects.toThrow(
        new RegExp(`none of its target groups can be counted: ${BLUE_TG} does not exist \\(`),
      );
      nothingChanged(s);
    });

    test('a target group behind a Network Load Balancer only', async () => {
      const { s } = setup({ targetGroups: [NLB_TG] });
      s.aws.targetGroupLoadBalancers.set(NLB_TG, [NLB]);
      await expect(deploy(s, { ...rolling, 'min-requests': '100' })).rejects.toThrow(
        /^Input 'min-requests': .*not an Application Load Balancer: only those report RequestCount/,
      );
      nothingChanged(s);
    });

    test('a deploy role that may not read the target group is told which permission', async () => {
      const { s } = setup();
      s.aws.fail(
        'DescribeTargetGroups',
        Object.assign(
          new Error('User is not authorized to perform: elasticloadbalancing:DescribeTargetGroups'),
          {
            name: 'AccessDenied',
          },
        ),
      );
      await expect(deploy(s, { ...rolling, 'min-requests': '100' })).rejects.toThrow(
        /^Input 'min-requests' counts the requests of service 'api''s target group .*DescribeTargetGroups failed: .*Allow elasticloadbalancing:DescribeTargetGroups to the deploy role$/,
      );
      nothingChanged(s);
    });

    test('a read that fails for another reason is not blamed on a permission', async () => {
      const { s } = setup();
      s.aws.fail(
        'DescribeTargetGroups',
        Object.assign(new Error('1 validation error detected'), { name: 'ValidationError' }),
      );
      const error = await deploy(s, { ...rolling, 'min-requests': '100' }).catch((e: unknown) => e as Error);
      expect((error as Error).message).toMatch(/DescribeTargetGroups failed: .*1 validation error detected$/);
      expect((error as Error).message).not.toContain('Allow');
      nothingChanged(s);
    });
  });
});
