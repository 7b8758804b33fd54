import { resolveAlarms } from '../alarms/resolve.js';
import type { AlarmState } from '../aws/cloudwatch.js';
import type { Service, ServiceConfiguration } from '../aws/ecs.js';
import { errorName } from '../aws/ecs.js';
import { describeError, inputError, UserError } from '../errors.js';
import { arnInputs, notFoundError, otherAccountError, parseArn } from './arns.js';
import { refuseTaskSetOnlyInputs } from './operating-settings.js';
import type { DeployContext, Release, ResolvedAlarms } from './context.js';
import type { GreenBlueAnalysis } from '../compare/analysis.js';
import { checkEcsKind } from './kinds/ecs-kind.js';
import { serviceKind } from './kinds/service-kind.js';
import { checkTaskSetKind } from './kinds/task-sets.js';
import { checkFirstDeployKind, hasNoPrimary } from './kinds/first-deploy.js';
import { FIRST_TASK_SET, parseFirstTaskSet, type FirstTaskSet } from './first-task-set.js';
import { verifyTaskDefinition } from './verify/preflight.js';
import type { VerifyOutcome } from './verify/verify.js';
import { checkReleaseContainer } from './release/settings.js';
import { Blocked, type CheckedKind, type CheckedRollout } from './rollout.js';
import { productionOf } from './routing/settings.js';
import { checkPlanFitsTimeout } from './input-rules.js';
import type { DeploySettings } from './settings.js';
import type { CheckedTaskDefinition } from './task-definition.js';

/** What validation established, read only: nothing in AWS has changed yet. */
export interface Preflight {
  alarms: ResolvedAlarms;
  /** The watched alarms' states as validation read them, and when: the alarm watch's first full read. */
  alarmStates: { states: AlarmState[]; readAt: number };
  rollout: CheckedRollout;
  /** The settings the run follows: the inputs, less what its kind of service skips (a first deploy's canary). */
  settings: DeploySettings;
  /** Green against blue, when `compare` declares comparisons. */
  analysis: GreenBlueAnalysis | undefined;
  /** What verify found, when it ran. */
  verified?: VerifyOutcome;
}

/**
 * Validates everything before the first change: the alarms exist and none fires, the service is of a kind
 * safe-deploy deploys and is ready for it, the commit was reviewed when asked, and the task definition
 * exists. Throws Blocked (result `blocked`) or a UserError (the user must fix an input).
 */
export async function preflight(ctx: DeployContext, release: Release): Promise<Preflight> {
  const { settings: s } = ctx;
  // An input's schema checked before the first AWS call, like every other input.
  const firstTaskSet = s.firstTaskSet && parseFirstTaskSet(s.firstTaskSet);
  const alarms = await resolveWatchedAlarms(ctx);
  const { configuration, account } = await readServiceConfiguration(ctx);
  const kind = await checkKind(ctx, configuration, firstTaskSet);
  // The state at the start: an alarm already firing blocks the deploy, it does not roll it back.
  const blockers = new Set(alarms.resolved.blockers);
  for (const alarm of alarms.states) {
    blockIfFiring(alarm, blockers.has(alarm.name), s.insufficientData === 'rollback');
  }
  await checkReviewed(ctx);
  const taskDefinition = await checkTaskDefinition(ctx, release);
  const verified = s.verify
    ? await verifyTaskDefinition(ctx, taskDefinition, account, kind.loadBalancers)
    : undefined;
  const definition = 'register' in taskDefinition ? taskDefinition.register : taskDefinition.definition;
  checkReleaseContainer(s.releaseTask, s.taskDefinition, definition);
  // Default steps are the kind's: the task-set canary; none where ECS moves traffic or all goes at once.
  if (!s.stepsGiven) checkPlanFitsTimeout({ ...s, steps: kind.ownSteps ? [] : s.steps });
  return {
    alarms: alarms.resolved,
    alarmStates: alarms.watched,
    rollout: kind.rollout(taskDefinition),
    analysis: kind.analysis,
    settings: kind.settings,
    ...(verified ? { verified } : {}),
  };
}

/** The watched, one-box and blocker alarms, resolved from names and prefixes, with their state now. */
async function resolveWatchedAlarms(ctx: DeployContext): Promise<{
  resolved: ResolvedAlarms;
  states: AlarmState[];
  watched: { states: AlarmState[]; readAt: number };
}> {
  const { settings: s, deps } = ctx;
  const { cloudwatch, log } = deps;
  const readAt = deps.clock.now();
  const watchedStates = await resolveAlarms(cloudwatch, s.alarms, s.alarmPrefixes, 'alarms');
  const watched = watchedStates.map((a) => a.name);
  for (const prefix of watchedStates.unmatchedPrefixes) {
    log.warn(
      `Input 'alarm-prefixes': no alarm starts with ${JSON.stringify(prefix)}; nothing is watched for it`,
    );
  }
  const oneBoxStates = s.oneBox ? await resolveAlarms(cloudwatch, s.oneBoxAlarms, [], 'one-box-alarms') : [];
  const watchedSet = new Set(watched);
  const oneBoxOnly = oneBoxStates.map((a) => a.name).filter((n) => !watchedSet.has(n));
  const blockerStates = await resolveAlarms(cloudwatch, s.blockerAlarms, [], 'blocker-alarms');
  log.info(
    `Watching ${watched.length} alarm(s)${watched.length ? `: ${preview(watched)}` : ''}` +
      (oneBoxOnly.length ? `; during one box also ${preview(oneBoxOnly)}` : ''),
  );
  if (watched.length === 0) {
    log.warn('No alarms are watched: a bad version is only rolled back by a failing hook or a timeout');
  }
  return {
    resolved: { watched, oneBoxOnly, blockers: blockerStates.map((a) => a.name) },
    states: uniqueByName([...blockerStates, ...watchedStates, ...oneBoxStates]),
    watched: { states: [...watchedStates], readAt },
  };
}

