import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { realTimer } from '../../src/deploy/calls.js';
import { renderSummary } from '../../src/report/summary.js';
import { TAG } from '../../src/deploy/leftovers.js';
import { DRIFT_CHECK_EVERY_MS } from '../../src/deploy/routing/listener.js';
import { BLUE_TASK_SET, BLUE_TG, GREEN_TG, LISTENER } from '../support/fake-aws.js';
import {
  deploy,
  expectRolledBack,
  leftover,
  MUTATING,
  racingRun,
  scenario,
  type Scenario,
} from './harness.js';

// Faults a careful user met when trying a deploy, each pinned here on the fake clock: throttling on every
// read, outages, hanging requests, re-runs, start races, someone else moving the listener, the one box.

const throttled = (): Error =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
const unavailable = (): Error =>
  Object.assign(new Error('Service Unavailable'), {
    name: 'ServiceUnavailable',
    $metadata: { httpStatusCode: 503 },
  });
/** Calls that hang are given up on after 30 ms of real time here, instead of seconds. */
const shortTimer = (_ms: number, signal: AbortSignal): Promise<void> => realTimer(30, signal);

function forward(blue: number, green: number): Action[] {
  return [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE_TG, Weight: blue },
          { TargetGroupArn: GREEN_TG, Weight: green },
        ],
      },
    },
  ];
}

function greenWeights(s: Scenario): number[] {
  return s.aws.weightHistory.map((h) => h.weights[GREEN_TG]!);
}

describe('throttling on every read never rolls back by itself', () => {
  test("green's target health throttled while green stabilises: the deploy waits and goes on", async () => {
    const s = scenario();
    s.aws.fail('DescribeTargetHealth', throttled(), 5);
    const report = await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m' });
    expect(report.result).toBe('deployed');
    expect(
      s.logs.filter((l) => l.startsWith('warning: Could not read green’s target health (Rate exceeded)')),
    ).toHaveLength(5);
  });

  test('the start-race check throttled after green was created: read again, no rollback', async () => {
    const s = scenario();
    const ports = s.aws.ports();
    const ecs = Object.create(ports.ecs) as typeof ports.ecs;
    ecs.createTaskSet = async (...args) => {
      const created = await ports.ecs.createTaskSet(...args);
      s.aws.fail('DescribeServices', throttled(), 3);
      return created;
    };
    const report = await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m' }, { ecs });
    expect(report.result).toBe('deployed');
    expect(
      s.logs.filter((l) => l.startsWith('warning: Could not read the service (Rate exceeded)')),
    ).toHaveLength(3);
  });

  test.each([
    ['validation', 0],
    ['green stabilising', 1],
    ['the one-box bake', 60_000],
    ['a traffic step', 11 * 60_000],
    ['the bake', 13 * 60_000 + 1],
  ])(
    'every call throttled for 10 s during %s: the deploy goes on, alarm reads back off and resume',
    async (_phase, at) => {
      const s = scenario();
      s.aws.taskStartMs = 5000;
      let readsDuringStorm = 0;
      let readsAfter = 0;
      s.clock.at(s.clock.now() + at, () => {
        const before = s.aws.count('DescribeAlarms');
        s.aws.failFor(10_000, throttled());
        s.clock.after(10_000, () => void (readsDuringStorm = s.aws.count('DescribeAlarms') - before));
        // Backing off 2, 4, 8 s: the reads resume within 16 s of the storm's end, one poll apart again.
        s.clock.after(
          10_000 + 16_000 + 5_000,
          () => void (readsAfter = s.aws.count('DescribeAlarms') - before - readsDuringStorm),
        );
      });
      const report = await deploy(s, {
        'poll-interval': '1s',
        'one-box': 'true',
        'one-box-bake': '10m',
        steps: '50%:2m, 100%',
        'bake-time': '5m',
      });
      expect(report.result).toBe('deployed');
      expect(s.aws.weights()).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
      if (at > 0) {
        // Tried at the storm's start, then 2 and 4 s after each throttled read: not once a poll.
        expect(readsDuringStorm).toBeGreaterThanOrEqual(2);
        expect(readsDuringStorm).toBeLessThanOrEqual(4);
        expect(readsAfter).toBeGreaterThanOrEqual(5);
        expect(s.logs).toContainEqual(
          expect.stringMatching(
            /^warning: CloudWatch throttled the alarm read \(Rate exceeded\); backing off: next read in 2s/,
          ),
        );
        expect(s.logs).toContainEqual(expect.stringMatching(/^CloudWatch answers the alarm reads again/));
      }
    },
  );
});

