import * as core from '@actions/core';
import { systemClock, type Clock } from '../clock.js';
import { describeError } from '../errors.js';
import * as log from '../log.js';
import { recordFromId } from '../report/deployment-record.js';
import { AwsCalls } from './calls.js';
import {
  findGreenByTags,
  rollBackFirstTaskSet,
  rollBackTaskSets,
  savedRouter,
  type RollbackDeps,
} from './rollback.js';
import { awsPorts, type AwsPorts } from './aws-ports.js';
import { runIdentity } from './leftovers.js';
import { STATE_KEY } from './state.js';
import { rollBackEcs } from './kinds/ecs-rollback.js';
import type {
  SavedDeploy,
  SavedEcsDeploy,
  SavedFirstTaskSetDeploy,
  SavedTaskSetDeploy,
  TaskSetTarget,
} from './saved.js';
import { parseSavedDeploy } from './saved-schema.js';

/** What the post step did, for its outputs and the deployment record. */
interface PostOutcome {
  result: 'rolled-back' | 'deployed' | 'blocked';
  reason: string;
  /** The record's final status: true success, false failure, 'error' ended without deploying. */
  record: boolean | 'error';
  /** Problems AWS still shows; the step fails when there are any. */
  problems: string[];
}

/**
 * The action's post step (`post-if: always()`). When the main step was stopped before it finished (the
 * job cancelled or timed out, the runner killing it), it acts from saved state alone:
 * - stopped while deploying: roll back to blue;
 * - stopped while promoting: if AWS shows green PRIMARY, finish the promotion (roll forward), else roll
 *   back; a half-promoted service must never be left without a PRIMARY task set;
 * - a run that had lost the start race: delete only its own task set, never touching traffic;
 * - a service's first deploy: its task set is deleted, leaving the service empty as it was (or, stopped
 *   while promoting with it PRIMARY already, kept).
 * It decides from the saved state before it loads the AWS SDK, so a post step with nothing to do is cheap.
 */
export async function runDeployPost(ports?: AwsPorts, clock: Clock = systemClock): Promise<void> {
  const saved = core.getState(STATE_KEY);
  if (!saved) {
    log.info('safe-deploy post: the deploy changed nothing in AWS; nothing to clean up');
    return;
  }
  const state = parseSavedDeploy(saved);
  if (state.stage === 'finished') {
    log.info('safe-deploy post: the deploy finished; nothing to clean up');
    return;
  }
  const aws = ports ?? (await awsPorts());
  const calls = new AwsCalls({
    clock,
    log: { info: log.info, warn: log.warning, debug: log.debug, group: log.group },
    callTimeoutMs: 30_000,
    pause: (_what) => clock.sleep(5000),
  });
  let outcome: PostOutcome;
  try {
    const stopped = await stopReleaseTask(state, { aws, calls, clock });
    outcome = await resume(state, { aws, calls, clock });
    outcome.problems.unshift(...stopped);
  } catch (error) {
    // The record never stays in progress: a post step that could not finish says so there too.
    await finishRecord(state, {
      result: 'rolled-back',
      reason: `the post step failed: ${describeError(error)}`,
      record: false,
      problems: [],
    });
    throw error;
  }
  await finishRecord(state, outcome);
  core.setOutput('result', outcome.result);
  core.setOutput('reason', outcome.reason);
  if (outcome.problems.length) {
    throw new Error(`safe-deploy post: NOT confirmed by AWS: ${outcome.problems.join('; ')}`);
  }
}

/** What a post step works with. */
interface PostEnv {
  aws: AwsPorts;
  calls: AwsCalls;
  clock: Clock;
}

/** What the post step's rollbacks and routers act with: its ports, its call policy and its log. */
function rollbackDeps({ aws, calls, clock }: PostEnv): RollbackDeps {
  return { ...aws, clock, calls, info: (m) => log.info(m), warn: (m) => log.warning(m) };
}

/**
 * A job stopped while its release task ran: the task must not run on after the deploy, as on every way
 * out of the main step. Read first: one that stopped on its own is left as it is. A task that cannot be
 * stopped is a problem the step fails with, after the rollback: it never holds the rollback up.
 */
async function stopReleaseTask(state: SavedDeploy, { aws, calls }: PostEnv): Promise<string[]> {
  const arn = state.releaseTaskArn;
  if (!arn) return [];
  const { cluster } = state.target;
  try {
    const task = await calls.persist('read the release task', () => aws.tasks.describeTask(cluster, arn));
    if (!task || task.lastStatus === 'STOPPED') {
      log.info(`safe-deploy post: the release task ${arn} has stopped already`);
      return [];
    }
    log.warning(`safe-deploy post: the release task ${arn} still runs (${task.lastStatus}); stopping it`);
    await calls.persist('stop the release task', () =>
      aws.tasks.stopTask(cluster, arn, 'safe-deploy post: the deploy was stopped while its release task ran'),
    );
    return [];
  } catch (error) {
    return [`the release task ${arn} may still run: ${describeError(error)}`];
  }
}

