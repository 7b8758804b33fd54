import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { checkKindInputs } from '../../../src/deploy/kinds/service-kind.js';
import { parseDeploySettings } from '../../../src/deploy/settings.js';
import { recordInputs } from '../../../src/inputs.js';
import { renderPlanText, renderSummary } from '../../../src/report/summary.js';
import { GREEN_TG, TEST_LISTENER } from '../../support/fake-aws.js';
import { deploy, expectRolledBack, scenario, type Scenario } from '../harness.js';

// The release task: one task with green's task definition, once green is steady and before any traffic.
// Its end (exit code, stop code) is the fake's model of DescribeTasks (see fake-resources.ts).

const MIGRATE = '["bin/migrate", "--yes"]';

/** A service whose task definition logs to awslogs, so the release task's output can be read. */
function logged(alarms?: string[]): Scenario {
  const s = scenario(alarms);
  s.aws.containerDefinitions = [
    {
      name: 'app',
      image: 'shop/api:1',
      portMappings: [{ containerPort: 80 }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/api',
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'api',
        },
      },
    },
  ];
  s.aws.resources.logGroups.add('/ecs/api');
  return s;
}

const runTaskInput = (s: Scenario): RunTaskCommandInput => s.aws.resources.runTasks[0]!;
/** Green's share of production traffic at each listener change. */
const greenShares = (s: Scenario): number[] => s.aws.weightHistory.map((h) => h.weights[GREEN_TG] ?? 0);

test('exit 0: the deploy goes on; the task ran green’s task definition where green runs, before any traffic', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 90_000, exitCode: 0, output: ['migrating 3 tables', 'done'] };
  const report = await deploy(s, { 'release-task': MIGRATE, steps: 'AllAtOnce', 'bake-time': '1m' });

  expect(report.result).toBe('deployed');
  expect(runTaskInput(s)).toMatchObject({
    cluster: 'web',
    taskDefinition: report.taskDefinitionArn,
    count: 1,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
    overrides: { containerOverrides: [{ name: 'app', command: ['bin/migrate', '--yes'] }] },
    startedBy: 'safe-deploy-99',
  });
  expect(runTaskInput(s).clientToken).toMatch(/^[0-9a-f-]{36}$/);
  // After green was created and steady, before the listener moved.
  const calls = s.aws.calls;
  expect(calls.indexOf('CreateTaskSet')).toBeLessThan(calls.indexOf('RunTask'));
  expect(calls.indexOf('RunTask')).toBeLessThan(calls.indexOf('ModifyListener'));
  expect(report.timeline.map((e) => e.phase)).toEqual(
    expect.arrayContaining(['stabilize', 'release-task', 'shift']),
  );
  // Its output is in the job log, its exit code in the summary.
  expect(s.logs).toEqual(
    expect.arrayContaining(['[release task] migrating 3 tables', '[release task] done']),
  );
  expect(report.releaseTask).toEqual({
    command: MIGRATE,
    taskArn: expect.stringMatching(/:task\/web\//),
    exitCode: 0,
    reason: undefined,
  });
  const summary = renderSummary(report);
  expect(summary).toContain('| Release task exit code | `0` |');
  expect(summary).toContain(`| Release task | \`${MIGRATE}\` |`);
});

test('exit 1 rolls back before production traffic moves, with its output in the log and its exit code in the summary', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 30_000, exitCode: 1, output: ['ERROR: relation "orders" already exists'] };
  const report = await deploy(s, { 'release-task': 'bin/migrate --yes' });

  expectRolledBack(s, report);
  expect(report.reason).toBe('release task failed with exit code 1: bin/migrate --yes');
  // The listener never gave green any production traffic.
  expect(greenShares(s).every((share) => share === 0)).toBe(true);
  expect(s.aws.weights()).toMatchObject({ [GREEN_TG]: 0 });
  expect(s.logs).toContain('[release task] ERROR: relation "orders" already exists');
  expect(report.releaseTask).toMatchObject({ exitCode: 1 });
  expect(renderSummary(report)).toContain('| Release task exit code | `1` |');
});

test('with a test listener it runs before the test traffic too', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 10_000, exitCode: 1, output: [] };
  const report = await deploy(s, { 'release-task': MIGRATE, 'test-listener-arn': TEST_LISTENER });
  expectRolledBack(s, report);
  // The test listener never sent green anything: its only changes are the rollback's, back to blue.
  const testChanges = s.aws.elbMock
    .calls()
    .map((c) => c.args[0].input as { ListenerArn?: string; DefaultActions?: Action[] })
    .filter((input) => input.ListenerArn === TEST_LISTENER);
  for (const change of testChanges) {
    const groups = change.DefaultActions?.[0]?.ForwardConfig?.TargetGroups ?? [];
    expect(groups.find((g) => g.TargetGroupArn === GREEN_TG)?.Weight ?? 0).toBe(0);
  }
  expect(s.aws.calls.indexOf('RunTask')).toBeLessThan(s.aws.calls.indexOf('ModifyListener'));
});

