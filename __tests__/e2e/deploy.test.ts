import { FakeGitHub } from '../support/fake-github.js';
import {
  readDeployState,
  seedService,
  setAlarm,
  startMoto,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';

// The built dist/deploy bundle, run on Node 24 as the runner runs it, against moto and a GitHub stand-in.
const DIGEST = `shop/api@sha256:${'c'.repeat(64)}`;
let moto: Moto;
let github: FakeGitHub;
let seeded: SeededService;
let statuses: { id: number; state: string }[];

beforeAll(async () => {
  moto = await startMoto();
  github = new FakeGitHub();
  github
    .on('POST', '/repos/octo/shop/deployments', () => ({ status: 201, body: { id: 17 } }))
    .on('POST', '/repos/octo/shop/deployments/(\\d+)/statuses', (req, [id]) => {
      statuses.push({ id: Number(id), state: (req.body as { state: string }).state });
      return { status: 201, body: {} };
    });
  await github.start();
}, 30_000);
afterAll(async () => {
  await moto?.stop();
  await github?.stop();
});
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
  statuses = [];
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
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      steps: '20%:2s, 100%',
      'bake-time': '2s',
      'poll-interval': '1s',
      'github-token': 'ghs_test',
      ...inputs,
    },
    env: { ...moto.env, GITHUB_API_URL: github.url, ...options.env },
  });
}

test('a listener canary deploy promotes green and reports it', async () => {
  const run = await deploy({});
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ result: 'deployed', 'previous-task-set-arn': seeded.blueTaskSet });
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 0, greenWeight: 100 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({
      arn: run.outputs['task-set-arn'],
      status: 'PRIMARY',
      taskDefinition: run.outputs['task-definition-arn'],
    }),
  ]);
  const timeline = JSON.parse(run.outputs.timeline!) as { phase: string; traffic: number }[];
  expect(timeline.map((e) => e.traffic)).toContain(20);
  expect(timeline.at(-1)).toMatchObject({ phase: 'finished', traffic: 100 });
  expect(run.summary).toContain(DIGEST);
  expect(run.summary).toMatch(/deployed/i);
  // The Actions log cannot redraw: each wait prints where it stands, as plain lines.
  expect(run.stdout).toMatch(/^shift: step 1\/2: 20% · green 20% · \S+ of \S+, \S+ left · 1 alarm OK$/m);
  expect(run.stdout).toMatch(/^bake · green 100% · \S+ of \S+, \S+ left · 1 alarm OK$/m);
  expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  expect(github.calls('POST', '/repos/octo/shop/deployments')[0]!.body).toMatchObject({
    ref: '0123456789abcdef0123456789abcdef01234567',
    environment: 'web/api',
  });
  // The post step sees a finished deploy and changes nothing.
  const post = await runAction('deploy/post', {
    state: run.state,
    env: moto.env,
    inputs: { 'github-token': '' },
  });
  expect(post.code).toBe(0);
  expect(post.stdout).toContain('the deploy finished; nothing to clean up');
});

test('task-sets routing deploys by scale', async () => {
  const run = await deploy({ 'listener-arn': '', routing: 'task-sets' });
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('deployed');
  const state = await readDeployState(moto, seeded);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', scale: 100, targetGroup: seeded.blueTargetGroup }),
  ]);
});

test('an alarm during a step rolls back: listener on blue, green gone, step failed naming the alarm', async () => {
  let set = false;
  const run = await deploy(
    { steps: '20%:20s, 100%' },
    {
      onStdout: (chunk) => {
        if (!set && chunk.includes('Green takes 20%')) {
          set = true;
          void setAlarm(moto, 'api-5xx', 'ALARM', 'Threshold Crossed: 42 errors');
        }
      },
    },
  );
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs.reason).toBe('alarm api-5xx is in ALARM: Threshold Crossed: 42 errors');
  expect(run.errors).toContain('Rolled back: alarm api-5xx is in ALARM: Threshold Crossed: 42 errors');
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
  expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
});

