import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { TaskRunPort } from '../../src/aws/ecs-tasks.js';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import type { DeployReport } from '../../src/report/model.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { motoDeployDeps } from '../support/moto-deploy.js';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';

// The release task against moto's ECS and CloudWatch Logs, as far as moto goes: its RunTask starts a task
// whose DescribeTasks shows it STOPPED with the container's exitCode, 0 unless scripts/lib/moto-server.py
// is told otherwise for a command (moto models no other ending: a task that fails to start, a timeout or
// an alarm mid-task are the fake's, __tests__/deploy/release). The container's output is written to its
// awslogs stream by the test, as the awslogs driver would.
let moto: Moto;
let seeded: SeededService;
const logs: string[] = [];

beforeAll(async () => {
  moto = await startMoto({ taskExitCodes: { 'bin/migrate --fail': 1 } });
}, 30_000);
afterAll(async () => moto?.stop());

beforeEach(async () => {
  await moto.reset();
  logs.length = 0;
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
  await new CloudWatchLogsClient(motoClientConfig(moto)).send(
    new CreateLogGroupCommand({ logGroupName: '/ecs/api' }),
  );
});

function definition(): RegisterTaskDefinitionCommandInput {
  const td = taskDefinitionJson(
    'public.ecr.aws/nginx/nginx:1.27',
  ) as unknown as RegisterTaskDefinitionCommandInput;
  td.containerDefinitions![0]!.logConfiguration = {
    logDriver: 'awslogs',
    options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'api' },
  };
  return td;
}

/** The SDK's task port, with the container writing its output once the task is started. */
function writingOutput(tasks: TaskRunPort, lines: string[]): TaskRunPort {
  const logsClient = new CloudWatchLogsClient(motoClientConfig(moto));
  return {
    runTask: async (input) => {
      const started = await tasks.runTask(input);
      const id = started.task?.arn.split('/').at(-1);
      if (id) {
        const stream = `api/${input.container}/${id}`;
        await logsClient.send(
          new CreateLogStreamCommand({ logGroupName: '/ecs/api', logStreamName: stream }),
        );
        await logsClient.send(
          new PutLogEventsCommand({
            logGroupName: '/ecs/api',
            logStreamName: stream,
            logEvents: lines.map((message, i) => ({ timestamp: Date.now() + i, message })),
          }),
        );
      }
      return started;
    },
    describeTask: (cluster, arn) => tasks.describeTask(cluster, arn),
    stopTask: (cluster, arn, reason) => tasks.stopTask(cluster, arn, reason),
  };
}

function deploy(inputs: Record<string, string>, output: string[]): Promise<DeployReport> {
  const settings = parseDeploySettings(
    recordInputs({
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      steps: 'AllAtOnce',
      'poll-interval': '1s',
      'bake-time': '1m',
      ...inputs,
    }),
  );
  const deps = motoDeployDeps(moto, {
    region: 'us-east-1',
    log: {
      info: (m) => logs.push(m),
      warn: (m) => logs.push(`warning: ${m}`),
      debug: () => undefined,
      group: (_name, run) => run(),
    },
  });
  return runLifecycle(
    settings,
    { register: definition() },
    { ...deps, tasks: writingOutput(deps.tasks, output) },
  );
}

test('a release task that exits 0 runs green’s task definition, its output reaches the log, and the deploy goes on', async () => {
  const report = await deploy({ 'release-task': 'bin/migrate --yes' }, ['migrating', 'migrated 3 tables']);
  expect(report.result).toBe('deployed');
  expect(logs).toEqual(
    expect.arrayContaining(['[release task] migrating', '[release task] migrated 3 tables']),
  );
  expect(report.releaseTask).toMatchObject({ exitCode: 0, command: 'bin/migrate --yes' });

  // What moto holds: one task of green's task definition, started by this run, with the command, stopped.
  const ecs = new ECSClient(motoClientConfig(moto));
  const listed = await ecs.send(
    new ListTasksCommand({ cluster: seeded.cluster, startedBy: 'safe-deploy-7' }),
  );
  expect(listed.taskArns).toHaveLength(1);
  const [task] = (
    await ecs.send(new DescribeTasksCommand({ cluster: seeded.cluster, tasks: listed.taskArns! }))
  ).tasks!;
  expect(task).toMatchObject({
    taskArn: report.releaseTask?.taskArn,
    taskDefinitionArn: report.taskDefinitionArn,
    lastStatus: 'STOPPED',
    overrides: { containerOverrides: [{ name: 'app', command: ['bin/migrate', '--yes'] }] },
  });
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 0, greenWeight: 100 });
});

test('a release task that exits 1 rolls back before production traffic moves', async () => {
  const report = await deploy({ 'release-task': 'bin/migrate --fail' }, ['ERROR: migration 42 failed']);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('release task failed with exit code 1: bin/migrate --fail');
  expect(logs).toContain('[release task] ERROR: migration 42 failed');
  expect(report.releaseTask).toMatchObject({ exitCode: 1 });
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY' })]);
  // The listener was never given to green: its production share stayed 0 throughout.
  expect(report.timeline.every((entry) => entry.traffic === 0)).toBe(true);
});
