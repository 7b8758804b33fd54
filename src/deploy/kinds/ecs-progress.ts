import type {
  RollingDeployment,
  ServiceConfiguration,
  ServiceDeploymentRecord,
  ServiceDeploymentStatus,
} from '../../aws/ecs.js';
import type { Phase } from '../../report/model.js';

/** Where an ECS deployment stands, read from one DescribeServices or DescribeServiceDeployments answer. */
export type Progress =
  { state: 'progress'; note: string } | { state: 'done'; note: string } | { state: 'failed'; reason: string };

/**
 * ECS's own circuit-breaker threshold (API reference, ServiceDeploymentCircuitBreaker): half the desired
 * count, at least 3 and at most 200. A deploy without the circuit breaker fails at the same count, since
 * ECS alone would retry failing tasks forever.
 */
export function failedTaskThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desiredCount * 0.5)));
}

/**
 * A rolling update to `taskDefinition`, from the service's `deployments`: done when that deployment is
 * PRIMARY and COMPLETED (or, where ECS reports no rolloutState, runs all its tasks) and no other
 * deployment still has tasks; failed when ECS failed it (circuit breaker), too many tasks failed, or
 * someone else deployed over it.
 */
export function rollingProgress(service: ServiceConfiguration, taskDefinition: string): Progress {
  const target = newest(service.deployments.filter((d) => d.taskDefinition === taskDefinition));
  // ECS failing it comes first: its own rollback (circuit breaker) makes another deployment PRIMARY.
  if (target?.rolloutState === 'FAILED') {
    return {
      state: 'failed',
      reason: `ECS failed the deployment: ${target.rolloutStateReason ?? 'no reason given'}`,
    };
  }
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  if (primary && primary.taskDefinition !== taskDefinition) {
    if (target || service.taskDefinition !== taskDefinition) {
      return {
        state: 'failed',
        reason: `the service was updated to ${shortTaskDefinition(primary.taskDefinition)} while deploying ${shortTaskDefinition(taskDefinition)}`,
      };
    }
  }
  if (!target) return { state: 'progress', note: 'waiting for ECS to start the deployment' };
  if (target.failedTasks >= failedTaskThreshold(target.desiredCount)) {
    return {
      state: 'failed',
      reason: `${target.failedTasks} tasks of ${shortTaskDefinition(taskDefinition)} failed to start`,
    };
  }
  const others = leftovers(service.deployments, target);
  const counts = `${target.runningCount}/${target.desiredCount} running, ${target.pendingCount} pending`;
  if (isComplete(target) && others === 0) return { state: 'done', note: `deployment completed: ${counts}` };
  return {
    state: 'progress',
    note: `${counts}${target.failedTasks ? `, ${target.failedTasks} failed` : ''}${others ? `, ${others} old tasks left` : ''}`,
  };
}

/**
 * A rollback of a rolling update: done only when the previous task definition's deployment is PRIMARY and
 * completed and no task of the new one runs or is pending.
 */
export function rollingRollbackProgress(
  service: ServiceConfiguration,
  previousTaskDefinition: string,
  newTaskDefinition: string,
): Progress {
  const previous = newest(service.deployments.filter((d) => d.taskDefinition === previousTaskDefinition));
  const stillNew = service.deployments
    .filter((d) => d.taskDefinition === newTaskDefinition)
    .reduce((sum, d) => sum + d.runningCount + d.pendingCount, 0);
  if (!previous || previous.status !== 'PRIMARY') {
    return {
      state: 'progress',
      note: `waiting for ${shortTaskDefinition(previousTaskDefinition)} to be the service's deployment`,
    };
  }
  if (previous.rolloutState === 'FAILED') {
    return {
      state: 'failed',
      reason: `ECS failed the rollback to ${shortTaskDefinition(previousTaskDefinition)}: ${previous.rolloutStateReason ?? 'no reason given'}`,
    };
  }
  const counts = `${shortTaskDefinition(previousTaskDefinition)} ${previous.runningCount}/${previous.desiredCount} running, ${stillNew} tasks of ${shortTaskDefinition(newTaskDefinition)} left`;
  if (isComplete(previous) && stillNew === 0) return { state: 'done', note: counts };
  return { state: 'progress', note: counts };
}

const RUNNING: ServiceDeploymentStatus[] = ['PENDING', 'IN_PROGRESS'];
const ROLLING_BACK: ServiceDeploymentStatus[] = ['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'];

