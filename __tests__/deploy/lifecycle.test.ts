import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { BLUE_TASK_SET, BLUE_TG, GREEN_TG, LISTENER, TEST_LISTENER } from '../support/fake-aws.js';
import { deploy, expectRolledBack, MUTATING, racingRun, scenario } from './harness.js';

const throttled = (): Error => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

describe('a listener canary deploy', () => {
  test('shifts 10% for 5 minutes, then 100%, bakes, promotes green and removes blue', async () => {
    const s = scenario();
    const report = await deploy(s, { 'bake-time': '5m' });

    expect(report.result).toBe('deployed');
    expect(s.aws.weightHistory.map((h) => h.weights)).toEqual([
      { [BLUE_TG]: 90, [GREEN_TG]: 10 },
      { [BLUE_TG]: 0, [GREEN_TG]: 100 },
    ]);
    // The 10% step is held 5 minutes before 100%.
    expect(s.aws.weightHistory[1]!.at - s.aws.weightHistory[0]!.at).toBe(5 * 60_000);
    expect(s.aws.taskSets).toHaveLength(1);
    expect(s.aws.primary()?.taskSetArn).toBe(report.taskSetArn);
    expect(s.aws.primary()?.loadBalancers?.[0]?.targetGroupArn).toBe(GREEN_TG);
    expect(report.previousTaskSetArn).toBe(BLUE_TASK_SET);
    expect(report.timeline.map((e) => e.phase)).toEqual(
      expect.arrayContaining(['prepare', 'stabilize', 'shift', 'bake', 'promote', 'finished']),
    );
  });

  test('copies launch settings from blue and tags green with the run', async () => {
    const s = scenario();
    const report = await deploy(s);
    const createInput = s.aws.ecsMock
      .calls()
      .find((c) => c.args[0].constructor.name === 'CreateTaskSetCommand')!.args[0].input as Record<
      string,
      unknown
    >;
    expect(report.result).toBe('deployed');
    expect(createInput).toMatchObject({
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
      loadBalancers: [{ targetGroupArn: GREEN_TG, containerName: 'app', containerPort: 80 }],
    });
    expect(createInput.tags).toEqual(
      expect.arrayContaining([
        { key: 'safe-deploy:repository', value: 'octo/shop' },
        { key: 'safe-deploy:commit', value: 'abc1234' },
        { key: 'safe-deploy:run-id', value: '99' },
        { key: 'safe-deploy:run-attempt', value: '1' },
      ]),
    );
  });

  test('a one-hour bake takes milliseconds on the injected clock and polls alarms throughout', async () => {
    const s = scenario();
    const started = Date.now();
    const report = await deploy(s, {
      steps: 'AllAtOnce',
      'bake-time': '1h',
      timeout: '2h',
      'poll-interval': '10s',
    });
    expect(report.result).toBe('deployed');
    expect(Date.now() - started).toBeLessThan(5000);
    // 360 polls of 10 seconds in the bake, plus the waits before it.
    expect(s.aws.count('DescribeAlarms')).toBeGreaterThanOrEqual(360);
  });

  test('sends all test-listener traffic to green before any production traffic', async () => {
    const s = scenario();
    let testWeightsAtFirstShift: Record<string, number> | undefined;
    const report = await deploy(
      s,
      { 'test-listener-arn': TEST_LISTENER },
      {
        runHook: async () => {
          testWeightsAtFirstShift = s.aws.weights(TEST_LISTENER);
          expect(s.aws.weightHistory).toHaveLength(0);
          return 0;
        },
      },
    );
    expect(report.result).toBe('deployed');
    // before-traffic is not set, so check the order through the timeline instead of the hook.
    expect(testWeightsAtFirstShift).toBeUndefined();
    const phases = report.timeline.map((e) => e.phase);
    expect(phases.indexOf('test-traffic')).toBeLessThan(phases.indexOf('shift'));
    expect(s.aws.weights(TEST_LISTENER)).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });
  });
});