/** What the post step does for each kind of service: the one place it is chosen, from the saved state. */
const RESUME: { [K in SavedDeploy['kind']]: (state: SavedOf<K>, env: PostEnv) => Promise<PostOutcome> } = {
  'task-sets': taskSetsFromPost,
  'first-task-set': firstDeployFromPost,
  ecs: rollBackEcsFromPost,
};

type SavedOf<K extends SavedDeploy['kind']> = Extract<SavedDeploy, { kind: K }>;

function resume(state: SavedDeploy, env: PostEnv): Promise<PostOutcome> {
  const handler = RESUME[state.kind] as (state: SavedDeploy, env: PostEnv) => Promise<PostOutcome>;
  return handler(state, env);
}

/** A task-set deploy stopped before it finished: roll back, finish a promotion, or delete only its own green. */
async function taskSetsFromPost(
  { stage, target }: SavedTaskSetDeploy,
  { aws, calls, clock }: PostEnv,
): Promise<PostOutcome> {
  const where = `${target.cluster}/${target.service}`;
  let outcome: PostOutcome;
  if (stage === 'yielded') {
    log.warning(`safe-deploy post: this run had backed off from ${where}; deleting only its own task set`);
    outcome = await deleteOwnGreen(target, aws, calls);
  } else if (stage === 'promoting' && (await greenIsPrimary(target, aws, calls))) {
    log.warning(
      `safe-deploy post: the deploy of ${where} was stopped while promoting green; finishing the promotion`,
    );
    outcome = await finishPromotion(target, { aws, calls, clock });
  } else {
    log.warning(
      `safe-deploy post: the deploy of ${where} was stopped before it finished (cancelled or timed out); rolling back`,
    );
    const rolled = await rollBackTaskSets(target, rollbackDeps({ aws, calls, clock }));
    outcome = {
      result: 'rolled-back',
      reason: 'the deploy was stopped before it finished; rolled back to blue by the post step',
      record: false,
      problems: rolled.problems,
    };
    if (rolled.verified) {
      log.info(
        `Rolled back: all traffic on blue ${target.blueArn}; green ${rolled.greenArn ?? '(none)'} deleted`,
      );
    }
  }
  return outcome;
}

/**
 * A first deploy stopped before it finished: its task set is deleted and the service left empty, as it
 * was; stopped while promoting with the task set PRIMARY already, the promotion is finished instead.
 */
async function firstDeployFromPost(
  { stage, target }: SavedFirstTaskSetDeploy,
  { aws, calls, clock }: PostEnv,
): Promise<PostOutcome> {
  const where = `${target.cluster}/${target.service}`;
  const own = { cluster: target.cluster, service: target.service, blueArn: '', runTags: target.runTags };
  const arn = target.taskSetArn ?? (await findGreenByTags(own, { ecs: aws.ecs, calls }));
  if (stage === 'yielded') {
    log.warning(`safe-deploy post: this run had backed off from ${where}; deleting only its own task set`);
    return deleteOwnGreen({ ...own, greenArn: arn }, aws, calls);
  }
  if (stage === 'promoting' && arn && (await isPrimary(target, arn, aws, calls))) {
    log.warning(
      `safe-deploy post: the first deploy of ${where} was stopped while promoting; it is PRIMARY already`,
    );
    const router = savedRouter({ ...target, blueArn: '' }, arn, rollbackDeps({ aws, calls, clock }));
    const problems = await router.verifyAt(100);
    if (!problems.length) log.info(`Promotion finished: ${arn}, the service's first task set, is PRIMARY`);
    return {
      result: 'deployed',
      reason: "the first deploy was stopped while promoting; the service's first task set is PRIMARY",
      record: problems.length === 0,
      problems,
    };
  }
  log.warning(
    `safe-deploy post: the first deploy of ${where} was stopped before it finished (cancelled or timed out); ` +
      'deleting its task set',
  );
  const rolled = await rollBackFirstTaskSet(
    { ...target, taskSetArn: arn },
    rollbackDeps({ aws, calls, clock }),
  );
  if (rolled.verified) log.info(`Rolled back: ${rolled.confirmation ?? 'the first task set is deleted'}`);
  return {
    result: 'rolled-back',
    reason: 'the first deploy was stopped before it finished; the post step deleted its task set',
    record: false,
    problems: rolled.problems,
  };
}

