import { isSteady, taskSetCounts, type EcsControlPort, type EcsPort, type TaskSet } from '../aws/ecs.js';
import type { LoadBalancerPort, TargetHealthPort } from '../aws/load-balancer.js';
import type { Clock } from '../clock.js';
import { KEPT_KEYS, isLive, type KeptRelease } from '../control-protocol/channel.js';
import { AwsCalls } from '../deploy/calls.js';
import { diagnose, renderDiagnosisText, type Diagnosis } from '../deploy/diagnose.js';
import { checkKeptRoute } from '../deploy/routing/check.js';
import type { ListenerRoute } from '../deploy/routing/listener.js';
import { trafficRouter, type TaskSetRouter, type TrafficRouter } from '../deploy/routing/router.js';
import { formatDuration } from '../duration.js';
import { describeError, UserError } from '../errors.js';
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
  /** The listener route back to the kept release, checked against the service; none with task-set scale. */
  route: ListenerRoute | undefined;
  /** The kept release's share of production traffic now (100 when an earlier rollback stopped half way). */
  initialShare: number;
}

/** A reason the restore stopped and traffic goes back to the release that was serving. */
class RestoreStop extends Error {}

/**
 * Brings the kept release back; throws a UserError, changing nothing, when there is nothing to bring back.
 * A deploy in reverse, through the same router and call policy a deploy uses: the kept release ("green"
 * here) scales up and is steady and healthy before any traffic moves, it is re-read before each move, and
 * on any failure traffic goes back to the release that was serving ("blue" here), verified.
 */
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
  return new Restore(options, ports, plan).run(base);
}

/** One restore's runbook, with the router and the call policy it moves traffic through. */
class Restore {
  private readonly calls: AwsCalls;
  private readonly router: TaskSetRouter;
  private readonly since: number;
  private last = 'not read yet';

  constructor(
    private readonly options: RestoreOptions,
    private readonly ports: RestorePorts,
    private readonly plan: Plan,
  ) {
    const { clock } = ports;
    this.since = clock.now();
    // Every call bounded and tried again through passing faults, as in a deploy; the whole restore gives
    // up (and goes back) once the kept release has had stabilize-timeout and a few minutes more.
    const giveUpAt = this.since + options.stabilizeTimeoutMs + GRACE_MS;
    this.calls = new AwsCalls({
      clock,
      log: {
        info: ports.info,
        warn: ports.warn,
        debug: () => undefined,
        group: (_name, run) => run(),
      },
      callTimeoutMs: 30_000,
      pause: async (what) => {
        if (clock.now() >= giveUpAt) throw new RestoreStop(`gave up: ${what}`);
        await clock.sleep(options.pollIntervalMs);
      },
    });
    const { cluster, service } = options;
    this.router = trafficRouter(
      {
        moves: 'task-sets',
        listener: plan.route,
        taskSets: {
          cluster,
          service,
          blueArn: plan.newer.arn,
          greenArn: () => plan.kept.arn,
          greenSteady: () => this.keptSteady(),
          blueSteady: () => this.servingSteady(),
        },
      },
      { ecs: ports.ecs, lb: ports.lb, calls: this.calls },
    );
  }

  async run(
    base: Pick<RestoreOutcome, 'restoredArn' | 'removedArn' | 'taskDefinition'>,
  ): Promise<RestoreOutcome> {
    const { ecs } = this.ports;
    const { cluster, service } = this.options;
    const { kept, newer } = this.plan;
    let moving = false;
    try {
      // Behind its own target group the kept release runs in full before it takes any traffic; with
      // task-set scale its tasks are the traffic, and the router's shift grows it first.
      const start = this.router.greenStartScale(undefined);
      if (start > 0) {
        await this.calls.retry('scale the kept release up', () =>
          ecs.scaleTaskSet(cluster, service, kept.arn, start),
        );
        await this.keptSteady();
        this.ports.info(`Kept release steady (${this.last})`);
      }
      moving = true;
      await this.keptStillThere('before moving traffic to it');
      await this.router.shift(this.plan.initialShare, 100);
      if (this.router.testTraffic) await this.router.testTraffic();
      this.ports.info('All traffic on the kept release');
      await this.keptStillThere('after traffic moved to it');
      await this.calls.retry('make the kept release PRIMARY', () =>
        ecs.makePrimary(cluster, service, kept.arn),
      );
      await this.keptStillThere('once PRIMARY');
    } catch (error) {
      if (!moving) return this.notStarted(error, base);
      return this.goBack(error, base);
    }
    // From here the kept release serves: removing the newer one is cleanup, reported if it fails.
    await this.calls.persist('remove the newer release', () =>
      ecs.deleteTaskSet(cluster, service, newer.arn),
    );
    await this.calls.persist('untag the kept release', () => ecs.untagResource(kept.arn, KEPT_KEYS));
    const problems = await verify(this.plan, this.options, this.ports, this.router, this.calls);
    if (problems.length) {
      return { result: 'failed', reason: `rollback NOT confirmed by AWS: ${problems.join('; ')}`, ...base };
    }
    return {
      result: 'restored',
      reason: `${kept.arn} (${kept.taskDefinition}) is PRIMARY and takes all traffic; ${newer.arn} removed`,
      ...base,
    };
  }

