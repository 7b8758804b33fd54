import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRollbackAction } from '../../src/control/action.js';
import { recordInputs } from '../../src/inputs.js';
import { parseFileCommand } from '../support/run-action.js';
import type { TaskSet } from '@aws-sdk/client-ecs';
import {
  CONTROL_TAG,
  encodeAnswer,
  encodeKept,
  encodeState,
  type LiveState,
} from '../../src/control-protocol/channel.js';
import {
  abortCommand,
  promoteCommand,
  statusCommand,
  type ControlPorts,
} from '../../src/control/commands.js';
import { restoreKept } from '../../src/control/restore.js';
import {
  BLUE_TASK_SET,
  BLUE_TG,
  FakeAws,
  GREEN_TG,
  LISTENER,
  LOAD_BALANCER,
  TEST_LISTENER,
} from '../support/fake-aws.js';
import {
  FakeEcsDeployments,
  TASK_DEFINITION,
  type EcsServiceSetup,
} from '../support/fake-ecs-deployments.js';
import { FakeClock } from '../support/fake-clock.js';

const ACCOUNT = 'arn:aws:ecs:us-east-1:111111111111';
const GREEN = `${ACCOUNT}:task-set/web/api/ecs-svc/0000000000000000009`;
const ALICE = 'arn:aws:sts::111111111111:assumed-role/ops/alice';
const options = { cluster: 'web', service: 'api', json: false, waitMs: 0 };

function setup() {
  const clock = new FakeClock();
  const aws = new FakeAws(clock);
  const ports: ControlPorts = { ...aws.ports(), identity: { callerArn: async () => ALICE }, clock };
  const live = (over: Partial<LiveState> = {}): LiveState => ({
    repository: 'octo/shop',
    commit: 'abc1234',
    runId: '77',
    runAttempt: '2',
    runUrl: undefined,
    phase: 'shift',
    step: '1/2',
    traffic: 10,
    hold: { kind: 'pause', key: 'step-1', until: new Date(clock.now() + 3_600_000).toISOString() },
    deadline: new Date(clock.now() + 1_800_000).toISOString(),
    alarms: {},
    moreAlarms: 0,
    updated: new Date(clock.now() - 10_000).toISOString(),
    ...over,
  });
  const addGreen = (state: LiveState): void => {
    aws.taskSets.push({
      taskSetArn: GREEN,
      status: 'ACTIVE',
      taskDefinition: `${ACCOUNT}:task-definition/api:2`,
      loadBalancers: [{ targetGroupArn: GREEN_TG, containerName: 'app', containerPort: 80 }],
      scale: { unit: 'PERCENT', value: 100 },
      createdAt: new Date(clock.now() - 60_000),
      tags: Object.entries(encodeState(state)).map(([key, value]) => ({ key, value })),
    });
  };
  const tagsOf = (arn: string): Record<string, string> =>
    Object.fromEntries(
      (aws.taskSets.find((t) => t.taskSetArn === arn)!.tags ?? []).map((t) => [t.key!, t.value!]),
    );
  return { clock, aws, ports, live, addGreen, tagsOf };
}

describe('status', () => {
  test('shows the live deploy: run, commit, phase, step, traffic, hold and time left', async () => {
    const { ports, live, addGreen } = setup();
    addGreen(live({ alarms: { 'api-latency': 'INSUFFICIENT_DATA' } }));
    const result = await statusCommand(options, ports);
    expect(result.code).toBe(0);
    expect(result.text).toContain('web/api: a deploy is running');
    expect(result.text).toContain('run:      77 (attempt 2) of octo/shop');
    expect(result.text).toContain('holding:  pause step-1, 1h left');
    expect(result.text).toContain('alarms:   api-latency INSUFFICIENT_DATA');
    expect(result.text).toContain('timeout:  30m left');
    expect(result.text).toContain('kept release: none');
  });

  test('--json, with the kept release', async () => {
    const { aws, ports, live, addGreen } = setup();
    addGreen(live({ phase: 'finished', hold: undefined }));
    aws.taskSets.find((t) => t.taskSetArn === BLUE_TASK_SET)!.tags = Object.entries(
      encodeKept({
        keptBy: '77/2',
        at: '2026-11-23T09:00:00.000Z',
        routing: 'listener',
        production: { kind: 'listener', arn: LISTENER },
        testListenerArn: undefined,
      }),
    ).map(([key, value]) => ({ key, value }));
    aws.taskSets[0]!.status = 'ACTIVE';
    aws.taskSets[1]!.status = 'PRIMARY';
    const json = JSON.parse((await statusCommand({ ...options, json: true }, ports)).text);
    expect(json).toMatchObject({
      running: false,
      state: { phase: 'finished', runId: '77' },
      kept: { taskSetArn: BLUE_TASK_SET, keptBy: '77/2' },
    });
  });

  test('an ECS-controller service publishes on the service itself', async () => {
    const { aws, ports, live } = setup();
    aws.controller = 'ECS';
    aws.serviceTags = encodeState(live({ hold: undefined, phase: 'stabilize' }));
    const result = await statusCommand(options, ports);
    expect(result.text).toContain('phase:    stabilize');
    expect(result.text).toContain('kept release: not available for ECS-controller services');
  });
});

