import { isSteady, taskSetCounts, type EcsControlPort, type EcsPort, type TaskSet } from '../aws/ecs.js';
import type { ForwardRef, LoadBalancerPort, TargetHealthPort, Weights } from '../aws/load-balancer.js';
import type { Clock } from '../clock.js';
import { formatDuration } from '../duration.js';
import { UserError } from '../errors.js';
import { diagnose, renderDiagnosisText, type Diagnosis } from '../deploy/diagnose.js';
import { isLive, KEPT_KEYS, type KeptRelease } from './channel.js';
import { findChannel, findKept, where } from './locate.js';

/**
 * `safe-deploy rollback` and the action's `rollback: true`: bring back the release a deploy kept with
 * `keep-previous`. The kept task set scales up and steadies before any traffic moves; then all traffic
 * moves to it, it becomes PRIMARY, the newer one is removed, and AWS is read again to confirm. If the
 * kept release cannot steady, it goes back to zero and the running release keeps all traffic.
 */

export interface RestoreOptions {
  cluster: string;
  service: string;
  stabilizeTimeoutMs: number;
  pollIntervalMs: number;
  /** Check and say what would happen; change nothing. */
  dryRun: boolean;
}

export interface RestorePorts {
  ecs: EcsPort & EcsControlPort;
  lb: LoadBalancerPort & TargetHealthPort;
  clock: Clock;
  info(message: string): void;
  warn(message: string): void;
}

export interface RestoreOutcome {
  /** `restored` when AWS shows the kept release PRIMARY with all traffic; `dry-run`; `failed` otherwise. */
  result: 'restored' | 'dry-run' | 'failed';
  reason: string;
  restoredArn: string;
  removedArn: string;
  taskDefinition: string;
  /** Why the kept release did not steady, when it did not. */
  diagnosis?: Diagnosis;
}

/** What the rollback acts on, checked before anything changes. */
interface Plan {
  kept: TaskSet;
  release: KeptRelease;
  newer: TaskSet;
  keptGroup: string | undefined;
  newerGroup: string | undefined;
}

/** Brings the kept release back; throws a UserError, changing nothing, when there is nothing to bring back. */
export async function restoreKept(options: RestoreOptions, ports: RestorePorts): Promise<RestoreOutcome> {
  const plan = await check(options, ports);
  const { kept, newer } = plan;
  const base = { restoredArn: kept.arn, removedArn: newer.arn, taskDefinition: kept.taskDefinition };
  const route = plan.release.production
    ? `${plan.release.production.kind} ${plan.release.production.arn}`
    : 'task-set scale';
  ports.info(
    `Rolling back ${where(options.cluster, options.service)} to the release kept by run ${plan.release.keptBy}: ` +
      `${kept.arn} (${kept.taskDefinition}); removing ${newer.arn} (${newer.taskDefinition}); traffic by ${route}`,
  );
  if (options.dryRun) {
    return {
      result: 'dry-run',
      reason: 'the kept release would come back; nothing changed',
      ...base,
    };
  }

  const { ecs, lb } = ports;
  const { cluster, service } = options;
  await ecs.scaleTaskSet(cluster, service, kept.arn, 100);
  const steady = await waitSteady(plan, options, ports);
  if (!steady.ok) {
    // Nothing moved yet: the running release keeps all traffic, the kept one goes back to zero.
    await ecs.scaleTaskSet(cluster, service, kept.arn, 0);
    const diagnosis = await diagnose(
      {
        cluster,
        service,
        since: steady.since,
        taskSetArn: kept.arn,
        targetGroupArn: plan.release.routing === 'listener' ? plan.keptGroup : undefined,
      },
      ports,
    );
    ports.warn(renderDiagnosisText(diagnosis));
    return {
      result: 'failed',
      reason:
        `the kept release did not reach a steady state within ${formatDuration(options.stabilizeTimeoutMs)} ` +
        `(${steady.last}); it is back at 0% and ${newer.arn} still takes all traffic`,
      diagnosis,
      ...base,
    };
  }
  ports.info(`Kept release steady (${steady.last})`);

  if (plan.release.production && plan.keptGroup && plan.newerGroup) {
    const weights: Weights = { [plan.keptGroup]: 100, [plan.newerGroup]: 0 };
    await lb.setWeights(plan.release.production, weights);
    if (plan.release.testListenerArn) {
      await lb.setWeights({ kind: 'listener', arn: plan.release.testListenerArn }, weights);
    }
  } else {
    // One target group: traffic follows running tasks; the kept release already runs all of its own.
    await ecs.scaleTaskSet(cluster, service, newer.arn, 0);
  }
  ports.info('All traffic on the kept release');
  await ecs.makePrimary(cluster, service, kept.arn);
  await ecs.deleteTaskSet(cluster, service, newer.arn);
  await ecs.untagResource(kept.arn, KEPT_KEYS);

  const problems = await verify(plan, options, ports);
  if (problems.length) {
    return { result: 'failed', reason: `rollback NOT confirmed by AWS: ${problems.join('; ')}`, ...base };
  }
  return {
    result: 'restored',
    reason: `${kept.arn} (${kept.taskDefinition}) is PRIMARY and takes all traffic; ${newer.arn} removed`,
    ...base,
  };
}