/**
 * The service's controller and strategy (they decide the kind of deploy), read once. A missing cluster or
 * service, or ARN inputs of another account than the service's, are the user's to fix.
 */
async function readServiceConfiguration(
  ctx: DeployContext,
): Promise<{ configuration: ServiceConfiguration; account: string | undefined }> {
  const { settings: s, deps, calls } = ctx;
  const configuration = await calls
    .retry('read the service', () => deps.ecs.describeServiceConfiguration(s.cluster, s.service))
    .catch((error: unknown) => {
      // A cluster that does not exist (or is another account's) is the user's to fix, named as such.
      if (errorName(error) === 'ClusterNotFoundException') {
        throw notFoundError('cluster', s.cluster, 'cluster', deps.region, describeError(error));
      }
      throw error;
    });
  if (!configuration) {
    throw notFoundError(
      'service',
      s.service,
      'service',
      deps.region,
      `no active service of that name in cluster '${s.cluster}'`,
    );
  }
  // ECS describes only the caller's own services, so the service's account is the caller's: an ARN input
  // of another account would only fail later as "not found" with less to go on.
  const account = parseArn(configuration.arn)?.account;
  const foreign = account ? otherAccountError(arnInputs(s), account) : undefined;
  if (foreign) throw foreign;
  refuseTaskSetOnlyInputs(s, configuration.name, configuration.controller);
  return { configuration, account };
}

/**
 * The one place a kind of service is chosen, from its controller and strategy and its task sets: an
 * ECS-controller kind; an EXTERNAL service with a PRIMARY task set (a deploy beside blue; `first-task-set`
 * is then not used, and the log says so); an EXTERNAL service with none (its first deploy). Task sets are
 * read only for EXTERNAL services.
 */
async function checkKind(
  ctx: DeployContext,
  configuration: ServiceConfiguration,
  firstTaskSet: FirstTaskSet | undefined,
): Promise<CheckedKind> {
  const kind = serviceKind(configuration);
  if (kind.kind !== 'task-sets') return checkEcsKind(ctx, configuration, kind);
  const s = ctx.settings;
  const service = await readTaskSetService(ctx, configuration);
  if (s.minRequests > 0 && !productionOf(s.route)) {
    throw inputError(
      'min-requests',
      String(s.minRequests),
      `'${service.name}' is an EXTERNAL service with task-sets routing: counting green's requests needs ` +
        "'routing: listener' (with task-sets routing both versions share one target group)",
    );
  }
  if (hasNoPrimary(service)) return checkFirstDeployKind(ctx, service, configuration.raw, firstTaskSet);
  if (firstTaskSet) {
    ctx.deps.log.info(
      `Input '${FIRST_TASK_SET}' is not used: the service runs a PRIMARY task set, whose launch settings the new one copies`,
    );
  }
  return checkTaskSetKind(ctx, service);
}

/** Whether the commit reached the branch through an approved pull request, when `require-review` asks. */
async function checkReviewed(ctx: DeployContext): Promise<void> {
  const { settings: s, deps } = ctx;
  if (!s.requireReview) return;
  const review = await deps.checkReview?.();
  if (review && !review.ok) throw new Blocked(review.reason);
  if (review?.ok) {
    deps.log.info(
      `Commit ${deps.identity.commit.slice(0, 7)} reached the branch through an approved pull request` +
        (review.by ? ` (approved by ${review.by})` : ''),
    );
  }
}

/** The task-set service as validation read it: its configuration (read already) and its task sets. */
async function readTaskSetService(ctx: DeployContext, configuration: ServiceConfiguration): Promise<Service> {
  const { settings: s, deps, calls } = ctx;
  const taskSets = await calls.retry('read the task sets', () =>
    deps.ecs.taskSetsOf(s.cluster, configuration.arn),
  );
  return {
    arn: configuration.arn,
    name: configuration.name,
    clusterArn: configuration.clusterArn,
    desiredCount: configuration.desiredCount,
    controller: configuration.controller,
    taskSets,
  };
}

function blockIfFiring(alarm: AlarmState, isBlocker: boolean, insufficientDataIsBreach: boolean): void {
  const insufficientBreach = !isBlocker && alarm.state === 'INSUFFICIENT_DATA' && insufficientDataIsBreach;
  if (alarm.state === 'ALARM' || insufficientBreach) {
    const role = isBlocker ? 'blocker alarm' : 'watched alarm';
    throw new Blocked(
      `${role} ${alarm.name} is already in ${alarm.state}${alarm.reason ? ` (${alarm.reason})` : ''}; ` +
        'not starting a deploy while it fires',
    );
  }
}

/** The task definition to deploy: an existing one as it is (with what ECS describes of it), or what to register. */
async function checkTaskDefinition(ctx: DeployContext, release: Release): Promise<CheckedTaskDefinition> {
  const { existing, revise, register } = release;
  if (register) return { register };
  if (!existing) throw new UserError("Input 'task-definition': nothing to deploy");
  const found = await ctx.calls.retry('read the task definition', () =>
    ctx.deps.ecs.describeTaskDefinition(existing),
  );
  if (!found?.taskDefinitionArn) {
    throw notFoundError('task-definition', existing, 'task definition', ctx.deps.region);
  }
  // A new revision of the existing definition (a container's image replaced), registered in prepare.
  if (revise) return { register: revise(found) };
  return { arn: found.taskDefinitionArn, definition: found };
}

function preview(names: string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
}

function uniqueByName(alarms: AlarmState[]): AlarmState[] {
  return [...new Map(alarms.map((a) => [a.name, a])).values()];
}
