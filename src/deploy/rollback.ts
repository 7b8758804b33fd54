import { isSteady, taskSetCounts, type EcsPort, type TaskSet } from '../aws/ecs.js';
import type { LoadBalancerPort } from '../aws/load-balancer.js';
import type { Clock } from '../clock.js';
import type { AwsCalls } from './calls.js';
import { waitProgress } from './progress.js';
import { trafficRouter, type TaskSetPair, type TaskSetRouter } from './routing/router.js';
import type { FirstTaskSetTarget, TaskSetTarget } from './saved.js';

export interface RollbackDeps {
  ecs: EcsPort;
  lb: LoadBalancerPort;
  clock: Clock;
  calls: AwsCalls;
  info(message: string): void;
  warn(message: string): void;
  /** Called once production traffic is back on blue (for the timeline and the latency benchmark). */
  onTrafficRestored?(): void;
}

/** What AWS showed after the rollback. */
export interface RollbackOutcome {
  verified: boolean;
  /** What did not look right when AWS was re-read; empty when verified. */
  problems: string[];
  greenArn: string | undefined;
  /** What AWS shows once rolled back, for the log, when not the task-set wording. */
  confirmation?: string;
}

const BLUE_STEADY_TIMEOUT_MS = 5 * 60_000;
const READ_EVERY_MS = 2000;

/**
 * Puts production and test traffic back on blue, scales blue back to 100%, deletes green, then re-reads
 * AWS and reports success only when AWS shows it. Idempotent: the post step may run it again. Every call
 * goes through the call policy's `persist`: a rollback does not give up on a passing fault.
 */
export async function rollBackTaskSets(target: TaskSetTarget, deps: RollbackDeps): Promise<RollbackOutcome> {
  const { ecs, calls } = deps;
  const { cluster, service } = target;
  const greenArn = target.greenArn ?? (await findGreenByTags(target, deps));
  const router = savedRouter(target, greenArn, deps);
  await router.restore(() => deps.onTrafficRestored?.());
  if (greenArn) await calls.persist('delete green', () => ecs.deleteTaskSet(cluster, service, greenArn));

  const problems = [...(await router.verifyRestored()), ...(await verifyTaskSets(target, greenArn, deps))];
  return { verified: problems.length === 0, problems, greenArn };
}

/**
 * The router of a task-set deploy from its saved target, for a rollback or the post step: its waits are
 * bounded reads (the deploy's watch is not running, or is already stopping).
 */
export function savedRouter(
  target: Pick<TaskSetTarget, 'cluster' | 'service' | 'blueArn' | 'listener'>,
  greenArn: string | undefined,
  deps: Pick<RollbackDeps, 'ecs' | 'lb' | 'clock' | 'calls' | 'info' | 'warn'>,
): TaskSetRouter {
  const { cluster, service } = target;
  const blueArn = target.blueArn || undefined;
  const taskSets: TaskSetPair = {
    cluster,
    service,
    blueArn,
    greenArn: () => greenArn,
    greenSteady: async (what) => {
      if (greenArn)
        await waitForTaskSet({ cluster, service, arn: greenArn, what, late: 'going on anyway' }, deps);
    },
    blueSteady: async () => {
      if (blueArn)
        await waitForTaskSet(
          { cluster, service, arn: blueArn, what: 'blue', late: 'removing green anyway' },
          deps,
        );
    },
  };
  return trafficRouter({ moves: 'task-sets', listener: target.listener, taskSets }, deps);
}

/** Blue back at 100% and steady, green gone (DRAINING counts as gone: ECS is removing it). */
async function verifyTaskSets(
  target: TaskSetTarget,
  greenArn: string | undefined,
  deps: RollbackDeps,
): Promise<string[]> {
  const { ecs, clock, calls } = deps;
  const deadline = clock.now() + BLUE_STEADY_TIMEOUT_MS;
  const report = waitProgress(deps.info, () => clock.now());
  for (;;) {
    const service = await calls.persist('read the service', () =>
      ecs.describeService(target.cluster, target.service),
    );
    const blue = service?.taskSets.find((t) => t.arn === target.blueArn);
    const green = greenArn
      ? service?.taskSets.find((t) => t.arn === greenArn && t.status !== 'DRAINING')
      : undefined;
    const problems = rollbackProblems(target, blue, green);
    if (problems.length === 0) return [];
    if (clock.now() >= deadline) return problems;
    report(`waiting for blue at 100% and steady with green gone (${describeTaskSets(blue, problems)})`);
    await clock.sleep(READ_EVERY_MS);
  }
}

/** What a rollback's wait sees: the problems, and blue's task counts when it is there. */
function describeTaskSets(blue: TaskSet | undefined, problems: string[]): string {
  return [...problems, ...(blue ? [`blue: ${taskSetCounts(blue)}`] : [])].join('; ');
}

