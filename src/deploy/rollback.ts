import { isSteady, type EcsPort } from '../aws/ecs.js';
import type { ForwardRef, LoadBalancerPort } from '../aws/load-balancer.js';
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { Routing } from './model.js';

/** What a rollback needs to know: everything the post step saves, so it never has to guess. */
export interface RollbackTarget {
  cluster: string;
  service: string;
  routing: Routing;
  blueArn: string;
  /** Unknown only when the run stopped while creating green; then it is found by `runTags`. */
  greenArn: string | undefined;
  production: ForwardRef | undefined;
  testListenerArn: string | undefined;
  blueTargetGroup: string | undefined;
  greenTargetGroup: string | undefined;
  /** Tags that identify the green task set of this run. */
  runTags: Record<string, string>;
}

export interface RollbackDeps {
  ecs: EcsPort;
  lb: LoadBalancerPort;
  clock: Clock;
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
}

const ATTEMPTS = 6;
const BLUE_STEADY_TIMEOUT_MS = 5 * 60_000;

/**
 * Puts production and test traffic back on blue, scales blue back to 100%, deletes green, then re-reads
 * AWS and reports success only when AWS shows it. Idempotent: the post step may run it again.
 * Each call is retried beyond the SDK's own retries, because a rollback must not give up early.
 */
export async function rollBack(target: RollbackTarget, deps: RollbackDeps): Promise<RollbackOutcome> {
  const { ecs, lb } = deps;
  const { cluster, service } = target;
  const greenArn = target.greenArn ?? (await findGreenByTags(target, deps));

  if (
    target.routing === 'listener' &&
    target.production &&
    target.blueTargetGroup &&
    target.greenTargetGroup
  ) {
    const weights = { [target.blueTargetGroup]: 100, [target.greenTargetGroup]: 0 };
    await retry('move production traffic to blue', deps, () => lb.setWeights(target.production!, weights));
    deps.onTrafficRestored?.();
    if (target.testListenerArn) {
      await retry('move test traffic to blue', deps, () =>
        lb.setWeights({ kind: 'listener', arn: target.testListenerArn! }, weights),
      );
    }
    await retry('scale blue to 100%', deps, () => ecs.scaleTaskSet(cluster, service, target.blueArn, 100));
  } else {
    // Both task sets sit behind one target group, so traffic follows running tasks. Blue may be at 0%
    // (during the bake): green keeps serving until blue's tasks run again, or the service would have
    // fewer tasks than it needs, possibly none, while they start.
    await retry('scale blue to 100%', deps, () => ecs.scaleTaskSet(cluster, service, target.blueArn, 100));
    if (greenArn) {
      await waitForBlue(target, deps);
      await retry('scale green to 0%', deps, () => ecs.scaleTaskSet(cluster, service, greenArn, 0));
    }
    deps.onTrafficRestored?.();
  }
  if (greenArn) await retry('delete green', deps, () => ecs.deleteTaskSet(cluster, service, greenArn));

  const problems = await verify(target, greenArn, deps);
  return { verified: problems.length === 0, problems, greenArn };
}

async function verify(
  target: RollbackTarget,
  greenArn: string | undefined,
  deps: RollbackDeps,
): Promise<string[]> {
  const { ecs, lb, clock } = deps;
  const problems: string[] = [];
  if (target.routing === 'listener' && target.production && target.blueTargetGroup) {
    const refs: ForwardRef[] = [target.production];
    if (target.testListenerArn) refs.push({ kind: 'listener', arn: target.testListenerArn });
    for (const ref of refs) {
      const weights = await retry(`read ${ref.kind} weights`, deps, () => lb.readWeights(ref));
      const total = Object.values(weights).reduce((a, b) => a + b, 0);
      if (total === 0 || weights[target.blueTargetGroup] !== total) {
        problems.push(
          `${ref.kind} ${ref.arn} still sends traffic elsewhere than blue: ${JSON.stringify(weights)}`,
        );
      }
    }
  }
  // Blue back at 100% and steady, green gone (DRAINING counts as gone: ECS is removing it).
  const deadline = clock.now() + BLUE_STEADY_TIMEOUT_MS;
  for (;;) {
    const service = await retry('read the service', deps, () =>
      ecs.describeService(target.cluster, target.service),
    );
    const blue = service?.taskSets.find((t) => t.arn === target.blueArn);
    const green = greenArn
      ? service?.taskSets.find((t) => t.arn === greenArn && t.status !== 'DRAINING')
      : undefined;
    const steady = blue !== undefined && isSteady(blue);
    if (blue && blue.scalePercent === 100 && steady && !green) break;
    if (clock.now() >= deadline) {
      if (!blue) problems.push(`blue task set ${target.blueArn} is gone`);
      else if (blue.scalePercent !== 100) problems.push(`blue is at ${blue.scalePercent}%, not 100%`);
      else if (!steady) problems.push('blue did not reach a steady state');
      if (green) problems.push(`green task set ${green.arn} still exists`);
      break;
    }
    await clock.sleep(2000);
  }
  return problems;
}

/**
 * Waits (bounded) until blue runs all its tasks. Past the bound green goes anyway: a rollback must not
 * leave traffic split, and blue's tasks keep starting.
 */
async function waitForBlue(target: RollbackTarget, deps: RollbackDeps): Promise<void> {
  const { ecs, clock } = deps;
  const deadline = clock.now() + BLUE_STEADY_TIMEOUT_MS;
  for (;;) {
    const blue = await retry('read blue', deps, () =>
      ecs.describeTaskSet(target.cluster, target.service, target.blueArn),
    );
    if (!blue || isSteady(blue)) return;
    if (clock.now() >= deadline) {
      deps.warn(
        `Blue is not running all its tasks after ${BLUE_STEADY_TIMEOUT_MS / 60_000}m ` +
          `(${blue.runningCount ?? '?'}/${blue.computedDesiredCount ?? '?'}); removing green anyway`,
      );
      return;
    }
    await clock.sleep(2000);
  }
}

async function findGreenByTags(target: RollbackTarget, deps: RollbackDeps): Promise<string | undefined> {
  const service = await retry('read the service', deps, () =>
    deps.ecs.describeService(target.cluster, target.service),
  );
  const entries = Object.entries(target.runTags);
  const green = service?.taskSets.find(
    (t) => t.arn !== target.blueArn && t.status !== 'DRAINING' && entries.every(([k, v]) => t.tags[k] === v),
  );
  return green?.arn;
}

async function retry<T>(what: string, deps: RollbackDeps, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= ATTEMPTS)
        throw new Error(`Rollback could not ${what}: ${describeError(error)}`, { cause: error });
      deps.warn(`Rollback: ${what} failed (${describeError(error)}); trying again`);
      await deps.clock.sleep(Math.min(16_000, 500 * 2 ** attempt));
    }
  }
}
