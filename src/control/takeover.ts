import {
  isSteady,
  taskSetCounts,
  type EcsControlPort,
  type EcsControllerPort,
  type EcsPort,
  type TaskSet,
} from '../aws/ecs.js';
import type { ForwardDiscoveryPort, LoadBalancerPort } from '../aws/load-balancer.js';
import type { Clock } from '../clock.js';
import { decodeKept, type LiveState } from '../control-protocol/channel.js';
import { AwsCalls } from '../deploy/calls.js';
import { TAG } from '../deploy/leftovers.js';
import { rollBackEcs } from '../deploy/kinds/ecs-rollback.js';
import { rollBackTaskSets, savedRouter, type RollbackDeps } from '../deploy/rollback.js';
import { checkTakeoverRoute } from '../deploy/routing/check.js';
import type { EcsTarget, TaskSetTarget } from '../deploy/saved.js';
import { describeError } from '../errors.js';
import type { Channel } from './locate.js';

/**
 * `safe-deploy abort` for a deploy whose job is gone (the runner was lost, the job killed): nobody is left to
 * answer the request, so the command rolls the deploy back itself. It rebuilds the state the dead job's post
 * step would have acted on, from AWS alone (tags are never trusted: what forwards to green is found from the
 * load balancer, and only a listener or rule that forwards to blue's and green's target groups alone is
 * moved), and runs the post step's own rollback through the same router and call policy: traffic back on
 * blue first, then blue at full size, green removed, and AWS read again to confirm.
 */

export interface TakeoverPorts {
  ecs: EcsPort & EcsControlPort & EcsControllerPort;
  lb: LoadBalancerPort & ForwardDiscoveryPort;
  clock: Clock;
}

export interface TakeoverOutcome {
  /** `rolled-back` when AWS shows blue alone with all traffic; `refused` when nothing was changed. */
  result: 'rolled-back' | 'refused' | 'failed';
  lines: string[];
}

/** Between two tries of a call that met a passing fault. */
const POLL_MS = 5_000;
/** How long the takeover keeps trying a read (or a move back to green) through passing faults. */
const GIVE_UP_MS = 5 * 60_000;

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
  const found = `The job of run ${state.runId} (attempt ${state.runAttempt}) looks dead: ${why}, in ${state.phase}.`;
  if (channel.kind === 'service') return takeOverEcs(state, found, options, ports);
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
    return refused(found, why);
  }

  // What the takeover says as it goes: the call policy's retries, a wait that ran late.
  const said: string[] = [];
  const note = (message: string): void => void said.push(message);
  const calls = takeoverCalls(ports.clock, note);
  const route = await checkTakeoverRoute(
    {
      forwardsTo: (group) => calls.retry('find what forwards to green', () => ports.lb.forwardsTo(group)),
      readWeights: (ref) => calls.retry(`read the ${ref.kind}`, () => ports.lb.readWeights(ref)),
    },
    { blue: blue.targetGroupArns[0], green: green.targetGroupArns[0] },
  );
  if ('refused' in route) {
    return refused(found, route.refused);
  }

  // The state the dead job's post step would have rolled back from, checked against AWS above.
  const target: TaskSetTarget = {
    cluster,
    service,
    routing: route.routing,
    blueArn: blue.arn,
    greenArn: green.arn,
    listener: route.listener,
    runTags: runTagsOf(green),
  };
  const deps: RollbackDeps = { ...ports, calls, info: note, warn: note };
  const lines = [found, `Rolling it back here: all traffic to blue ${blue.arn}, then ${green.arn} removed.`];
  let problems: string[];
  try {
    problems = (await rollBackTaskSets(target, deps)).problems;
  } catch (error) {
    problems = [describeError(error)];
  }
  lines.push(...said.splice(0));
  if (problems.length) {
    const blueLeft = await readTaskSet(blue.arn, options, ports, calls);
    if (!blueLeft) return greenAlone({ target, toGreen: route.toGreen, problems, lines }, deps, said);
    lines.push(`Rollback NOT confirmed by AWS: ${problems.join('; ')}`);
    return { result: 'failed', lines };
  }
  const serving = await readTaskSet(blue.arn, options, ports, calls);
  if (serving?.status !== 'PRIMARY') {
    lines.push(
      `Rollback NOT confirmed by AWS: ${blue.arn} is ${serving ? `${serving.status} at ${serving.scalePercent}%` : 'gone'}`,
    );
    return { result: 'failed', lines };
  }
  lines.push(`Traffic: ${route.toBlue}.`);
  lines.push(`Blue: ${isSteady(serving) ? 'steady' : 'not steady'}, ${taskSetCounts(serving)}.`);
  lines.push(
    `Rolled back: ${blue.arn} (${blue.taskDefinition}) is PRIMARY at 100% with all traffic; ${green.arn} removed.`,
  );
  return { result: 'rolled-back', lines };
}