test('every call throttled for 10 s from the moment of promotion: promoted once they answer, never rolled back', async () => {
  const s = scenario();
  const ports = s.aws.ports();
  const ecs = Object.create(ports.ecs) as typeof ports.ecs;
  let stormed = false;
  ecs.makePrimary = async (...args) => {
    if (!stormed) {
      stormed = true;
      s.aws.failFor(10_000, throttled());
    }
    return ports.ecs.makePrimary(...args);
  };
  const report = await deploy(s, { 'bake-time': '1m', 'poll-interval': '1s' }, { ecs });
  expect(report.result).toBe('deployed');
  expect(s.aws.primary()?.taskSetArn).not.toBe(BLUE_TASK_SET);
  expect(s.aws.taskSets).toHaveLength(1);
  // Tried again only once alarms could be read again: the pause between tries is never blind.
  expect(
    s.logs.filter((l) => l.startsWith('warning: Could not make green PRIMARY (Rate exceeded)')),
  ).toHaveLength(1);
  expect(
    s.logs.filter((l) => l.startsWith('warning: CloudWatch throttled the alarm read (Rate exceeded)')).length,
  ).toBeGreaterThanOrEqual(2);
});

describe('outages and hanging requests', () => {
  test('ECS and ELB answering 503 for 70 s inside a 5-minute timeout: retried until they answer, deployed', async () => {
    const s = scenario();
    // Green's tasks take 20 s to start, so the outage meets green's stabilisation (task set and target
    // health reads), then the first step's listener reads and writes.
    s.aws.taskStartMs = 20_000;
    s.clock.after(1, () =>
      s.aws.failFor(70_000, unavailable(), [
        'DescribeTaskSets',
        'DescribeTargetHealth',
        'DescribeServices',
        'DescribeListeners',
        'ModifyListener',
      ]),
    );
    const report = await deploy(s, {
      steps: '10%:1m, 100%',
      'bake-time': '1m',
      timeout: '5m',
      'poll-interval': '5s',
    });
    expect(report.result).toBe('deployed');
    expect(greenWeights(s)).toEqual([10, 100]);
    expect(s.aws.weightHistory[0]!.at - Date.parse(report.startedAt)).toBeGreaterThanOrEqual(70_000);
  });

  test('an outage that outlasts the timeout rolls back for the timeout, once AWS answers again', async () => {
    const s = scenario();
    s.clock.after(30_000, () =>
      s.aws.failFor(4 * 60_000, unavailable(), ['DescribeListeners', 'ModifyListener']),
    );
    const report = await deploy(s, {
      steps: '10%:1m, 100%',
      'bake-time': '1m',
      timeout: '3m',
      'poll-interval': '5s',
    });
    expectRolledBack(s, report);
    expect(report.reason).toMatch(
      /^the deploy did not finish within timeout 3m \(retrying: read the listener/,
    );
  });

  test('a CloudWatch read that never answers does not hold the watch: the timeout still rolls back on time', async () => {
    const s = scenario();
    s.clock.after(60_000, () => s.aws.hang('DescribeAlarms', 10_000));
    const start = s.clock.now();
    const report = await deploy(
      s,
      { steps: '10%:10m, 100%', 'bake-time': '1m', timeout: '12m', 'poll-interval': '10s' },
      { timer: shortTimer },
    );
    expectRolledBack(s, report);
    expect(report.reason).toMatch(/^the deploy did not finish within timeout 12m \(step 1\/2: 10%\)/);
    const rolledBackAt = Date.parse(report.timeline.find((e) => e.note === 'traffic back on blue')!.at);
    expect(rolledBackAt - start).toBeLessThanOrEqual(12 * 60_000 + 10_000);
    expect(s.logs.some((l) => l.startsWith('warning: Alarms did not answer within'))).toBe(true);
    // Never two alarm reads in flight: the hung one is waited for, not piled on.
    expect(s.aws.count('DescribeAlarms')).toBeLessThan(10);
  });

  test('a listener write that hangs is given up on and tried again: deployed', async () => {
    const s = scenario();
    s.clock.after(5 * 60_000 - 1, () => s.aws.hang('ModifyListener'));
    const report = await deploy(s, { 'bake-time': '1m' }, { timer: shortTimer });
    expect(report.result).toBe('deployed');
    expect(
      s.logs.some((l) => l.startsWith('warning: Could not set the listener weights (no answer within')),
    ).toBe(true);
  });
});

describe('runs and re-runs', () => {
  test('a later attempt of the same run owns what an earlier attempt left: traffic back on blue, leftover removed, deployed', async () => {
    const s = scenario();
    // Killed a moment ago: the heartbeat is fresh, which would block any other run.
    const left = leftover(s, { id: 77, runId: '99', attempt: '1', heartbeatAgoMs: 30_000 });
    s.aws.actions.set(LISTENER, forward(90, 10));
    const report = await deploy(
      s,
      { 'bake-time': '1m' },
      {
        identity: { repository: 'octo/shop', commit: 'abc1234', runId: '99', runAttempt: '2' },
      },
    );
    expect(report.result).toBe('deployed');
    expect(greenWeights(s)[0]).toBe(0);
    expect(s.aws.taskSets.map((t) => t.taskSetArn)).not.toContain(left);
    expect(s.logs).toContain(`warning: Removed task set ${left} left by attempt 1 of this run`);
  });

  test('another run with a fresh heartbeat still blocks, and nothing changes', async () => {
    const s = scenario();
    leftover(s, { id: 78, runId: '98', heartbeatAgoMs: 30_000 });
    const report = await deploy(
      s,
      {},
      { identity: { repository: 'octo/shop', commit: 'abc1234', runId: '99', runAttempt: '2' } },
    );
    expect(report.result).toBe('blocked');
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a run that lost the start race and cannot delete its own green touches nothing else', async () => {
    const s = scenario();
    const { ecs } = racingRun(s, () =>
      s.aws.fail(
        'DeleteTaskSet',
        Object.assign(new Error('boom'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }),
        1000,
      ),
    );
    const saved: string[] = [];
    const report = await deploy(s, {}, { ecs, saveState: (state) => saved.push(state.stage) });
    expect(report.result).toBe('blocked');
    expect(report.reason).toMatch(/this run backed off; its own task set .* could not be removed/);
    const afterCreate = s.aws.calls.slice(s.aws.calls.indexOf('CreateTaskSet') + 1);
    expect(
      afterCreate.filter((c) =>
        ['ModifyListener', 'UpdateTaskSet', 'UpdateServicePrimaryTaskSet'].includes(c),
      ),
    ).toEqual([]);
    expect(s.aws.weights()).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });
    // The post step's input says this run yielded: it may only ever delete its own task set.
    expect(saved.at(-1)).toBe('yielded');
  });
});