test.each([
  [
    'a task that fails to start',
    { failToStart: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' },
    'release task failed to start: TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 5 time(s)',
  ],
  [
    'a task ECS cannot place',
    { placementFailure: 'RESOURCE:MEMORY' },
    'release task could not start: RESOURCE:MEMORY',
  ],
])('%s rolls back like a failed hook', async (_, behaviour, reason) => {
  const s = logged();
  s.aws.resources.task = { runMs: 10_000, exitCode: 0, output: [], ...behaviour };
  const report = await deploy(s, { 'release-task': MIGRATE });
  expectRolledBack(s, report);
  expect(report.reason).toBe(reason);
  expect(greenShares(s).every((share) => share === 0)).toBe(true);
  expect(renderSummary(report)).toContain('| Release task exit code | `none (');
});

test('ECS refusing RunTask rolls back, and the summary says why there is no exit code', async () => {
  const s = logged();
  s.aws.fail(
    'RunTask',
    Object.assign(new Error('Task definition does not support launch_type FARGATE.'), {
      name: 'InvalidParameterException',
    }),
  );
  const report = await deploy(s, { 'release-task': MIGRATE });
  expectRolledBack(s, report);
  expect(report.reason).toBe(
    'release task could not start: Task definition does not support launch_type FARGATE.',
  );
  expect(renderSummary(report)).toContain(
    '| Release task exit code | `none (release task could not start: Task definition does not support launch_type FARGATE.)` |',
  );
});

test('a throttled RunTask is sent again with the same client token', async () => {
  const s = logged();
  s.aws.fail('RunTask', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), 2);
  const report = await deploy(s, { 'release-task': MIGRATE, steps: 'AllAtOnce' });
  expect(report.result).toBe('deployed');
  const tokens = s.aws.ecsMock
    .calls()
    .filter((c) => c.args[0].constructor.name === 'RunTaskCommand')
    .map((c) => (c.args[0].input as RunTaskCommandInput).clientToken);
  expect(tokens).toHaveLength(3);
  expect(new Set(tokens).size).toBe(1);
});

test('past release-task-timeout it is stopped and the deploy rolls back', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 60 * 60_000, exitCode: 0, output: [] };
  const report = await deploy(s, { 'release-task': MIGRATE, 'release-task-timeout': '5m' });
  expectRolledBack(s, report);
  expect(report.reason).toBe('release task did not finish within release-task-timeout 5m (RUNNING)');
  expect(s.aws.count('StopTask')).toBe(1);
});

test('an alarm while it runs stops it and rolls back: alarms are read throughout', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 10 * 60_000, exitCode: 0, output: [] };
  s.clock.after(3 * 60_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
  const report = await deploy(s, { 'release-task': MIGRATE });
  expectRolledBack(s, report);
  expect(report.reason).toMatch(/^alarm api-5xx is in ALARM/);
  expect(s.aws.count('StopTask')).toBe(1);
  expect(s.aws.resources.tasks[0]!.stopped?.reason).toMatch(/^safe-deploy: alarm api-5xx is in ALARM/);
});

test('a cancelled job stops it', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 10 * 60_000, exitCode: 0, output: [] };
  s.clock.after(2 * 60_000, () => s.cancel.abort());
  const report = await deploy(s, { 'release-task': MIGRATE });
  expectRolledBack(s, report);
  expect(report.reason).toBe('the job was cancelled');
  expect(s.aws.count('StopTask')).toBe(1);
});

test('the deploy’s own timeout holds while it runs', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 60 * 60_000, exitCode: 0, output: [] };
  const report = await deploy(s, {
    'release-task': MIGRATE,
    'release-task-timeout': '2h',
    timeout: '20m',
    steps: 'AllAtOnce',
    'bake-time': '1m',
  });
  expectRolledBack(s, report);
  expect(report.reason).toMatch(/^the deploy did not finish within timeout 20m \(release task/);
});

test('a first deploy runs it before its first task set exists: exit 1 creates no task set at all', async () => {
  const s = logged();
  s.aws.empty();
  s.aws.resources.task = { runMs: 10_000, exitCode: 1, output: ['migration failed'] };
  const first = JSON.stringify({
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-9'] } },
  });
  const report = await deploy(s, { 'release-task': MIGRATE, 'first-task-set': first });
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe(`release task failed with exit code 1: ${MIGRATE}`);
  expect(s.aws.count('CreateTaskSet')).toBe(0);
  expect(s.aws.taskSets).toEqual([]);
  expect(runTaskInput(s)).toMatchObject({
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-9'] } },
  });
  expect(s.logs).toContain('[release task] migration failed');
});

test('a first deploy whose release task exits 0 goes on to create its task set', async () => {
  const s = logged();
  s.aws.empty();
  // The runner's log has no groups within groups: the release task logs inside Prepare's.
  let depth = 0;
  let deepest = 0;
  const log = {
    info: (m: string) => s.logs.push(m),
    warn: (m: string) => s.logs.push(`warning: ${m}`),
    debug: () => undefined,
    group: async <T>(_name: string, body: () => Promise<T>): Promise<T> => {
      deepest = Math.max(deepest, ++depth);
      try {
        return await body();
      } finally {
        depth--;
      }
    },
  };
  const first = JSON.stringify({
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-9'] } },
  });
  const report = await deploy(s, { 'release-task': MIGRATE, 'first-task-set': first }, { log });
  expect(report.result).toBe('deployed');
  expect(deepest).toBe(1);
  expect(s.aws.calls.indexOf('RunTask')).toBeLessThan(s.aws.calls.indexOf('CreateTaskSet'));
  expect(report.releaseTask?.exitCode).toBe(0);
});