describe('a task-sets deploy', () => {
  test('moves traffic by scale without ever dropping below 100% capacity', async () => {
    const s = scenario();
    s.aws.taskStartMs = 45_000;
    const scales: { blue: number; green: number }[] = [];
    const report = await deploy(s, {
      'listener-arn': '',
      routing: 'task-sets',
      steps: '25%:1m, 50%:1m, 100%',
    });
    expect(report.result).toBe('deployed');
    const updates = s.aws.ecsMock
      .calls()
      .filter((c) => c.args[0].constructor.name === 'UpdateTaskSetCommand')
      .map((c) => c.args[0].input as { taskSet: string; scale: { value: number } });
    let blue = 100;
    let green = 0;
    for (const update of updates) {
      if (update.taskSet === BLUE_TASK_SET) blue = update.scale.value;
      else green = update.scale.value;
      scales.push({ blue, green });
      expect(blue + green).toBeGreaterThanOrEqual(100);
    }
    expect(scales).toEqual([
      { blue: 100, green: 25 },
      { blue: 75, green: 25 },
      { blue: 75, green: 50 },
      { blue: 50, green: 50 },
      { blue: 50, green: 100 },
      { blue: 0, green: 100 },
    ]);
    // With tasks taking 45s to start, the service still ran all 4 tasks after every change.
    expect(Math.min(...s.aws.capacityHistory.map((c) => c.running))).toBeGreaterThanOrEqual(4);
    expect(s.aws.taskSets).toHaveLength(1);
    expect(s.aws.primary()?.taskSetArn).toBe(report.taskSetArn);
    // Both versions sit behind blue's target group.
    expect(s.aws.primary()?.loadBalancers?.[0]?.targetGroupArn).toBe(BLUE_TG);
  });

  test('rolls back a breach by scaling blue up before green goes', async () => {
    const s = scenario();
    s.clock.after(90_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s, { 'listener-arn': '', routing: 'task-sets', steps: '50%:5m, 100%' });
    expect(report.result).toBe('rolled-back');
    expect(s.aws.taskSets).toHaveLength(1);
    expect(s.aws.primary()).toMatchObject({ taskSetArn: BLUE_TASK_SET, scale: { value: 100 } });
  });

  test('a breach in the bake, with blue at 0%, keeps green serving until blue is running again', async () => {
    const s = scenario();
    s.aws.taskStartMs = 30_000;
    s.clock.after(4 * 60_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s, {
      'listener-arn': '',
      routing: 'task-sets',
      steps: 'AllAtOnce',
      'bake-time': '10m',
    });
    expectRolledBack(s, report);
    expect(report.timeline.some((e) => e.phase === 'bake')).toBe(true);
    // Every scale and delete, forward and back, left at least the service's 4 tasks running.
    expect(s.aws.capacityHistory.map((c) => c.command)).toContain('DeleteTaskSet');
    expect(Math.min(...s.aws.capacityHistory.map((c) => c.running))).toBeGreaterThanOrEqual(4);
    expect(s.aws.runningTasks()).toBe(4);
  });
});