/** A takeover that changed nothing: what it found, and why it does not roll back. */
function refused(found: string, why: string): TakeoverOutcome {
  return { result: 'refused', lines: [found, `Not rolling back: ${why}. Nothing changed.`] };
}

/** Phases of an ECS-controller deploy that come after its UpdateService: its deployment is the newest. */
const ECS_STARTED = new Set(['stabilize', 'test-traffic', 'shift', 'bake', 'promote', 'rollback']);
/** How long the takeover waits for ECS to show the previous task definition serving again. */
const ECS_ROLLBACK_WAIT_MS = 15 * 60_000;

/**
 * The takeover of an ECS-controller deploy (rolling, or ECS's own BLUE_GREEN, LINEAR or CANARY). Its
 * deployment is the service's newest service deployment, still in progress, and what it replaced is that
 * deployment's one source revision: both are read from ECS, never from tags. Nothing is touched when that
 * deployment may be someone else's: started after the job's last sign of life, or the job died before
 * its update (prepare), or finished (a deploy of the running task definition starts none, so a finished
 * deployment may be older than the job). Then the post step's own rollback runs: StopServiceDeployment
 * with ROLLBACK (else an update back to the previous task definition), confirmed when ECS shows that
 * one serving alone.
 */
async function takeOverEcs(
  state: LiveState,
  found: string,
  options: { cluster: string; service: string },
  ports: TakeoverPorts,
): Promise<TakeoverOutcome> {
  const { cluster, service } = options;
  const refuse = (why: string): TakeoverOutcome => refused(found, why);
  if (!ECS_STARTED.has(state.phase)) {
    return refuse(
      `the job stopped in ${state.phase}, before or while it started its deployment, so ECS's newest deployment ` +
        "may not be its own; `safe-deploy status` and the service's deployments in ECS show what runs",
    );
  }
  const said: string[] = [];
  const note = (message: string): void => void said.push(message);
  const calls = takeoverCalls(ports.clock, note);
  let target: EcsTarget;
  try {
    const [newest] = await calls.retry('list the service deployments', () =>
      ports.ecs.listServiceDeployments(cluster, service),
    );
    if (!newest) return refuse('ECS lists no service deployment for the service');
    const [record] = await calls.retry('read the service deployment', () =>
      ports.ecs.describeServiceDeployments([newest.arn]),
    );
    if (!record) return refuse(`ECS does not describe its newest deployment ${newest.arn}`);
    const lastSign = Date.parse(state.updated ?? '');
    if (record.createdAt && !Number.isNaN(lastSign) && record.createdAt.getTime() > lastSign) {
      return refuse(
        `ECS's newest deployment ${record.arn} started at ${record.createdAt.toISOString()}, after the job's last ` +
          "sign of life: it is someone else's",
      );
    }
    if (record.status.startsWith('ROLLBACK') || record.status === 'STOPPED') {
      return refuse(`ECS's newest deployment ${record.arn} is ${record.status} already`);
    }
    const [source, ...more] = record.sourceServiceRevisionArns;
    const targetRevision = record.targetServiceRevisionArn;
    if (!targetRevision || !source || more.length) {
      return refuse(
        `ECS's newest deployment ${record.arn} does not replace exactly one revision (it lists ${record.sourceServiceRevisionArns.length}), so there is no one release to return to`,
      );
    }
    const definitions = await calls.retry('read the service revisions', () =>
      ports.ecs.describeServiceRevisionTaskDefinitions([targetRevision, source]),
    );
    const [taskDefinition, previous] = [definitions[targetRevision], definitions[source]];
    if (!taskDefinition || !previous) {
      return refuse(`ECS does not describe the revisions of deployment ${record.arn}`);
    }
    if (record.status !== 'IN_PROGRESS' && record.status !== 'PENDING') {
      // A finished deployment may be older than the job: a deploy of the task definition already running
      // starts none, and ECS cannot tell which run asked for one.
      return refuse(
        `ECS's newest deployment ${record.arn} (${taskDefinition}, from ${previous}) is ${record.status}, and ` +
          "a finished deployment cannot be told to be the dead job's; to go back, update the service to " +
          `${previous}`,
      );
    }
    const configuration = await calls.retry('read the service', () =>
      ports.ecs.describeServiceConfiguration(cluster, service),
    );
    target = {
      cluster,
      service,
      mode: configuration?.strategy === 'ROLLING' ? 'rolling' : 'native',
      previousTaskDefinition: previous,
      taskDefinition,
      serviceDeploymentArn: record.arn,
    };
  } catch (error) {
    // The service-deployment API answers nothing (a region or emulator without it), or a read failed for good.
    return refuse(`ECS's service deployments could not be read (${describeError(error)})`);
  }
  const lines = [
    found,
    `Rolling it back here: ${target.taskDefinition} (deployment ${target.serviceDeploymentArn}) back to ${target.previousTaskDefinition}.`,
  ];
  let outcome: Awaited<ReturnType<typeof rollBackEcs>>;
  try {
    outcome = await rollBackEcs(target, {
      ecs: ports.ecs,
      clock: ports.clock,
      calls,
      info: note,
      warn: note,
      waitMs: ECS_ROLLBACK_WAIT_MS,
    });
  } catch (error) {
    outcome = { verified: false, problems: [describeError(error)], greenArn: undefined };
  }
  lines.push(...said.splice(0));
  if (!outcome.verified || outcome.problems.length) {
    lines.push(`Rollback NOT confirmed by AWS: ${outcome.problems.join('; ') || 'ECS did not show it'}`);
    return { result: 'failed', lines };
  }
  lines.push(`Rolled back: ${outcome.confirmation ?? `the service runs ${target.previousTaskDefinition}`}.`);
  return { result: 'rolled-back', lines };
}