async function check(options: RestoreOptions, ports: RestorePorts): Promise<Plan> {
  const { cluster, service } = options;
  const at = where(cluster, service);
  const channel = await findChannel(ports.ecs, cluster, service);
  if (channel.kind !== 'task-set') {
    throw new UserError(
      `Service '${channel.service.name}' uses the ${channel.service.controller} deployment controller: keep-previous ` +
        'and rollback are for task-set (EXTERNAL) services; deploy the previous task definition instead',
    );
  }
  if (channel.state && isLive(channel.state, ports.clock.now())) {
    throw new UserError(
      `A deploy is running on ${at} (run ${channel.state.runId}, ${channel.state.phase}): \`safe-deploy abort\` rolls it back`,
    );
  }
  const found = findKept(channel.service);
  if (!found) {
    throw new UserError(
      `No release is kept on ${at}: nothing to roll back to. A deploy with 'keep-previous: true' keeps the one it replaces`,
    );
  }
  const newer = channel.service.taskSets.find((t) => t.status === 'PRIMARY');
  if (!newer) throw new UserError(`Service ${at} has no PRIMARY task set to roll back from`);
  const others = channel.service.taskSets.filter(
    (t) => t.arn !== newer.arn && t.arn !== found.taskSet.arn && t.status !== 'DRAINING',
  );
  if (others.length) {
    throw new UserError(
      `Service ${at} has other task sets (${others.map((t) => t.arn).join(', ')}); remove them or wait for them to go`,
    );
  }
  const plan: Plan = {
    kept: found.taskSet,
    release: found.kept,
    newer,
    keptGroup: found.taskSet.targetGroupArns[0],
    newerGroup: newer.targetGroupArns[0],
  };
  if (found.kept.production) await checkListener(found.kept.production, plan, at, ports);
  return plan;
}

/** The listener must forward to the two releases' groups with all traffic on the newer one. */
async function checkListener(ref: ForwardRef, plan: Plan, at: string, ports: RestorePorts): Promise<void> {
  const weights = await ports.lb.readWeights(ref);
  const groups = Object.keys(weights);
  const { keptGroup, newerGroup } = plan;
  if (!keptGroup || !newerGroup || !groups.includes(keptGroup) || !groups.includes(newerGroup)) {
    throw new UserError(
      `The ${ref.kind} ${ref.arn} no longer forwards to the kept release's target group (${keptGroup ?? 'none'}) ` +
        `and the running one's (${newerGroup ?? 'none'}): it forwards to ${groups.join(', ') || 'nothing'}; not rolling back ${at}`,
    );
  }
  // All traffic already on the kept release: an earlier rollback stopped half way, and this one finishes it.
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  const kept = weights[keptGroup] ?? 0;
  if (kept > 0 && kept !== total) {
    throw new UserError(
      `The ${ref.kind} ${ref.arn} splits traffic between the kept release and the running one (${JSON.stringify(weights)}); ` +
        'someone else is moving traffic: not rolling back',
    );
  }
}

async function waitSteady(
  plan: Plan,
  options: RestoreOptions,
  ports: RestorePorts,
): Promise<{ ok: boolean; last: string; since: number }> {
  const { ecs, lb, clock } = ports;
  const since = clock.now();
  const limit = since + options.stabilizeTimeoutMs;
  for (;;) {
    const set = await ecs.describeTaskSet(options.cluster, options.service, plan.kept.arn);
    if (!set) return { ok: false, last: 'the kept task set disappeared', since };
    let last = `${set.stabilityStatus}, ${taskSetCounts(set)}`;
    let ready = set.scalePercent === 100 && isSteady(set);
    if (ready && plan.release.routing === 'listener' && plan.keptGroup) {
      const targets = await lb.targetHealthDetails(plan.keptGroup);
      const healthy = targets.filter((t) => t.state === 'healthy').length;
      const want = set.computedDesiredCount ?? targets.length;
      last += `, ${healthy}/${want} healthy`;
      ready = healthy >= want && healthy === targets.length;
    }
    if (ready) return { ok: true, last, since };
    if (clock.now() >= limit) return { ok: false, last, since };
    await clock.sleep(options.pollIntervalMs);
  }
}

async function verify(plan: Plan, options: RestoreOptions, ports: RestorePorts): Promise<string[]> {
  const problems: string[] = [];
  const service = await ports.ecs.describeService(options.cluster, options.service);
  const restored = service?.taskSets.find((t) => t.arn === plan.kept.arn);
  const newer = service?.taskSets.find((t) => t.arn === plan.newer.arn && t.status !== 'DRAINING');
  if (restored?.status !== 'PRIMARY')
    problems.push(`${plan.kept.arn} is ${restored?.status ?? 'gone'}, not PRIMARY`);
  else if (restored.scalePercent !== 100)
    problems.push(`${plan.kept.arn} is at ${restored.scalePercent}%, not 100%`);
  if (newer) problems.push(`${newer.arn} still exists`);
  const refs: ForwardRef[] = plan.release.production ? [plan.release.production] : [];
  if (plan.release.testListenerArn) refs.push({ kind: 'listener', arn: plan.release.testListenerArn });
  for (const ref of refs) {
    const weights = await ports.lb.readWeights(ref);
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    if (!plan.keptGroup || total === 0 || weights[plan.keptGroup] !== total) {
      problems.push(`${ref.kind} ${ref.arn} sends traffic elsewhere: ${JSON.stringify(weights)}`);
    }
  }
  return problems;
}