describe('promote and abort', () => {
  test('promote writes who, when, which run and which hold on green, and reports the answer', async () => {
    const { clock, aws, ports, live, addGreen, tagsOf } = setup();
    addGreen(live());
    // The job answers at its next poll.
    clock.after(3000, () => {
      const set = aws.taskSets.find((t) => t.taskSetArn === GREEN)!;
      const at = tagsOf(GREEN)[CONTROL_TAG.requestAt]!;
      set.tags!.push(
        ...Object.entries(encodeAnswer({ requestAt: at, text: 'promoted step-1' })).map(([key, value]) => ({
          key,
          value,
        })),
      );
    });
    const result = await promoteCommand({ ...options, waitMs: 30_000 }, ports);
    expect(tagsOf(GREEN)).toMatchObject({
      [CONTROL_TAG.request]: 'promote',
      [CONTROL_TAG.requestBy]: ALICE,
      [CONTROL_TAG.requestAt]: new Date(Date.parse('2026-11-23T10:00:00Z')).toISOString(),
      [CONTROL_TAG.requestRun]: '77/2',
      [CONTROL_TAG.requestHold]: 'step-1',
    });
    expect(result).toEqual({
      code: 0,
      text: `promote requested of run 77/2 at step-1 by ${ALICE} at 2026-11-23T10:00:00.000Z\nthe job answered: promoted step-1\n`,
    });
  });

  test('an ignored request exits 1 and says why; no answer in time says so', async () => {
    const { clock, aws, ports, live, addGreen, tagsOf } = setup();
    addGreen(live());
    clock.after(1000, () => {
      const at = tagsOf(GREEN)[CONTROL_TAG.requestAt]!;
      aws.taskSets
        .find((t) => t.taskSetArn === GREEN)!
        .tags!.push(
          ...Object.entries(
            encodeAnswer({ requestAt: at, text: 'ignored: meant for step-1, the deploy is at step-2' }),
          ).map(([key, value]) => ({ key, value })),
        );
    });
    expect(await promoteCommand({ ...options, waitMs: 10_000 }, ports)).toMatchObject({
      code: 1,
      text: expect.stringContaining('the deploy is at step-2'),
    });
    const { ports: quiet, live: l2, addGreen: add2 } = setup();
    add2(l2());
    expect(await abortCommand({ ...options, waitMs: 6000 }, quiet)).toMatchObject({
      code: 1,
      text: expect.stringContaining('no answer from the job within 6s'),
    });
    // The same for promote: a script must see that nothing acted on its request.
    const { ports: still, live: l3, addGreen: add3 } = setup();
    add3(l3());
    expect(await promoteCommand({ ...options, waitMs: 3000 }, still)).toMatchObject({ code: 1 });
  });

  test.each([
    [
      'promote with nothing running',
      (s: ReturnType<typeof setup>) => s,
      'No deploy is running on web/api: nothing to promote',
    ],
    [
      'promote of a finished deploy',
      (s: ReturnType<typeof setup>) => (s.addGreen(s.live({ phase: 'finished' })), s),
      'is finished',
    ],
    [
      'promote while stabilising',
      (s: ReturnType<typeof setup>) => (s.addGreen(s.live({ phase: 'stabilize', hold: undefined })), s),
      'nothing to promote yet',
    ],
  ])('%s: a clear error, nothing written', async (_name, arrange, message) => {
    const s = arrange(setup());
    await expect(promoteCommand(options, s.ports)).rejects.toThrow(message);
    expect(s.aws.count('TagResource')).toBe(0);
  });

  test('abort of an ECS-controller deploy writes on the service', async () => {
    const { aws, ports, live } = setup();
    aws.controller = 'ECS';
    aws.serviceTags = encodeState(live({ hold: undefined, phase: 'stabilize' }));
    await abortCommand(options, ports);
    expect(aws.serviceTags).toMatchObject({ [CONTROL_TAG.request]: 'abort', [CONTROL_TAG.requestBy]: ALICE });
    expect(aws.taskSets[0]!.tags).toEqual([]);
  });
});

