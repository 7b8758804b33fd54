import { dimensionOf } from '../aws/cloudwatch.js';
import { errorName } from '../aws/ecs.js';
import { isAccessDenied } from '../aws/access.js';
import { describeError, inputError, UserError } from '../errors.js';
import { LATER } from './calls.js';
import type { DeployContext } from './context.js';

/**
 * `min-requests`: which target groups hold green's requests, the window of the ALB `RequestCount` metric
 * that is green's, and the one read of it every kind uses.
 */

const MINUTE = 60_000;

/** A target group as CloudWatch counts its requests: `RequestCount` by TargetGroup and LoadBalancer. */
export interface CountedTargetGroup {
  targetGroupArn: string;
  loadBalancerArn: string;
}

/**
 * Where green's request count starts. `first-traffic`: green's target group serves green alone (a task
 * set's own group behind the listener), so everything it served since green first took traffic is
 * green's. `bake`: the group served the old version too until the bake began (ECS replaced the tasks
 * behind the service's own group), so only what it served from then on is.
 */
export type RequestCountStart = 'first-traffic' | 'bake';

/**
 * The whole minutes of `RequestCount` (its period is one minute) to sum for green, or undefined while
 * there is none yet. From first traffic, the minute it fell in counts whole: before it the group served
 * nothing. From the bake, only minutes that began at or after it count, so none of the old version's
 * requests are: the count is low by at most a minute of green's, which only makes the bake longer.
 */
export function requestWindow(
  start: RequestCountStart,
  at: { firstTraffic: number; bake: number },
  now: number,
): { from: number; to: number } | undefined {
  const from =
    start === 'first-traffic'
      ? Math.floor(at.firstTraffic / MINUTE) * MINUTE
      : Math.ceil(at.bake / MINUTE) * MINUTE;
  // To the end of the minute `now` is in; CloudWatch wants StartTime < EndTime.
  const to = Math.ceil((now + 1) / MINUTE) * MINUTE;
  return from < to ? { from, to } : undefined;
}

/** Green's requests in [from, to), summed over its target groups; undefined when they cannot be read now. */
export async function countRequests(
  ctx: DeployContext,
  groups: readonly CountedTargetGroup[],
  from: number,
  to: number,
): Promise<number | undefined> {
  const { calls, deps } = ctx;
  const counted = await calls.once("read green's request count", async () => {
    const counts = await Promise.all(
      groups.map((g) =>
        deps.cloudwatch.requestCount(g.loadBalancerArn, g.targetGroupArn, new Date(from), new Date(to)),
      ),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  });
  return counted === LATER ? undefined : counted;
}

/** What one of a service's target groups is for counting: a load balancer to count it on, or why not. */
export type TargetGroupCount = { counted: CountedTargetGroup[] } | { problem: string };

/**
 * Pure: how one target group can be counted from the load balancers that route to it. Only an
 * Application Load Balancer reports `RequestCount`; a group behind none receives no requests at all.
 */
export function countTargetGroup(
  targetGroupArn: string,
  loadBalancerArns: readonly string[],
): TargetGroupCount {
  if (loadBalancerArns.length === 0) {
    return { problem: `${targetGroupArn} is behind no load balancer (no listener or rule forwards to it)` };
  }
  const applications = loadBalancerArns.filter((arn) => dimensionOf(arn).startsWith('app/'));
  if (applications.length === 0) {
    return {
      problem:
        `${targetGroupArn} is behind ${loadBalancerArns.map(dimensionOf).join(', ')}, not an Application Load ` +
        'Balancer: only those report RequestCount',
    };
  }
  return { counted: applications.map((loadBalancerArn) => ({ targetGroupArn, loadBalancerArn })) };
}

/**
 * The target groups an ECS rolling service's requests are counted in, read before anything changes: each
 * of the service's groups with the Application Load Balancer routing to it. With several groups the
 * count is their sum (a request reaches the new tasks through one of them); a group that cannot be
 * counted is left out, with a warning, which only makes the bake longer. No group left to count is an
 * input error naming `min-requests`.
 */
export async function serviceRequestGroups(
  ctx: DeployContext,
  service: { name: string; targetGroupArns: readonly string[] },
  what: string,
): Promise<CountedTargetGroup[]> {
  const { settings: s, deps, calls } = ctx;
  const refuse = (why: string) => inputError('min-requests', String(s.minRequests), `${what}: ${why}`);
  if (service.targetGroupArns.length === 0) {
    throw refuse(
      'it has no load balancer, so there is no target group whose requests could be counted; leave ' +
        'min-requests out, or give the service a target group behind an Application Load Balancer',
    );
  }
  const counted: CountedTargetGroup[] = [];
  const problems: string[] = [];
  for (const targetGroupArn of service.targetGroupArns) {
    const found = await calls
      .retry(`read the load balancer of target group ${dimensionOf(targetGroupArn)}`, () =>
        deps.lb.targetGroupLoadBalancers(targetGroupArn),
      )
      .catch((error: unknown) => {
        if (errorName(error) === 'TargetGroupNotFoundException') {
          return { missing: `${targetGroupArn} does not exist (${describeError(error)})` };
        }
        throw new UserError(
          `Input 'min-requests' counts the requests of service '${service.name}''s target group ` +
            `${targetGroupArn}, whose load balancer could not be read: DescribeTargetGroups failed: ` +
            `${describeError(error)}` +
            (isAccessDenied(error)
              ? '. Allow elasticloadbalancing:DescribeTargetGroups to the deploy role'
              : ''),
        );
      });
    const count = Array.isArray(found) ? countTargetGroup(targetGroupArn, found) : { problem: found.missing };
    if ('problem' in count) problems.push(count.problem);
    else counted.push(...count.counted);
  }
  if (counted.length === 0) {
    throw refuse(
      `none of its target groups can be counted: ${problems.join('; ')}. Leave min-requests out, or put the ` +
        'target group behind an Application Load Balancer',
    );
  }
  const groups = counted.map((g) => `${dimensionOf(g.targetGroupArn)} on ${dimensionOf(g.loadBalancerArn)}`);
  deps.log.info(
    `min-requests: the bake counts RequestCount of ${groups.join(' + ')} from the moment it starts ` +
      '(all tasks then run the new task definition)',
  );
  if (problems.length) deps.log.warn(`min-requests: not counted: ${problems.join('; ')}`);
  return counted;
}
