import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  startMoto,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { FakeGitHub } from '../support/fake-github.js';
import { cliBin, node24, runAction, type ActionRun, type RunOptions } from '../support/run-action.js';

// Operating a live deploy end to end: the built deploy bundle runs as the runner runs it, and the
// built CLI runs in another process, as a person on a laptop would, both against moto.
const root = resolve(import.meta.dirname, '..', '..');
const DIGEST = `shop/api@sha256:${'c'.repeat(64)}`;
const MOTO_CALLER = 'arn:aws:sts::123456789012:user/moto';
let moto: Moto;
let seeded: SeededService;

beforeAll(async () => {
  moto = await startMoto();
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
      'container-name': 'app',
      image: DIGEST,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      'bake-time': '1s',
      'poll-interval': '1s',
      'github-token': '',
      ...inputs,
    },
    env: { ...moto.env, ...options.env },
  });
}

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliWith({}, ...args);
}

function cliWith(
  extraEnv: Record<string, string>,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...moto.env, ...extraEnv };
  // The CLI of the fresh build, not the committed dist/.
  const child = spawn(node24(), [cliBin(), ...args], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const target = (): string[] => ['--cluster', seeded.cluster, '--service', seeded.service];

/** Runs `status` until it shows the deploy holding (as a person watching it would), then `command`. */
async function whenHolding(
  command: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  for (let i = 0; i < 40; i++) {
    const status = await cli('status', ...target());
    if (/holding: {2}\w/.test(status.stdout)) return cli(command, ...target(), ...args);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the deploy never showed a hold');
}

const kept = (state: Awaited<ReturnType<typeof readDeployState>>) =>
  state.taskSets.map((t) => [t.status, t.scale, t.tags['safe-deploy:kept-by'] ?? null]);

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

test.each([
  ['listener', {}],
  ['task-sets', { 'listener-arn': '', routing: 'task-sets' }],
])(
  '%s routing: keep-previous, then rollback, with traffic and task sets checked after every step',
  async (routing, inputs) => {
    const first = await deploy({ ...inputs, steps: 'AllAtOnce', 'keep-previous': 'true' });
    expect(first.outputs.result).toBe('deployed');
    const afterDeploy = await readDeployState(moto, seeded);
    expect(kept(afterDeploy)).toEqual(
      expect.arrayContaining([
        ['PRIMARY', 100, null],
        ['ACTIVE', 0, expect.any(String)],
      ]),
    );
    expect(afterDeploy.taskSets.find((t) => t.status === 'ACTIVE')!.arn).toBe(seeded.blueTaskSet);
    if (routing === 'listener') expect(afterDeploy).toMatchObject({ blueWeight: 0, greenWeight: 100 });

    const status = await cli('status', ...target(), '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      running: false,
      kept: { taskSetArn: seeded.blueTaskSet },
    });

    // The finished deploy has no time left; the kept release is named.
    const text = await cli('status', ...target());
    expect(text.stdout).toContain('timeout:  -');
    expect(text.stdout).not.toMatch(/\bleft\b/);

    const dry = await cli('rollback', ...target(), '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry-run: the kept release would come back; nothing changed');
    expect(dry.stdout).not.toContain('dry run:');

    const back = await cli('rollback', ...target(), '--poll-interval', '1s');
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(`restored: ${seeded.blueTaskSet}`);
    // Counts as ECS reports them; moto reports none, and that is said, never "?/? running".
    if (back.stdout.includes('Kept release steady'))
      expect(back.stdout).toMatch(
        /Kept release steady \(STEADY_STATE, (\d+\/\d+ running|at 100% scale \(ECS reported no task counts\))/,
      );
    expect(back.stdout).not.toContain('?/?');
    const afterRollback = await readDeployState(moto, seeded);
    expect(kept(afterRollback)).toEqual([['PRIMARY', 100, null]]);
    expect(afterRollback.taskSets[0]!.arn).toBe(seeded.blueTaskSet);
    if (routing === 'listener') expect(afterRollback).toMatchObject({ blueWeight: 100, greenWeight: 0 });

    // Again, through the action with rollback: true, as a workflow would.
    const second = await deploy({ ...inputs, steps: 'AllAtOnce', 'keep-previous': 'true' });
    expect(second.outputs.result).toBe('deployed');
    const viaAction = await deploy({
      rollback: 'true',
      'task-definition': '',
      'container-name': '',
      image: '',
      ...inputs,
    });
    expect(viaAction.code).toBe(0);
    expect(viaAction.outputs).toMatchObject({ result: 'rolled-back', 'task-set-arn': seeded.blueTaskSet });
    expect(viaAction.summary).toContain('Rolled back to the kept release');
    const end = await readDeployState(moto, seeded);
    expect(kept(end)).toEqual([['PRIMARY', 100, null]]);
    if (routing === 'listener') expect(end).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  },
  90_000,
);

test('rollback refuses a kept-test-listener tag pointing at an unrelated listener on the same load balancer; it is left as it was', async () => {
  const first = await deploy({ steps: 'AllAtOnce', 'keep-previous': 'true' });
  expect(first.outputs.result).toBe('deployed');
  const config = motoClientConfig(moto);
  const elbc = new elb.ElasticLoadBalancingV2Client(config);
  const [balancer] = (
    await elbc.send(new elb.DescribeLoadBalancersCommand({ LoadBalancerArns: [seeded.loadBalancerArn] }))
  ).LoadBalancers!;
  const admin = (
    await elbc.send(
      new elb.CreateTargetGroupCommand({
        Name: 'admin',
        Protocol: 'HTTP',
        Port: 80,
        VpcId: balancer!.VpcId,
        TargetType: 'ip',
      }),
    )
  ).TargetGroups![0]!.TargetGroupArn!;
  const forward = [
    { Type: 'forward' as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: admin, Weight: 1 }] } },
  ];
  const other = (
    await elbc.send(
      new elb.CreateListenerCommand({
        LoadBalancerArn: seeded.loadBalancerArn,
        Protocol: 'HTTP',
        Port: 9090,
        DefaultActions: forward,
      }),
    )
  ).Listeners![0]!.ListenerArn!;
  const actionsOf = async (arn: string) =>
    (await elbc.send(new elb.DescribeListenersCommand({ ListenerArns: [arn] }))).Listeners![0]!
      .DefaultActions;
  const before = await actionsOf(other);
  // Someone points the kept release's tag at that listener.
  await new ecs.ECSClient(config).send(
    new ecs.TagResourceCommand({
      resourceArn: seeded.blueTaskSet,
      tags: [{ key: 'safe-deploy:kept-test-listener', value: other }],
    }),
  );
  const state = await readDeployState(moto, seeded);

  const back = await cli('rollback', ...target(), '--poll-interval', '1s');
  expect(back.code).toBe(2);
  expect(back.stderr).toContain(
    `The test listener ${other} (from the kept release's tag safe-deploy:kept-test-listener) forwards to ${admin}, ` +
      `not to exactly this service's two target groups`,
  );
  expect(await actionsOf(other)).toEqual(before);
  expect(await readDeployState(moto, seeded)).toEqual(state);
}, 60_000);

