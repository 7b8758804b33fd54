import { runDeployPost } from '../../src/deploy/post.js';
import type { TaskSetTarget } from '../../src/deploy/saved.js';
import { BLUE_TASK_SET, BLUE_TG, FakeAws, GREEN_TG, LISTENER } from '../support/fake-aws.js';
import { postStepHarness } from '../support/post-step.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeGitHub } from '../support/fake-github.js';

// The post step acts from saved state alone, after the main step was killed at some point of the deploy.

const GREEN = 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000005';
const post = postStepHarness();
const { save, outputs } = post;

function target(): TaskSetTarget {
  return {
    cluster: 'web',
    service: 'api',
    routing: 'listener',
    blueArn: BLUE_TASK_SET,
    greenArn: GREEN,
    listener: {
      kind: 'listener',
      production: { kind: 'listener', arn: LISTENER },
      testListenerArn: undefined,
      blueTargetGroup: BLUE_TG,
      greenTargetGroup: GREEN_TG,
    },
    runTags: { 'safe-deploy:run-id': '99' },
  };
}

/** A fake service where green exists beside blue, with the listener at `green`% and green's status. */
function killedAt(green: number, greenStatus: 'ACTIVE' | 'PRIMARY'): { aws: FakeAws; clock: FakeClock } {
  const clock = new FakeClock();
  const aws = new FakeAws(clock);
  aws.taskSets.push({
    taskSetArn: GREEN,
    status: greenStatus,
    scale: { unit: 'PERCENT', value: 100 },
    loadBalancers: [{ targetGroupArn: GREEN_TG, containerName: 'app', containerPort: 80 }],
    createdAt: new Date(clock.now() - 60_000),
    tags: [{ key: 'safe-deploy:run-id', value: '99' }],
  });
  if (greenStatus === 'PRIMARY') aws.taskSets[0]!.status = 'ACTIVE';
  aws.actions.set(LISTENER, [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE_TG, Weight: 100 - green },
          { TargetGroupArn: GREEN_TG, Weight: green },
        ],
      },
    },
  ]);
  return { aws, clock };
}