describe('someone else moving the listener', () => {
  test('during the bake: noticed within the drift cadence and a poll, rolled back, never promoted', async () => {
    const s = scenario();
    let movedAt = 0;
    // 10% for 5 minutes, then 100% and the bake; three seconds into the bake someone puts it all on blue.
    s.clock.after(5 * 60_000 + 3000, () => {
      movedAt = s.clock.now();
      s.aws.actions.set(LISTENER, forward(100, 0));
    });
    const report = await deploy(s, { 'bake-time': '10m', 'poll-interval': '5s' });
    expectRolledBack(s, report);
    expect(report.reason).toBe(
      `the listener ${LISTENER} was changed outside this deploy: green has 0% of its traffic, not 100%`,
    );
    expect(s.aws.primary()?.taskSetArn).toBe(BLUE_TASK_SET);
    const stoppedAt = Date.parse(report.timeline.find((e) => e.phase === 'rollback')!.at);
    // The listener is re-read every DRIFT_CHECK_EVERY_MS (10 s), at the first 5 s poll after that.
    expect(stoppedAt - movedAt).toBeLessThanOrEqual(DRIFT_CHECK_EVERY_MS + 5000);
  });

  test('a steady hold re-reads the listener every 10 s, not every poll', async () => {
    const s = scenario();
    let reads = 0;
    s.clock.after(2 * 60_000, () => void (reads = s.aws.count('DescribeListeners')));
    s.clock.after(3 * 60_000, () => void (reads = s.aws.count('DescribeListeners') - reads));
    await deploy(s, { steps: '10%:10m, 100%', 'poll-interval': '1s' });
    expect(reads).toBeGreaterThanOrEqual(5);
    expect(reads).toBeLessThanOrEqual(7);
  });

  test('mid-step: noticed at the next poll, not at the next step', async () => {
    const s = scenario();
    let movedAt = 0;
    s.clock.after(60_000, () => {
      movedAt = s.clock.now();
      s.aws.actions.set(LISTENER, forward(50, 50));
    });
    const report = await deploy(s, { 'poll-interval': '10s' });
    expectRolledBack(s, report);
    expect(report.reason).toMatch(/green has 50% of its traffic, not 10%$/);
    const stoppedAt = Date.parse(report.timeline.find((e) => e.phase === 'rollback')!.at);
    expect(stoppedAt - movedAt).toBeLessThanOrEqual(10_000);
  });
});

