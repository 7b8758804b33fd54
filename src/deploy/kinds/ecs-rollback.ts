import type { EcsControllerPort, ServiceConfiguration, ServiceDeploymentRecord } from '../../aws/ecs.js';
import type { Clock } from '../../clock.js';
import { formatDuration } from '../../duration.js';
import { describeError } from '../../errors.js';
import { LATER, type AwsCalls } from '../calls.js';
import type { RollbackOutcome } from '../rollback.js';
import type { EcsTarget } from '../saved.js';
import {
  canStop,
  rollingRollbackProgress,
  serviceRollbackProgress,
  shortTaskDefinition,
  type Progress,
} from './ecs-progress.js';
import { waitProgress } from '../progress.js';

export interface EcsRollbackDeps {
  ecs: EcsControllerPort;
  clock: Clock;
  calls: AwsCalls;
  info(message: string): void;
  warn(message: string): void;
  /** Called once ECS shows the previous task definition serving again. */
  onTrafficRestored?(): void;
  /** How long the rollback may wait for ECS (at least five minutes). */
  waitMs: number;
  /**
   * What the deploy itself last read of its deployment, when the rollback comes from the running deploy
   * (which owns the service: validation refused to start beside another deployment). Then the first call
   * moves traffic — StopServiceDeployment while the deployment is in progress, else (rolling) the update
   * back — and the reads come after. The post step, which may run long after, reads first.
   */
  known?: { inProgress: boolean };
}

const READ_EVERY_MS = 5_000;

/**
 * Rolls an ECS-controller deploy back to the task definition that ran before: StopServiceDeployment with
 * ROLLBACK while the deployment can still be stopped (and the API answers), else, or when ECS's own
 * rollback fails, an update back to the previous task definition. Reports success only when AWS shows
 * the previous task definition's deployment completed and no task of the new one left. Idempotent: the
 * post step may run it again.
 */
export async function rollBackEcs(target: EcsTarget, deps: EcsRollbackDeps): Promise<RollbackOutcome> {
  const { info, warn } = deps;
  const previous = shortTaskDefinition(target.previousTaskDefinition);
  if (target.taskDefinition === target.previousTaskDefinition) {
    // The deploy asked for the task definition the service already ran: ECS started nothing to undo.
    return {
      verified: true,
      problems: [],
      greenArn: undefined,
      confirmation: `the service still runs ${previous}`,
    };
  }
  const problems: string[] = [];
  const first = deps.known ? await moveFirst(target, deps, deps.known) : 'not-tried';
  if (first === 'updated') return verifyBack(target, deps, problems);
  // Someone else's newer deployment is theirs: stopping it or updating back would undo their change.
  const before = await deps.calls.persist('read the service', () =>
    deps.ecs.describeServiceConfiguration(target.cluster, target.service),
  );
  const now = before?.taskDefinition;
  if (now && now !== target.taskDefinition && now !== target.previousTaskDefinition) {
    warn(
      `The service was updated to ${shortTaskDefinition(now)} by someone else; leaving it to that deployment`,
    );
    return {
      verified: false,
      problems: [`the service was updated to ${shortTaskDefinition(now)} by someone else; not rolled back`],
      greenArn: undefined,
    };
  }
  const arn = target.serviceDeploymentArn ?? (await findServiceDeployment(target, deps));
  let rolledBackByEcs = false;
  if (arn) {
    const record = await readServiceDeployment(arn, deps);
    if (record && canStop(record.status)) {
      if (first === 'stopped') {
        info(`Stopped service deployment ${arn} with rollback to ${previous}; waiting for ECS's rollback`);
      } else if (record.status === 'PENDING' || record.status === 'IN_PROGRESS') {
        info(`Stopping service deployment ${arn} with rollback to ${previous}`);
        await optional('stop the service deployment with rollback', deps, () =>
          deps.ecs.stopServiceDeployment(arn),
        );
      } else {
        info(`ECS is already ending service deployment ${arn} (${record.status}); waiting for its rollback`);
      }
      const ended = await waitFor('ECS rollback', deps, async () => {
        const now = await readServiceDeployment(arn, deps);
        return now ? serviceRollbackProgress(now) : { state: 'failed', reason: 'it can no longer be read' };
      });
      if (ended.state === 'done') rolledBackByEcs = true;
      else {
        const why =
          ended.state === 'failed' ? ended.reason : `not finished after ${formatDuration(deps.waitMs)}`;
        warn(`ECS did not roll the deployment back (${why}); updating the service back to ${previous}`);
        problems.push(`ECS's own rollback: ${why}`);
      }
    } else if (record?.status === 'ROLLBACK_SUCCESSFUL') {
      rolledBackByEcs = true;
    }
  }
  if (!rolledBackByEcs) {
    const service = await deps.calls.persist('read the service', () =>
      deps.ecs.describeServiceConfiguration(target.cluster, target.service),
    );
    // The update back also runs when ECS already names the previous task definition but its own rollback
    // failed: then a forced new deployment starts the previous tasks again.
    const sameTaskDefinition = service?.taskDefinition === target.previousTaskDefinition;
    if (service && (!sameTaskDefinition || problems.length > 0)) {
      const configuration = updateBackConfiguration(target, service);
      info(
        `Updating the service back to ${previous}` +
          (configuration ? ' (strategy BLUE_GREEN with no bake, so traffic returns at once)' : ''),
      );
      await deps.calls.persist(`update the service back to ${previous}`, () =>
        deps.ecs.updateService(target.cluster, target.service, {
          taskDefinition: target.previousTaskDefinition,
          ...(configuration ? { deploymentConfiguration: configuration } : {}),
          ...(sameTaskDefinition ? { forceNewDeployment: true } : {}),
        }),
      );
    }
  }
  return verifyBack(target, deps, problems);
}

