import type {
  RegisterTaskDefinitionCommandInput,
  Service as SdkService,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { resolveAlarms } from '../alarms/resolve.js';
import type { AlarmState } from '../aws/cloudwatch.js';
import type { Service } from '../aws/ecs.js';
import { errorName } from '../aws/ecs.js';
import { describeError, inputError, UserError } from '../errors.js';
import { arnInputs, notFoundError, otherAccountError, parseArn } from './arns.js';
import { refuseTaskSetOnlyInputs } from '../control/settings.js';
import type { DeployContext, Release, ResolvedAlarms } from './context.js';
import { loadBalancerArnOf } from '../aws/load-balancer.js';
import type { GreenBlueAnalysis } from '../compare/analysis.js';
import { LiveEcsNative } from './kinds/ecs-native.js';
import { LiveEcsRolling } from './kinds/ecs-rolling.js';
import { checkEcsService, EcsServiceDeploy, type EcsDeployStart } from './kinds/ecs-service.js';
import { serviceKind } from './kinds/service-kind.js';
import { checkTaskSets, TaskSetDeploy, type CheckedTaskSets } from './kinds/task-sets.js';
import {
  checkFirstDeploy,
  FirstDeploy,
  firstLaunch,
  hasNoPrimary,
  type FirstDeployStart,
} from './kinds/first-deploy.js';
import {
  FIRST_TASK_SET,
  parseFirstTaskSet,
  taskDefinitionShape,
  type FirstTaskSet,
} from './first-task-set.js';
import { verifyTaskDefinition } from './verify/preflight.js';
import { checkReleaseContainer } from './release/settings.js';
import { Blocked, type CheckedRollout, type LiveRollout } from './rollout.js';
import { checkPlanFitsTimeout, type DeploySettings } from './settings.js';

/** What validation established, read only: nothing in AWS has changed yet. */
export interface Preflight {
  alarms: ResolvedAlarms;
  rollout: CheckedRollout;
  /** The settings the run follows: the inputs, less what its kind of service skips (a first deploy's canary). */
  settings: DeploySettings;
  /** Green against blue, when `compare` declares comparisons. */
  analysis: GreenBlueAnalysis | undefined;
}

/**
 * Validates everything before the first change: the alarms exist and none fires, the service is of a kind
 * safe-deploy deploys and is ready for it, the commit was reviewed when asked, and the task definition
 * exists. Throws Blocked (result `blocked`) or a UserError (the user must fix an input).
 */
export async function preflight(ctx: DeployContext, release: Release): Promise<Preflight> {
  const { settings: s, deps, calls } = ctx;
  const { cloudwatch, log } = deps;
  // An input's schema checked before the first AWS call, like every other input.
  const firstTaskSet = s.firstTaskSet && parseFirstTaskSet(s.firstTaskSet);
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
  const alarms: ResolvedAlarms = { watched, oneBoxOnly, blockers: blockerStates.map((a) => a.name) };
  log.info(
    `Watching ${watched.length} alarm(s)${watched.length ? `: ${preview(watched)}` : ''}` +
      (oneBoxOnly.length ? `; during one box also ${preview(oneBoxOnly)}` : ''),
  );
  if (watched.length === 0) {
    log.warn('No alarms are watched: a bad version is only rolled back by a failing hook or a timeout');
  }

  // The controller and strategy decide the kind of deploy; task sets are read only for EXTERNAL services.
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
  const kind = serviceKind(configuration);
  const checked =
    kind.kind === 'task-sets'
      ? await checkTaskSetService(ctx, await readTaskSetService(ctx), configuration.raw, firstTaskSet)
      : await checkEcsService(ctx, configuration, kind);
  const analysis =
    'kind' in checked || 'skipped' in checked ? undefined : await compareVersions(ctx, checked);

  // The state at the start: an alarm already firing blocks the deploy, it does not roll it back.
  const blockers = new Set(alarms.blockers);
  for (const alarm of uniqueByName([...blockerStates, ...watchedStates, ...oneBoxStates])) {
    blockIfFiring(alarm, blockers.has(alarm.name), s.insufficientData === 'rollback');
  }

  if (s.requireReview) {
    const review = await deps.checkReview?.();
    if (review && !review.ok) throw new Blocked(review.reason);
    if (review?.ok) {
      log.info(
        `Commit ${deps.identity.commit.slice(0, 7)} reached the branch through an approved pull request` +
          (review.by ? ` (approved by ${review.by})` : ''),
      );
    }
  }
  const taskDefinition = await checkTaskDefinition(ctx, release);
  // Where the load balancer sends traffic: blue's task set's, or the ECS service's (a first deploy checks its own).
  const balancers =
    'blue' in checked
      ? checked.blue.raw.loadBalancers
      : 'kind' in checked
        ? configuration.raw.loadBalancers
        : [];
  if (s.verify) await verifyTaskDefinition(ctx, taskDefinition, account, balancers ?? []);
  checkReleaseContainer(
    s.releaseTask,
    s.taskDefinition,
    'register' in taskDefinition ? taskDefinition.register : taskDefinition.definition,
  );
  // Default steps are the kind's: the task-set canary; none where ECS moves traffic or all goes at once.
  const ownSteps = 'kind' in checked || 'skipped' in checked;
  if (!s.stepsGiven) checkPlanFitsTimeout({ ...s, steps: ownSteps ? [] : s.steps });
  if ('kind' in checked) {
    const live = checked.kind.kind === 'rolling' ? liveRolling : liveNative;
    return {
      alarms,
      rollout: new EcsServiceDeploy(ctx, checked, taskDefinition, live),
      analysis,
      settings: s,
    };
  }
  if ('skipped' in checked) {
    // The first deploy runs with its own settings (no canary): the kind and the lifecycle read those.
    const first = { ...ctx, settings: checked.settings };
    const shape = taskDefinitionShape(
      'register' in taskDefinition ? taskDefinition.register : taskDefinition.definition,
    );
    const launch = firstLaunch(first, checked, shape);
    return {
      alarms,
      rollout: new FirstDeploy(first, checked, launch, taskDefinition),
      analysis,
      settings: checked.settings,
    };
  }
  return { alarms, rollout: new TaskSetDeploy(ctx, checked, taskDefinition), analysis, settings: s };
}

/**
 * An EXTERNAL service: with a PRIMARY task set (blue), a deploy beside it (`first-task-set` is then not
 * used, and the log says so); with none, its first deploy.
 */
async function checkTaskSetService(
  ctx: DeployContext,
  service: Service,
  raw: SdkService,
  firstTaskSet: FirstTaskSet | undefined,
): Promise<CheckedTaskSets | FirstDeployStart> {
  const s = ctx.settings;
  if (s.minRequests > 0 && s.route.kind === 'task-sets') {
    throw inputError(
      'min-requests',
      String(s.minRequests),
      `'${service.name}' is an EXTERNAL service with task-sets routing: counting green's requests needs ` +
        "'routing: listener' (with task-sets routing both versions share one target group)",
    );
  }
  if (hasNoPrimary(service)) return checkFirstDeploy(ctx, service, raw, firstTaskSet);
  if (firstTaskSet) {
    ctx.deps.log.info(
      `Input '${FIRST_TASK_SET}' is not used: the service runs a PRIMARY task set, whose launch settings the new one copies`,
    );
  }
  return checkTaskSets(ctx, service);
}

const liveRolling = (ctx: DeployContext, start: EcsDeployStart): LiveRollout =>
  new LiveEcsRolling(ctx, start);
const liveNative = (ctx: DeployContext, start: EcsDeployStart): LiveRollout => new LiveEcsNative(ctx, start);

async function readTaskSetService(ctx: DeployContext): Promise<Service> {
  const { settings: s, deps, calls } = ctx;
  const service = await calls.retry('read the task sets', () =>
    deps.ecs.describeService(s.cluster, s.service),
  );
  if (!service) throw new UserError(`Service '${s.service}' was not found in cluster '${s.cluster}'`);
  return service;
}

/**
 * The green-versus-blue analysis, when comparisons are declared. Its statistics are loaded only then, so
 * a deploy without `compare` does not pay for them. Blue's recent data is read once, so a query that
 * CloudWatch refuses fails here, before anything changes.
 */
async function compareVersions(
  ctx: DeployContext,
  checked: CheckedTaskSets,
): Promise<GreenBlueAnalysis | undefined> {
  const { settings: s, deps, calls } = ctx;
  if (s.comparisons.length === 0) return undefined;
  const { GreenBlueAnalysis } = await import('../compare/analysis.js');
  const route = checked.route;
  const analysis = new GreenBlueAnalysis(s.comparisons, deps.cloudwatch, {
    blue: {
      ...(route ? { targetGroupArn: route.blueTargetGroup } : {}),
      taskDefinitionArn: checked.blue.taskDefinition,
      taskSetArn: checked.blue.arn,
    },
    green: route ? { targetGroupArn: route.greenTargetGroup } : {},
    ...(route ? { loadBalancerArn: loadBalancerArnOf(route.production.arn) } : {}),
  });
  const lines = await calls.retry('read blue’s recent metrics for the comparisons', () =>
    analysis.verify(deps.clock.now()),
  );
  for (const { line, noData } of lines) {
    if (noData) deps.log.warn(`Comparing ${line}`);
    else deps.log.info(`Comparing ${line}`);
  }
  return analysis;
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
async function checkTaskDefinition(
  ctx: DeployContext,
  release: Release,
): Promise<{ arn: string; definition: TaskDefinition } | { register: RegisterTaskDefinitionCommandInput }> {
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
