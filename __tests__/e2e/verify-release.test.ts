import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';

// The built dist/deploy bundle, run on Node 24 as the runner runs it, against moto: verify refusing a task
// definition that names what does not exist, and a release task whose output reaches the job log.
const ACCOUNT = '123456789012'; // moto's default account
const MISSING_DIGEST = `sha256:${'0'.repeat(64)}`;
let moto: Moto;
let seeded: SeededService;

beforeAll(async () => {
  // moto's tasks exit 0; this command's exits 1 (scripts/lib/moto-server.py).
  moto = await startMoto({ taskExitCodes: { 'bin/migrate --fail': 1 } });
}, 30_000);
afterAll(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
});

function deploy(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  return runAction('deploy', {
    ...options,
    inputs: {
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      steps: 'AllAtOnce',
      'bake-time': '1s',
      'poll-interval': '1s',
      'github-token': '',
      ...inputs,
    },
    env: { ...moto.env, ...options.env },
  });
}

/** A task definition file (moto's bridge networking) changed by `change`. */
type Definition = RegisterTaskDefinitionCommandInput & { containerDefinitions: ContainerDefinition[] };
function taskDefinitionFile(change: (td: Definition, app: ContainerDefinition) => void): string {
  const td = taskDefinitionJson('public.ecr.aws/nginx/nginx:1.27') as unknown as Definition;
  change(td, td.containerDefinitions[0]!);
  const file = join(mkdtempSync(join(tmpdir(), 'safe-deploy-td-')), 'task-definition.json');
  writeFileSync(file, JSON.stringify(td, null, 2));
  return file;
}

async function taskDefinitions(): Promise<number> {
  const out = await new ECSClient(motoClientConfig(moto)).send(new ListTaskDefinitionsCommand({}));
  return out.taskDefinitionArns?.length ?? 0;
}