/** An ECS-controller deploy stopped before it finished: back to the task definition that ran before. */
async function rollBackEcsFromPost(
  { target }: SavedEcsDeploy,
  { aws, calls, clock }: PostEnv,
): Promise<PostOutcome> {
  core.warning(
    `safe-deploy post: the deploy of ${target.cluster}/${target.service} was stopped before it finished ` +
      `(cancelled or timed out); rolling back to ${target.previousTaskDefinition}`,
  );
  const rolled = await rollBackEcs(target, {
    ecs: aws.ecs,
    clock,
    calls,
    info: (m) => core.info(m),
    warn: (m) => core.warning(m),
    waitMs: 15 * 60_000,
  });
  if (rolled.verified) core.info(`Rolled back: ${rolled.confirmation ?? target.previousTaskDefinition}`);
  return {
    result: 'rolled-back',
    reason: `the deploy was stopped before it finished; rolled back to ${target.previousTaskDefinition} by the post step`,
    record: false,
    problems: rolled.problems,
  };
}

async function greenIsPrimary(target: TaskSetTarget, aws: AwsPorts, calls: AwsCalls): Promise<boolean> {
  return target.greenArn ? isPrimary(target, target.greenArn, aws, calls) : false;
}

async function isPrimary(
  where: { cluster: string; service: string },
  arn: string,
  aws: AwsPorts,
  calls: AwsCalls,
): Promise<boolean> {
  const service = await calls.persist('read the service', () =>
    aws.ecs.describeService(where.cluster, where.service),
  );
  return service?.taskSets.find((t) => t.arn === arn)?.status === 'PRIMARY';
}

/**
 * Green is PRIMARY already: remove blue, unless the main step got that far (read first: a task set that is
 * gone is not deleted again, as some ECS endpoints answer that with an error), and check that green takes
 * all traffic.
 */
async function finishPromotion(target: TaskSetTarget, { aws, calls, clock }: PostEnv): Promise<PostOutcome> {
  const before = await calls.persist('read the service', () =>
    aws.ecs.describeService(target.cluster, target.service),
  );
  if (before?.taskSets.some((t) => t.arn === target.blueArn && t.status !== 'DRAINING')) {
    await calls.persist('delete blue', () =>
      aws.ecs.deleteTaskSet(target.cluster, target.service, target.blueArn),
    );
  } else {
    log.info(`Blue ${target.blueArn} is gone already: the main step removed it before it was stopped`);
  }
  const router = savedRouter(target, target.greenArn, rollbackDeps({ aws, calls, clock }));
  const problems = await router.verifyAt(100);
  const service = await calls.persist('read the service', () =>
    aws.ecs.describeService(target.cluster, target.service),
  );
  const blue = service?.taskSets.find((t) => t.arn === target.blueArn && t.status !== 'DRAINING');
  if (blue) problems.push(`blue task set ${blue.arn} still exists`);
  if (!problems.length)
    log.info(`Promotion finished: ${target.greenArn} is PRIMARY, blue ${target.blueArn} removed`);
  return {
    result: 'deployed',
    reason: 'the deploy was stopped while promoting; the post step finished the promotion',
    record: problems.length === 0,
    problems,
  };
}

/** A run that backed off owns nothing but its own task set. */
async function deleteOwnGreen(
  target: Pick<TaskSetTarget, 'cluster' | 'service' | 'blueArn' | 'greenArn' | 'runTags'>,
  aws: AwsPorts,
  calls: AwsCalls,
): Promise<PostOutcome> {
  const greenArn = target.greenArn ?? (await findGreenByTags(target, { ecs: aws.ecs, calls }));
  const problems: string[] = [];
  if (greenArn) {
    try {
      await calls.persist('delete this run’s task set', () =>
        aws.ecs.deleteTaskSet(target.cluster, target.service, greenArn),
      );
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  return {
    result: 'blocked',
    reason: 'another run was deploying this service; this run backed off and removed only its own task set',
    record: 'error',
    problems,
  };
}

/** Gives the deployment record its one final status, unless the main step already did. */
async function finishRecord(state: SavedDeploy, outcome: PostOutcome): Promise<void> {
  const token = core.getInput('github-token');
  if (state.deploymentId === undefined || state.recordFinished || !token) return;
  const [owner = '', repo = ''] = runIdentity(process.env).repository.split('/');
  try {
    await recordFromId(token, owner, repo, state.deploymentId).finish(
      outcome.record,
      `${outcome.result}: ${outcome.reason}`,
    );
  } catch (error) {
    log.warning(`Could not give the deployment record its final status: ${describeError(error)}`);
  }
}
