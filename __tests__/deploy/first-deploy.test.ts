import type { EcsControlPort, EcsControllerPort, EcsPort } from '../../src/aws/ecs.js';
import { encodeKept } from '../../src/control-protocol/channel.js';
import type { SavedDeploy } from '../../src/deploy/saved.js';
import { renderSummary } from '../../src/report/summary.js';
import { BLUE_TG, GREEN_TG, LISTENER, TEST_LISTENER } from '../support/fake-aws.js';
import { deploy, leftover, MUTATING, scenario, type Scenario } from './harness.js';

// The first deploy to an EXTERNAL service created with only a name: no task set, nothing to copy launch
// settings from, nothing to canary against, nothing but an empty service to go back to.

const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };
const FIRST = JSON.stringify({ launchType: 'FARGATE', networkConfiguration: NETWORK });

function emptyService(alarms?: string[]): Scenario {
  const s = scenario(alarms);
  s.aws.empty();
  return s;
}

function createInput(s: Scenario): Record<string, unknown> {
  const call = s.aws.ecsMock.calls().find((c) => c.args[0].constructor.name === 'CreateTaskSetCommand');
  return call!.args[0].input as Record<string, unknown>;
}

function changes(s: Scenario): string[] {
  return s.aws.calls.filter((c) => MUTATING.includes(c) && c !== 'TagResource');
}

