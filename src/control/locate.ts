import { errorName, type EcsControlPort, type EcsPort, type Service, type TaskSet } from '../aws/ecs.js';
import { UserError } from '../errors.js';
import {
  CONTROL_TAG,
  decodeKept,
  decodeState,
  type KeptRelease,
  type LiveState,
} from '../control-protocol/channel.js';

/** The resource a deploy of this service publishes on, and what it says. */
export interface Channel {
  service: Service;
  /** Green's task set (task-set services) or the service itself (ECS-controller services). */
  arn: string;
  kind: 'task-set' | 'service';
  tags: Record<string, string>;
  state: LiveState | undefined;
}

/** A kept release found on the service. */
export interface KeptTaskSet {
  taskSet: TaskSet;
  kept: KeptRelease;
}

/** Reads the service, refusing one that is missing or deployed by CodeDeploy. */
export async function readService(ecs: EcsPort, cluster: string, service: string): Promise<Service> {
  let found: Service | undefined;
  try {
    found = await ecs.describeService(cluster, service);
  } catch (error) {
    if (errorName(error) === 'ClusterNotFoundException')
      throw new UserError(`Cluster '${cluster}' was not found`);
    throw error;
  }
  if (!found) throw new UserError(`Service '${service}' was not found in cluster '${cluster}'`);
  if (found.controller === 'CODE_DEPLOY') {
    throw new UserError(
      `Service '${found.name}' is deployed by CodeDeploy: safe-deploy does not run or control its deployments`,
    );
  }
  return found;
}

/**
 * Finds where the latest deploy of the service published its state: for task sets, the newest task set
 * a run created that is not a kept release (green while it deploys, PRIMARY once promoted); for
 * ECS-controller services, the service's own tags.
 */
export async function findChannel(
  ecs: EcsPort & EcsControlPort,
  cluster: string,
  name: string,
): Promise<Channel> {
  const service = await readService(ecs, cluster, name);
  if (service.controller !== 'EXTERNAL') {
    const tags = await ecs.resourceTags(service.arn);
    return { service, arn: service.arn, kind: 'service', tags, state: decodeState(tags) };
  }
  const published = service.taskSets
    .filter((t) => t.tags[CONTROL_TAG.runId] && !decodeKept(t.tags) && t.status !== 'DRAINING')
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  const newest = published[0];
  const fallback = service.taskSets.find((t) => t.status === 'PRIMARY');
  const set = newest ?? fallback;
  if (!set) {
    throw new UserError(`Service '${service.name}' has no task set: nothing has been deployed to it yet`);
  }
  return { service, arn: set.arn, kind: 'task-set', tags: set.tags, state: decodeState(set.tags) };
}

/** The newest kept release of a task-set service, if any. */
export function findKept(service: Service): KeptTaskSet | undefined {
  return service.taskSets
    .filter((t) => t.status !== 'PRIMARY' && t.status !== 'DRAINING')
    .flatMap((taskSet) => {
      const kept = decodeKept(taskSet.tags);
      return kept ? [{ taskSet, kept }] : [];
    })
    .sort((a, b) => Date.parse(b.kept.at) - Date.parse(a.kept.at))[0];
}

/** `cluster/service` as the user named them, for messages. */
export function where(cluster: string, service: string): string {
  return `${cluster}/${service}`;
}
