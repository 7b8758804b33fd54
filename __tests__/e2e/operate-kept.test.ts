import * as ec2 from '@aws-sdk/client-ec2';
import * as ecs from '@aws-sdk/client-ecs';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { motoClientConfig, readDeployState } from '../support/moto.js';
import { cli, deploy, kept, moto, seeded, target, useOperateMoto } from '../support/operate.js';

// Operating a live deploy end to end (see ../support/operate.ts): keep-previous and rollback, and why green failed.
useOperateMoto();

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