describe('rolling back', () => {
  test.each([
    [
      'stabilize',
      { 'stabilize-timeout': '10m' },
      5_000,
      (s: ReturnType<typeof scenario>) => (s.aws.greenSteadies = false),
    ],
    ['one-box', { 'one-box': 'true', 'one-box-bake': '10m' }, 60_000, () => undefined],
    ['shift', {}, 60_000, () => undefined],
    ['bake', { steps: 'AllAtOnce', 'bake-time': '30m' }, 20 * 60_000, () => undefined],
  ])(
    'a breach during %s puts all traffic back on blue and names the alarm',
    async (phase, inputs, at, setup) => {
      const s = scenario();
      setup(s);
      s.clock.after(at, () => s.aws.setAlarm('api-5xx', 'ALARM', 'Threshold Crossed: 5 datapoints > 1'));
      const report = await deploy(s, inputs);
      expectRolledBack(s, report);
      expect(report.reason).toBe('alarm api-5xx is in ALARM: Threshold Crossed: 5 datapoints > 1');
      expect(report.timeline.some((e) => e.phase === phase)).toBe(true);
      expect(report.timeline.some((e) => e.alarms['api-5xx'] === 'ALARM')).toBe(true);
    },
  );

  test('production traffic is back on blue within one poll interval of the alarm', async () => {
    const s = scenario();
    const alarmAt = s.clock.now() + 123_456;
    s.clock.at(alarmAt, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    let restoredAt = 0;
    const report = await deploy(
      s,
      { 'poll-interval': '5s' },
      { onTrafficRestored: () => (restoredAt = s.clock.now()) },
    );
    expectRolledBack(s, report);
    expect(restoredAt - alarmAt).toBeGreaterThanOrEqual(0);
    expect(restoredAt - alarmAt).toBeLessThanOrEqual(5_000);
    expect(s.aws.weightHistory.at(-1)!.weights).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  });

  test('the timeline has one row per event, each phase entered with what happened in it', async () => {
    const s = scenario();
    s.clock.after(60_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s);
    expect(report.timeline.map((e) => [e.phase, e.traffic, e.note, e.alarms])).toEqual([
      ['prepare', 0, 'green created', {}],
      ['stabilize', 0, 'green steady', {}],
      ['shift', 10, 'traffic 10%', {}],
      ['shift', 10, 'alarm api-5xx ALARM', { 'api-5xx': 'ALARM' }],
      ['rollback', 0, 'traffic back on blue', { 'api-5xx': 'ALARM' }],
    ]);
    expect(Date.parse(report.timeline[3]!.at) - Date.parse(report.timeline[2]!.at)).toBe(60_000);
  });

  test('a green task set that never steadies is rolled back after stabilize-timeout', async () => {
    const s = scenario();
    s.aws.greenSteadies = false;
    const start = s.clock.now();
    const report = await deploy(s, { 'stabilize-timeout': '3m' });
    expectRolledBack(s, report);
    expect(report.reason).toMatch(
      /green did not reach a steady state within 3m \(STABILIZING, 0\/4 running\)/,
    );
    expect(s.clock.now() - start).toBeGreaterThanOrEqual(3 * 60_000);
    expect(s.aws.weightHistory).toHaveLength(1); // only the rollback's write: green never got traffic
  });

  test('a failing before-traffic hook rolls back before production traffic', async () => {
    const s = scenario();
    const report = await deploy(s, { 'before-traffic': './smoke-test.sh' }, { runHook: async () => 3 });
    expectRolledBack(s, report);
    expect(report.reason).toBe('before-traffic hook failed with exit code 3: ./smoke-test.sh');
  });

  test('a failing after-traffic hook rolls back from 100%', async () => {
    const s = scenario();
    const report = await deploy(
      s,
      { 'after-traffic': 'exit 1' },
      { runHook: async (name) => (name === 'after-traffic' ? 1 : 0) },
    );
    expectRolledBack(s, report);
    expect(s.aws.weightHistory.map((h) => h.weights[GREEN_TG])).toEqual([10, 100, 0]);
  });

  test('a breach while a hook hangs stops the hook and rolls back', async () => {
    const s = scenario();
    s.clock.after(45_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    let stopped = false;
    const report = await deploy(
      s,
      { 'after-traffic': './soak-test.sh', steps: 'AllAtOnce' },
      {
        // A hook that never ends by itself: it resolves only when the engine stops it.
        runHook: (_name, _command, _env, signal) =>
          new Promise<number>((resolve) =>
            signal.addEventListener('abort', () => {
              stopped = true;
              resolve(143);
            }),
          ),
      },
    );
    expectRolledBack(s, report);
    expect(stopped).toBe(true);
    expect(report.reason).toMatch(/^alarm api-5xx is in ALARM/);
    expect(report.timeline.find((e) => e.note === 'alarm api-5xx ALARM')?.phase).toBe('after-traffic');
    expect(s.logs).toContain('warning: Stopping the after-traffic hook: the deploy is rolling back');
  });

  test('the overall timeout rolls back', async () => {
    const s = scenario();
    s.aws.taskStartMs = 4 * 60_000; // each scale-up takes 4 minutes: the plan fits, the deploy does not
    const report = await deploy(s, {
      timeout: '8m',
      'bake-time': '1m',
      routing: 'task-sets',
      'listener-arn': '',
      steps: '50%:1m, 100%',
      'stabilize-timeout': '15m',
    });
    expectRolledBack(s, report);
    expect(report.reason).toBe(
      'the deploy did not finish within timeout 8m (waiting for green at 100% to be steady, STABILIZING, 2/4 running)',
    );
  });

  test('an AWS error that retries cannot cure rolls back', async () => {
    const s = scenario();
    s.aws.fail(
      'ModifyListener',
      Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }),
      1,
    );
    const report = await deploy(s);
    expectRolledBack(s, report);
    expect(report.reason).toBe('AWS error: User is not authorized');
  });

  test.each([
    ['stabilize', 0],
    ['shift', 2 * 60_000],
    ['bake', 8 * 60_000],
  ])('cancellation during %s rolls back', async (phase, at) => {
    const s = scenario();
    s.clock.after(at, () => s.cancel.abort());
    const report = await deploy(s, { 'bake-time': '10m' });
    expectRolledBack(s, report);
    expect(report.reason).toBe('the job was cancelled');
    expect(report.timeline.filter((e) => e.phase === phase).length).toBeGreaterThan(0);
  });

  test('a weight change that AWS does not show is not taken for done: the deploy rolls back', async () => {
    const s = scenario();
    // The 100% step is answered with success but not applied.
    s.clock.after(60_000, () => {
      s.aws.ignoreNextModify = true;
    });
    const report = await deploy(s);
    expectRolledBack(s, report);
    const weights = (blue: number, green: number): string =>
      JSON.stringify({ [BLUE_TG]: blue, [GREEN_TG]: green });
    expect(report.reason).toBe(
      `AWS error: The listener ${LISTENER} shows weights ${weights(90, 10)} after they were set to ${weights(0, 100)}`,
    );
    expect(report.timeline.some((e) => e.traffic === 100)).toBe(false);
  });

  test('weights moved by someone else mid-step stop the deploy instead of being overwritten', async () => {
    const s = scenario();
    s.clock.after(60_000, () => {
      const forward = s.aws.actions.get(LISTENER)![0]!;
      forward.ForwardConfig!.TargetGroups = [
        { TargetGroupArn: BLUE_TG, Weight: 50 },
        { TargetGroupArn: GREEN_TG, Weight: 50 },
      ];
    });
    const report = await deploy(s);
    expectRolledBack(s, report);
    expect(report.reason).toBe(
      `the listener ${LISTENER} was changed outside this deploy: green has 50% of its traffic, not 10%`,
    );
  });

  test('other changes to the listener during the deploy are kept when traffic moves', async () => {
    const s = scenario();
    const sticky = { Enabled: true, DurationSeconds: 300 };
    s.clock.after(60_000, () => {
      s.aws.actions.get(LISTENER)![0]!.ForwardConfig!.TargetGroupStickinessConfig = sticky;
    });
    const report = await deploy(s);
    expect(report.result).toBe('deployed');
    expect(s.aws.actions.get(LISTENER)![0]!.ForwardConfig!.TargetGroupStickinessConfig).toEqual(sticky);
  });

  test('rollback retries a failing call and reports only what AWS shows', async () => {
    const s = scenario();
    s.clock.after(60_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    s.aws.fail('DeleteTaskSet', throttled(), 2);
    const report = await deploy(s);
    expectRolledBack(s, report);
    expect(s.logs.filter((l) => l.includes('Rollback: delete green failed'))).toHaveLength(2);
  });
});

describe('before anything changes', () => {
  test('a missing alarm is an error and nothing in AWS changes', async () => {
    const s = scenario(['api-5xx']);
    await expect(deploy(s, { alarms: 'api-5xx, api-latency' })).rejects.toThrow(
      `Input 'alarms': "api-latency" does not exist in CloudWatch`,
    );
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a blocker alarm in ALARM blocks the deploy', async () => {
    const s = scenario(['api-5xx', 'db-health']);
    s.aws.setAlarm('db-health', 'ALARM', 'replica lag');
    const report = await deploy(s, { 'blocker-alarms': 'db-health' });
    expect(report.result).toBe('blocked');
    expect(report.reason).toMatch(/^blocker alarm db-health is already in ALARM \(replica lag\)/);
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a watched alarm already firing blocks the deploy instead of rolling it back', async () => {
    const s = scenario();
    s.aws.setAlarm('api-5xx', 'ALARM');
    const report = await deploy(s);
    expect(report.result).toBe('blocked');
    expect(report.reason).toMatch(/^watched alarm api-5xx is already in ALARM/);
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a CODE_DEPLOY service is refused with the way to migrate', async () => {
    const s = scenario();
    s.aws.controller = 'CODE_DEPLOY';
    await expect(deploy(s)).rejects.toThrow(
      /uses the CODE_DEPLOY deployment controller.*Migrating from CodeDeploy/,
    );
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('min-requests on an EXTERNAL service without a listener is refused once the service is read', async () => {
    const s = scenario();
    await expect(deploy(s, { 'listener-arn': '', 'min-requests': '100' })).rejects.toThrow(
      `Input 'min-requests': "100" is not valid: 'api' is an EXTERNAL service with task-sets routing: counting ` +
        "green's requests needs 'routing: listener' (with task-sets routing both versions share one target group)",
    );
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a task definition that does not exist is refused', async () => {
    const s = scenario();
    await expect(deploy(s, { 'task-definition': 'other:3' }, { region: 'us-east-1' })).rejects.toThrow(
      `Input 'task-definition': "other:3": no such task definition in region us-east-1;`,
    );
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('dry-run reads the state and changes nothing', async () => {
    const s = scenario();
    const report = await deploy(s, { 'dry-run': 'true' });
    expect(report.result).toBe('dry-run');
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
    const plan = s.logs.find((l) => l.startsWith('Plan for '));
    expect(plan).toContain('1. 10% for 5m');
    expect(plan).toContain('2. 100%');
    expect(plan).toContain('then bake 5m');
  });

  test('require-review refuses an unreviewed commit', async () => {
    const s = scenario();
    const report = await deploy(
      s,
      { 'require-review': 'true' },
      {
        checkReview: async () => ({
          ok: false,
          reason: 'commit abc1234 did not reach main through an approved pull request',
        }),
      },
    );
    expect(report).toMatchObject({
      result: 'blocked',
      reason: 'commit abc1234 did not reach main through an approved pull request',
    });
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });
});

describe('task sets left by other runs', () => {
  const leftover = (s: ReturnType<typeof scenario>, ageMs: number, tags = true): void => {
    s.aws.taskSets.push({
      taskSetArn: 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/9',
      status: 'ACTIVE',
      scale: { unit: 'PERCENT', value: 100 },
      loadBalancers: [{ targetGroupArn: GREEN_TG }],
      createdAt: new Date(s.clock.now() - ageMs),
      tags: tags
        ? [
            { key: 'safe-deploy:run-id', value: '98' },
            { key: 'safe-deploy:run-attempt', value: '1' },
            { key: 'safe-deploy:heartbeat', value: new Date(s.clock.now() - ageMs).toISOString() },
          ]
        : [],
    });
  };

  test('an abandoned one is removed, and the run says so', async () => {
    const s = scenario();
    leftover(s, 30 * 60_000);
    const report = await deploy(s);
    expect(report.result).toBe('deployed');
    expect(s.logs).toContain(
      'warning: Removed task set arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/9 left by run 98 (attempt 1), abandoned',
    );
  });

  test('one whose run is still alive blocks, so two runs never shift one service', async () => {
    const s = scenario();
    leftover(s, 30_000);
    const report = await deploy(s);
    expect(report.result).toBe('blocked');
    expect(report.reason).toMatch(/^Run 98 \(attempt 1\) of another repository is deploying this service/);
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('one not created by safe-deploy blocks', async () => {
    const s = scenario();
    leftover(s, 30 * 60_000, false);
    const report = await deploy(s);
    expect(report.result).toBe('blocked');
    expect(report.reason).toMatch(/was not created by safe-deploy/);
  });
});

describe('alarm watch', () => {
  test('a watched alarm deleted during the deploy rolls back: the deploy is no longer watched', async () => {
    const s = scenario(['api-5xx', 'api-latency']);
    s.clock.after(2 * 60_000, () => void s.aws.alarms.delete('api-latency'));
    const report = await deploy(s, { alarms: 'api-5xx, api-latency' });
    expectRolledBack(s, report);
    expect(report.reason).toBe(
      'alarm api-latency no longer exists in CloudWatch: the deploy would go on unwatched by it',
    );
  });

  test('alarms matched by prefix are watched', async () => {
    const s = scenario(['api-5xx', 'api-p99-latency', 'billing-errors']);
    s.clock.after(60_000, () => s.aws.setAlarm('api-p99-latency', 'ALARM'));
    const report = await deploy(s, { alarms: '', 'alarm-prefixes': 'api-' });
    expectRolledBack(s, report);
    expect(report.plan.alarms).toEqual(['api-5xx', 'api-p99-latency']);
    expect(report.reason).toMatch(/^alarm api-p99-latency is in ALARM/);
  });

  test('a composite alarm breach rolls back', async () => {
    const s = scenario([]);
    s.aws.addAlarm('api-high-severity', 'OK', 'composite');
    s.clock.after(60_000, () => s.aws.setAlarm('api-high-severity', 'ALARM'));
    const report = await deploy(s, { alarms: 'api-high-severity' });
    expectRolledBack(s, report);
    expect(report.reason).toMatch(/^alarm api-high-severity is in ALARM/);
  });

  test('250 watched alarms are read in one call a poll (the account’s alarms in ALARM)', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    const s = scenario(names);
    const report = await deploy(s, {
      alarms: names.join(','),
      steps: 'AllAtOnce',
      'bake-time': '100s',
      'poll-interval': '10s',
    });
    expect(report.result).toBe('deployed');
    const reads = s.aws.cwMock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    const steady = reads.filter((i) => i.StateValue === 'ALARM');
    expect(steady.every((i) => !i.AlarmNames && !i.AlarmNamePrefix)).toBe(true);
    expect(steady.length).toBeGreaterThanOrEqual(11); // the 100-second bake alone is 11 polls
    // Full reads by name (3 batches): the resolve, the first poll, and one a minute.
    expect((reads.length - steady.length) % 3).toBe(0);
  });

  test.each([
    ['ignore', 'deployed'],
    ['rollback', 'rolled-back'],
  ])('insufficient-data: %s', async (mode, result) => {
    const s = scenario();
    s.clock.after(60_000, () => s.aws.setAlarm('api-5xx', 'INSUFFICIENT_DATA', 'no datapoints'));
    const report = await deploy(s, { 'insufficient-data': mode });
    expect(report.result).toBe(result);
    if (result === 'rolled-back') {
      expectRolledBack(s, report);
      expect(report.reason).toBe('alarm api-5xx is in INSUFFICIENT_DATA: no datapoints');
    }
  });

  test('one box, listener routing: one task takes its share and bakes, then green grows before the steps', async () => {
    const s = scenario();
    const report = await deploy(s, { 'one-box': 'true', 'one-box-bake': '10m', steps: '50%:5m, 100%' });
    expect(report.result).toBe('deployed');
    const created = s.aws.ecsMock.calls().find((c) => c.args[0].constructor.name === 'CreateTaskSetCommand')!;
    expect((created.args[0].input as { scale: object }).scale).toEqual({ unit: 'PERCENT', value: 25 });
    // One task beside blue's four takes one fifth; the one-box bake holds it 10 minutes.
    expect(s.aws.weightHistory.map((h) => h.weights[GREEN_TG])).toEqual([20, 50, 100]);
    expect(s.aws.weightHistory[1]!.at - s.aws.weightHistory[0]!.at).toBeGreaterThanOrEqual(10 * 60_000);
    // Green is at full size before it takes the first step's traffic.
    const grown = s.aws.calls.indexOf('UpdateTaskSet');
    const secondShift = s.aws.calls.indexOf('ModifyListener', s.aws.calls.indexOf('ModifyListener') + 1);
    expect(grown).toBeGreaterThan(-1);
    expect(grown).toBeLessThan(secondShift);
    expect(report.timeline.some((e) => e.phase === 'one-box' && e.traffic === 20)).toBe(true);
  });

  test('one box, task-sets routing: one task beside all of blue, then the steps by scale', async () => {
    const s = scenario();
    const report = await deploy(s, {
      'listener-arn': '',
      routing: 'task-sets',
      'one-box': 'true',
      'one-box-bake': '10m',
      steps: '50%:5m, 100%',
    });
    expect(report.result).toBe('deployed');
    const updates = s.aws.ecsMock
      .calls()
      .filter((c) => c.args[0].constructor.name === 'UpdateTaskSetCommand')
      .map((c) => c.args[0].input as { taskSet: string; scale: { value: number } })
      .map((u) => [u.taskSet === BLUE_TASK_SET ? 'blue' : 'green', u.scale.value]);
    expect(updates).toEqual([
      ['green', 25], // one box: one task of four, blue untouched
      ['green', 50],
      ['blue', 50],
      ['green', 100],
      ['blue', 0],
    ]);
    expect(report.timeline.some((e) => e.phase === 'one-box' && e.traffic === 20)).toBe(true);
  });

  test('one-box alarms are watched only during the one-box stage', async () => {
    const s = scenario(['api-5xx', 'api-one-box-errors']);
    s.clock.after(2 * 60_000, () => s.aws.setAlarm('api-one-box-errors', 'ALARM'));
    const report = await deploy(s, {
      'one-box': 'true',
      'one-box-alarms': 'api-one-box-errors',
      'one-box-bake': '10m',
    });
    expectRolledBack(s, report);
    expect(report.reason).toMatch(/^alarm api-one-box-errors is in ALARM/);
    // One task of four: green's proportional share is one in five.
    expect(s.aws.weightHistory[0]!.weights).toEqual({ [BLUE_TG]: 80, [GREEN_TG]: 20 });
  });

  test('a one-box alarm firing after the one-box stage does not roll back', async () => {
    const s = scenario(['api-5xx', 'api-one-box-errors']);
    s.clock.after(13 * 60_000, () => s.aws.setAlarm('api-one-box-errors', 'ALARM'));
    const report = await deploy(s, {
      'one-box': 'true',
      'one-box-alarms': 'api-one-box-errors',
      'one-box-bake': '10m',
    });
    expect(report.result).toBe('deployed');
  });

  test('the bake holds until min-requests is reached', async () => {
    const s = scenario();
    const start = s.clock.now();
    s.clock.after(30 * 60_000, () => {
      s.aws.requestCount = 1500;
    });
    const report = await deploy(s, { steps: 'AllAtOnce', 'bake-time': '5m', 'min-requests': '1000' });
    expect(report.result).toBe('deployed');
    expect(s.clock.now() - start).toBeGreaterThanOrEqual(30 * 60_000);
    expect(s.logs.some((l) => /^bake · green 100% · .* · 1 alarm OK · 0\/1000 requests$/.test(l))).toBe(true);
  });

  test('a throttling storm never rolls back by itself, and no hold ends blind', async () => {
    const s = scenario();
    s.clock.after(60_000, () => s.aws.fail('DescribeAlarms', throttled(), 40));
    const report = await deploy(s, { steps: 'AllAtOnce', 'bake-time': '2m', 'poll-interval': '10s' });
    expect(report.result).toBe('deployed');
    expect(
      s.logs.filter((l) => l.startsWith('warning: CloudWatch throttled the alarm read (Rate exceeded)')),
    ).toHaveLength(40);
    // The 2-minute bake could not end while alarms were unreadable (40 polls of 10 seconds).
    expect(report.timeline.at(-1)!.at > new Date(Date.parse(report.startedAt) + 400_000).toISOString()).toBe(
      true,
    );
  });

  test.each([
    ['listener', 'DescribeListeners', {}],
    ['listener', 'ModifyListener', {}],
    ['task-sets', 'UpdateTaskSet', { 'listener-arn': '', routing: 'task-sets' }],
    ['task-sets', 'DescribeTaskSets', { 'listener-arn': '', routing: 'task-sets' }],
  ])(
    '%s routing: %s throttled past the SDK retries at a step holds and tries again, never rolls back',
    async (_routing, command, inputs) => {
      const s = scenario();
      // The 100% step meets 5 throttling errors in a row (the SDK's own retries already spent).
      s.clock.after(5 * 60_000 - 1, () => s.aws.fail(command, throttled(), 5));
      const report = await deploy(s, inputs);
      expect(report.result).toBe('deployed');
      expect(s.logs.filter((l) => l.includes('(Rate exceeded); trying again'))).toHaveLength(5);
    },
  );

  test('a throttled request count during the bake is read again later, never rolls back', async () => {
    const s = scenario();
    s.aws.requestCount = 1500;
    s.aws.fail('GetMetricData', throttled(), 3);
    const report = await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m', 'min-requests': '1000' });
    expect(report.result).toBe('deployed');
    expect(
      s.logs.filter(
        (l) => l === "warning: Could not read green's request count (Rate exceeded); trying again",
      ),
    ).toHaveLength(3);
  });

  test('a breach while a step is throttled still rolls back', async () => {
    const s = scenario();
    // Still throttled when the alarm fires a minute later (one try a poll); the rollback's own retries
    // then get through.
    s.clock.after(5 * 60_000 - 1, () => s.aws.fail('ModifyListener', throttled(), 8));
    s.clock.after(6 * 60_000 - 1, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s);
    expectRolledBack(s, report);
    expect(report.reason).toMatch(/^alarm api-5xx is in ALARM/);
    expect(s.aws.weightHistory.map((h) => h.weights[GREEN_TG])).toEqual([10, 0]);
  });

  test('a breach after a throttling storm still rolls back', async () => {
    const s = scenario();
    s.clock.after(60_000, () => s.aws.fail('DescribeAlarms', throttled(), 5));
    s.clock.after(90_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s);
    expectRolledBack(s, report);
  });
});

test('a listener that does not forward to two target groups is refused before any change', async () => {
  const s = scenario();
  s.aws.actions.set(LISTENER, [{ Type: 'forward', TargetGroupArn: BLUE_TG }]);
  await expect(deploy(s)).rejects.toThrow(/must forward to two target groups/);
  expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
});

test('a listener left split by someone else is put back on blue, with a warning, before green is created', async () => {
  const s = scenario();
  s.aws.actions.set(LISTENER, [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE_TG, Weight: 70 },
          { TargetGroupArn: GREEN_TG, Weight: 30 },
        ],
      },
    },
  ]);
  const report = await deploy(s);
  expect(report.result).toBe('deployed');
  expect(s.aws.weightHistory[0]!.weights).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  expect(
    s.logs.some((l) => l.startsWith(`warning: The listener sent traffic to ${GREEN_TG} before this deploy`)),
  ).toBe(true);
});

test('two runs creating green at once: the later one removes only its own task set and leaves traffic alone', async () => {
  const s = scenario();
  const { ecs, rivalArn } = racingRun(s);
  const report = await deploy(s, {}, { ecs });
  expect(report.result).toBe('blocked');
  expect(report.reason).toBe(
    `another run started deploying this service at the same time (task set ${rivalArn}); this run backed off`,
  );
  expect(s.aws.weights()).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });
  expect(s.aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET, rivalArn]);
});