test('a green that cannot steady shows the stopped task and the unhealthy target in the summary', async () => {
  const config = motoClientConfig(moto);
  const ec2c = new ec2.EC2Client(config);
  const elbc = new elb.ElasticLoadBalancingV2Client(config);
  const ecsc = new ecs.ECSClient(config);
  // A target in green's group that fails (moto reports a stopped instance's target as unused,
  // Target.InvalidState), and, once green exists, one of its tasks stopped: what ECS shows for a crash.
  const image = (await ec2c.send(new ec2.DescribeImagesCommand({}))).Images![0]!.ImageId!;
  const instance = (
    await ec2c.send(new ec2.RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1 }))
  ).Instances![0]!.InstanceId!;
  await elbc.send(
    new elb.RegisterTargetsCommand({
      TargetGroupArn: seeded.greenTargetGroup,
      Targets: [{ Id: instance, Port: 80 }],
    }),
  );
  await ec2c.send(new ec2.StopInstancesCommand({ InstanceIds: [instance] }));
  let crashed: Promise<void> | undefined;
  const run = await deploy(
    { steps: 'AllAtOnce', 'stabilize-timeout': '4s' },
    {
      onStdout: (chunk) => {
        const green = /Green: (\S+) at/.exec(chunk)?.[1];
        if (crashed || !green) return;
        crashed = (async () => {
          const task = await ecsc.send(
            new ecs.RunTaskCommand({
              cluster: seeded.cluster,
              taskDefinition: 'api',
              launchType: 'FARGATE',
              startedBy: green.split('/').slice(-2).join('/'),
            }),
          );
          await ecsc.send(
            new ecs.StopTaskCommand({
              cluster: seeded.cluster,
              task: task.tasks![0]!.taskArn!,
              reason: 'Essential container in task exited',
            }),
          );
        })();
      },
    },
  );
  await crashed;
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs.reason).toMatch(/^green did not reach a steady state within 4s \(.*0\/1 healthy\)$/);
  expect(run.summary).toContain('### Why green failed');
  expect(run.summary).toContain('Essential container in task exited; containers: app exit 0');
  expect(run.summary).toContain('unused Target.InvalidState: Target is in the stopped state');
  expect(run.stdout).toContain('Why green failed, as ECS reports it:');
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toHaveLength(1);
}, 60_000);