  /** Nothing moved yet: the running release keeps all traffic, the kept one goes back to zero. */
  private async notStarted(
    error: unknown,
    base: Pick<RestoreOutcome, 'restoredArn' | 'removedArn' | 'taskDefinition'>,
  ): Promise<RestoreOutcome> {
    const { kept, newer } = this.plan;
    const { cluster, service } = this.options;
    await this.scaleKeptDown();
    const diagnosis = await diagnose(
      {
        cluster,
        service,
        since: this.since,
        taskSetArn: kept.arn,
        targetGroupArn: this.router.greenRequests?.targetGroupArn,
      },
      this.ports,
    );
    this.ports.warn(renderDiagnosisText(diagnosis));
    return {
      result: 'failed',
      reason: `${describeError(error)}; it is back at 0% and ${newer.arn} still takes all traffic`,
      diagnosis,
      ...base,
    };
  }

  /**
   * Traffic may have moved: all of it goes back to the release that was serving, which stays (or becomes
   * again) PRIMARY, verified by reading AWS; the kept release goes back to zero if it is still there.
   */
  private async goBack(
    error: unknown,
    base: Pick<RestoreOutcome, 'restoredArn' | 'removedArn' | 'taskDefinition'>,
  ): Promise<RestoreOutcome> {
    const { ecs } = this.ports;
    const { cluster, service } = this.options;
    const { newer } = this.plan;
    const why = describeError(error);
    this.ports.warn(`Rollback to the kept release stopped: ${why}; moving all traffic back to ${newer.arn}`);
    const problems: string[] = [];
    try {
      await this.router.restore();
      problems.push(...(await this.router.verifyRestored()));
      const service_ = await this.calls.persist('read the service', () =>
        ecs.describeService(cluster, service),
      );
      if (service_?.taskSets.find((t) => t.arn === newer.arn)?.status !== 'PRIMARY') {
        await this.calls.persist('make the serving release PRIMARY again', () =>
          ecs.makePrimary(cluster, service, newer.arn),
        );
      }
      await this.scaleKeptDown();
      problems.push(...(await this.servingProblems()));
    } catch (failure) {
      problems.push(describeError(failure));
    }
    const back = problems.length
      ? `traffic back on ${newer.arn} NOT confirmed by AWS: ${problems.join('; ')}`
      : `all traffic is back on ${newer.arn}, PRIMARY at 100%, confirmed by AWS`;
    return { result: 'failed', reason: `${why}; ${back}`, ...base };
  }

  /** Waits until the kept release runs all its tasks (and, behind its own group, they are healthy). */
  private async keptSteady(): Promise<void> {
    const { ecs, lb, clock } = this.ports;
    const { cluster, service, stabilizeTimeoutMs, pollIntervalMs } = this.options;
    const limit = clock.now() + stabilizeTimeoutMs;
    const own = this.router.greenRequests?.targetGroupArn;
    for (;;) {
      const set = await this.calls.retry('read the kept release', () =>
        ecs.describeTaskSet(cluster, service, this.plan.kept.arn),
      );
      if (!set) throw new RestoreStop(`the kept task set ${this.plan.kept.arn} disappeared`);
      this.last = `${set.stabilityStatus}, ${taskSetCounts(set)}`;
      let ready = set.scalePercent === 100 && isSteady(set);
      if (ready && own) {
        const targets = await this.calls.retry('read the kept release’s target health', () =>
          lb.targetHealthDetails(own),
        );
        const healthy = targets.filter((t) => t.state === 'healthy').length;
        const want = set.computedDesiredCount ?? targets.length;
        this.last += `, ${healthy}/${want} healthy`;
        ready = healthy >= want && healthy === targets.length;
      }
      if (ready) return;
      if (clock.now() >= limit) {
        throw new RestoreStop(
          `the kept release did not reach a steady state within ${formatDuration(stabilizeTimeoutMs)} (${this.last})`,
        );
      }
      await clock.sleep(pollIntervalMs);
    }
  }