describe('ARNs that point nowhere', () => {
  test('a listener that does not exist names the input, the ARN, the region looked in and what AWS said', async () => {
    const s = scenario();
    s.aws.fail(
      'DescribeListeners',
      Object.assign(new Error('One or more listeners not found'), { name: 'ListenerNotFoundException' }),
    );
    await expect(deploy(s, {}, { region: 'us-east-1' })).rejects.toThrow(
      `Input 'listener-arn': "${LISTENER}": no such listener in region us-east-1 (AWS said: One or more listeners not found)`,
    );
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a cluster that does not exist names the input and the region', async () => {
    const s = scenario();
    s.aws.fail(
      'DescribeServices',
      Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }),
    );
    await expect(deploy(s, { cluster: 'nope' }, { region: 'us-east-1' })).rejects.toThrow(
      `Input 'cluster': "nope": no such cluster in region us-east-1 (AWS said: Cluster not found.)`,
    );
  });

  test("an ARN of another account than the service's is refused before any change, naming each", async () => {
    const s = scenario();
    const foreign = LISTENER.replace('111111111111', '222222222222');
    await expect(deploy(s, { 'listener-arn': foreign })).rejects.toThrow(
      `Input 'listener-arn': "${foreign}" is in account 222222222222; the deploy's credentials are for account 111111111111`,
    );
    expect(s.aws.calls).not.toContain('DescribeListeners');
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });
});