/**
 * Blue disappeared (deleted by someone, or by ECS) while the takeover rolled back: its target group has no
 * tasks, so traffic left there reaches nothing. Green, still running, is the only release left: all traffic
 * goes to it, as a rollback would send it to blue, and it stays (at 100%, not made PRIMARY). The outcome is
 * `failed`: nothing was rolled back, and an operator decides what serves next.
 */
async function greenAlone(
  failed: {
    target: TaskSetTarget;
    toGreen: TaskSetTarget['listener'];
    problems: string[];
    lines: string[];
  },
  deps: RollbackDeps,
  said: string[],
): Promise<TakeoverOutcome> {
  const { target, lines } = failed;
  const greenArn = target.greenArn!;
  lines.push(
    `Rollback NOT confirmed by AWS: ${failed.problems.join('; ')}. Blue ${target.blueArn} is gone: ` +
      `nothing of it is left to serve; sending all traffic back to green ${greenArn}, the only release left.`,
  );
  const router = savedRouter({ ...target, blueArn: greenArn, listener: failed.toGreen }, undefined, deps);
  const wrong: string[] = [];
  try {
    await router.restore();
    wrong.push(...(await router.verifyRestored()));
    const now = await deps.calls.persist('read green', () =>
      deps.ecs.describeTaskSet(target.cluster, target.service, greenArn),
    );
    if (!now || now.status === 'DRAINING') wrong.push(`green ${greenArn} is gone too`);
    else if (now.scalePercent !== 100) wrong.push(`green is at ${now.scalePercent}%, not 100%`);
  } catch (error) {
    wrong.push(describeError(error));
  }
  lines.push(...said.splice(0));
  lines.push(
    wrong.length
      ? `Green serving all traffic NOT confirmed by AWS: ${wrong.join('; ')}`
      : `Green ${greenArn} takes all traffic, at 100%, confirmed by AWS; it is left in place (not PRIMARY): ` +
          'deploy again to replace it.',
  );
  return { result: 'failed', lines };
}

/**
 * The takeover's call policy: a rollback's calls are tried again through passing faults (`persist`); its
 * reads wait a poll between tries and give up after a few minutes, as an operator at a terminal would.
 */
function takeoverCalls(clock: Clock, note: (message: string) => void): AwsCalls {
  const giveUpAt = clock.now() + GIVE_UP_MS;
  return new AwsCalls({
    clock,
    log: { info: note, warn: note, debug: () => undefined, group: (_name, run) => run() },
    callTimeoutMs: 30_000,
    pause: async (what) => {
      if (clock.now() >= giveUpAt) throw new Error(`gave up after ${GIVE_UP_MS / 60_000}m: ${what}`);
      await clock.sleep(POLL_MS);
    },
  });
}

/** The task set as AWS shows it now; undefined once it is gone (DRAINING counts as gone). */
async function readTaskSet(
  arn: string,
  options: { cluster: string; service: string },
  ports: TakeoverPorts,
  calls: AwsCalls,
): Promise<TaskSet | undefined> {
  const set = await calls.persist('read blue', () =>
    ports.ecs.describeTaskSet(options.cluster, options.service, arn),
  );
  return set && set.status !== 'DRAINING' ? set : undefined;
}

/** The run's identity tags on green (what the post step would find it by). */
function runTagsOf(green: TaskSet): Record<string, string> {
  const keys = [TAG.repository, TAG.runId, TAG.runAttempt];
  return Object.fromEntries(keys.flatMap((key) => (green.tags[key] ? [[key, green.tags[key]]] : [])));
}