describe('the first deploy to an empty EXTERNAL service', () => {
  test('creates the first task set at 100% in the target group with the traffic, bakes and makes it PRIMARY', async () => {
    const s = emptyService();
    const hooks: string[] = [];
    const saved: SavedDeploy[] = [];
    const report = await deploy(
      s,
      { 'first-task-set': FIRST, 'after-traffic': 'smoke', 'bake-time': '5m' },
      {
        runHook: async (name) => {
          hooks.push(name);
          return 0;
        },
        saveState: (state) => saved.push(structuredClone(state)),
      },
    );

    expect(report.result).toBe('deployed');
    expect(report.reason).toBe(
      `${report.taskSetArn} is the service's first task set: PRIMARY at 100%, with all of its traffic`,
    );
    expect(report.previousTaskSetArn).toBeUndefined();
    expect(s.aws.taskSets).toEqual([
      expect.objectContaining({
        taskSetArn: report.taskSetArn,
        status: 'PRIMARY',
        scale: { unit: 'PERCENT', value: 100 },
      }),
    ]);
    expect(createInput(s)).toMatchObject({
      taskDefinition: expect.stringMatching(/task-definition\/api:7$/),
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      // The listener's weight is on BLUE_TG: the first task set registers there; the container is the
      // task definition's only one with a port mapping.
      loadBalancers: [{ targetGroupArn: BLUE_TG, containerName: 'app', containerPort: 80 }],
      scale: { unit: 'PERCENT', value: 100 },
      tags: expect.arrayContaining([
        { key: 'safe-deploy:repository', value: 'octo/shop' },
        { key: 'safe-deploy:commit', value: 'abc1234' },
        { key: 'safe-deploy:run-id', value: '99' },
        { key: 'safe-deploy:run-attempt', value: '1' },
      ]),
    });
    // All traffic there already: no canary, no listener change.
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(s.aws.count('ModifyListener')).toBe(0);
    expect(hooks).toEqual(['after-traffic']);
    expect(report.timeline.map((e) => e.traffic)).not.toContain(10);
    const phases = report.timeline.map((e) => e.phase);
    for (const phase of ['prepare', 'stabilize', 'shift', 'after-traffic', 'bake', 'promote', 'finished']) {
      expect(phases).toContain(phase);
    }
    const bake = report.timeline.find((e) => e.phase === 'bake')!;
    const promote = report.timeline.find((e) => e.phase === 'promote')!;
    expect(Date.parse(promote.at) - Date.parse(bake.at)).toBeGreaterThanOrEqual(5 * 60_000);
    expect(s.logs.join('\n')).toContain('nothing to canary against');
    expect(report.plan.firstDeploy).toBe(true);
    expect(report.plan.kind?.[0]).toMatch(/^EXTERNAL controller, first deploy: .*nothing to canary against/);
    expect(saved.map((state) => [state.kind, state.stage])).toEqual([
      ['first-task-set', 'deploying'],
      ['first-task-set', 'deploying'],
      ['first-task-set', 'promoting'],
      ['first-task-set', 'finished'],
    ]);
    const summary = renderSummary(report);
    expect(summary).toContain('nothing to canary against; traffic goes to the new task set at once');
    expect(summary).toContain('First task set (now primary)');
    expect(summary).not.toContain('Blue task set');
  });

  test('a listener whose weight is on the other target group: the task set goes there, weights end 100% on it', async () => {
    const s = emptyService();
    s.aws.actions.set(LISTENER, [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE_TG, Weight: 20 },
            { TargetGroupArn: GREEN_TG, Weight: 80 },
          ],
        },
      },
    ]);
    const report = await deploy(s, { 'first-task-set': FIRST });
    expect(report.result).toBe('deployed');
    expect(s.aws.primary()?.loadBalancers?.[0]?.targetGroupArn).toBe(GREEN_TG);
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
    expect(s.aws.weightHistory).toHaveLength(1);
  });

  test('the target group first-task-set names is used, and the listener moved to it', async () => {
    const s = emptyService();
    const report = await deploy(s, {
      'first-task-set': JSON.stringify({
        launchType: 'FARGATE',
        networkConfiguration: NETWORK,
        loadBalancers: [{ targetGroupArn: GREEN_TG, containerName: 'app', containerPort: 80 }],
      }),
    });
    expect(report.result).toBe('deployed');
    expect(s.aws.primary()?.loadBalancers).toEqual([
      { targetGroupArn: GREEN_TG, containerName: 'app', containerPort: 80 },
    ]);
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
  });

  test('task-sets routing without a load balancer: a worker service gets its first task set', async () => {
    const s = emptyService();
    const report = await deploy(s, {
      'listener-arn': '',
      routing: 'task-sets',
      'first-task-set': JSON.stringify({
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }],
        networkConfiguration: NETWORK,
      }),
    });
    expect(report.result).toBe('deployed');
    const input = createInput(s);
    expect(input).toMatchObject({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] });
    expect(input.loadBalancers).toBeUndefined();
    expect(input.launchType).toBeUndefined();
    expect(s.aws.primary()).toMatchObject({ taskSetArn: report.taskSetArn, scale: { value: 100 } });
  });

  test('without the input, what the service itself carries is used', async () => {
    const s = emptyService();
    s.aws.serviceLaunch = { launchType: 'FARGATE', platformVersion: 'LATEST', networkConfiguration: NETWORK };
    const report = await deploy(s, {});
    expect(report.result).toBe('deployed');
    expect(createInput(s)).toMatchObject({
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: NETWORK,
    });
    expect(s.logs.join('\n')).toContain(
      'launch type FARGATE (the service); platform version LATEST (the service)',
    );
  });

  test('a dry run prints the first-deploy plan and changes nothing', async () => {
    const s = emptyService();
    const report = await deploy(s, { 'first-task-set': FIRST, 'dry-run': 'true' });
    expect(report.result).toBe('dry-run');
    expect(changes(s)).toEqual([]);
    expect(s.aws.calls).not.toContain('TagResource');
    const plan = s.logs.find((l) => l.startsWith('Plan for web/api:'))!;
    expect(plan).toContain('first deploy');
    expect(plan).toContain('nothing to canary against; traffic goes to the new task set at once');
    expect(plan).toContain(
      `1. create the first task set at 100% and wait until it is steady and healthy in ${BLUE_TG}`,
    );
    expect(plan).toContain('then make it PRIMARY');
  });

  test('inputs that need blue are skipped, each with a log line, and the deploy goes on', async () => {
    const s = emptyService(['api-5xx', 'api-box']);
    const hooks: string[] = [];
    const report = await deploy(
      s,
      {
        'first-task-set': FIRST,
        steps: 'Canary10Percent5Minutes',
        'one-box': 'true',
        'one-box-alarms': 'api-box',
        'test-listener-arn': TEST_LISTENER,
        'before-traffic': 'smoke',
        'keep-previous': 'true',
        compare: 'error-rate',
      },
      {
        runHook: async (name) => {
          hooks.push(name);
          return 0;
        },
      },
    );
    expect(report.result).toBe('deployed');
    const log = s.logs.join('\n');
    for (const input of [
      'steps',
      'one-box',
      'test-listener-arn',
      'before-traffic',
      'keep-previous',
      'compare',
    ]) {
      expect(log).toContain(`Input '${input}' is skipped on a first deploy: `);
    }
    expect(hooks).toEqual([]);
    // The test listener is left as it was; production ends all on the first task set's group.
    expect(s.aws.weights(TEST_LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(report.timeline.map((e) => e.phase)).not.toContain('one-box');
    expect(report.timeline.filter((e) => e.traffic > 0 && e.traffic < 100)).toEqual([]);
    expect(report.plan.kind?.[0]).toContain(
      "(skipped for want of blue: 'steps', 'one-box', 'test-listener-arn', 'before-traffic', 'compare', 'keep-previous')",
    );
    expect(report.comparisons).toBeUndefined();
    expect(s.aws.taskSets).toHaveLength(1);
  });

  test('a task set left by an abandoned first deploy is removed first, and the run says so', async () => {
    const s = emptyService();
    const abandoned = leftover(s, { id: 50, runId: '12', heartbeatAgoMs: 30 * 60_000 });
    const report = await deploy(s, { 'first-task-set': FIRST });
    expect(report.result).toBe('deployed');
    expect(s.aws.taskSets.map((t) => t.taskSetArn)).toEqual([report.taskSetArn]);
    expect(s.logs).toContain(`warning: Removed task set ${abandoned} left by run 12 (attempt 1), abandoned`);
  });

  test('another run deploying the service first blocks this one before anything changes', async () => {
    const s = emptyService();
    leftover(s, { id: 50, runId: '12', heartbeatAgoMs: 30_000 });
    const report = await deploy(s, { 'first-task-set': FIRST });
    expect(report.result).toBe('blocked');
    expect(report.reason).toMatch(/^Run 12 \(attempt 1\) of octo\/shop is deploying this service/);
    expect(changes(s)).toEqual([]);
  });

  test('two runs that create the first task set at once: the later backs off, deleting only its own', async () => {
    const s = emptyService();
    const ports = s.aws.ports();
    const rival = 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000000';
    const ecs = Object.create(ports.ecs) as EcsPort & EcsControllerPort & EcsControlPort;
    ecs.createTaskSet = async (...args) => {
      const mine = await ports.ecs.createTaskSet(...args);
      s.aws.taskSets.push({
        taskSetArn: rival,
        status: 'ACTIVE',
        scale: { unit: 'PERCENT', value: 100 },
        createdAt: new Date(s.clock.now() - 1000),
        tags: [{ key: 'safe-deploy:run-id', value: '98' }],
      });
      return mine;
    };
    const report = await deploy(s, { 'first-task-set': FIRST }, { ecs });
    expect(report.result).toBe('blocked');
    expect(report.reason).toContain('this run backed off');
    expect(s.aws.taskSets.map((t) => t.taskSetArn)).toEqual([rival]);
  });

  test('a CODE_DEPLOY service stays refused, task set or not', async () => {
    const s = emptyService();
    s.aws.controller = 'CODE_DEPLOY';
    await expect(deploy(s, { 'first-task-set': FIRST })).rejects.toThrow(/CODE_DEPLOY deployment controller/);
    expect(changes(s)).toEqual([]);
  });
});