describe('the one box and the first canary step', () => {
  const inputs = {
    'one-box': 'true',
    'one-box-bake': '1m',
    steps: '10%:3s, 100%',
    'bake-time': '1m',
    'poll-interval': '1s',
  };

  test("listener routing: a 10% step below the box's 20% holds at 20% for its 3 s, and the plan says so", async () => {
    const s = scenario();
    const report = await deploy(s, inputs);
    expect(report.result).toBe('deployed');
    expect(s.logs.find((l) => l.startsWith('Plan for '))).toContain(
      "  1. one box: 1 task, ~20% of traffic, bake 1m\n  2. 10% for 3s (held at the one box's 20%)\n  3. 100%",
    );
    expect(greenWeights(s)).toEqual([20, 100]);
    const [box, full] = s.aws.weightHistory;
    expect(full!.at - box!.at).toBeGreaterThanOrEqual(60_000 + 3000);
    expect(
      report.timeline.some((e) => e.note === "step 1/2: 10% held at the one box's 20%" && e.traffic === 20),
    ).toBe(true);
  });

  test("task-sets routing: the same plan holds the box's one task for the step, then moves by scale", async () => {
    const s = scenario();
    const report = await deploy(s, { ...inputs, 'listener-arn': '', routing: 'task-sets' });
    expect(report.result).toBe('deployed');
    const updates = s.aws.ecsMock
      .calls()
      .filter((c) => c.args[0].constructor.name === 'UpdateTaskSetCommand')
      .map((c) => c.args[0].input as { taskSet: string; scale: { value: number } })
      .map((u) => [u.taskSet === BLUE_TASK_SET ? 'blue' : 'green', u.scale.value]);
    expect(updates).toEqual([
      ['green', 25],
      ['green', 100],
      ['blue', 0],
    ]);
    expect(report.timeline.some((e) => e.note === "step 1/2: 10% held at the one box's 20%")).toBe(true);
  });
});