function rollbackProblems(
  target: TaskSetTarget,
  blue: TaskSet | undefined,
  green: TaskSet | undefined,
): string[] {
  const problems: string[] = [];
  if (!blue) problems.push(`blue task set ${target.blueArn} is gone`);
  else if (blue.scalePercent !== 100) problems.push(`blue is at ${blue.scalePercent}%, not 100%`);
  else if (!isSteady(blue)) problems.push('blue did not reach a steady state');
  if (green) problems.push(`green task set ${green.arn} still exists`);
  return problems;
}

/**
 * Waits (bounded) until a task set runs all its tasks. Past the bound the rollback goes on anyway: it must
 * not leave traffic split, and the tasks keep starting.
 */
async function waitForTaskSet(
  set: { cluster: string; service: string; arn: string; what: string; late: string },
  deps: Pick<RollbackDeps, 'ecs' | 'clock' | 'calls' | 'info' | 'warn'>,
): Promise<void> {
  const { ecs, clock, calls } = deps;
  const deadline = clock.now() + BLUE_STEADY_TIMEOUT_MS;
  const report = waitProgress(deps.info, () => clock.now());
  for (;;) {
    const current = await calls.persist(`read ${set.what}`, () =>
      ecs.describeTaskSet(set.cluster, set.service, set.arn),
    );
    if (!current || isSteady(current)) return;
    report(`waiting for ${set.what} to run all its tasks (${taskSetCounts(current)})`);
    if (clock.now() >= deadline) {
      const which = set.what.charAt(0).toUpperCase() + set.what.slice(1);
      deps.warn(
        `${which} is not running all its tasks after ${BLUE_STEADY_TIMEOUT_MS / 60_000}m ` +
          `(${taskSetCounts(current)}); ${set.late}`,
      );
      return;
    }
    await clock.sleep(READ_EVERY_MS);
  }
}

/**
 * A first deploy's rollback: deletes the service's first task set (found by its tags when the run stopped
 * while creating it), then re-reads the service and reports success only once it shows no task set, as
 * before the deploy (a DRAINING one counts as gone: ECS is removing it). The listener is left as it is:
 * before the deploy it sent its traffic to a target group with no targets, and it does so again.
 */
export async function rollBackFirstTaskSet(
  target: FirstTaskSetTarget,
  deps: Omit<RollbackDeps, 'lb'>,
): Promise<RollbackOutcome> {
  const { ecs, clock, calls } = deps;
  const { cluster, service } = target;
  const arn = target.taskSetArn ?? (await findGreenByTags({ ...target, blueArn: '' }, deps));
  if (arn) await calls.persist('delete the first task set', () => ecs.deleteTaskSet(cluster, service, arn));
  deps.onTrafficRestored?.();
  const deadline = clock.now() + BLUE_STEADY_TIMEOUT_MS;
  const report = waitProgress(deps.info, () => clock.now());
  for (;;) {
    const now = await calls.persist('read the service', () => ecs.describeService(cluster, service));
    const sets = now?.taskSets ?? [];
    const left = sets.filter((t) => t.status !== 'DRAINING');
    if (left.length === 0) {
      const draining = sets.length ? ` (ECS is still draining ${sets.map((t) => t.arn).join(', ')})` : '';
      return {
        verified: true,
        problems: [],
        greenArn: arn,
        confirmation: `the first task set is deleted: the service has no task set, as before the deploy${draining}`,
      };
    }
    if (clock.now() >= deadline) {
      return {
        verified: false,
        problems: left.map((t) => `task set ${t.arn} (${t.status}) is still in the service`),
        greenArn: arn,
      };
    }
    report(`waiting for ECS to remove ${left.map((t) => `task set ${t.arn} (${t.status})`).join(', ')}`);
    await clock.sleep(READ_EVERY_MS);
  }
}

/** This run's green, found by the tags it was created with (when the run stopped while creating it). */
export async function findGreenByTags(
  target: Pick<TaskSetTarget, 'cluster' | 'service' | 'blueArn' | 'runTags'>,
  deps: Pick<RollbackDeps, 'ecs' | 'calls'>,
): Promise<string | undefined> {
  const service = await deps.calls.persist('read the service', () =>
    deps.ecs.describeService(target.cluster, target.service),
  );
  return service ? taggedGreen(service.taskSets, target)?.arn : undefined;
}

/** The task set other than blue that carries every one of this run's tags. */
export function taggedGreen(
  taskSets: readonly TaskSet[],
  target: Pick<TaskSetTarget, 'blueArn' | 'runTags'>,
): TaskSet | undefined {
  const entries = Object.entries(target.runTags);
  return taskSets.find(
    (t) => t.arn !== target.blueArn && t.status !== 'DRAINING' && entries.every(([k, v]) => t.tags[k] === v),
  );
}