test('the dry run plans it and runs nothing', async () => {
  const s = logged();
  const report = await deploy(s, { 'release-task': MIGRATE, 'dry-run': 'true' });
  expect(report.result).toBe('dry-run');
  expect(s.aws.count('RunTask')).toBe(0);
  expect(renderPlanText(report.plan)).toContain(
    `release task once green is steady, before any traffic: ${MIGRATE}`,
  );
});

describe('refused before any change', () => {
  test('a task definition with several containers and no release-task-container', async () => {
    const s = logged();
    s.aws.containerDefinitions.push({ name: 'envoy', image: 'envoyproxy/envoy:v1.31' });
    await expect(deploy(s, { 'release-task': MIGRATE })).rejects.toThrow(
      "Input 'release-task-container' is needed: the task definition has 2 containers (app, envoy); name the one whose command 'release-task' replaces",
    );
    expect(
      s.aws.count('RegisterTaskDefinition') + s.aws.count('CreateTaskSet') + s.aws.count('RunTask'),
    ).toBe(0);
  });

  test('a container the task definition does not have', async () => {
    const s = logged();
    await expect(deploy(s, { 'release-task': MIGRATE, 'release-task-container': 'web' })).rejects.toThrow(
      `Input 'release-task-container': "web" is not valid: the task definition has no such container (it has app)`,
    );
  });

  test('with several containers, release-task-container picks one', async () => {
    const s = logged();
    s.aws.containerDefinitions.push({ name: 'envoy', image: 'envoyproxy/envoy:v1.31' });
    const report = await deploy(s, {
      'release-task': MIGRATE,
      'release-task-container': 'app',
      steps: 'AllAtOnce',
    });
    expect(report.result).toBe('deployed');
    expect(runTaskInput(s).overrides?.containerOverrides?.[0]?.name).toBe('app');
  });

  const settings = (inputs: Record<string, string>) =>
    parseDeploySettings(
      recordInputs({ cluster: 'web', service: 'api', 'task-definition': 'api:7', ...inputs }),
      undefined,
    );

  test.each([
    ['release-task', 'bin/migrate && echo done', /ECS runs the command without a shell/],
    ['release-task', '["bin/migrate", 3]', /expected a JSON array of strings/],
    ['release-task', '[]', /expected a JSON array of strings/],
  ])('%s %j', (input, text, error) => {
    expect(() => settings({ [input]: text })).toThrow(error);
  });

  test('its container and timeout need the task itself', () => {
    expect(() => settings({ 'release-task-container': 'app' })).toThrow(
      `Input 'release-task-container': "app" is not valid: it sets up the release task: give 'release-task' too`,
    );
    expect(() => settings({ 'release-task': MIGRATE, 'release-task-timeout': '0s' })).toThrow(
      `Input 'release-task-timeout': "0s" is not valid: must be longer than 0s`,
    );
  });

  test('words and JSON arrays are both commands', () => {
    expect(settings({ 'release-task': ' bin/migrate  --to latest ' }).releaseTask).toMatchObject({
      command: ['bin/migrate', '--to', 'latest'],
      timeoutMs: 10 * 60_000,
    });
    expect(
      settings({ 'release-task': '["sh", "-c", "bin/migrate && bin/seed"]' }).releaseTask?.command,
    ).toEqual(['sh', '-c', 'bin/migrate && bin/seed']);
  });

  test.each([
    [{ kind: 'rolling' } as const, /ECS rolling service: new tasks take traffic as soon as they are healthy/],
    [{ kind: 'native', strategy: 'BLUE_GREEN' } as const, /ECS's own BLUE_GREEN strategy: .*POST_SCALE_UP/],
  ])('an ECS-controller service (%j) cannot run it before traffic', (kind, error) => {
    expect(() =>
      checkKindInputs('api', kind, {
        steps: undefined,
        listenerArn: undefined,
        testListenerArn: undefined,
        oneBox: false,
        minRequests: 0,
        beforeTraffic: undefined,
        releaseTask: MIGRATE,
      }),
    ).toThrow(error);
  });
});

test('its log, unreadable for want of a permission, is a warning and the deploy goes on', async () => {
  const s = logged();
  s.aws.resources.task = { runMs: 10_000, exitCode: 0, output: ['hello'] };
  s.aws.resources.deny.add('logs:GetLogEvents');
  const report = await deploy(s, { 'release-task': MIGRATE, steps: 'AllAtOnce' });
  expect(report.result).toBe('deployed');
  expect(s.logs.filter((l) => l.startsWith("warning: Could not read the release task's log"))).toHaveLength(
    1,
  );
});
