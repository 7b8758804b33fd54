import type { TaskSet } from '@aws-sdk/client-ecs';
import { runDeployPost } from '../../src/deploy/post.js';
import type { FirstTaskSetTarget, SavedDeploy } from '../../src/deploy/saved.js';
import { BLUE_TG, GREEN_TG, LISTENER } from '../support/fake-aws.js';
import { postStepHarness } from '../support/post-step.js';
import { deploy, scenario, type Scenario } from './harness.js';

// The post step of a first deploy the runner killed: from saved state alone, the first task set is
// deleted and the service left empty as it was, or (stopped while promoting, PRIMARY already) kept.

const FIRST = JSON.stringify({
  launchType: 'FARGATE',
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
});
const RUN_TAGS = {
  'safe-deploy:repository': 'octo/shop',
  'safe-deploy:commit': 'abc1234',
  'safe-deploy:run-id': '99',
  'safe-deploy:run-attempt': '1',
};
const FIRST_SET = 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000005';
const post = postStepHarness();
const { save, outputs } = post;

function target(taskSetArn: string | undefined = FIRST_SET): FirstTaskSetTarget {
  return {
    cluster: 'web',
    service: 'api',
    routing: 'listener',
    taskSetArn,
    listener: {
      kind: 'listener',
      production: { kind: 'listener', arn: LISTENER },
      testListenerArn: undefined,
      blueTargetGroup: GREEN_TG,
      greenTargetGroup: BLUE_TG,
    },
    runTags: RUN_TAGS,
  };
}

/** An empty service where the killed run's first task set exists, with `status`. */
function killedWith(status: 'ACTIVE' | 'PRIMARY', tags = RUN_TAGS): Scenario {
  const s = scenario();
  s.aws.empty();
  s.aws.taskSets.push(firstSet(FIRST_SET, status, tags));
  return s;
}

function firstSet(arn: string, status: string, tags: Record<string, string>): TaskSet {
  return {
    taskSetArn: arn,
    status,
    scale: { unit: 'PERCENT', value: 100 },
    loadBalancers: [{ targetGroupArn: BLUE_TG, containerName: 'app', containerPort: 80 }],
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}

test('killed while deploying: the first task set is deleted, the service left empty', async () => {
  const s = killedWith('ACTIVE');
  save({ kind: 'first-task-set', stage: 'deploying', target: target() });
  await runDeployPost(s.aws.ports(), s.clock);
  expect(s.aws.taskSets).toEqual([]);
  expect(outputs()).toMatchObject({ result: 'rolled-back' });
  expect(outputs().reason).toBe(
    'the first deploy was stopped before it finished; the post step deleted its task set',
  );
  expect(post.out()).toContain(
    'Rolled back: the first task set is deleted: the service has no task set, as before the deploy',
  );
});

test('killed while creating it: the task set is found by the run’s tags and deleted', async () => {
  const s = killedWith('ACTIVE');
  save({ kind: 'first-task-set', stage: 'deploying', target: target(undefined) });
  await runDeployPost(s.aws.ports(), s.clock);
  expect(s.aws.taskSets).toEqual([]);
  expect(outputs()).toMatchObject({ result: 'rolled-back' });
});

test('killed while promoting, PRIMARY already: kept, and the listener checked', async () => {
  const s = killedWith('PRIMARY');
  save({ kind: 'first-task-set', stage: 'promoting', target: target() });
  await runDeployPost(s.aws.ports(), s.clock);
  expect(s.aws.taskSets.map((t) => [t.taskSetArn, t.status])).toEqual([[FIRST_SET, 'PRIMARY']]);
  expect(s.aws.count('DeleteTaskSet')).toBe(0);
  expect(outputs()).toMatchObject({ result: 'deployed' });
});

test('killed while promoting, before ECS made it PRIMARY: deleted as any unfinished first deploy', async () => {
  const s = killedWith('ACTIVE');
  save({ kind: 'first-task-set', stage: 'promoting', target: target() });
  await runDeployPost(s.aws.ports(), s.clock);
  expect(s.aws.taskSets).toEqual([]);
  expect(outputs()).toMatchObject({ result: 'rolled-back' });
});

test('a run that backed off deletes only its own task set', async () => {
  const s = killedWith('ACTIVE');
  const rival = 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000004';
  s.aws.taskSets.push(firstSet(rival, 'ACTIVE', { 'safe-deploy:run-id': '98' }));
  save({ kind: 'first-task-set', stage: 'yielded', target: target() });
  await runDeployPost(s.aws.ports(), s.clock);
  expect(s.aws.taskSets.map((t) => t.taskSetArn)).toEqual([rival]);
  expect(outputs()).toMatchObject({ result: 'blocked' });
});

test('a rollback ECS does not show done fails the post step', async () => {
  const s = killedWith('ACTIVE');
  s.aws.taskSets.push(
    firstSet('arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000009', 'ACTIVE', {}),
  );
  save({ kind: 'first-task-set', stage: 'deploying', target: target() });
  await expect(runDeployPost(s.aws.ports(), s.clock)).rejects.toThrow(
    'safe-deploy post: NOT confirmed by AWS: task set arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000009 (ACTIVE) is still in the service',
  );
  expect(s.aws.taskSets.map((t) => t.taskSetArn)).not.toContain(FIRST_SET);
});

test('the state the main step saves mid-deploy is enough for the post step to roll back', async () => {
  const s = scenario();
  s.aws.empty();
  let saved: SavedDeploy | undefined;
  let atHook: { state: SavedDeploy | undefined; taskSets: TaskSet[] } | undefined;
  const report = await deploy(
    s,
    { 'first-task-set': FIRST, 'after-traffic': 'smoke' },
    {
      saveState: (state) => (saved = structuredClone(state)),
      // The runner kills the job here: what AWS and the saved state are at this moment is all the post step has.
      runHook: async () => {
        atHook = { state: saved, taskSets: structuredClone(s.aws.taskSets) };
        return 0;
      },
    },
  );
  expect(report.result).toBe('deployed');
  s.aws.taskSets = atHook!.taskSets;
  expect(atHook!.state).toMatchObject({ kind: 'first-task-set', stage: 'deploying' });
  save(atHook!.state!);
  await runDeployPost(s.aws.ports(), s.clock);
  expect(s.aws.taskSets).toEqual([]);
  expect(outputs()).toMatchObject({ result: 'rolled-back' });
});