/**
 * A native (BLUE_GREEN, LINEAR, CANARY) service deployment going forward: progress while PENDING or
 * IN_PROGRESS, done when SUCCESSFUL, failed on any other status (ECS stopping or rolling it back on its
 * own circuit breaker or alarms, or someone stopping it).
 */
export function serviceDeploymentProgress(deployment: ServiceDeploymentRecord): Progress {
  const stage = deployment.lifecycleStage ? ` at ${deployment.lifecycleStage}` : '';
  if (RUNNING.includes(deployment.status)) {
    const traffic =
      deployment.targetProductionTraffic !== undefined
        ? `, ${deployment.targetProductionTraffic}% of production`
        : '';
    return { state: 'progress', note: `${deployment.status}${stage}${traffic}` };
  }
  if (deployment.status === 'SUCCESSFUL') return { state: 'done', note: 'service deployment SUCCESSFUL' };
  const why = deployment.statusReason ?? deployment.rollback?.reason;
  const by = deployment.triggeredAlarms.length
    ? ` (ECS alarms in ALARM: ${deployment.triggeredAlarms.join(', ')})`
    : deployment.circuitBreakerFailures
      ? ` (${deployment.circuitBreakerFailures} failed tasks)`
      : '';
  return {
    state: 'failed',
    reason: `ECS ended the service deployment ${deployment.status}${stage}${why ? `: ${why}` : ''}${by}`,
  };
}

/**
 * A service deployment after StopServiceDeployment(ROLLBACK): done on ROLLBACK_SUCCESSFUL; failed on
 * ROLLBACK_FAILED, or when it finished without rolling back (SUCCESSFUL before the stop landed, or STOPPED):
 * then the deploy must update the service back itself.
 */
export function serviceRollbackProgress(deployment: ServiceDeploymentRecord): Progress {
  if (deployment.status === 'ROLLBACK_SUCCESSFUL') return { state: 'done', note: 'ROLLBACK_SUCCESSFUL' };
  if ([...RUNNING, ...ROLLING_BACK, 'STOP_REQUESTED'].includes(deployment.status)) {
    return { state: 'progress', note: deployment.status };
  }
  return {
    state: 'failed',
    reason: `ECS's rollback ended ${deployment.status}${deployment.statusReason ? `: ${deployment.statusReason}` : ''}`,
  };
}

/** Whether StopServiceDeployment can still act on a deployment in this status (ECS developer guide). */
export function canStop(status: ServiceDeploymentStatus): boolean {
  return ([...RUNNING, ...ROLLING_BACK, 'STOP_REQUESTED'] as ServiceDeploymentStatus[]).includes(status);
}

/** The timeline phase an ECS lifecycle stage belongs to. */
export function phaseOfStage(stage: string | undefined): Phase {
  switch (stage) {
    case 'RECONCILE_SERVICE':
      return 'prepare';
    case 'PRE_SCALE_UP':
    case 'SCALE_UP':
    case 'POST_SCALE_UP':
      return 'stabilize';
    case 'TEST_TRAFFIC_SHIFT':
    case 'POST_TEST_TRAFFIC_SHIFT':
      return 'test-traffic';
    case 'PRE_PRODUCTION_TRAFFIC_SHIFT':
    case 'PRODUCTION_TRAFFIC_SHIFT':
    case 'POST_PRODUCTION_TRAFFIC_SHIFT':
      return 'shift';
    case 'BAKE_TIME':
      return 'bake';
    case 'CLEAN_UP':
      return 'promote';
    default:
      return 'prepare';
  }
}

/** `family:revision` of a task definition ARN, for messages. */
export function shortTaskDefinition(arn: string): string {
  return arn.split('/').at(-1) ?? arn;
}

function isComplete(d: RollingDeployment): boolean {
  // ECS leaves rolloutState out behind a Classic Load Balancer: then all tasks running is complete.
  if (d.rolloutState !== undefined) return d.rolloutState === 'COMPLETED';
  return d.runningCount >= d.desiredCount && d.pendingCount === 0;
}

function leftovers(all: RollingDeployment[], target: RollingDeployment): number {
  return all.filter((d) => d !== target).reduce((sum, d) => sum + d.runningCount + d.pendingCount, 0);
}

function newest(deployments: RollingDeployment[]): RollingDeployment | undefined {
  return [...deployments].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
}