describe('a service that already runs a PRIMARY task set', () => {
  test('ignores first-task-set, says so, and copies blue as every deploy does', async () => {
    const s = scenario();
    const report = await deploy(s, {
      'first-task-set': JSON.stringify({ launchType: 'EC2', platformVersion: '1.3.0' }),
      steps: 'AllAtOnce',
    });
    expect(report.result).toBe('deployed');
    expect(s.logs).toContain(
      "Input 'first-task-set' is not used: the service runs a PRIMARY task set, whose launch settings the new one copies",
    );
    expect(createInput(s)).toMatchObject({
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      loadBalancers: [{ targetGroupArn: GREEN_TG }],
    });
    expect(report.previousTaskSetArn).toBeDefined();
  });
});

describe('a first deploy that fails', () => {
  test('a breach during the bake deletes the first task set, confirmed by reading the service', async () => {
    const s = emptyService();
    s.clock.after(3 * 60_000, () => s.aws.setAlarm('api-5xx', 'ALARM', 'Threshold Crossed: 9 errors'));
    const report = await deploy(s, { 'first-task-set': FIRST, 'bake-time': '10m' });
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe('alarm api-5xx is in ALARM: Threshold Crossed: 9 errors');
    expect(report.timeline.some((e) => e.phase === 'bake')).toBe(true);
    expect(s.aws.taskSets).toEqual([]);
    expect(s.aws.count('UpdateServicePrimaryTaskSet')).toBe(0);
    expect(report.taskSetArn).toBeDefined();
    expect(report.previousTaskSetArn).toBeUndefined();
    expect(s.logs).toContain(
      'Rollback confirmed by AWS: the first task set is deleted: the service has no task set, as before the deploy',
    );
    expect(report.timeline.at(-1)).toMatchObject({
      phase: 'rollback',
      traffic: 0,
      note: 'first task set deleted',
    });
    expect(renderSummary(report)).toMatch(
      /The first task set reached 100% of production traffic; it was deleted at \*\*\+\d+m\d*s?\*\*, leaving the service with no task set, as before\./,
    );
  });

  test('the rollback is not reported done while ECS still shows a task set', async () => {
    const s = emptyService();
    const ports = s.aws.ports();
    const ecs = Object.create(ports.ecs) as EcsPort & EcsControllerPort & EcsControlPort;
    ecs.deleteTaskSet = async () => undefined; // answers, but the task set stays
    s.clock.after(60_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s, { 'first-task-set': FIRST, 'bake-time': '10m' }, { ecs });
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toContain(
      `ROLLBACK NOT CONFIRMED BY AWS: task set ${report.taskSetArn} (ACTIVE) is still in the service`,
    );
  });

  test('a failing after-traffic hook deletes the first task set', async () => {
    const s = emptyService();
    const report = await deploy(
      s,
      { 'first-task-set': FIRST, 'after-traffic': 'exit 4' },
      { runHook: async () => 4 },
    );
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe('after-traffic hook failed with exit code 4: exit 4');
    expect(s.aws.taskSets).toEqual([]);
  });

  test('a first task set that never steadies is deleted after stabilize-timeout, with why', async () => {
    const s = emptyService();
    s.aws.greenSteadies = false;
    const report = await deploy(s, { 'first-task-set': FIRST, 'stabilize-timeout': '5m' });
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toMatch(
      /^the first task set did not reach a steady state within 5m \(STABILIZING, 0\/4 running/,
    );
    expect(s.aws.taskSets).toEqual([]);
    expect(renderSummary(report)).toContain(
      'The first task set never took production traffic; it was deleted at',
    );
  });

  test('the overall timeout deletes the first task set', async () => {
    const s = emptyService();
    s.aws.taskStartMs = 30 * 60_000;
    const report = await deploy(s, { 'first-task-set': FIRST, 'stabilize-timeout': '1h', timeout: '10m' });
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toMatch(/^the deploy did not finish within timeout 10m/);
    expect(s.aws.taskSets).toEqual([]);
  });

  test('a cancelled job deletes the first task set', async () => {
    const s = emptyService();
    s.clock.after(2 * 60_000, () => s.cancel.abort());
    const report = await deploy(s, { 'first-task-set': FIRST, 'bake-time': '10m' });
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toMatch(/cancelled/);
    expect(s.aws.taskSets).toEqual([]);
  });
});

describe('before anything changes', () => {
  test('a first-task-set that does not parse is an error naming the input and the bad text, before any AWS call', async () => {
    const s = emptyService();
    await expect(deploy(s, { 'first-task-set': '{"launchType": "FARGATE", "scale": 50}' })).rejects.toThrow(
      `Input 'first-task-set': "{\\"launchType\\": \\"FARGATE\\", \\"scale\\": 50}" is not valid: unknown field "scale" (the first task set is created at 100%)`,
    );
    expect(s.aws.calls).toEqual([]);
  });

  test('a first-task-set that lacks what the task set needs names the input and what to add', async () => {
    const s = emptyService();
    await expect(deploy(s, { 'first-task-set': '{"launchType": "FARGATE"}' })).rejects.toThrow(
      `Input 'first-task-set': "{\\"launchType\\": \\"FARGATE\\"}" is not valid: service 'api' has no task set yet, so this ` +
        'deploy creates its first one, and the first task set needs a network configuration (the task definition ' +
        'uses the awsvpc network mode): add {"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-…"],"securityGroups":["sg-…"]}}}',
    );
    expect(changes(s)).toEqual([]);
    expect(s.aws.calls).not.toContain('TagResource');
  });

  test('without the input and with nothing on the service: refused, saying what to put in first-task-set', async () => {
    const s = emptyService();
    await expect(deploy(s, {})).rejects.toThrow(
      "Input 'first-task-set' is needed: service 'api' has no task set yet, so this deploy creates its first one, " +
        'and the first task set needs where its tasks run (a launch type or capacity provider strategy), and a ' +
        'network configuration (the task definition uses the awsvpc network mode); the service itself does not ' +
        "say. Give 'first-task-set' as a JSON file or inline JSON such as " +
        '{"launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-…"],' +
        '"securityGroups":["sg-…"]}}} (it holds the CreateTaskSet fields launchType or capacityProviderStrategy, ' +
        'platformVersion, networkConfiguration, loadBalancers, serviceRegistries; later deploys copy them from the ' +
        'running task set)',
    );
    expect(changes(s)).toEqual([]);
  });

  test('a listener that does not forward to two target groups is refused', async () => {
    const s = emptyService();
    s.aws.actions.set(LISTENER, [
      { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE_TG, Weight: 1 }] } },
    ]);
    await expect(deploy(s, { 'first-task-set': FIRST })).rejects.toThrow(
      `The listener ${LISTENER} must forward to two target groups: the first task set registers in the one that ` +
        `takes its traffic, the next deploy's green in the other; it forwards to ${BLUE_TG}`,
    );
    expect(changes(s)).toEqual([]);
  });
});