test('killed while deploying: all traffic back on blue, green deleted', async () => {
  const { aws, clock } = killedAt(10, 'ACTIVE');
  save({ kind: 'task-sets', stage: 'deploying', target: target() });
  await runDeployPost(aws.ports(), clock);
  expect(aws.weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
  expect(outputs()).toMatchObject({ result: 'rolled-back' });
});

test('killed right after green became PRIMARY: the post step finishes the promotion instead of rolling back', async () => {
  const { aws, clock } = killedAt(100, 'PRIMARY');
  save({ kind: 'task-sets', stage: 'promoting', target: target() });
  await runDeployPost(aws.ports(), clock);
  expect(aws.primary()?.taskSetArn).toBe(GREEN);
  expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([GREEN]);
  expect(aws.count('ModifyListener')).toBe(0);
  expect(aws.count('UpdateTaskSet')).toBe(0);
  expect(outputs()).toMatchObject({ result: 'deployed' });
  expect(post.out()).toContain('finishing the promotion');
});

test('killed right after blue was deleted: the post step checks and says so, touching nothing', async () => {
  const { aws, clock } = killedAt(100, 'PRIMARY');
  aws.taskSets = aws.taskSets.filter((t) => t.taskSetArn !== BLUE_TASK_SET);
  save({ kind: 'task-sets', stage: 'promoting', target: target() });
  await runDeployPost(aws.ports(), clock);
  expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([GREEN]);
  expect(aws.count('UpdateTaskSet')).toBe(0);
  expect(aws.count('ModifyListener')).toBe(0);
  expect(outputs()).toMatchObject({ result: 'deployed' });
});

test('killed while promoting but before ECS made green PRIMARY: rolled back as any unfinished deploy', async () => {
  const { aws, clock } = killedAt(100, 'ACTIVE');
  save({ kind: 'task-sets', stage: 'promoting', target: target() });
  await runDeployPost(aws.ports(), clock);
  expect(aws.primary()?.taskSetArn).toBe(BLUE_TASK_SET);
  expect(aws.weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  expect(outputs()).toMatchObject({ result: 'rolled-back' });
});

test('a run that backed off from another run: only its own task set is deleted, traffic is left alone', async () => {
  const { aws, clock } = killedAt(10, 'ACTIVE');
  save({ kind: 'task-sets', stage: 'yielded', target: target() });
  await runDeployPost(aws.ports(), clock);
  expect(aws.weights()).toEqual({ [BLUE_TG]: 90, [GREEN_TG]: 10 });
  expect(aws.calls.filter((c) => c !== 'DescribeServices' && c !== 'DescribeTaskSets')).toEqual([
    'DeleteTaskSet',
  ]);
  expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
  expect(outputs()).toMatchObject({ result: 'blocked' });
});

test('a finished deploy leaves the post step nothing to do, and it calls nothing', async () => {
  const { aws, clock } = killedAt(0, 'ACTIVE');
  save({ kind: 'task-sets', stage: 'finished', target: target() });
  await runDeployPost(aws.ports(), clock);
  expect(aws.calls).toEqual([]);
});

describe('the deployment record gets exactly one final status', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = new FakeGitHub().on('POST', '/repos/octo/shop/deployments/(\\d+)/statuses', () => ({
      status: 201,
      body: {},
    }));
    await github.start();
  });
  afterAll(() => github.stop());
  beforeEach(() => {
    github.requests.length = 0;
    process.env.GITHUB_API_URL = github.url;
    process.env.GITHUB_REPOSITORY = 'octo/shop';
    process.env['INPUT_GITHUB-TOKEN'] = 'ghs_test';
  });
  afterEach(() => {
    delete process.env.GITHUB_API_URL;
    delete process.env.GITHUB_REPOSITORY;
    delete process.env['INPUT_GITHUB-TOKEN'];
  });

  test('a killed run: failure, saying it was stopped and rolled back (not that it was cancelled)', async () => {
    const { aws, clock } = killedAt(10, 'ACTIVE');
    save({ kind: 'task-sets', stage: 'deploying', target: target(), deploymentId: 17 });
    await runDeployPost(aws.ports(), clock);
    const posted = github.calls('POST', '/repos/octo/shop/deployments/17/statuses').map((r) => r.body);
    expect(posted).toEqual([
      expect.objectContaining({
        state: 'failure',
        description: expect.stringMatching(/^rolled-back: the deploy was stopped before it finished/),
      }),
    ]);
  });

  test('a record the main step already finished is not given a second status', async () => {
    const { aws, clock } = killedAt(10, 'ACTIVE');
    save({ kind: 'task-sets', stage: 'deploying', target: target(), deploymentId: 17, recordFinished: true });
    await runDeployPost(aws.ports(), clock);
    expect(github.calls('POST', '/repos/octo/shop/deployments/17/statuses')).toEqual([]);
  });

  test('blue deleted already, on an ECS that answers a delete of it with a ClientException: success', async () => {
    const { aws, clock } = killedAt(100, 'PRIMARY');
    aws.taskSets = aws.taskSets.filter((t) => t.taskSetArn !== BLUE_TASK_SET);
    // What moto_server answers a DeleteTaskSet of a task set that is gone.
    const gone = Object.assign(new Error('The specified task set does not exist.'), {
      name: 'ClientException',
    });
    aws.fail('DeleteTaskSet', gone, 100);
    save({ kind: 'task-sets', stage: 'promoting', target: target(), deploymentId: 17 });
    await runDeployPost(aws.ports(), clock);
    expect(outputs()).toMatchObject({ result: 'deployed' });
    expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([GREEN]);
    const posted = github.calls('POST', '/repos/octo/shop/deployments/17/statuses').map((r) => r.body);
    expect(posted).toEqual([expect.objectContaining({ state: 'success' })]);
  });

  test('a post step that fails still ends the record: failure, saying why', async () => {
    const { aws, clock } = killedAt(100, 'PRIMARY');
    const denied = Object.assign(new Error('User is not authorized to perform: ecs:DeleteTaskSet'), {
      name: 'AccessDeniedException',
    });
    aws.fail('DeleteTaskSet', denied, 100);
    save({ kind: 'task-sets', stage: 'promoting', target: target(), deploymentId: 17 });
    await expect(runDeployPost(aws.ports(), clock)).rejects.toThrow('not authorized');
    const posted = github.calls('POST', '/repos/octo/shop/deployments/17/statuses').map((r) => r.body);
    expect(posted).toEqual([
      expect.objectContaining({
        state: 'failure',
        description: expect.stringContaining('the post step failed'),
      }),
    ]);
  });

  test('a promotion the post step finished is a success', async () => {
    const { aws, clock } = killedAt(100, 'PRIMARY');
    save({ kind: 'task-sets', stage: 'promoting', target: target(), deploymentId: 17 });
    await runDeployPost(aws.ports(), clock);
    const posted = github.calls('POST', '/repos/octo/shop/deployments/17/statuses').map((r) => r.body);
    expect(posted).toEqual([expect.objectContaining({ state: 'success' })]);
  });
});

describe('a job killed while its release task ran', () => {
  async function releaseTaskRunning(aws: FakeAws): Promise<string> {
    aws.resources.task = { runMs: 60 * 60_000, exitCode: 0, output: [] };
    const started = await aws.ports().tasks.runTask({
      cluster: 'web',
      taskDefinition: 'api:7',
      launch: { launchType: 'FARGATE' },
      container: 'app',
      command: ['bin/migrate'],
      startedBy: 'safe-deploy-99',
      clientToken: 'token',
    });
    return started.task!.arn;
  }

  test('the post step stops the task, then rolls back', async () => {
    const { aws, clock } = killedAt(0, 'ACTIVE');
    const arn = await releaseTaskRunning(aws);
    save({ kind: 'task-sets', stage: 'deploying', target: target(), releaseTaskArn: arn });
    await runDeployPost(aws.ports(), clock);
    expect(aws.count('StopTask')).toBe(1);
    expect((await aws.ports().tasks.describeTask('web', arn))?.lastStatus).toBe('STOPPED');
    expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
    expect(outputs()).toMatchObject({ result: 'rolled-back' });
  });

  test('a task that cannot be stopped never holds the rollback up: green goes, then the step fails naming the task', async () => {
    const { aws, clock } = killedAt(0, 'ACTIVE');
    const arn = await releaseTaskRunning(aws);
    const denied = Object.assign(new Error('User is not authorized to perform: ecs:StopTask'), {
      name: 'AccessDeniedException',
    });
    aws.fail('StopTask', denied, 100);
    save({ kind: 'task-sets', stage: 'deploying', target: target(), releaseTaskArn: arn });
    await expect(runDeployPost(aws.ports(), clock)).rejects.toThrow(
      `the release task ${arn} may still run: Rollback could not stop the release task: User is not authorized to perform: ecs:StopTask`,
    );
    expect(aws.taskSets.map((t) => t.taskSetArn)).toEqual([BLUE_TASK_SET]);
    expect(aws.weights()).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
  });
});
