import { realTimer } from '../../src/deploy/calls.js';
import { BLUE_TG, GREEN_TG } from '../support/fake-aws.js';
import { FakeEcsDeployments, PRODUCTION_RULE, TASK_DEFINITION } from '../support/fake-ecs-deployments.js';
import { deploy, expectRolledBack, scenario, type Scenario } from './harness.js';

// Issue 22 and issue 20 #5: on a decision to roll back, the first AWS call is the one that moves traffic;
// the diagnosis, the live-state tags and the records come after it or beside it, never before.
const shortTimer = (_ms: number, signal: AbortSignal): Promise<void> => realTimer(30, signal);
const MUTATING = ['ModifyListener', 'UpdateTaskSet', 'UpdateService', 'StopServiceDeployment'];

/** The calls made from the moment `at` on (the fake's clock), in order. */
function callsFrom(s: Scenario): { mark: () => void; after: () => string[] } {
  let from = Infinity;
  return {
    mark: () => void (from = s.aws.calls.length),
    after: () => s.aws.calls.slice(from),
  };
}

/** The first call after the breach that is not an alarm read. */
const firstAction = (calls: string[]): string | undefined =>
  calls.find((c) => c !== 'DescribeAlarms' && c !== 'DescribeAlarmHistory');

describe('the first AWS call after a breach moves traffic', () => {
  test('task sets behind a listener: ModifyListener, before any diagnosis or tag', async () => {
    const s = scenario();
    const calls = callsFrom(s);
    s.clock.after(3 * 60_000, () => {
      calls.mark();
      s.aws.setAlarm('api-5xx', 'ALARM', '5xx above 10');
    });
    const report = await deploy(s, { steps: '10%:10m, 100%', 'poll-interval': '1s' });
    expectRolledBack(s, report);
    expect(firstAction(calls.after())).toBe('ModifyListener');
    // The live state still says it rolled back, and the diagnosis was still read, after the move.
    const after = calls.after();
    expect(after.indexOf('TagResource')).toBeGreaterThan(after.indexOf('ModifyListener'));
  });

  test('task sets without a listener (routing: task-sets): UpdateTaskSet of blue back to 100%, first', async () => {
    const s = scenario();
    const calls = callsFrom(s);
    s.clock.after(3 * 60_000, () => {
      calls.mark();
      s.aws.setAlarm('api-5xx', 'ALARM', '5xx above 10');
    });
    const report = await deploy(s, {
      'listener-arn': '',
      routing: 'task-sets',
      steps: '10%:10m, 100%',
      'poll-interval': '1s',
    });
    expectRolledBack(s, report);
    const after = calls.after();
    expect(firstAction(after)).toBe('UpdateTaskSet');
    // Traffic follows the task sets' scale here: blue scales back before green goes, the tag after both.
    expect(after.indexOf('TagResource')).toBeGreaterThan(after.indexOf('UpdateTaskSet'));
    expect(after.indexOf('DeleteTaskSet')).toBeGreaterThan(after.indexOf('UpdateTaskSet'));
  });

  test('a green that never steadies: the rollback moves first, the diagnosis still shows why', async () => {
    const s = scenario();
    s.aws.greenSteadies = false;
    const calls = callsFrom(s);
    calls.mark();
    const report = await deploy(s, { 'stabilize-timeout': '2m', 'poll-interval': '1s' });
    expect(report.result).toBe('rolled-back');
    expect(report.diagnosis).toBeDefined();
    const after = calls.after();
    const stop = after.lastIndexOf('DescribeAlarms');
    expect(after.slice(stop).find((c) => MUTATING.includes(c) || c === 'DeleteTaskSet')).toBeDefined();
  });

  test('with ECS reads and TagResource hanging, traffic is back on blue within a poll of the breach', async () => {
    const s = scenario();
    const breachAt = s.clock.now() + 3 * 60_000;
    s.clock.at(breachAt, () => {
      // The control plane degrades exactly when the deploy fails: every ECS read and tag write hangs.
      for (const command of [
        'DescribeServices',
        'ListTasks',
        'DescribeTasks',
        'DescribeTaskSets',
        'TagResource',
      ]) {
        s.aws.hang(command, 3);
      }
      s.aws.setAlarm('api-5xx', 'ALARM', '5xx above 10');
    });
    const report = await deploy(s, { steps: '10%:10m, 100%', 'poll-interval': '1s' }, { timer: shortTimer });
    expect(report.result).toBe('rolled-back');
    const back = s.aws.weightHistory.find((w) => w.at >= breachAt && w.weights[GREEN_TG] === 0)!;
    expect(back.weights[BLUE_TG]).toBe(100);
    expect(back.at - breachAt).toBeLessThanOrEqual(1_000);
  });
});