describe('the bake and min-requests', () => {
  test('once the bake time has passed the count is read every poll: the bake ends within a poll of reaching it', async () => {
    const s = scenario();
    let bakeStart = 0;
    const ports = s.aws.ports();
    const report = await deploy(
      s,
      { steps: 'AllAtOnce', 'bake-time': '2s', 'poll-interval': '1s', 'min-requests': '100' },
      {
        cloudwatch: Object.assign(Object.create(ports.cloudwatch) as typeof ports.cloudwatch, {
          // Requests reach green 1.5 s after the bake starts (the bake's first read marks its start).
          requestCount: async (...args: Parameters<typeof ports.cloudwatch.requestCount>) => {
            if (!bakeStart) bakeStart = s.clock.now();
            if (s.clock.now() - bakeStart >= 1500) s.aws.requestCount = 150;
            return ports.cloudwatch.requestCount(...args);
          },
        }),
      },
    );
    expect(report.result).toBe('deployed');
    const baked = report.timeline.find((e) => e.note?.startsWith('baked'))!;
    expect(baked.note).toBe('baked 2s, 150 requests');
    expect(Date.parse(baked.at) - bakeStart).toBeLessThanOrEqual(3000);
  });
});

describe('alarm prefixes', () => {
  test('a prefix that matches no alarm is a warning naming it, as the gate gives', async () => {
    const s = scenario(['api-5xx']);
    const report = await deploy(s, { 'alarm-prefixes': 'api-, payments-' });
    expect(report.result).toBe('deployed');
    expect(s.logs).toContain(
      `warning: Input 'alarm-prefixes': no alarm starts with "payments-"; nothing is watched for it`,
    );
    expect(s.logs.some((l) => l.includes('"api-"'))).toBe(false);
  });
});

describe('deployment records that tell the truth', () => {
  test("an abandoned run's record is closed by the run that removes its task set", async () => {
    const s = scenario();
    leftover(s, {
      id: 79,
      runId: '98',
      heartbeatAgoMs: 3_600_000,
      scale: 0,
      tags: { [TAG.deploymentId]: '4242' },
    });
    const closed: [number, string][] = [];
    const report = await deploy(
      s,
      { 'bake-time': '1m' },
      {
        closeAbandonedRecord: async (id, description) => void closed.push([id, description]),
      },
    );
    expect(report.result).toBe('deployed');
    expect(closed).toEqual([[4242, 'abandoned: its task set was removed by run 99 (attempt 1)']]);
  });

  test("green carries its record's id, so a later run can close it if this one is killed", async () => {
    const s = scenario();
    const report = await deploy(s, { 'bake-time': '1m' }, { deploymentId: () => 17 });
    expect(report.result).toBe('deployed');
    const tagged = s.aws.ecsMock
      .calls()
      .filter((c) => c.args[0].constructor.name === 'TagResourceCommand')
      .flatMap((c) => (c.args[0].input as { tags: { key: string; value: string }[] }).tags);
    expect(tagged).toContainEqual({ key: TAG.deploymentId, value: '17' });
  });

  test('a deploy blocked in validation never asks for a record', async () => {
    const s = scenario();
    s.aws.setAlarm('api-5xx', 'ALARM');
    let began = false;
    const report = await deploy(s, {}, { onChangesBegin: () => void (began = true) });
    expect(report.result).toBe('blocked');
    expect(began).toBe(false);
  });
});

/** The kinds a run creates a task set for: both routings beside blue, and a service's first deploy. */
const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };
const TASK_SET_KINDS: [string, (s: Scenario) => void, Record<string, string>][] = [
  ['listener routing', () => undefined, {}],
  ['task-sets routing', () => undefined, { 'listener-arn': '', routing: 'task-sets', steps: '50%:1m, 100%' }],
  [
    'a first deploy',
    (s) => s.aws.empty(),
    { 'first-task-set': JSON.stringify({ launchType: 'FARGATE', networkConfiguration: NETWORK }) },
  ],
];