describe('a deploy whose job is dead', () => {
  const MINUTE = 60_000;
  /** A deploy at 10% whose job went silent `silentMs` ago, traffic split 90/10 on both listeners. */
  async function dead(silentMs: number) {
    const s = setup();
    s.addGreen(s.live({ updated: new Date(s.clock.now() - silentMs).toISOString() }));
    for (const arn of [LISTENER, TEST_LISTENER])
      await s.ports.lb.setWeights({ kind: 'listener', arn }, { [BLUE_TG]: 90, [GREEN_TG]: 10 });
    return s;
  }

  test('status says the job looks dead and how to take over', async () => {
    const { ports } = await dead(4 * MINUTE);
    const result = await statusCommand(options, ports);
    expect(result.text).toContain(
      'web/api: a deploy did not finish, and its job looks dead (no sign of life since 2026-11-23T09:56:00.000Z (4m)): `safe-deploy abort` rolls it back',
    );
    expect(JSON.parse((await statusCommand({ ...options, json: true }, ports)).text)).toMatchObject({
      running: true,
      jobLooksDead: true,
    });
  });

  test('abort rolls it back itself: all traffic on blue, green removed, confirmed, exit 0', async () => {
    const { aws, ports } = await dead(6 * MINUTE);
    const result = await abortCommand({ ...options, waitMs: 10_000 }, ports);
    expect(result.code).toBe(0);
    expect(result.text).toContain(
      'The job of run 77 (attempt 2) looks dead: no sign of life since 2026-11-23T09:54:00.000Z (6m), in shift.',
    );
    expect(result.text).toContain(`Rolled back: ${BLUE_TASK_SET}`);
    expect(aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(aws.weights(TEST_LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(aws.taskSets.map((t) => [t.taskSetArn, t.status, t.scale?.value])).toEqual([
      [BLUE_TASK_SET, 'PRIMARY', 100],
    ]);
  });

  test('silent for a few heartbeats: the request goes unanswered, then abort takes over', async () => {
    const { aws, ports, tagsOf } = await dead(3.5 * MINUTE);
    const result = await abortCommand({ ...options, waitMs: 10_000 }, ports);
    expect(result.code).toBe(0);
    expect(result.text).toMatch(/^abort requested of run 77\/2 by .* at .*; no answer\nThe job of run 77/);
    expect(aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(aws.taskSets.some((t) => t.taskSetArn === GREEN)).toBe(false);
    expect(tagsOf(BLUE_TASK_SET)).toEqual({});
  });

  test('GitHub reports the run completed: abort takes over at once, heartbeat fresh or not, writing no request', async () => {
    const { aws, ports, tagsOf } = await dead(20_000);
    const asked: string[] = [];
    const runs = {
      status: async (repository: string, runId: string, attempt: string) => {
        asked.push(`${repository} ${runId}/${attempt}`);
        return { status: 'completed', conclusion: 'failure' };
      },
    };
    const status = await statusCommand(options, { ...ports, runs });
    expect(status.text).toContain(
      'its job looks dead (GitHub reports its workflow run 77 (attempt 2) completed, failure)',
    );
    const result = await abortCommand({ ...options, waitMs: 60_000 }, { ...ports, runs });
    expect(result.code).toBe(0);
    expect(result.text).toMatch(/^The job of run 77 \(attempt 2\) looks dead: GitHub reports/);
    expect(asked).toContain('octo/shop 77/2');
    expect(aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
    expect(tagsOf(BLUE_TASK_SET)).toEqual({});
  });

  test("the dead run's deployment record (its id on green) is ended: failure, saying abort rolled it back", async () => {
    const { aws, ports } = await dead(6 * MINUTE);
    aws.taskSets
      .find((t) => t.taskSetArn === GREEN)!
      .tags!.push({ key: 'safe-deploy:deployment-id', value: '17' });
    const failed: [string, number, string][] = [];
    const records = {
      fail: async (repository: string, id: number, description: string) => {
        failed.push([repository, id, description]);
        return undefined;
      },
    };
    const result = await abortCommand(options, { ...ports, records });
    expect(result.code).toBe(0);
    expect(failed).toEqual([
      [
        'octo/shop',
        17,
        expect.stringMatching(
          /^rolled-back: the job was gone \(no sign of life since .*\); safe-deploy abort rolled it back$/,
        ),
      ],
    ]);
    expect(result.text).toContain(
      "The run's deployment record 17: failure (rolled back by safe-deploy abort).",
    );
    // Without a token the command says the record is left in progress, and why.
    const again = await dead(6 * MINUTE);
    again.aws.taskSets
      .find((t) => t.taskSetArn === GREEN)!
      .tags!.push({ key: 'safe-deploy:deployment-id', value: '17' });
    expect((await abortCommand(options, again.ports)).text).toContain(
      "The run's deployment record 17 is still in progress: no GITHUB_TOKEN or GH_TOKEN to reach GitHub with.",
    );
  });

  test('GitHub reports the run in progress, the heartbeat fresh: abort asks the job, as always', async () => {
    const { aws, ports } = await dead(20_000);
    const runs = { status: async () => ({ status: 'in_progress', conclusion: undefined }) };
    const result = await abortCommand({ ...options, waitMs: 3000 }, { ...ports, runs });
    expect(result).toMatchObject({
      code: 1,
      text: expect.stringContaining('no answer from the job within 3s'),
    });
    expect(aws.taskSets).toHaveLength(2);
  });

  test('with one target group (task-set routing): blue at 100% first, then green removed', async () => {
    const s = setup();
    s.addGreen(s.live({ updated: new Date(s.clock.now() - 6 * MINUTE).toISOString() }));
    s.aws.taskSets.find((t) => t.taskSetArn === GREEN)!.loadBalancers![0]!.targetGroupArn = BLUE_TG;
    const result = await abortCommand(options, s.ports);
    expect(result.code).toBe(0);
    expect(result.text).toContain('Blue: steady');
    expect(s.aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
  });

  test('a listener that forwards to another group too is left alone: refused, nothing changed', async () => {
    const { aws, ports } = await dead(6 * MINUTE);
    const other = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/other/3333333333333333';
    await ports.lb.setWeights({ kind: 'listener', arn: TEST_LISTENER }, { [GREEN_TG]: 10, [other]: 90 });
    const result = await abortCommand(options, ports);
    expect(result.code).toBe(1);
    expect(result.text).toContain(`Not rolling back: the listener ${TEST_LISTENER} forwards to`);
    expect(aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });
    expect(aws.taskSets).toHaveLength(2);
  });

  /** The AWS calls that change something, in order, from `aws.calls` onwards of `from`. */
  const writesFrom = (calls: string[], from: number): string[] =>
    calls.slice(from).filter((c) => /^(Modify|Update|Delete|Create|Tag|Untag|Register)/.test(c));

  test('the first AWS write of a takeover with listener routing moves the listener, even with blue not at 100%', async () => {
    const { aws, ports } = await dead(6 * MINUTE);
    aws.taskSets.find((t) => t.taskSetArn === BLUE_TASK_SET)!.scale = { unit: 'PERCENT', value: 50 };
    const before = aws.calls.length;
    const result = await abortCommand(options, ports);
    expect(result.code).toBe(0);
    // Production first, then the test listener, then blue back to full size, then green removed.
    expect(writesFrom(aws.calls, before)).toEqual([
      'ModifyListener',
      'ModifyListener',
      'UpdateTaskSet',
      'DeleteTaskSet',
    ]);
    expect(aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(aws.taskSets.map((t) => [t.taskSetArn, t.status, t.scale?.value])).toEqual([
      [BLUE_TASK_SET, 'PRIMARY', 100],
    ]);
  });

  test("a load balancer named twice for green's group: each listener found once, moved once", async () => {
    const { aws, ports } = await dead(6 * MINUTE);
    aws.targetGroupLoadBalancers.set(GREEN_TG, [LOAD_BALANCER, LOAD_BALANCER]);
    const before = aws.calls.length;
    const result = await abortCommand(options, ports);
    expect(result.code).toBe(0);
    expect(result.text).toContain(
      `Traffic: listener ${LISTENER}, listener ${TEST_LISTENER} forward 100% to blue`,
    );
    expect(writesFrom(aws.calls, before)).toEqual([
      'ModifyListener',
      'ModifyListener',
      'UpdateTaskSet',
      'DeleteTaskSet',
    ]);
    expect(aws.weights(TEST_LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  });

  test('a throttled listener write is tried again (the call policy), and the takeover still rolls back', async () => {
    const { aws, ports } = await dead(6 * MINUTE);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    aws.fail('ModifyListener', throttled, 3);
    const before = aws.calls.length;
    const result = await abortCommand(options, ports);
    expect(result.code).toBe(0);
    expect(result.text).toMatch(
      /Rollback: move production traffic to blue failed \(.*Rate exceeded.*\); trying again/,
    );
    expect(result.text).toContain(`Rolled back: ${BLUE_TASK_SET}`);
    // Three refused writes, then production and the test listener.
    expect(writesFrom(aws.calls, before).filter((c) => c === 'ModifyListener')).toHaveLength(5);
    expect(aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(aws.weights(TEST_LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
  });

  test('blue deleted by someone once traffic moved to it: all traffic back on green, which stays; failed, exit 1', async () => {
    const { aws, ports } = await dead(6 * MINUTE);
    // Someone deletes blue right after the takeover's first listener move: blue's group has no tasks left.
    aws.afterNext('ModifyListener', () => aws.removeTaskSet(BLUE_TASK_SET));
    const result = await abortCommand({ ...options, json: true }, ports);
    expect(result.code).toBe(1);
    const { takeover } = JSON.parse(result.text) as { takeover: { result: string; lines: string[] } };
    expect(takeover.result).toBe('failed');
    expect(takeover.lines).toContainEqual(expect.stringContaining(`Blue ${BLUE_TASK_SET} is gone`));
    expect(takeover.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^Green ${GREEN} takes all traffic, at 100%, confirmed by AWS`)),
    );
    // Traffic is not left on blue's empty group: green, still running, has all of it.
    expect(aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
    expect(aws.weights(TEST_LISTENER)).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
    expect(aws.taskSets.map((t) => [t.taskSetArn, t.scale?.value])).toEqual([[GREEN, 100]]);
  });

  test('with one target group, blue deleted while it scales back up: green keeps its tasks; failed, exit 1', async () => {
    const s = setup();
    s.addGreen(s.live({ updated: new Date(s.clock.now() - 6 * MINUTE).toISOString() }));
    s.aws.taskSets.find((t) => t.taskSetArn === GREEN)!.loadBalancers![0]!.targetGroupArn = BLUE_TG;
    s.aws.afterNext('UpdateTaskSet', () => s.aws.removeTaskSet(BLUE_TASK_SET));
    const result = await abortCommand(options, s.ports);
    expect(result.code).toBe(1);
    expect(result.text).toContain(`Blue ${BLUE_TASK_SET} is gone`);
    expect(result.text).toContain(`Green ${GREEN} takes all traffic, at 100%, confirmed by AWS`);
    expect(s.aws.taskSets.map((t) => [t.taskSetArn, t.scale?.value])).toEqual([[GREEN, 100]]);
    expect(s.aws.count('DeleteTaskSet')).toBe(0);
  });

  test("a dead first deploy (green is the service's only task set) is not removed: exit 1", async () => {
    const s = setup();
    s.aws.taskSets.length = 0;
    s.addGreen(s.live({ updated: new Date(s.clock.now() - 6 * MINUTE).toISOString() }));
    s.aws.taskSets[0]!.status = 'PRIMARY';
    const result = await abortCommand(options, s.ports);
    expect(result).toMatchObject({
      code: 1,
      text: expect.stringContaining('nothing older serves to roll back to'),
    });
    expect(s.aws.taskSets).toHaveLength(1);
  });
});

describe('a dead deploy of an ECS-controller service', () => {
  const MINUTE = 60_000;
  const OLD = TASK_DEFINITION(1);
  const NEW = TASK_DEFINITION(2);
  /**
   * The job updated the service to NEW at the start, published its state a minute later and went silent
   * for `silentMs` more; ECS is still replacing the tasks (they take 30 minutes to start) or, with
   * `finished`, completed the deployment a while ago.
   */
  async function deadEcs(
    phase: string,
    { silentMs = 6 * MINUTE, finished = false, strategy = undefined as EcsServiceSetup['strategy'] } = {},
  ) {
    const s = setup();
    const ecs = new FakeEcsDeployments(s.aws, s.clock, { strategy });
    ecs.taskStartMs = finished ? 10_000 : 30 * MINUTE;
    await s.ports.ecs.updateService('web', 'api', {
      taskDefinition: NEW,
      deploymentConfiguration: ecs.deploymentConfiguration,
    });
    await s.clock.sleep(MINUTE);
    s.aws.serviceTags = encodeState(
      s.live({ phase, step: undefined, hold: undefined, updated: new Date(s.clock.now()).toISOString() }),
    );
    await s.clock.sleep(silentMs);
    return { ...s, ecs };
  }
  const writes = (calls: string[]): string[] =>
    calls.filter((c) => /^(Update|Stop|Delete|Modify|Create|Register)/.test(c));

  test('abort while ECS still replaces the tasks: StopServiceDeployment, back on the old task definition, exit 0', async () => {
    const { ecs, ports, aws } = await deadEcs('stabilize');
    const from = aws.calls.length;
    const result = await abortCommand({ ...options, waitMs: 10_000 }, ports);
    expect(result.text).toContain('The job of run 77 (attempt 2) looks dead: no sign of life since');
    expect(result.text).toContain(`Rolling it back here: ${NEW}`);
    expect(result.code).toBe(0);
    expect(writes(aws.calls.slice(from))[0]).toBe('StopServiceDeployment');
    expect(ecs.latest()?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
    expect(result.text).toMatch(/Rolled back: /);
  });

  test("abort in the bake of a completed rolling deployment: refused (ECS cannot say it is the job's), naming what to go back to", async () => {
    const { ecs, ports, aws } = await deadEcs('bake', { finished: true });
    const from = aws.calls.length;
    const result = await abortCommand(options, ports);
    expect(result.code).toBe(1);
    expect(result.text).toContain(
      `is SUCCESSFUL, and a finished deployment cannot be told to be the dead job's`,
    );
    expect(result.text).toContain(`update the service to ${OLD}. Nothing changed.`);
    expect(writes(aws.calls.slice(from))).toEqual([]);
    expect(ecs.runningByTaskDefinition()).toEqual({ [NEW]: 4 });
  });

  test("ECS's own CANARY in its bake: StopServiceDeployment puts all production traffic back on the old revision", async () => {
    const { ecs, ports } = await deadEcs('shift', { strategy: 'CANARY', finished: true });
    // ECS works its state out when asked: at 7 minutes the canary's share is on the new revision.
    await ports.ecs.describeServiceConfiguration('web', 'api');
    expect(ecs.trafficHistory.at(-1)?.target).toBeGreaterThan(0);
    const result = await abortCommand(options, ports);
    expect(result.code).toBe(0);
    expect(ecs.latest()?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(ecs.trafficHistory.at(-1)?.target).toBe(0);
    expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
  });

  test('a job silent for less than 5 minutes is asked, not taken over', async () => {
    const { aws, ports } = await deadEcs('stabilize', { silentMs: 2 * MINUTE });
    const from = aws.calls.length;
    const result = await abortCommand(options, ports);
    expect(result.text).toMatch(/^abort requested of run 77\/2/);
    expect(writes(aws.calls.slice(from))).toEqual([]);
    expect(aws.serviceTags).toMatchObject({ [CONTROL_TAG.request]: 'abort' });
  });

  test.each([
    ['the job died in prepare (its update may not have started)', 'prepare', false],
    ["ECS's newest deployment started after the job's last sign of life (someone else's)", 'stabilize', true],
  ])('%s: refused, nothing changed, exit 1', async (_name, phase, newer) => {
    const s = await deadEcs(phase);
    if (newer) {
      await s.ports.ecs.updateService('web', 'api', {
        taskDefinition: TASK_DEFINITION(3),
        deploymentConfiguration: s.ecs.deploymentConfiguration,
      });
    }
    const from = s.aws.calls.length;
    const result = await abortCommand(options, s.ports);
    expect(result.code).toBe(1);
    expect(result.text).toContain('Not rolling back: ');
    expect(result.text).toContain('Nothing changed.');
    expect(writes(s.aws.calls.slice(from))).toEqual([]);
  });

  test('a region without the service-deployment API: refused with the reason, nothing changed', async () => {
    const s = await deadEcs('stabilize');
    s.ecs.serviceDeploymentApi = false;
    const from = s.aws.calls.length;
    const result = await abortCommand(options, s.ports);
    expect(result.code).toBe(1);
    expect(result.text).toContain("Not rolling back: ECS's service deployments could not be read");
    expect(writes(s.aws.calls.slice(from))).toEqual([]);
  });
});

describe('rollback to the kept release', () => {
  /** After a keep-previous deploy: green PRIMARY on GREEN_TG with all traffic, blue kept at 0%. */
  function afterKeepPrevious(routing: 'listener' | 'task-sets') {
    const s = setup();
    const blue = s.aws.taskSets[0]!;
    blue.status = 'ACTIVE';
    blue.scale = { unit: 'PERCENT', value: 0 };
    blue.tags = Object.entries(
      encodeKept({
        keptBy: '77/2',
        at: '2026-11-23T09:00:00.000Z',
        routing,
        production: routing === 'listener' ? { kind: 'listener', arn: LISTENER } : undefined,
        testListenerArn: undefined,
      }),
    ).map(([key, value]) => ({ key, value }));
    s.addGreen(s.live({ phase: 'finished', hold: undefined, traffic: 100 }));
    const green = s.aws.taskSets.find((t) => t.taskSetArn === GREEN)!;
    green.status = 'PRIMARY';
    if (routing === 'task-sets')
      green.loadBalancers = [{ targetGroupArn: BLUE_TG, containerName: 'app', containerPort: 80 }];
    s.aws.actions.set(LISTENER, [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE_TG, Weight: 0 },
            { TargetGroupArn: GREEN_TG, Weight: 100 },
          ],
        },
      },
    ]);
    return { ...s, restorePorts: { ...s.aws.ports(), clock: s.clock, info: () => {}, warn: () => {} } };
  }
  const restore = {
    cluster: 'web',
    service: 'api',
    stabilizeTimeoutMs: 600_000,
    pollIntervalMs: 5000,
    dryRun: false,
  };

  test.each(['listener', 'task-sets'] as const)(
    '%s routing: blue back PRIMARY with all traffic, the newer one removed',
    async (routing) => {
      const s = afterKeepPrevious(routing);
      s.aws.taskStartMs = 20_000;
      const outcome = await restoreKept(restore, s.restorePorts);
      expect(outcome).toMatchObject({ result: 'restored', restoredArn: BLUE_TASK_SET, removedArn: GREEN });
      const sets: TaskSet[] = s.aws.taskSets;
      expect(sets.map((t) => [t.taskSetArn, t.status, t.scale?.value])).toEqual([
        [BLUE_TASK_SET, 'PRIMARY', 100],
      ]);
      expect(sets[0]!.tags).toEqual([]);
      if (routing === 'listener') expect(s.aws.weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
      // Traffic moved only once blue ran all its tasks: capacity never fell below the desired count.
      expect(Math.min(...s.aws.capacityHistory.map((c) => c.running))).toBeGreaterThanOrEqual(4);
    },
  );

  test('a rollback stopped half way (traffic moved, newer one not removed yet) is finished by the next', async () => {
    const s = afterKeepPrevious('listener');
    s.aws.taskSets[0]!.scale = { unit: 'PERCENT', value: 100 };
    s.aws.actions.set(LISTENER, [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE_TG, Weight: 100 },
            { TargetGroupArn: GREEN_TG, Weight: 0 },
          ],
        },
      },
    ]);
    expect(await restoreKept(restore, s.restorePorts)).toMatchObject({ result: 'restored' });
    expect(s.aws.taskSets.map((t) => [t.taskSetArn, t.status])).toEqual([[BLUE_TASK_SET, 'PRIMARY']]);
  });

  test('traffic split between the two by someone else: refused, nothing changes', async () => {
    const s = afterKeepPrevious('listener');
    s.aws.actions.set(LISTENER, [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE_TG, Weight: 30 },
            { TargetGroupArn: GREEN_TG, Weight: 70 },
          ],
        },
      },
    ]);
    await expect(restoreKept(restore, s.restorePorts)).rejects.toThrow(
      'splits traffic between the kept release and the running one',
    );
    expect(s.aws.calls.filter((c) => /^(Update|Delete|Modify|Tag|Untag)/.test(c))).toEqual([]);
  });

  test('a kept release that cannot steady goes back to 0%; the running one keeps all traffic', async () => {
    const s = afterKeepPrevious('listener');
    s.aws.greenSteadies = false; // in the fake only blue's ARN starts regardless: make it not start
    const blue = s.aws.taskSets[0]!;
    blue.taskSetArn = `${ACCOUNT}:task-set/web/api/ecs-svc/0000000000000000003`;
    s.aws.stoppedTasks.push({
      taskArn: 't1',
      startedBy: 'ecs-svc/0000000000000000003',
      stoppedReason: 'CannotPullContainerError: image not found',
      containers: [],
    });
    const outcome = await restoreKept({ ...restore, stabilizeTimeoutMs: 60_000 }, s.restorePorts);
    expect(outcome.result).toBe('failed');
    expect(outcome.reason).toMatch(/did not reach a steady state within 1m .*still takes all traffic/);
    expect(outcome.diagnosis?.stoppedTasks[0]?.text).toBe('CannotPullContainerError: image not found');
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
    expect(s.aws.taskSets.map((t) => [t.status, t.scale?.value])).toEqual([
      ['ACTIVE', 0],
      ['PRIMARY', 100],
    ]);
  });

  test('the rollback action reports failed, not rolled-back, when the kept release could not steady', async () => {
    const s = afterKeepPrevious('listener');
    s.aws.greenSteadies = false;
    s.aws.taskSets[0]!.taskSetArn = `${ACCOUNT}:task-set/web/api/ecs-svc/0000000000000000003`;
    const dir = mkdtempSync(join(tmpdir(), 'rollback-action-'));
    process.env.GITHUB_OUTPUT = join(dir, 'output');
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary');
    writeFileSync(process.env.GITHUB_OUTPUT, '');
    writeFileSync(process.env.GITHUB_STEP_SUMMARY, '');
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const outcome = await runRollbackAction(
        recordInputs({ cluster: 'web', service: 'api', rollback: 'true', 'stabilize-timeout': '1m' }),
        { ...s.ports, clock: s.clock },
      );
      expect(outcome.result).toBe('failed');
      const outputs = parseFileCommand(readFileSync(process.env.GITHUB_OUTPUT, 'utf8'));
      expect(outputs).toMatchObject({ result: 'failed', 'task-set-arn': '' });
      expect(outputs.reason).toMatch(/did not reach a steady state within 1m/);
      expect(readFileSync(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('**Rollback failed**');
    } finally {
      write.mockRestore();
      delete process.env.GITHUB_OUTPUT;
      delete process.env.GITHUB_STEP_SUMMARY;
    }
  });

  test('nothing kept, or a deploy running: a clear error and nothing changes', async () => {
    const s = setup();
    s.addGreen(s.live({ phase: 'finished', hold: undefined }));
    await expect(
      restoreKept(restore, { ...s.aws.ports(), clock: s.clock, info: () => {}, warn: () => {} }),
    ).rejects.toThrow(
      "No release is kept on web/api: nothing to roll back to. A deploy with 'keep-previous: true' keeps the one it replaces",
    );
    const running = setup();
    running.addGreen(running.live());
    await expect(
      restoreKept(restore, { ...running.aws.ports(), clock: running.clock, info: () => {}, warn: () => {} }),
    ).rejects.toThrow('A deploy is running on web/api (run 77, shift): `safe-deploy abort` rolls it back');
    for (const x of [s, running])
      expect(x.aws.calls.filter((c) => /^(Update|Delete|Modify|Tag|Untag)/.test(c))).toEqual([]);
  });

  test('a service with no task set yet (before its first deploy): refused, nothing changes', async () => {
    const s = setup();
    s.aws.empty();
    await expect(
      restoreKept(restore, { ...s.aws.ports(), clock: s.clock, info: () => {}, warn: () => {} }),
    ).rejects.toThrow("Service 'api' has no task set: nothing has been deployed to it yet");
    expect(s.aws.calls.filter((c) => /^(Update|Delete|Modify|Tag|Untag)/.test(c))).toEqual([]);
  });

  test('an ECS-controller service is told rollback is for task sets', async () => {
    const s = setup();
    s.aws.controller = 'ECS';
    await expect(
      restoreKept(restore, { ...s.aws.ports(), clock: s.clock, info: () => {}, warn: () => {} }),
    ).rejects.toThrow('keep-previous and rollback are for task-set (EXTERNAL) services');
  });

  /** Restore ports whose listener writes call `after` once the first one has landed. */
  function afterFirstMove(s: ReturnType<typeof afterKeepPrevious>, after: () => Promise<void>) {
    const lb = s.restorePorts.lb;
    let moved = false;
    const setWeights = lb.setWeights.bind(lb);
    lb.setWeights = async (ref, weights) => {
      await setWeights(ref, weights);
      if (!moved) {
        moved = true;
        await after();
      }
    };
    return s.restorePorts;
  }

  test('the kept task set deleted by someone once traffic moved: traffic back on the serving release, verified, failed', async () => {
    const s = afterKeepPrevious('listener');
    const logs: string[] = [];
    const ports = afterFirstMove(s, () => s.aws.ports().ecs.deleteTaskSet('web', 'api', BLUE_TASK_SET));
    const outcome = await restoreKept(restore, { ...ports, warn: (m) => logs.push(m) });
    expect(outcome.result).toBe('failed');
    expect(outcome.reason).toBe(
      `the kept task set ${BLUE_TASK_SET} disappeared after traffic moved to it; ` +
        `all traffic is back on ${GREEN}, PRIMARY at 100%, confirmed by AWS`,
    );
    // Not 100% of production to a target group with no tasks: the serving release has it all, as before.
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
    expect(
      s.aws.taskSets
        .filter((t) => t.status !== 'DRAINING')
        .map((t) => [t.taskSetArn, t.status, t.scale?.value]),
    ).toEqual([[GREEN, 'PRIMARY', 100]]);
    expect(logs.join('\n')).toContain(`moving all traffic back to ${GREEN}`);
  });

  test('task-set scale: the kept task set deleted once the serving one scaled down: the serving one back at 100%', async () => {
    const s = afterKeepPrevious('task-sets');
    const ecs = s.restorePorts.ecs;
    const scale = ecs.scaleTaskSet.bind(ecs);
    let deleted = false;
    ecs.scaleTaskSet = async (cluster, service, arn, percent) => {
      await scale(cluster, service, arn, percent);
      if (arn === GREEN && percent === 0 && !deleted) {
        deleted = true;
        await ecs.deleteTaskSet('web', 'api', BLUE_TASK_SET);
      }
    };
    const outcome = await restoreKept(restore, s.restorePorts);
    expect(outcome).toMatchObject({ result: 'failed' });
    expect(outcome.reason).toBe(
      `the kept task set ${BLUE_TASK_SET} disappeared after traffic moved to it; ` +
        `all traffic is back on ${GREEN}, PRIMARY at 100%, confirmed by AWS`,
    );
    expect(
      s.aws.taskSets
        .filter((t) => t.status !== 'DRAINING')
        .map((t) => [t.taskSetArn, t.status, t.scale?.value]),
    ).toEqual([[GREEN, 'PRIMARY', 100]]);
  });

  test('the kept task set deleted while it steadies: no traffic moves, failed', async () => {
    const s = afterKeepPrevious('listener');
    s.aws.taskStartMs = 60_000;
    s.clock.after(20_000, () => s.aws.ports().ecs.deleteTaskSet('web', 'api', BLUE_TASK_SET));
    const outcome = await restoreKept(restore, s.restorePorts);
    expect(outcome.result).toBe('failed');
    expect(outcome.reason).toBe(
      `the kept task set ${BLUE_TASK_SET} disappeared; it is back at 0% and ${GREEN} still takes all traffic`,
    );
    expect(s.aws.calls).not.toContain('ModifyListener');
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
  });

  test('a throttled listener write is tried again through the call policy, not given up on', async () => {
    const s = afterKeepPrevious('listener');
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    s.aws.fail('ModifyListener', throttled, 2);
    expect(await restoreKept(restore, s.restorePorts)).toMatchObject({ result: 'restored' });
    expect(s.aws.count('ModifyListener')).toBe(3);
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  });

  test('a kept-test-listener tag pointing at an unrelated listener on the same load balancer: refused, untouched', async () => {
    const s = afterKeepPrevious('listener');
    const other =
      'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/0123456789abcdef/cccccccccccccccc';
    const otherGroup =
      'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/admin/4444444444444444';
    const forward = [
      {
        Type: 'forward' as const,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: otherGroup, Weight: 100 }] },
      },
    ];
    s.aws.actions.set(other, forward);
    const blue = s.aws.taskSets.find((t) => t.taskSetArn === BLUE_TASK_SET)!;
    blue.tags = blue.tags!.map((t) =>
      t.key === CONTROL_TAG.keptTestListener ? { key: t.key, value: other } : t,
    );
    await expect(restoreKept(restore, s.restorePorts)).rejects.toThrow(
      `The test listener ${other} (from the kept release's tag safe-deploy:kept-test-listener) forwards to ` +
        `${otherGroup}, not to exactly this service's two target groups (${BLUE_TG}, ${GREEN_TG}): not rolling back web/api`,
    );
    expect(s.aws.actions.get(other)).toEqual(forward);
    expect(s.aws.calls.filter((c) => /^(Update|Delete|Modify|Tag|Untag)/.test(c))).toEqual([]);
    // The same listener forwarding to this service's groups and a third: refused too.
    s.aws.actions.set(other, [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE_TG, Weight: 0 },
            { TargetGroupArn: GREEN_TG, Weight: 50 },
            { TargetGroupArn: otherGroup, Weight: 50 },
          ],
        },
      },
    ]);
    await expect(restoreKept(restore, s.restorePorts)).rejects.toThrow('not to exactly this service');
    expect(s.aws.calls.filter((c) => /^(Update|Delete|Modify|Tag|Untag)/.test(c))).toEqual([]);
  });

  test('a kept test listener of this service gets all test traffic back on the kept release', async () => {
    const s = afterKeepPrevious('listener');
    const blue = s.aws.taskSets.find((t) => t.taskSetArn === BLUE_TASK_SET)!;
    blue.tags = blue.tags!.map((t) =>
      t.key === CONTROL_TAG.keptTestListener ? { key: t.key, value: TEST_LISTENER } : t,
    );
    // The deploy that kept it sent the test listener's traffic to the release serving now.
    await s.restorePorts.lb.setWeights(
      { kind: 'listener', arn: TEST_LISTENER },
      { [BLUE_TG]: 0, [GREEN_TG]: 100 },
    );
    expect(await restoreKept(restore, s.restorePorts)).toMatchObject({ result: 'restored' });
    expect(s.aws.weights(TEST_LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  });

  test('dry run changes nothing', async () => {
    const s = afterKeepPrevious('listener');
    expect((await restoreKept({ ...restore, dryRun: true }, s.restorePorts)).result).toBe('dry-run');
    expect(s.aws.calls.filter((c) => /^(Update|Delete|Modify|Tag|Untag)/.test(c))).toEqual([]);
  });
});
