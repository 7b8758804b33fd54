import { CONTROL_TAG, encodeRequest } from '../../src/control-protocol/channel.js';
import {
  abortCommand,
  promoteCommand,
  statusCommand,
  type ControlPorts,
} from '../../src/control/commands.js';
import { restoreKept } from '../../src/control/restore.js';
import { renderSummary } from '../../src/report/summary.js';
import { BLUE_TASK_SET, BLUE_TG, GREEN_TG } from '../support/fake-aws.js';
import { FakeEcsDeployments, TASK_DEFINITION } from '../support/fake-ecs-deployments.js';
import { deploy, expectRolledBack, scenario, type Scenario } from '../deploy/harness.js';

// The job's end of the control channel, run by the lifecycle against the fake, and the commands a person
// runs meanwhile, reaching it through the same (fake) AWS.
const ALICE = 'arn:aws:sts::111111111111:assumed-role/ops/alice';
const MINUTE = 60_000;
const options = { cluster: 'web', service: 'api', json: false, waitMs: 0 };
const ports = (s: Scenario): ControlPorts => ({
  ...s.aws.ports(),
  identity: { callerArn: async () => ALICE },
  clock: s.clock,
});
const greenTags = (s: Scenario): Record<string, string> =>
  Object.fromEntries((s.aws.others()[0]?.tags ?? []).map((t) => [t.key!, t.value!]));
const greenShareAt = (s: Scenario, at: number): number => {
  const before = s.aws.weightHistory.filter((w) => w.at <= at).at(-1);
  return before?.weights[GREEN_TG] ?? 0;
};

describe('a N%:pause step', () => {
  test('holds green at its share, alarms watched, until promoted from outside; the log and summary say who', async () => {
    const s = scenario();
    const start = s.clock.now();
    let status = '';
    s.clock.after(40 * MINUTE, async () => {
      status = (await statusCommand(options, ports(s))).text;
      await promoteCommand(options, ports(s));
    });
    const report = await deploy(s, { steps: '10%:pause, 100%', 'bake-time': '1m', 'pause-timeout': '2h' });
    expect(report.result).toBe('deployed');
    // Paused at 10% for 40 minutes (well past what a step would hold), then on within a poll of the request.
    expect(greenShareAt(s, start + 39 * MINUTE)).toBe(10);
    const full = s.aws.weightHistory.find((w) => w.weights[GREEN_TG] === 100)!;
    expect(full.at - (start + 40 * MINUTE)).toBeLessThanOrEqual(10_000);
    expect(status).toContain('a deploy is running');
    expect(status).toMatch(/holding: {2}pause step-1, 1h\d*m?\d*s? left/);
    expect(status).toContain('traffic:  10% on green');
    const note = report.timeline.find((e) => e.note?.includes('promoted by'))!;
    expect(note.note).toBe(
      `step-1 promoted by ${ALICE} (asked at ${new Date(start + 40 * MINUTE).toISOString()})`,
    );
    expect(s.logs).toContain(
      `step-1: promoted by ${ALICE} (asked at ${new Date(start + 40 * MINUTE).toISOString()})`,
    );
    expect(renderSummary(report)).toContain(`promoted by ${ALICE}`);
    // Promoted: the job answered, and green (now PRIMARY) shows the deploy finished.
    const tags = Object.fromEntries((s.aws.primary()!.tags ?? []).map((t) => [t.key!, t.value!]));
    expect(tags[CONTROL_TAG.answer]).toMatch(/^promoted step-1 at /);
    expect(tags[CONTROL_TAG.phase]).toBe('finished');
  });

  test('not promoted within pause-timeout: rolls back (on-pause-timeout: rollback, the default)', async () => {
    const s = scenario();
    const report = await deploy(s, { steps: '10%:pause, 100%', 'pause-timeout': '30m' });
    expectRolledBack(s, report);
    expect(report.reason).toBe(
      'step 1/2: 10% was not promoted within pause-timeout 30m (on-pause-timeout: rollback)',
    );
  });

  test('on-pause-timeout: promote goes on; time paused does not count toward timeout', async () => {
    const s = scenario();
    const report = await deploy(s, {
      steps: '10%:pause, 100%',
      'pause-timeout': '2h',
      'on-pause-timeout': 'promote',
      timeout: '20m',
      'bake-time': '5m',
    });
    expect(report.result).toBe('deployed');
    expect(report.timeline.some((e) => e.note?.includes('not promoted within 2h: going on'))).toBe(true);
  });

  test('an alarm while paused rolls back', async () => {
    const s = scenario();
    s.clock.after(20 * MINUTE, () => s.aws.setAlarm('api-5xx', 'ALARM', 'Threshold Crossed'));
    const report = await deploy(s, { steps: '10%:pause, 100%' });
    expectRolledBack(s, report);
    expect(report.reason).toBe('alarm api-5xx is in ALARM: Threshold Crossed');
  });

  test('a promote meant for an earlier hold does not end the pause after it', async () => {
    const s = scenario();
    // A promote asked during step 1's timed hold, but first read once the deploy paused at step 2.
    s.clock.after(10 * MINUTE, async () => {
      const green = s.aws.others()[0]!;
      const request = encodeRequest({
        action: 'promote',
        by: ALICE,
        at: new Date(s.clock.now() - 6 * MINUTE).toISOString(),
        run: '99/1',
        hold: 'step-1',
      });
      green.tags!.push(...Object.entries(request).map(([key, value]) => ({ key, value })));
    });
    const report = await deploy(s, { steps: '10%:5m, 20%:pause, 100%', 'pause-timeout': '1h' });
    expect(report.reason).toBe(
      'step 2/3: 20% was not promoted within pause-timeout 1h (on-pause-timeout: rollback)',
    );
    expect(s.logs.find((l) => l.startsWith('A promote request'))).toMatch(
      /was ignored: meant for step-1, the deploy is at step-2$/,
    );
  });
});