describe('a rolling service', () => {
  const OLD = TASK_DEFINITION(1);
  const rolling = { 'listener-arn': '', 'bake-time': '2m', 'poll-interval': '5s' };

  test('ListServiceDeployments throttled for 60 s after UpdateService: alarms are still read, and the update back is the first call after the breach (issue 20, defect 2)', async () => {
    const s = scenario();
    const ecs = new FakeEcsDeployments(s.aws, s.clock);
    ecs.taskStartMs = 60_000;
    const aws = s.aws.ports();
    const port = Object.create(aws.ecs) as typeof aws.ecs;
    let updatedAt = Infinity;
    port.updateService = async (...args) => {
      updatedAt = Math.min(updatedAt, s.clock.now());
      return aws.ecs.updateService(...args);
    };
    port.listServiceDeployments = async (...args) => {
      if (s.clock.now() < updatedAt + 60_000) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return aws.ecs.listServiceDeployments(...args);
    };
    const calls = callsFrom(s);
    let breachAt = 0;
    s.clock.after(15_000, () => {
      breachAt = s.clock.now();
      calls.mark();
      s.aws.setAlarm('api-5xx', 'ALARM', '5xx above 10');
    });
    const report = await deploy(s, rolling, { ecs: port });
    expect(report.result).toBe('rolled-back');
    expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
    expect(firstAction(calls.after())).toBe('UpdateService');
    // Rolled back from the breach within two 5 s polls, not after the throttling's 60 s.
    const back = ecs.updates.at(-1)!;
    expect(back.taskDefinition).toBe(OLD);
    const readAfter = s.logs.findIndex((l) => l.startsWith('warning: Rolling back: alarm api-5xx'));
    expect(readAfter).toBeGreaterThan(-1);
    expect(report.timeline.find((e) => e.phase === 'rollback')!.at).toBe(
      new Date(Date.parse(report.timeline.find((e) => e.phase === 'rollback')!.at)).toISOString(),
    );
    const rollbackAt = Date.parse(report.timeline.find((e) => e.phase === 'rollback')!.at);
    expect(rollbackAt - breachAt).toBeLessThanOrEqual(10_000);
  });

  test('a breach while ECS replaces the tasks: StopServiceDeployment is the first call', async () => {
    const s = scenario();
    const ecs = new FakeEcsDeployments(s.aws, s.clock);
    ecs.taskStartMs = 60_000;
    const calls = callsFrom(s);
    s.clock.after(20_000, () => {
      calls.mark();
      s.aws.setAlarm('api-5xx', 'ALARM');
    });
    const report = await deploy(s, rolling);
    expect(report.result).toBe('rolled-back');
    expect(firstAction(calls.after())).toBe('StopServiceDeployment');
    expect(ecs.latest()?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
  });

  test('a breach in the bake (deployment completed): UpdateService back is the first call', async () => {
    const s = scenario();
    const ecs = new FakeEcsDeployments(s.aws, s.clock);
    const calls = callsFrom(s);
    s.clock.after(60_000, () => {
      calls.mark();
      s.aws.setAlarm('api-5xx', 'ALARM');
    });
    const report = await deploy(s, rolling);
    expect(report.result).toBe('rolled-back');
    expect(firstAction(calls.after())).toBe('UpdateService');
    expect(ecs.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
  });
});

describe("ECS's own CANARY", () => {
  test('a breach at the canary step: StopServiceDeployment is the first call, production back on blue', async () => {
    const s = scenario();
    const ecs = new FakeEcsDeployments(s.aws, s.clock, { strategy: 'CANARY' });
    const calls = callsFrom(s);
    // At 50 s ECS has shifted the canary's 10% (its traffic shift starts at 40 s).
    s.clock.after(50_000, () => {
      calls.mark();
      s.aws.setAlarm('api-5xx', 'ALARM', '5xx above 10');
    });
    const report = await deploy(s, {
      'listener-arn': '',
      steps: 'Canary10Percent1Minutes',
      'bake-time': '2m',
      'poll-interval': '1s',
    });
    expect(report.result).toBe('rolled-back');
    expect(ecs.trafficHistory.map((h) => h.target)).toEqual([10, 0]);
    expect(firstAction(calls.after())).toBe('StopServiceDeployment');
    expect(ecs.latest()?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(s.aws.weights(PRODUCTION_RULE)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
    expect(ecs.runningByTaskDefinition()).toEqual({ [TASK_DEFINITION(1)]: 4 });
  });
});
