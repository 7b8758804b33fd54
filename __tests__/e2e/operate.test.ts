import * as ecs from '@aws-sdk/client-ecs';
import { motoClientConfig, readDeployState } from '../support/moto.js';
import { FakeGitHub } from '../support/fake-github.js';
import {
  cli,
  cliWith,
  deploy,
  moto,
  MOTO_CALLER,
  seeded,
  target,
  useOperateMoto,
  whenHolding,
} from '../support/operate.js';

// Operating a live deploy end to end (see ../support/operate.ts): promote, abort, and a dead job's takeover.
useOperateMoto();

test('a paused step is promoted by the CLI from another process; the summary says who', async () => {
  let promoted: Promise<{ code: number | null; stdout: string; stderr: string }> | undefined;
  const run = await deploy(
    { steps: '20%:pause, 100%', 'pause-timeout': '2m' },
    {
      onStdout: (chunk) => {
        if (!promoted && chunk.includes('paused until promoted')) promoted = whenHolding('promote');
      },
    },
  );
  const answer = await promoted!;
  expect(answer.code).toBe(0);
  expect(answer.stdout).toContain(`promote requested of run`);
  expect(answer.stdout).toContain(`by ${MOTO_CALLER}`);
  expect(answer.stdout).toMatch(/the job answered: promoted step-1 at /);
  expect(run.outputs.result).toBe('deployed');
  expect(run.stdout).toContain(`step-1: promoted by ${MOTO_CALLER}`);
  expect(run.summary).toContain(`promoted by ${MOTO_CALLER}`);
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 0, greenWeight: 100 });
  expect(state.taskSets).toHaveLength(1);
}, 60_000);

test('an abort during a hold rolls back at once', async () => {
  let aborted: Promise<{ code: number | null; stdout: string; stderr: string }> | undefined;
  const started = Date.now();
  const run = await deploy(
    { steps: '20%:60s, 100%' },
    {
      onStdout: (chunk) => {
        if (!aborted && chunk.includes('Green takes 20%')) aborted = whenHolding('abort');
      },
    },
  );
  // The job answers, then its rollback removes green: the CLI sees one or the other.
  expect((await aborted!).stdout).toMatch(
    /the job answered: aborted at .*: rolling back|the deploy's task set is gone: the job took the request/,
  );
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs.reason).toMatch(
    new RegExp(`^aborted by ${MOTO_CALLER} at \\S+ \\(safe-deploy abort\\)$`),
  );
  expect(Date.now() - started).toBeLessThan(45_000);
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
}, 60_000);

test('a killed job: abort says nobody answered, finds the job dead, and rolls back itself', async () => {
  const run = await deploy(
    { steps: '20%:60s, 100%' },
    { signalWhen: { text: 'Green takes 20%', signal: 'SIGKILL' } },
  );
  expect(run.code).toBeNull();
  const split = await readDeployState(moto, seeded);
  expect(split).toMatchObject({ blueWeight: 80, greenWeight: 20 });
  const green = split.taskSets.find((t) => t.arn !== seeded.blueTaskSet)!;
  // Three minutes later: the job's last heartbeat and state are that old.
  const then = new Date(Date.now() - 3.5 * 60_000).toISOString();
  await new ecs.ECSClient(motoClientConfig(moto)).send(
    new ecs.TagResourceCommand({
      resourceArn: green.arn,
      tags: [
        { key: 'safe-deploy:heartbeat', value: then },
        { key: 'safe-deploy:updated', value: then },
      ],
    }),
  );
  const status = await cli('status', ...target());
  expect(status.stdout).toContain(
    `a deploy did not finish, and its job looks dead (no sign of life since ${then} (3m`,
  );

  const aborted = await cli('abort', ...target(), '--wait', '2s');
  expect(aborted.stderr).toBe('');
  expect(aborted.stdout).toContain('; no answer\n');
  expect(aborted.stdout).toContain(
    `The job of run 4242 (attempt 1) looks dead: no sign of life since ${then}`,
  );
  expect(aborted.stdout).toContain(`Rolled back: ${seeded.blueTaskSet}`);
  expect(aborted.code).toBe(0);
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
}, 60_000);

test('a killed job whose workflow run GitHub reports completed: abort rolls back at once', async () => {
  const run = await deploy(
    { steps: '20%:60s, 100%' },
    { signalWhen: { text: 'Green takes 20%', signal: 'SIGKILL' } },
  );
  expect(run.code).toBeNull();
  const github = new FakeGitHub()
    .on('GET', '/repos/octo/shop/actions/runs/4242/attempts/1', () => ({
      body: { id: 4242, run_attempt: 1, status: 'completed', conclusion: 'cancelled' },
    }))
    .on('POST', '/repos/octo/shop/deployments/17/statuses', () => ({ status: 201, body: {} }));
  await github.start();
  // The run's deployment record, whose id the job tagged green with.
  const green = (await readDeployState(moto, seeded)).taskSets.find((t) => t.arn !== seeded.blueTaskSet)!;
  await new ecs.ECSClient(motoClientConfig(moto)).send(
    new ecs.TagResourceCommand({
      resourceArn: green.arn,
      tags: [{ key: 'safe-deploy:deployment-id', value: '17' }],
    }),
  );
  try {
    const aborted = await cliWith(
      { GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: github.url },
      'abort',
      ...target(),
      '--wait',
      '0s',
    );
    expect(aborted.stderr).toBe('');
    expect(aborted.stdout).toContain(
      'The job of run 4242 (attempt 1) looks dead: GitHub reports its workflow run 4242 (attempt 1) completed, cancelled',
    );
    expect(aborted.code).toBe(0);
    expect(
      github.calls('GET', '/repos/octo/shop/actions/runs/4242/attempts/1')[0]?.headers.authorization,
    ).toBe('token ghs_test');
    expect(github.calls('POST', '/repos/octo/shop/deployments/17/statuses').map((r) => r.body)).toEqual([
      expect.objectContaining({
        state: 'failure',
        description: expect.stringMatching(/^rolled-back: the job was gone/),
      }),
    ]);
    expect(aborted.stdout).toContain(
      "The run's deployment record 17: failure (rolled back by safe-deploy abort).",
    );
  } finally {
    await github.stop();
  }
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
}, 60_000);

test('promote or abort with nothing running, rollback with nothing kept: clear errors, nothing changes', async () => {
  const before = await readDeployState(moto, seeded);
  const promote = await cli('promote', ...target());
  expect(promote.code).toBe(2);
  expect(promote.stderr).toContain('No deploy is running on web/api: nothing to promote');
  const rollback = await cli('rollback', ...target());
  expect(rollback.code).toBe(2);
  expect(rollback.stderr).toContain('No release is kept on web/api: nothing to roll back to');
  const action = await deploy({ rollback: 'true', 'task-definition': '', 'container-name': '', image: '' });
  expect(action.code).toBe(1);
  expect(action.errors.join('\n')).toContain('No release is kept on web/api');
  const mixed = await deploy({ rollback: 'true' });
  expect(mixed.errors.join('\n')).toContain(`Input 'task-definition'`);
  expect(await readDeployState(moto, seeded)).toEqual(before);
}, 60_000);
