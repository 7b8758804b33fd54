import {
  readServiceState,
  seedRollingService,
  setAlarm,
  startMoto,
  type Moto,
  type SeededRollingService,
} from '../support/moto.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';

// The built dist/deploy bundle on Node 24 against moto, deploying an ordinary ECS rolling service (with the
// rolling deployments scripts/lib/moto-server.py adds; moto has no service-deployment API, so rollbacks
// update the service back). Checked by reading the service's task definition and deployments afterwards.
const DIGEST = `shop/api@sha256:${'d'.repeat(64)}`;
let moto: Moto;
let seeded: SeededRollingService;

beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  seeded = await seedRollingService(moto, { alarms: ['api-5xx'] });
});

function deploy(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  return runAction('deploy', {
    ...options,
    inputs: {
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'container-name': 'app',
      image: DIGEST,
      alarms: 'api-5xx',
      'bake-time': '2s',
      'poll-interval': '1s',
      'github-token': '',
      ...inputs,
    },
    env: { ...moto.env, ...options.env },
  });
}

test('a rolling deploy updates the service and reports the new task definition', async () => {
  const run = await deploy({});
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('deployed');
  expect(run.outputs.reason).toMatch(
    /^service api-rolling runs api:2 \(was api:1\); the rolling deployment completed$/,
  );
  const state = await readServiceState(moto, seeded);
  expect(state.taskDefinition).toBe(run.outputs['task-definition-arn']);
  expect(state.deployments).toEqual([
    {
      status: 'PRIMARY',
      taskDefinition: run.outputs['task-definition-arn'],
      rolloutState: 'COMPLETED',
      runningCount: 3,
    },
  ]);
  const timeline = JSON.parse(run.outputs.timeline!) as { phase: string; traffic: number }[];
  expect(timeline.at(-1)).toMatchObject({ phase: 'finished', traffic: 100 });
  expect(run.stdout).toContain('ECS controller, rolling update');
});

test('an alarm during the bake rolls the service back to the previous task definition', async () => {
  let set = false;
  const run = await deploy(
    { 'bake-time': '30s' },
    {
      onStdout: (chunk) => {
        if (!set && chunk.includes('take all traffic')) {
          set = true;
          void setAlarm(moto, 'api-5xx', 'ALARM', 'Threshold Crossed: 42 errors');
        }
      },
    },
  );
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs.reason).toBe('alarm api-5xx is in ALARM: Threshold Crossed: 42 errors');
  expect(run.stdout).toMatch(/Rollback confirmed by AWS: the service runs api:1 again/);
  const state = await readServiceState(moto, seeded);
  expect(state.taskDefinition).toBe(seeded.taskDefinitionArn);
  expect(state.deployments).toEqual([
    {
      status: 'PRIMARY',
      taskDefinition: seeded.taskDefinitionArn,
      rolloutState: 'COMPLETED',
      runningCount: 3,
    },
  ]);
});

test('a runner that kills the main step leaves it to the post step, which updates the service back', async () => {
  const run = await deploy(
    { 'bake-time': '60s' },
    { signalWhen: { text: 'take all traffic', signal: 'SIGKILL' } },
  );
  expect(run.code).toBeNull();
  expect((await readServiceState(moto, seeded)).taskDefinition).not.toBe(seeded.taskDefinitionArn);
  const post = await runAction('deploy/post', {
    state: run.state,
    inputs: { 'github-token': '' },
    env: moto.env,
  });
  expect(post.code).toBe(0);
  expect(post.outputs.result).toBe('rolled-back');
  const state = await readServiceState(moto, seeded);
  expect(state.taskDefinition).toBe(seeded.taskDefinitionArn);
  expect(state.deployments).toEqual([
    {
      status: 'PRIMARY',
      taskDefinition: seeded.taskDefinitionArn,
      rolloutState: 'COMPLETED',
      runningCount: 3,
    },
  ]);
});

test.each([
  [
    { steps: 'Canary10Percent5Minutes' },
    `Input 'steps': "Canary10Percent5Minutes" is not valid: 'api-rolling' is an ECS rolling service`,
  ],
  [{ 'one-box': 'true' }, `Input 'one-box': "true" is not valid: 'api-rolling' is an ECS rolling service`],
])('bad input for a rolling service %j fails clearly and changes nothing', async (inputs, message) => {
  const run = await deploy(inputs);
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(message);
  expect(await readServiceState(moto, seeded)).toMatchObject({ taskDefinition: seeded.taskDefinitionArn });
});