describe('a first deploy, further', () => {
  test('min-requests counts the requests of the first task set’s target group', async () => {
    const s = emptyService();
    s.aws.requestCount = 0;
    s.clock.after(8 * 60_000, () => {
      s.aws.requestCount = 750;
    });
    const report = await deploy(s, { 'first-task-set': FIRST, 'bake-time': '5m', 'min-requests': '500' });
    expect(report.result).toBe('deployed');
    const bake = report.timeline.find((e) => e.note?.startsWith('baked'))!;
    expect(bake.note).toBe('baked 5m, 750 requests');
    const queried = JSON.stringify(s.aws.metricCalls.at(-1));
    expect(queried).toContain('targetgroup/blue/1111111111111111');
  });

  test('min-requests with task-sets routing is refused, as on any EXTERNAL service, before anything changes', async () => {
    const s = emptyService();
    await expect(
      deploy(s, { 'first-task-set': FIRST, 'listener-arn': '', 'min-requests': '500' }),
    ).rejects.toThrow(/^Input 'min-requests': "500" is not valid: .*needs 'routing: listener'/);
    expect(changes(s)).toEqual([]);
    expect(s.aws.taskSets).toEqual([]);
  });

  test('a service with no PRIMARY task set but a kept release is refused, saying what to do', async () => {
    const s = emptyService();
    leftover(s, {
      id: 60,
      runId: '11',
      heartbeatAgoMs: 86_400_000,
      scale: 0,
      tags: encodeKept({
        keptBy: '11/1',
        at: new Date(s.clock.now()).toISOString(),
        routing: 'listener',
        production: { kind: 'listener', arn: LISTENER },
        testListenerArn: undefined,
      }),
    });
    await expect(deploy(s, { 'first-task-set': FIRST })).rejects.toThrow(
      /has no PRIMARY task set, only .*, a release kept by run/,
    );
    expect(changes(s)).toEqual([]);
  });
});