describe('CreateTaskSet answers lost after the create (the SDK sends the request again)', () => {
  test.each(
    TASK_SET_KINDS.flatMap(([name, arrange, inputs]) =>
      [1, 3].map((lost) => [name, lost, arrange, inputs] as const),
    ),
  )(
    '%s, %i answer(s) lost: deployed, one version at 100%, no task set of the run left beside it',
    async (_name, lost, arrange, inputs) => {
      const s = scenario();
      arrange(s);
      s.aws.loseAnswers('CreateTaskSet', lost);
      const report = await deploy(s, { 'bake-time': '1m', ...inputs });
      expect(report.result).toBe('deployed');
      expect(s.aws.taskSets.map((t) => [t.taskSetArn, t.status, t.scale?.value])).toEqual([
        [report.taskSetArn, 'PRIMARY', 100],
      ]);
      if (!inputs.routing) {
        const weights = s.aws.weights();
        expect(Object.entries(weights).filter(([, w]) => w > 0).length).toBeLessThanOrEqual(1);
      }
    },
  );

  test('every try of one deploy sends one client token; another deploy or attempt of the run another', async () => {
    const s = scenario();
    const tokens = () =>
      s.aws.ecsMock
        .calls()
        .filter((c) => c.args[0].constructor.name === 'CreateTaskSetCommand')
        .map((c) => (c.args[0].input as { clientToken?: string }).clientToken);
    // Refused before the create: the deploy tries again at the next poll, with the same token.
    s.aws.fail('CreateTaskSet', unavailable());
    await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m' });
    const [first, again] = tokens();
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(again).toBe(first);
    // The same run deploying again later (a second step of the job), and its next attempt.
    await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m' });
    await deploy(
      s,
      { steps: 'AllAtOnce', 'bake-time': '1m' },
      {
        identity: { repository: 'octo/shop', commit: 'abc1234', runId: '99', runAttempt: '2' },
      },
    );
    expect(new Set(tokens()).size).toBe(3);
  });
});

describe('duplicates of its own green, where the client token is not honoured (as on moto_server)', () => {
  const cases = TASK_SET_KINDS.flatMap(([name, arrange, inputs]) =>
    [1, 3].map((lost) => [name, lost, arrange, inputs] as const),
  );

  test.each(cases)(
    '%s, %i answer(s) lost: deployed, not taken for another run; the duplicates found, removed and reported',
    async (_name, lost, arrange, inputs) => {
      const s = scenario();
      arrange(s);
      s.aws.honoursClientToken = false;
      s.aws.loseAnswers('CreateTaskSet', lost);
      const report = await deploy(s, { 'bake-time': '1m', ...inputs });
      expect(report.result).toBe('deployed');
      expect(s.aws.taskSets.map((t) => [t.taskSetArn, t.status, t.scale?.value])).toEqual([
        [report.taskSetArn, 'PRIMARY', 100],
      ]);
      // Each of the SDK's (up to 3) attempts made one; when all three lost their answer, the deploy found
      // one by its tags instead of creating a fourth. It went on with one and removed the others.
      const made = Math.min(lost + 1, 3);
      expect(report.leftovers).toHaveLength(made - 1);
      expect(report.leftovers!.every((left) => left.removed)).toBe(true);
      expect(renderSummary(report)).toContain('### Left beside the serving version');
      expect(s.logs.some((l) => /^warning: Found \d task set\(s\) of this run beside /.test(l))).toBe(true);
    },
  );

  test('rolled back after a breach: blue alone serves, the duplicates removed with green', async () => {
    const s = scenario();
    s.aws.honoursClientToken = false;
    s.aws.loseAnswers('CreateTaskSet', 1);
    s.clock.after(2 * 60_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s, { steps: '10%:5m, 100%' });
    expectRolledBack(s, report);
    expect(s.aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
    expect(report.leftovers).toEqual([expect.objectContaining({ removed: true })]);
  });
});
