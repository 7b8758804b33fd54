import { taskSetCounts, type EcsControlPort, type EcsPort, type TaskSet } from '../aws/ecs.js';
import type { ForwardDiscoveryPort, ForwardRef, LoadBalancerPort, Weights } from '../aws/load-balancer.js';
import type { Clock } from '../clock.js';
import { formatDuration } from '../duration.js';
import { decodeKept, type LiveState } from '../control-protocol/channel.js';
import type { Channel } from './locate.js';

/**
 * `safe-deploy abort` for a deploy whose job is gone (the runner was lost, the job killed): nobody is left to
 * answer the request, so the command rolls the deploy back itself. Blue (the PRIMARY task set) takes all
 * traffic again, green (the dead run's task set) is removed, and AWS is read again to confirm. What forwards
 * to green is found from the load balancer, not from tags: only a listener or rule that forwards to exactly
 * blue's and green's target groups is changed.
 */

export interface TakeoverPorts {
  ecs: EcsPort & EcsControlPort;
  lb: LoadBalancerPort & ForwardDiscoveryPort;
  clock: Clock;
}

export interface TakeoverOutcome {
  /** `rolled-back` when AWS shows blue alone with all traffic; `refused` when nothing was changed. */
  result: 'rolled-back' | 'refused' | 'failed';
  lines: string[];
}

/** How long blue may take to run all its tasks again before green's traffic (task-set routing) is moved. */
const BLUE_STEADY_MS = 10 * 60_000;
const POLL_MS = 5_000;

/** Rolls back the dead run's deploy published on `channel`. */
export async function takeOver(
  channel: Channel,
  state: LiveState,
  /** Why the job looks dead: no sign of life since…, or GitHub reports its run completed. */
  why: string,
  options: { cluster: string; service: string },
  ports: TakeoverPorts,
): Promise<TakeoverOutcome> {
  const { cluster, service } = options;
  const { ecs, lb } = ports;
  const found = `The job of run ${state.runId} (attempt ${state.runAttempt}) looks dead: ${why}, in ${state.phase}.`;
  const green = channel.service.taskSets.find((t) => t.arn === channel.arn);
  const blue = channel.service.taskSets.find(
    (t) => t.status === 'PRIMARY' && t.arn !== channel.arn && !decodeKept(t.tags),
  );
  if (!green || green.status === 'PRIMARY' || !blue) {
    const why = !green
      ? 'its task set is gone already'
      : green.status === 'PRIMARY'
        ? `its task set ${green.arn} is PRIMARY: the deploy had promoted it, or it is the service's first; nothing older serves to roll back to`
        : 'the service has no PRIMARY task set to roll back to';
    return { result: 'refused', lines: [found, `Not rolling back: ${why}. Nothing changed.`] };
  }
  const blueGroup = blue.targetGroupArns[0];
  const greenGroup = green.targetGroupArns[0];
  const refs = greenGroup && greenGroup !== blueGroup ? await lb.forwardsTo(greenGroup) : [];
  const weights = await Promise.all(refs.map(async (ref) => ({ ref, weights: await lb.readWeights(ref) })));
  const foreign = weights.filter(({ weights: w }) =>
    Object.keys(w).some((group) => group !== blueGroup && group !== greenGroup),
  );
  if (foreign.length || (refs.length && !blueGroup)) {
    return {
      result: 'refused',
      lines: [
        found,
        `Not rolling back: ${foreign.map(({ ref, weights: w }) => `the ${ref.kind} ${ref.arn} forwards to ${Object.keys(w).join(', ')}`).join('; ') || 'blue has no target group'}, ` +
          `not only to blue's (${blueGroup ?? 'none'}) and green's (${greenGroup}) target groups. Nothing changed.`,
      ],
    };
  }

  const lines = [found, `Rolling it back here: all traffic to blue ${blue.arn}, then ${green.arn} removed.`];
  if (blue.scalePercent !== 100) await ecs.scaleTaskSet(cluster, service, blue.arn, 100);
  if (refs.length) {
    const allBlue: Weights = { [blueGroup!]: 100, [greenGroup!]: 0 };
    for (const ref of refs) await lb.setWeights(ref, allBlue);
    lines.push(`Traffic: ${refs.map(describeRef).join(', ')} forward 100% to blue (${blueGroup}).`);
  } else {
    // One target group: requests go to running tasks, so blue runs all of its own before green stops.
    const steady = await blueSteady(blue, options, ports);
    lines.push(`Blue: ${steady}.`);
    await ecs.scaleTaskSet(cluster, service, green.arn, 0);
  }
  await ecs.deleteTaskSet(cluster, service, green.arn);

  const problems = await confirm(blue, green, refs, blueGroup, options, ports);
  if (problems.length) {
    lines.push(`Rollback NOT confirmed by AWS: ${problems.join('; ')}`);
    return { result: 'failed', lines };
  }
  lines.push(
    `Rolled back: ${blue.arn} (${blue.taskDefinition}) is PRIMARY at 100% with all traffic; ${green.arn} removed.`,
  );
  return { result: 'rolled-back', lines };
}

function describeRef(ref: ForwardRef): string {
  return `${ref.kind} ${ref.arn}`;
}

async function blueSteady(
  blue: TaskSet,
  options: { cluster: string; service: string },
  { ecs, clock }: TakeoverPorts,
): Promise<string> {
  const until = clock.now() + BLUE_STEADY_MS;
  for (;;) {
    const set = await ecs.describeTaskSet(options.cluster, options.service, blue.arn);
    const running = set ? taskSetCounts(set) : 'gone';
    if (set && set.stabilityStatus === 'STEADY_STATE' && set.scalePercent === 100)
      return `steady, ${running}`;
    if (clock.now() >= until)
      return `not steady after ${formatDuration(BLUE_STEADY_MS)} (${running}); going on`;
    await clock.sleep(POLL_MS);
  }
}

async function confirm(
  blue: TaskSet,
  green: TaskSet,
  refs: ForwardRef[],
  blueGroup: string | undefined,
  options: { cluster: string; service: string },
  { ecs, lb }: TakeoverPorts,
): Promise<string[]> {
  const problems: string[] = [];
  const now = await ecs.describeService(options.cluster, options.service);
  const serving = now?.taskSets.find((t) => t.arn === blue.arn);
  if (serving?.status !== 'PRIMARY' || serving.scalePercent !== 100) {
    problems.push(`${blue.arn} is ${serving ? `${serving.status} at ${serving.scalePercent}%` : 'gone'}`);
  }
  if (now?.taskSets.some((t) => t.arn === green.arn && t.status !== 'DRAINING')) {
    problems.push(`${green.arn} still exists`);
  }
  for (const ref of refs) {
    const weights = await lb.readWeights(ref);
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    if (!blueGroup || total === 0 || weights[blueGroup] !== total) {
      problems.push(`${describeRef(ref)} sends traffic elsewhere: ${JSON.stringify(weights)}`);
    }
  }
  return problems;
}