describe('abort', () => {
  test('during a step hold rolls back at once, saying who and when', async () => {
    const s = scenario();
    const start = s.clock.now();
    s.clock.after(2 * MINUTE, () => abortCommand(options, ports(s)).then(() => undefined));
    const report = await deploy(s, { steps: '10%:30m, 100%' });
    expectRolledBack(s, report);
    expect(report.reason).toBe(
      `aborted by ${ALICE} at ${new Date(start + 2 * MINUTE).toISOString()} (safe-deploy abort)`,
    );
    expect(s.clock.now() - start).toBeLessThan(3 * MINUTE);
    expect(renderSummary(report)).toContain(`aborted by ${ALICE}`);
  });

  test('with nothing running is a clear error and changes nothing', async () => {
    const s = scenario();
    await expect(abortCommand(options, ports(s))).rejects.toThrow(
      'No deploy is running on web/api: nothing to abort',
    );
    expect(s.aws.count('TagResource')).toBe(0);
  });
});

describe('keep-previous, then rollback', () => {
  test.each(['listener', 'task-sets'] as const)(
    '%s routing: blue is kept at 0%% and tagged; rollback brings it back, verified, and then nothing is kept',
    async (routing) => {
      const s = scenario();
      const inputs: Record<string, string> =
        routing === 'listener' ? {} : { 'listener-arn': '', routing: 'task-sets' };
      const report = await deploy(s, {
        ...inputs,
        steps: 'AllAtOnce',
        'bake-time': '1m',
        'keep-previous': 'true',
      });
      expect(report.result).toBe('deployed');
      const blue = s.aws.taskSets.find((t) => t.taskSetArn === BLUE_TASK_SET)!;
      expect([blue.status, blue.scale?.value]).toEqual(['ACTIVE', 0]);
      const tags = Object.fromEntries((blue.tags ?? []).map((t) => [t.key!, t.value!]));
      expect(tags[CONTROL_TAG.keptBy]).toBe('99/1');
      expect(s.logs.some((l) => l.includes('safe-deploy rollback --cluster web --service api'))).toBe(true);
      if (routing === 'listener') expect(s.aws.weights()).toEqual({ [BLUE_TG]: 0, [GREEN_TG]: 100 });

      const status = (await statusCommand(options, ports(s))).text;
      expect(status).toContain(`kept release: ${BLUE_TASK_SET}`);

      const green = s.aws.primary()!.taskSetArn!;
      const outcome = await restoreKept(
        {
          cluster: 'web',
          service: 'api',
          stabilizeTimeoutMs: 10 * MINUTE,
          pollIntervalMs: 5000,
          dryRun: false,
        },
        { ...s.aws.ports(), clock: s.clock, info: () => undefined, warn: () => undefined },
      );
      expect(outcome).toMatchObject({ result: 'restored', restoredArn: BLUE_TASK_SET, removedArn: green });
      expect(s.aws.taskSets.map((t) => [t.taskSetArn, t.status, t.scale?.value])).toEqual([
        [BLUE_TASK_SET, 'PRIMARY', 100],
      ]);
      if (routing === 'listener') expect(s.aws.weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
      // Nothing is kept any more: a second rollback has nothing to bring back.
      await expect(
        restoreKept(
          { cluster: 'web', service: 'api', stabilizeTimeoutMs: MINUTE, pollIntervalMs: 5000, dryRun: false },
          { ...s.aws.ports(), clock: s.clock, info: () => undefined, warn: () => undefined },
        ),
      ).rejects.toThrow('No release is kept on web/api');
    },
  );

  test('the next deploy removes a kept release as kept, not as abandoned', async () => {
    const s = scenario();
    await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m', 'keep-previous': 'true' });
    s.logs.length = 0;
    s.clock.after(0, () => undefined);
    const next = await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m' });
    expect(next.result).toBe('deployed');
    expect(s.logs.some((l) => l.startsWith(`Removed ${BLUE_TASK_SET}, the release kept by run 99/1`))).toBe(
      true,
    );
    expect(s.logs.some((l) => l.includes('abandoned'))).toBe(false);
    expect(s.aws.taskSets).toHaveLength(1);
  });

  test('a deploy that fails keeps the kept release: it is still there to roll back to', async () => {
    const s = scenario();
    await deploy(s, { steps: 'AllAtOnce', 'bake-time': '1m', 'keep-previous': 'true' });
    const running = s.aws.primary()!.taskSetArn!;
    s.clock.after(MINUTE, () => s.aws.setAlarm('api-5xx', 'ALARM', 'x'));
    const failed = await deploy(s, { steps: '10%:5m, 100%', 'keep-previous': 'true' });
    s.aws.setAlarm('api-5xx', 'OK', 'fine');
    expect(failed.result).toBe('rolled-back');
    expect(s.aws.taskSets.map((t) => [t.taskSetArn, t.status, t.scale?.value])).toEqual([
      [BLUE_TASK_SET, 'ACTIVE', 0],
      [running, 'PRIMARY', 100],
    ]);
    const outcome = await restoreKept(
      {
        cluster: 'web',
        service: 'api',
        stabilizeTimeoutMs: 10 * MINUTE,
        pollIntervalMs: 5000,
        dryRun: false,
      },
      { ...s.aws.ports(), clock: s.clock, info: () => undefined, warn: () => undefined },
    );
    expect(outcome).toMatchObject({ result: 'restored', restoredArn: BLUE_TASK_SET, removedArn: running });
  });

  test('refused for an ECS-controller service, naming the input, before any change', async () => {
    const s = scenario();
    s.aws.controller = 'ECS';
    await expect(deploy(s, { 'keep-previous': 'true' })).rejects.toThrow(
      `Input 'keep-previous': "true" is not valid: service 'api' uses the ECS deployment controller`,
    );
    await expect(deploy(s, { steps: '10%:pause, 100%' })).rejects.toThrow(
      `Input 'steps': "10%:pause" is not valid`,
    );
  });
});

describe('why green failed', () => {
  test('a green that never steadies: stopped tasks and unhealthy targets in the log and the summary', async () => {
    const s = scenario();
    s.aws.greenSteadies = false;
    s.clock.after(30_000, () => {
      const green = s.aws.others()[0]!.taskSetArn!;
      s.aws.stoppedTasks.push({
        taskArn: 'arn:aws:ecs:us-east-1:111111111111:task/web/0123',
        startedBy: green.split('/').slice(-2).join('/'),
        stoppedAt: new Date(s.clock.now()),
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
        containers: [{ name: 'app', reason: 'CannotPullContainerError' }],
      });
      s.aws.serviceEvents.unshift({
        id: 'e1',
        createdAt: new Date(s.clock.now()),
        message: '(service api) is unable to consistently start tasks successfully.',
      });
    });
    const report = await deploy(s, { 'stabilize-timeout': '3m' });
    expectRolledBack(s, report);
    expect(report.diagnosis?.stoppedTasks[0]?.text).toBe(
      'TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time(s); containers: app (CannotPullContainerError)',
    );
    const summary = renderSummary(report);
    expect(summary).toContain('### Why green failed');
    expect(summary).toContain('CannotPullContainerError: pull image manifest has been retried 5 time(s)');
    expect(summary).toContain('is unable to consistently start tasks successfully.');
    expect(s.logs.some((l) => l.includes('Why green failed, as ECS reports it:'))).toBe(true);
  });

  test('an alarm breach with nothing wrong in ECS adds no diagnosis', async () => {
    const s = scenario();
    s.clock.after(MINUTE, () => s.aws.setAlarm('api-5xx', 'ALARM', 'x'));
    const report = await deploy(s, {});
    expectRolledBack(s, report);
    expect(report.diagnosis).toBeUndefined();
  });
});

test('the live state is published on green while the deploy runs', async () => {
  const s = scenario();
  let tags: Record<string, string> = {};
  s.clock.after(3 * MINUTE, () => void (tags = greenTags(s)));
  await deploy(s, { steps: '10%:5m, 100%' });
  expect(tags).toMatchObject({
    [CONTROL_TAG.phase]: 'shift',
    [CONTROL_TAG.step]: '1/2',
    [CONTROL_TAG.traffic]: '10',
    [CONTROL_TAG.hold]: 'step step-1',
    [CONTROL_TAG.runId]: '99',
  });
});

describe('the control channel under throttling (issue 20, defect 4)', () => {
  test('ListTagsForResource throttled: status still shows the pause, and a promote is answered within two polls of it easing', async () => {
    const s = scenario();
    const start = s.clock.now();
    const easesAt = start + 45 * MINUTE;
    const aws = s.aws.ports();
    const ecs = Object.create(aws.ecs) as typeof aws.ecs;
    let refused = 0;
    ecs.resourceTags = async (arn) => {
      if (s.clock.now() < easesAt) {
        refused++;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return aws.ecs.resourceTags(arn);
    };
    let status = '';
    s.clock.after(40 * MINUTE, async () => {
      status = (await statusCommand(options, ports(s))).text;
      await promoteCommand(options, ports(s));
    });
    const report = await deploy(
      s,
      { steps: '10%:pause, 100%', 'bake-time': '1m', 'pause-timeout': '2h', 'poll-interval': '10s' },
      { ecs },
    );
    expect(report.result).toBe('deployed');
    expect(refused).toBeGreaterThan(100);
    // Published though no read of the tags succeeded until then.
    expect(status).toMatch(/holding: {2}pause step-1/);
    expect(status).toContain('traffic:  10% on green');
    // Answered at the first or second poll after the throttling eased.
    const full = s.aws.weightHistory.find((w) => w.weights[GREEN_TG] === 100)!;
    expect(full.at - easesAt).toBeLessThanOrEqual(20_000);
    expect(report.timeline.some((e) => e.note?.startsWith('step-1 promoted by'))).toBe(true);
  });

  test('a steady poll reads the control tags every 5 s, not once a poll', async () => {
    const s = scenario();
    const aws = s.aws.ports();
    const ecs = Object.create(aws.ecs) as typeof aws.ecs;
    let reads = 0;
    ecs.resourceTags = (arn) => {
      reads++;
      return aws.ecs.resourceTags(arn);
    };
    const start = s.clock.now();
    let during = 0;
    s.clock.after(2 * MINUTE, () => void (during = reads));
    s.clock.after(3 * MINUTE, () => void (during = reads - during));
    await deploy(s, { steps: '10%:10m, 100%', 'poll-interval': '1s' }, { ecs });
    expect(s.clock.now() - start).toBeGreaterThan(3 * MINUTE);
    // One minute of 1 s polls in the step hold: 12 reads (every 5 s), give or take one.
    expect(during).toBeGreaterThanOrEqual(11);
    expect(during).toBeLessThanOrEqual(13);
  });
});

describe('an ECS-controller (rolling) service', () => {
  /** A 10-minute bake on a rolling service: `status`, then `abort`, `after` ms from the start. */
  async function abortedAfter(after: number, pollInterval: string, meanwhile?: (s: Scenario) => void) {
    const s = scenario();
    meanwhile?.(s);
    const ecs = new FakeEcsDeployments(s.aws, s.clock, {});
    const start = s.clock.now();
    let status = '';
    s.clock.after(after, async () => {
      status = (await statusCommand(options, ports(s))).text;
      await abortCommand(options, ports(s));
    });
    const report = await deploy(s, { 'listener-arn': '', 'bake-time': '10m', 'poll-interval': pollInterval });
    expect(status).toContain('web/api: a deploy is running');
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe(
      `aborted by ${ALICE} at ${new Date(start + after).toISOString()} (safe-deploy abort)`,
    );
    expect(ecs.taskDefinition).toBe(TASK_DEFINITION(1));
    return { s, status };
  }

  test('status reads the live deploy from the service, and abort rolls it back', async () => {
    const { s, status } = await abortedAfter(30_000, '5s');
    expect(status).toContain('kept release: not available for ECS-controller services');
    expect(s.aws.serviceTags[CONTROL_TAG.answer]).toMatch(/^aborted at \S+: rolling back$/);
  });

  test('in a long bake, with nothing changing, it still shows as running past 5 minutes and abort reaches it', async () => {
    // Eight minutes into the bake: nothing in the live state has changed for minutes; its time is kept fresh,
    // once a minute (4 writes from minute 3 to 7), not at each of the 24 polls between.
    let writes = 0;
    await abortedAfter(8 * MINUTE, '10s', (s) => {
      s.clock.after(3 * MINUTE, () => void (writes = -s.aws.count('TagResource')));
      s.clock.after(7 * MINUTE, () => void (writes += s.aws.count('TagResource')));
    });
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(writes).toBeLessThanOrEqual(5);
  });
});

describe('a first deploy (the service had no task set)', () => {
  const first = JSON.stringify({
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
  });

  test('status shows it, and an abort deletes the first task set, leaving the service empty', async () => {
    const s = scenario();
    s.aws.empty();
    let status = '';
    s.clock.after(3 * MINUTE, async () => {
      status = (await statusCommand(options, ports(s))).text;
      await abortCommand(options, ports(s));
    });
    const report = await deploy(s, { 'first-task-set': first, 'bake-time': '10m' });
    expect(status).toContain('web/api: a deploy is running');
    expect(status).toContain('phase:    bake');
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toContain(`aborted by ${ALICE}`);
    expect(s.aws.taskSets).toEqual([]);
  });
});