/**
 * The running deploy's rollback, traffic first: StopServiceDeployment (ROLLBACK) while its deployment is
 * in progress, else for a rolling service the update back to the previous task definition. Says what it
 * did; 'not-tried' or a failed stop leaves the rollback to read the service and decide.
 */
async function moveFirst(
  target: EcsTarget,
  deps: EcsRollbackDeps,
  known: { inProgress: boolean },
): Promise<'stopped' | 'updated' | 'not-tried'> {
  const arn = target.serviceDeploymentArn;
  if (known.inProgress && arn) {
    const stopped = await optional('stop the service deployment with rollback', deps, async () => {
      await deps.ecs.stopServiceDeployment(arn);
      return true;
    });
    return stopped ? 'stopped' : 'not-tried';
  }
  if (target.mode !== 'rolling') return 'not-tried';
  const previous = shortTaskDefinition(target.previousTaskDefinition);
  deps.info(`Updating the service back to ${previous}`);
  await deps.calls.persist(`update the service back to ${previous}`, () =>
    deps.ecs.updateService(target.cluster, target.service, { taskDefinition: target.previousTaskDefinition }),
  );
  return 'updated';
}

/** Waits until AWS shows the previous task definition's deployment completed and no new task left. */
async function verifyBack(
  target: EcsTarget,
  deps: EcsRollbackDeps,
  problems: string[],
): Promise<RollbackOutcome> {
  const { warn } = deps;
  const previous = shortTaskDefinition(target.previousTaskDefinition);
  // Whichever way it went, AWS must show the previous task definition completed and no new task left.
  const verified = await waitFor('the previous task definition', deps, async () => {
    const service = await deps.ecs.describeServiceConfiguration(target.cluster, target.service);
    if (!service) return { state: 'failed', reason: `service ${target.service} no longer exists` };
    return rollingRollbackProgress(service, target.previousTaskDefinition, target.taskDefinition);
  });
  if (verified.state === 'done') {
    deps.onTrafficRestored?.();
    // ECS's rollback failing is worth saying, but the service is back: the rollback is done.
    if (problems.length) warn(`Rolled back by updating the service instead: ${problems.join('; ')}`);
    return {
      verified: true,
      problems: [],
      greenArn: undefined,
      confirmation: `the service runs ${previous} again (${verified.note})`,
    };
  }
  return {
    verified: false,
    problems: [
      ...problems,
      verified.state === 'failed'
        ? verified.reason
        : `the service is not back on ${previous} after ${formatDuration(deps.waitMs)}: ${verified.note}`,
    ],
    greenArn: undefined,
  };
}