test('a failing before-traffic hook rolls back before production traffic', async () => {
  const run = await deploy({ 'before-traffic': 'echo smoke test failed; exit 3' });
  expect(run.code).toBe(1);
  expect(run.outputs.reason).toBe(
    'before-traffic hook failed with exit code 3: echo smoke test failed; exit 3',
  );
  expect(run.stdout).toContain('smoke test failed');
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toHaveLength(1);
});

test('cancelling the job (SIGINT) mid-step rolls back in the main step', async () => {
  const run = await deploy(
    { steps: '20%:30s, 100%' },
    { signalWhen: { text: 'Green takes 20%', signal: 'SIGINT' } },
  );
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs.reason).toBe('the job was cancelled');
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toHaveLength(1);
});

test('a runner that kills the main step leaves it to the post step, which rolls back from saved state', async () => {
  const run = await deploy(
    { steps: '20%:30s, 100%' },
    { signalWhen: { text: 'Green takes 20%', signal: 'SIGKILL' } },
  );
  expect(run.code).toBeNull();
  const split = await readDeployState(moto, seeded);
  expect(split).toMatchObject({ blueWeight: 80, greenWeight: 20 });
  expect(split.taskSets).toHaveLength(2);

  const post = await runAction('deploy/post', {
    state: run.state,
    inputs: { 'github-token': 'ghs_test' },
    env: { ...moto.env, GITHUB_API_URL: github.url },
  });
  expect(post.code).toBe(0);
  expect(post.outputs.result).toBe('rolled-back');
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
  expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
});

test.each([
  [{ steps: 'Canary0Percent5Minutes' }, `Input 'steps': "Canary0Percent5Minutes" is not valid`],
  [{ 'bake-time': '5 minutes' }, `Input 'bake-time': "5 minutes" is not valid`],
  [{ alarms: 'api-5xx, api-typo' }, `Input 'alarms': "api-typo" does not exist in CloudWatch`],
  [{ 'listener-arn': 'arn:aws:nope' }, `Input 'listener-arn': "arn:aws:nope" is not valid`],
  [{ timeout: '3s' }, `Input 'timeout': "3s" is not valid: the plan alone holds traffic for 4s`],
])('bad input %j fails clearly and changes nothing in AWS', async (inputs, message) => {
  const run = await deploy(inputs);
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(message);
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toHaveLength(1);
});

test('a blocker alarm in ALARM blocks the deploy', async () => {
  await setAlarm(moto, 'api-5xx', 'ALARM', 'already failing');
  const run = await deploy({});
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe('blocked');
  expect(run.outputs.reason).toMatch(/^watched alarm api-5xx is already in ALARM \(already failing\)/);
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('dry-run prints the plan and changes nothing', async () => {
  const run = await deploy({ 'dry-run': 'true' });
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('dry-run');
  expect(run.stdout).toContain('1. 20% for 2s');
  expect(run.stdout).toContain('then bake 2s');
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
  expect(statuses).toEqual([]);
});

test.each([
  ['one-box', { 'one-box': 'true', 'one-box-bake': '20s', steps: 'AllAtOnce' }, 'One box'],
  ['bake', { steps: 'AllAtOnce', 'bake-time': '20s' }, '::group::Bake'],
])('a breach during %s puts traffic back on blue', async (_phase, inputs, marker) => {
  let set = false;
  const run = await deploy(inputs, {
    onStdout: (chunk) => {
      if (!set && chunk.includes(marker)) {
        set = true;
        void setAlarm(moto, 'api-5xx', 'ALARM', 'Threshold Crossed');
      }
    },
  });
  expect(run.code).toBe(1);
  expect(run.outputs).toMatchObject({
    result: 'rolled-back',
    reason: 'alarm api-5xx is in ALARM: Threshold Crossed',
  });
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
});

test('the overall timeout rolls back, even from inside a hook that hangs', async () => {
  const run = await deploy({ 'after-traffic': 'sleep 30', timeout: '8s' });
  expect(run.code).toBe(1);
  expect(run.outputs).toMatchObject({
    result: 'rolled-back',
    reason: 'the deploy did not finish within timeout 8s (after-traffic hook)',
  });
  expect(await readDeployState(moto, seeded)).toMatchObject({ blueWeight: 100, greenWeight: 0 });
});
