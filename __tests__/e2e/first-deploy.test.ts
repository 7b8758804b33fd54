import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitHub } from '../support/fake-github.js';
import { readDeployState, seedService, startMoto, type Moto, type SeededService } from '../support/moto.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';

// The built dist/deploy bundle's first deploy to an EXTERNAL service with no task set, on Node 24 as the
// runner runs it, against moto and a GitHub stand-in; first-task-set is a file in the workspace.
const DIGEST = `shop/api@sha256:${'c'.repeat(64)}`;
let moto: Moto;
let github: FakeGitHub;
let seeded: SeededService;
let workspace: string;
let statuses: string[];

beforeAll(async () => {
  moto = await startMoto();
  github = new FakeGitHub();
  github
    .on('POST', '/repos/octo/shop/deployments', () => ({ status: 201, body: { id: 21 } }))
    .on('POST', '/repos/octo/shop/deployments/(\\d+)/statuses', (req) => {
      statuses.push((req.body as { state: string }).state);
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
  seeded = await seedService(moto, { alarms: ['api-5xx'], empty: true });
  workspace = mkdtempSync(join(tmpdir(), 'first-deploy-'));
  // moto runs task sets only with launchType FARGATE; its task definition uses bridge networking.
  writeFileSync(join(workspace, 'first-task-set.json'), JSON.stringify({ launchType: 'FARGATE' }));
  statuses = [];
});

function deploy(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  return runAction('deploy', {
    ...options,
    cwd: workspace,
    inputs: {
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'container-name': 'app',
      image: DIGEST,
      'listener-arn': seeded.listenerArn,
      'first-task-set': 'first-task-set.json',
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

test('the first deploy creates the first task set, PRIMARY at 100%, and says there was nothing to canary', async () => {
  const run = await deploy({});
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ result: 'deployed', 'previous-task-set-arn': '' });
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({
      arn: run.outputs['task-set-arn'],
      status: 'PRIMARY',
      scale: 100,
      targetGroup: seeded.blueTargetGroup,
      taskDefinition: run.outputs['task-definition-arn'],
    }),
  ]);
  expect(run.stdout).toContain("Input 'steps' is skipped on a first deploy");
  expect(run.stdout).toContain('nothing to canary against');
  expect(run.summary).toContain('nothing to canary against; traffic goes to the new task set at once');
  expect(run.summary).toContain('First task set (now primary)');
  expect(statuses).toEqual(['in_progress', 'success']);
  const post = await runAction('deploy/post', {
    state: run.state,
    env: moto.env,
    inputs: { 'github-token': '' },
  });
  expect(post.code).toBe(0);
  expect(post.stdout).toContain('the deploy finished; nothing to clean up');
});

test('a runner that kills the first deploy leaves the post step to delete its task set', async () => {
  const run = await deploy(
    { 'bake-time': '30s' },
    { signalWhen: { text: '::group::Bake', signal: 'SIGKILL' } },
  );
  expect(run.code).toBeNull();
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);

  const post = await runAction('deploy/post', {
    state: run.state,
    inputs: { 'github-token': 'ghs_test' },
    env: { ...moto.env, GITHUB_API_URL: github.url },
  });
  expect(post.code).toBe(0);
  expect(post.outputs.result).toBe('rolled-back');
  expect(post.stdout).toContain(
    'the first task set is deleted: the service has no task set, as before the deploy',
  );
  expect((await readDeployState(moto, seeded)).taskSets.filter((t) => t.status !== 'DRAINING')).toEqual([]);
  expect(statuses).toEqual(['in_progress', 'failure']);
});

test('a dry run prints the first-deploy plan and changes nothing', async () => {
  const run = await deploy({ 'dry-run': 'true' });
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('dry-run');
  expect(run.stdout).toContain('EXTERNAL controller, first deploy');
  expect(run.stdout).toContain('1. create the first task set at 100%');
  expect((await readDeployState(moto, seeded)).taskSets).toEqual([]);
  expect(statuses).toEqual([]);
});