describe('verify refuses a missing image, secret and role before any change', () => {
  const image = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop/api@${MISSING_DIGEST}`;
  let file: string;
  beforeEach(async () => {
    await new ECRClient(motoClientConfig(moto)).send(
      new CreateRepositoryCommand({ repositoryName: 'shop/api' }),
    );
    file = taskDefinitionFile((td, app) => {
      td.executionRoleArn = `arn:aws:iam::${ACCOUNT}:role/no-such-role`;
      app.image = image;
      app.secrets = [{ name: 'DB_PASSWORD', valueFrom: '/shop/no-such-parameter' }];
    });
  });

  test.each([
    ['a deploy', {}],
    ['a dry run', { 'dry-run': 'true' }],
  ])('%s', async (_, inputs) => {
    const run = await deploy({ 'task-definition': file, ...inputs });
    expect(run.code).toBe(1);
    const error = run.errors.join('\n');
    expect(error).toContain(
      `Input 'task-definition' ${JSON.stringify(file)}: 3 things it names do not exist`,
    );
    expect(error).toContain(
      `container app: image ${image}: ECR repository shop/api has no image with digest ${MISSING_DIGEST}`,
    );
    expect(error).toContain(
      'container app: secret DB_PASSWORD (SSM parameter /shop/no-such-parameter) does not exist in us-east-1',
    );
    expect(error).toContain(`execution role arn:aws:iam::${ACCOUNT}:role/no-such-role does not exist`);
    expect(await taskDefinitions()).toBe(1);
    const state = await readDeployState(moto, seeded);
    expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
    expect(state.taskSets).toHaveLength(1);
  });

  test("'verify: false' skips it (and the deploy goes on to fail later, in ECS's own time)", async () => {
    const run = await deploy({ 'task-definition': file, verify: 'false', 'dry-run': 'true' });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('dry-run');
  });
});

/** Runs the deploy with a release task whose container writes `line` to its awslogs stream once started. */
async function deployWithReleaseTask(command: string[], line: string): Promise<ActionRun> {
  const logs = new CloudWatchLogsClient(motoClientConfig(moto));
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/api' }));
  const file = taskDefinitionFile((_, app) => {
    app.logConfiguration = {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'api' },
    };
  });
  // moto's tasks stop at once by default: here each of their four steps to STOPPED takes two seconds, long
  // enough for the container's output to be written (by this test, as the awslogs driver would).
  const transition = (path: string, body: object) =>
    fetch(`${moto.endpoint}/moto-api/state-manager/${path}`, { method: 'POST', body: JSON.stringify(body) });
  await transition('set-transition', {
    model_name: 'ecs::task',
    transition: { progression: 'time', seconds: 2 },
  });
  let written: Promise<unknown> | undefined;
  try {
    const run = await deploy(
      { 'task-definition': file, 'release-task': JSON.stringify(command) },
      {
        onStdout: (chunk) => {
          const id = /Release task started: \S+\/([\w-]+)\s/.exec(chunk)?.[1];
          if (!id || written) return;
          const stream = `api/app/${id}`;
          written = logs
            .send(new CreateLogStreamCommand({ logGroupName: '/ecs/api', logStreamName: stream }))
            .then(() =>
              logs.send(
                new PutLogEventsCommand({
                  logGroupName: '/ecs/api',
                  logStreamName: stream,
                  logEvents: [{ timestamp: Date.now(), message: line }],
                }),
              ),
            );
        },
      },
    );
    await written;
    return run;
  } finally {
    await transition('unset-transition', { model_name: 'ecs::task' });
  }
}

test('a release task that exits 0: its output is in the job log, its exit code in the summary, and the deploy goes on', async () => {
  const run = await deployWithReleaseTask(['bin/migrate', '--yes'], 'migrated 3 tables');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('deployed');
  expect(run.stdout).toContain('[release task] migrated 3 tables');
  // The runner's log has no groups within groups: each ::group:: ends before the next begins.
  const groups = run.stdout.split('\n').filter((line) => /^::(end)?group::/.test(line));
  groups.forEach((line, i) => expect([i, line.startsWith('::group::')]).toEqual([i, i % 2 === 0]));
  expect(groups).toContain('::group::Release task');
  expect(run.summary).toContain('| Release task exit code | `0` |');
  expect(run.summary).toContain('| Release task | `["bin/migrate","--yes"]` |');
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 0, greenWeight: 100 });
}, 60_000);

test('a release task that exits 1 rolls back before production traffic moves', async () => {
  const run = await deployWithReleaseTask(['bin/migrate', '--fail'], 'ERROR: migration 42 failed');
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs.reason).toBe('release task failed with exit code 1: ["bin/migrate","--fail"]');
  expect(run.stdout).toContain('[release task] ERROR: migration 42 failed');
  expect(run.summary).toContain('| Release task exit code | `1` |');
  // Green never took traffic: the listener is as it was, blue alone remains.
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY' })]);
  expect(run.stdout).not.toContain('Green takes');
}, 60_000);

test('a release task container the task definition does not have is an input error, before any change', async () => {
  const run = await deploy({
    'release-task': 'bin/migrate',
    'first-task-set': '',
    'task-definition': seeded.taskDefinitionFile,
    'release-task-container': 'web',
  });
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(
    `Input 'release-task-container': "web" is not valid: the task definition has no such container (it has app)`,
  );
  expect(await taskDefinitions()).toBe(1);
});

test('a job killed while its release task runs: the post step stops the task, then rolls back', async () => {
  // The task stays RUNNING until stopped: each of moto's steps towards STOPPED takes ten minutes here.
  const transition = (path: string, body: object) =>
    fetch(`${moto.endpoint}/moto-api/state-manager/${path}`, { method: 'POST', body: JSON.stringify(body) });
  await transition('set-transition', {
    model_name: 'ecs::task',
    transition: { progression: 'time', seconds: 600 },
  });
  try {
    const run = await deploy(
      { 'release-task': '["bin/migrate", "--yes"]' },
      { signalWhen: { text: 'Release task started', signal: 'SIGKILL' } },
    );
    expect(run.code).toBeNull();
    const arn = /Release task started: (\S+)/.exec(run.stdout)?.[1];
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:\d+:task\//);
    const ecs = new ECSClient(motoClientConfig(moto));
    const task = async () =>
      (await ecs.send(new DescribeTasksCommand({ cluster: seeded.cluster, tasks: [arn!] }))).tasks?.[0];
    expect((await task())?.desiredStatus).toBe('RUNNING');

    const post = await runAction('deploy/post', { state: run.state, env: moto.env });
    expect(post.code).toBe(0);
    expect(post.outputs.result).toBe('rolled-back');
    expect(post.warnings).toContainEqual(
      expect.stringMatching(/^safe-deploy post: the release task \S+ still runs \([A-Z]+\); stopping it$/),
    );
    expect(post.warnings[0]).toContain(arn);
    expect(await task()).toMatchObject({
      desiredStatus: 'STOPPED',
      stoppedReason: 'safe-deploy post: the deploy was stopped while its release task ran',
    });
    const state = await readDeployState(moto, seeded);
    expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
    expect(state.taskSets).toEqual([expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY' })]);
  } finally {
    await transition('unset-transition', { model_name: 'ecs::task' });
  }
}, 60_000);