/**
 * For an update back of a native service: ECS would otherwise run the canary or linear steps again on
 * the way back. BLUE_GREEN with no bake puts all traffic back at once; the rest of the service's
 * configuration is kept.
 */
function updateBackConfiguration(target: EcsTarget, service: ServiceConfiguration) {
  if (target.mode !== 'native') return undefined;
  const { linearConfiguration: _l, canaryConfiguration: _c, ...rest } = service.deploymentConfiguration;
  return { ...rest, strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 0 };
}

/**
 * The newest service deployment whose target revision runs the deploy's task definition, if the API
 * answers. `patient: false` (the deploy looking it up while alarms must be read) tries each call once:
 * throttling answers undefined at once rather than the rollback's minutes of retries.
 */
export async function findServiceDeployment(
  target: EcsTarget,
  deps: Omit<EcsRollbackDeps, 'waitMs'>,
  patient = true,
): Promise<string | undefined> {
  const list = await optional(
    'list the service deployments',
    deps,
    () => deps.ecs.listServiceDeployments(target.cluster, target.service),
    patient,
  );
  const revisions =
    list?.flatMap((d) => (d.targetServiceRevisionArn ? [d.targetServiceRevisionArn] : [])) ?? [];
  if (!list || revisions.length === 0) return undefined;
  const taskDefinitions = await optional(
    'read the service revisions',
    deps,
    () => deps.ecs.describeServiceRevisionTaskDefinitions(revisions.slice(0, 20)),
    patient,
  );
  return list.find((d) => taskDefinitions?.[d.targetServiceRevisionArn ?? ''] === target.taskDefinition)?.arn;
}

async function readServiceDeployment(
  arn: string,
  deps: Omit<EcsRollbackDeps, 'waitMs'>,
): Promise<ServiceDeploymentRecord | undefined> {
  const found = await optional('read the service deployment', deps, () =>
    deps.ecs.describeServiceDeployments([arn]),
  );
  return found?.[0];
}

/**
 * A service-deployment call, which some endpoints lack (moto) or a role may not be allowed: passing faults
 * are retried by the call policy; any other error (or faults that outlast it) means the API is not there for this rollback, and the
 * update back is the way instead.
 */
async function optional<T>(
  what: string,
  deps: Omit<EcsRollbackDeps, 'waitMs'>,
  call: () => Promise<T>,
  patient = true,
): Promise<T | undefined> {
  try {
    // One try first: an endpoint without the API says so at once; passing faults get the rollback's persistence.
    const first = await deps.calls.once(what, call);
    if (first !== LATER) return first;
    return patient ? await deps.calls.persist(what, call) : undefined;
  } catch (error) {
    deps.warn(`Could not ${what} (${describeError(error)})`);
    return undefined;
  }
}

/** Reads `read` every few seconds until it is done or failed, or `waitMs` has passed. */
async function waitFor(
  what: string,
  deps: EcsRollbackDeps,
  read: () => Promise<Progress>,
): Promise<Progress> {
  const { clock, calls } = deps;
  const until = clock.now() + deps.waitMs;
  const report = waitProgress(deps.info, () => clock.now());
  for (;;) {
    const last = await calls.persist(`read ${what}`, read);
    if (last.state !== 'progress' || clock.now() >= until) return last;
    report(`waiting for ${what} (${last.note})`);
    await clock.sleep(READ_EVERY_MS);
  }
}