  /** Re-read before (and after) each move: the kept release must still be there, at full size. */
  private async keptStillThere(when: string): Promise<void> {
    const { cluster, service } = this.options;
    const set = await this.calls.retry('read the kept release', () =>
      this.ports.ecs.describeTaskSet(cluster, service, this.plan.kept.arn),
    );
    if (!set || set.status === 'DRAINING') {
      throw new RestoreStop(`the kept task set ${this.plan.kept.arn} disappeared ${when}`);
    }
  }

  /** Waits, bounded, until the serving release runs all its tasks again. */
  private async servingSteady(): Promise<void> {
    const { ecs, clock } = this.ports;
    const { cluster, service, pollIntervalMs } = this.options;
    const limit = clock.now() + this.options.stabilizeTimeoutMs;
    for (;;) {
      const set = await this.calls.persist('read the serving release', () =>
        ecs.describeTaskSet(cluster, service, this.plan.newer.arn),
      );
      if (!set || isSteady(set) || clock.now() >= limit) return;
      await clock.sleep(pollIntervalMs);
    }
  }

  private async scaleKeptDown(): Promise<void> {
    const { ecs } = this.ports;
    const { cluster, service } = this.options;
    const kept = await this.calls.persist('read the kept release', () =>
      ecs.describeTaskSet(cluster, service, this.plan.kept.arn),
    );
    if (kept && kept.scalePercent !== 0) {
      await this.calls.persist('scale the kept release back to 0%', () =>
        ecs.scaleTaskSet(cluster, service, this.plan.kept.arn, 0),
      );
    }
  }

  /** The serving release as it must be after going back: PRIMARY at 100%. */
  private async servingProblems(): Promise<string[]> {
    const { cluster, service } = this.options;
    const now = await this.calls.persist('read the service', () =>
      this.ports.ecs.describeService(cluster, service),
    );
    const serving = now?.taskSets.find((t) => t.arn === this.plan.newer.arn);
    if (!serving) return [`${this.plan.newer.arn} is gone`];
    const problems: string[] = [];
    if (serving.status !== 'PRIMARY') problems.push(`${serving.arn} is ${serving.status}, not PRIMARY`);
    if (serving.scalePercent !== 100)
      problems.push(`${serving.arn} is at ${serving.scalePercent}%, not 100%`);
    return problems;
  }
}

/** How long past stabilize-timeout a restore keeps trying a call before it gives up and goes back. */
const GRACE_MS = 5 * 60_000;

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
  const route = await checkKeptRoute(
    (ref) => ports.lb.readWeights(ref),
    found.kept,
    { kept: found.taskSet.targetGroupArns[0], serving: newer.targetGroupArns[0] },
    at,
  );
  return {
    kept: found.taskSet,
    release: found.kept,
    newer,
    route: route.listener,
    initialShare: route.initialShare,
  };
}

/** The kept release PRIMARY at 100% with all traffic, the newer one gone: as AWS shows it. */
async function verify(
  plan: Plan,
  options: RestoreOptions,
  ports: RestorePorts,
  router: TrafficRouter,
  calls: AwsCalls,
): Promise<string[]> {
  const problems: string[] = [];
  const service = await calls.persist('read the service', () =>
    ports.ecs.describeService(options.cluster, options.service),
  );
  const restored = service?.taskSets.find((t) => t.arn === plan.kept.arn);
  const newer = service?.taskSets.find((t) => t.arn === plan.newer.arn && t.status !== 'DRAINING');
  if (restored?.status !== 'PRIMARY')
    problems.push(`${plan.kept.arn} is ${restored?.status ?? 'gone'}, not PRIMARY`);
  else if (restored.scalePercent !== 100)
    problems.push(`${plan.kept.arn} is at ${restored.scalePercent}%, not 100%`);
  if (newer) problems.push(`${newer.arn} still exists`);
  problems.push(...(await router.verifyAt(100)));
  return problems;
}
