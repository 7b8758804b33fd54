import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { AlarmState, CloudWatchPort } from '../aws/cloudwatch.js';
import { isSteady, type EcsPort, type Service, type TaskSet } from '../aws/ecs.js';
import {
  loadBalancerArnOf,
  type ForwardRef,
  type LoadBalancerPort,
  type Weights,
} from '../aws/load-balancer.js';
import { isTransient } from '../aws/transient.js';
import type { Clock } from '../clock.js';
import { formatDuration } from '../duration.js';
import { describeError, UserError } from '../errors.js';
import { renderPlanText } from '../report/summary.js';
import { resolveAlarms } from '../alarms/resolve.js';
import { AlarmWatch, breachReason, type Breach } from '../alarms/watch.js';
import type { DeployPlan, DeployReport, DeployResult, Phase, TimelineEntry } from './model.js';
import { rollBack, type RollbackTarget } from './rollback.js';
import type { DeploySettings } from './settings.js';

/** The version to deploy, already read from files or a verified manifest (no AWS call needed yet). */
export interface Release {
  /** A task definition to register. */
  register?: RegisterTaskDefinitionCommandInput;
  /** An existing task definition (`family:revision` or ARN) to deploy, as it is or with `replace`. */
  existing?: string;
  /** Turns `existing` into a new revision to register (a container's image replaced). */
  revise?: (existing: TaskDefinition) => RegisterTaskDefinitionCommandInput;
  image?: string;
  manifestLines?: string[];
}

/** Who is deploying: written as tags on the task set, so later runs recognise it. */
export interface RunIdentity {
  repository: string;
  commit: string;
  runId: string;
  runAttempt: string;
}

/** Where the post step finds a deployment to roll back. */
export interface SavedDeploy extends RollbackTarget {
  finished: boolean;
  deploymentId?: number;
}

export interface DeployLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  group<T>(name: string, run: () => Promise<T>): Promise<T>;
}

/** Everything the engine talks to; all of it injected so tests run it against mocks and a fake clock. */
export interface EngineDeps {
  ecs: EcsPort;
  lb: LoadBalancerPort;
  cloudwatch: CloudWatchPort;
  clock: Clock;
  log: DeployLog;
  identity: RunIdentity;
  /** Runs a hook command; resolves to its exit code. Aborting `signal` stops it. */
  runHook(name: string, command: string, env: Record<string, string>, signal: AbortSignal): Promise<number>;
  /** For `require-review`: whether the commit reached the branch through an approved pull request. */
  checkReview?(): Promise<{ ok: true } | { ok: false; reason: string }>;
  saveState(state: SavedDeploy): void;
  /** Aborted when the job is cancelled: the engine rolls back. */
  signal?: AbortSignal;
  /** Called the moment production traffic is back on blue during a rollback. */
  onTrafficRestored?(): void;
}

export const TAG = {
  repository: 'safe-deploy:repository',
  commit: 'safe-deploy:commit',
  runId: 'safe-deploy:run-id',
  runAttempt: 'safe-deploy:run-attempt',
  heartbeat: 'safe-deploy:heartbeat',
} as const;

/** A task set left by a run whose heartbeat is older than this is abandoned and may be removed. */
export const STALE_AFTER_MS = 5 * 60_000;
const HEARTBEAT_EVERY_MS = 60_000;
const REQUEST_COUNT_EVERY_MS = 30_000;
const PROGRESS_EVERY_MS = 60_000;
const MINUTE = 60_000;
/** What `attempt` answers when a call met throttling or a passing fault. */
const LATER = Symbol('try again later');

/** Ends the deploy before any change: the result is `blocked`. */
class Blocked extends Error {}
/** Ends the deploy after changes began: the result is `rolled-back`. */
class Stop extends Error {}
/**
 * Another run created its green first: this run removes only its own task set and ends `blocked`,
 * leaving traffic and blue to the earlier run.
 */
class YieldToEarlierRun extends Error {
  constructor(readonly earlierArn: string) {
    super(
      `another run started deploying this service at the same time (task set ${earlierArn}); this run backed off`,
    );
  }
}

/**
 * The deploy lifecycle as one state machine:
 * validate → prepare → stabilise → test traffic → before-traffic → one box → shift → after-traffic → bake
 * → promote, or roll back from any point after prepare. It decides; the ports do the I/O.
 */
export class DeployEngine {
  private readonly timeline: TimelineEntry[] = [];
  private readonly watch: AlarmWatch;
  private readonly startedAt: number;
  private readonly deadline: number;
  private phase: Phase = 'validate';
  private traffic = 0;
  private watched: string[] = [];
  private oneBoxOnly: string[] = [];
  private blockers: string[] = [];
  private service!: Service;
  private blue!: TaskSet;
  private green: TaskSet | undefined;
  private blueTg: string | undefined;
  private greenTg: string | undefined;
  private initialWeights: Weights = {};
  private taskDefinitionArn: string | undefined;
  private registration: RegisterTaskDefinitionCommandInput | undefined;
  private stale: TaskSet[] = [];
  private lastHeartbeat = 0;
  private lastAlarmRead = 0;
  private trafficStartedAt: number | undefined;
  private deploymentId: number | undefined;

  constructor(
    private readonly settings: DeploySettings,
    private readonly release: Release,
    private readonly deps: EngineDeps,
  ) {
    this.watch = new AlarmWatch(deps.cloudwatch, settings.insufficientData === 'rollback');
    this.startedAt = deps.clock.now();
    this.deadline = this.startedAt + settings.timeoutMs;
  }

  /** The plan the settings describe (alarms as resolved once validation ran). */
  get plan(): DeployPlan {
    const s = this.settings;
    return {
      cluster: s.cluster,
      service: s.service,
      routing: s.routing,
      stepsText: s.stepsText,
      steps: s.steps,
      oneBox: s.oneBox ? { bakeMs: s.oneBoxBakeMs, alarms: this.oneBoxOnly } : undefined,
      bakeMs: s.bakeMs,
      minRequests: s.minRequests,
      pollIntervalMs: s.pollIntervalMs,
      alarms: this.watched,
      testListener: Boolean(s.testListenerArn),
    };
  }

  /** Records the GitHub deployment record's id in the saved state, for the post step. */
  setDeploymentId(id: number | undefined): void {
    this.deploymentId = id;
  }

  /** Runs the deploy to its end. Throws only for errors the user must fix before anything changed. */
  async run(): Promise<DeployReport> {
    const { log } = this.deps;
    try {
      await log.group('Validate', () => this.validate());
    } catch (error) {
      if (error instanceof Blocked) return this.finish('blocked', error.message);
      throw error;
    }
    if (this.settings.dryRun) {
      return this.finish(
        'dry-run',
        'dry run: validated the inputs and read the current state; nothing changed',
      );
    }
    try {
      await log.group('Prepare', () => this.prepare());
      await log.group('Stabilise green', () => this.stabilise());
      if (this.settings.testListenerArn) await log.group('Test traffic', () => this.testTraffic());
      if (this.settings.beforeTraffic) {
        await log.group('before-traffic hook', () =>
          this.hook('before-traffic', this.settings.beforeTraffic!),
        );
      }
      if (this.settings.oneBox) await log.group('One box', () => this.oneBox());
      await log.group('Shift traffic', () => this.shift());
      if (this.settings.afterTraffic) {
        await log.group('after-traffic hook', () => this.hook('after-traffic', this.settings.afterTraffic!));
      }
      await log.group('Bake', () => this.bake());
      await log.group('Promote', () => this.promote());
      return this.finish('deployed', `${this.green!.arn} is PRIMARY and takes all traffic`);
    } catch (error) {
      if (error instanceof YieldToEarlierRun) return this.backOff(error);
      const reason =
        error instanceof Stop || error instanceof UserError
          ? error.message
          : `AWS error: ${describeError(error)}`;
      return log.group('Roll back', () => this.rollBack(reason));
    }
  }

  // ── validate: read only, nothing changes ────────────────────────────────────────────────────────────

  private async validate(): Promise<void> {
    const s = this.settings;
    const { cloudwatch, log } = this.deps;
    const watched = await resolveAlarms(cloudwatch, s.alarms, s.alarmPrefixes, 'alarms');
    this.watched = watched.map((a) => a.name);
    const oneBox = s.oneBox ? await resolveAlarms(cloudwatch, s.oneBoxAlarms, [], 'one-box-alarms') : [];
    this.oneBoxOnly = oneBox.map((a) => a.name).filter((n) => !this.watched.includes(n));
    const blockers = await resolveAlarms(cloudwatch, s.blockerAlarms, [], 'blocker-alarms');
    this.blockers = blockers.map((a) => a.name);
    log.info(
      `Watching ${this.watched.length} alarm(s)${this.watched.length ? `: ${preview(this.watched)}` : ''}` +
        (this.oneBoxOnly.length ? `; during one box also ${preview(this.oneBoxOnly)}` : ''),
    );
    if (this.watched.length === 0) {
      log.warn('No alarms are watched: a bad version is only rolled back by a failing hook or a timeout');
    }

    const service = await this.deps.ecs.describeService(s.cluster, s.service);
    if (!service) throw new UserError(`Service '${s.service}' was not found in cluster '${s.cluster}'`);
    if (service.controller !== 'EXTERNAL') {
      throw new UserError(
        `Service '${service.name}' uses the ${service.controller} deployment controller; safe-deploy needs EXTERNAL ` +
          '(task sets) so it can run two versions side by side',
      );
    }
    const primaries = service.taskSets.filter((t) => t.status === 'PRIMARY');
    if (primaries.length !== 1) {
      throw new UserError(
        `Service '${service.name}' has ${primaries.length} PRIMARY task sets; it needs exactly one (the running version)`,
      );
    }
    this.service = service;
    this.blue = primaries[0]!;
    log.info(`Blue: ${this.blue.arn} (${this.blue.taskDefinition}), desired count ${service.desiredCount}`);
    await this.resolveTargetGroups();

    // The state at the start: an alarm already firing blocks the deploy, it does not roll it back.
    for (const alarm of uniqueByName([...blockers, ...watched, ...oneBox])) this.blockIfFiring(alarm);
    this.checkLeftovers(service);

    if (s.requireReview) {
      const review = await this.deps.checkReview?.();
      if (review && !review.ok) throw new Blocked(review.reason);
      if (review?.ok)
        log.info(
          `Commit ${this.deps.identity.commit.slice(0, 7)} reached the branch through an approved pull request`,
        );
    }
    this.taskDefinitionArn = await this.checkTaskDefinition();
    log.info(renderPlanText(this.plan));
  }

  private blockIfFiring(alarm: AlarmState): void {
    const isBlocker = this.blockers.includes(alarm.name);
    const insufficientBreach =
      !isBlocker && alarm.state === 'INSUFFICIENT_DATA' && this.settings.insufficientData === 'rollback';
    if (alarm.state === 'ALARM' || insufficientBreach) {
      const role = isBlocker ? 'blocker alarm' : 'watched alarm';
      throw new Blocked(
        `${role} ${alarm.name} is already in ${alarm.state}${alarm.reason ? ` (${alarm.reason})` : ''}; ` +
          'not starting a deploy while it fires',
      );
    }
  }

  private async resolveTargetGroups(): Promise<void> {
    const s = this.settings;
    if (s.routing !== 'listener') return;
    const weights = await this.deps.lb.readWeights(s.production!);
    this.initialWeights = weights;
    const groups = Object.keys(weights);
    const blueTg = this.blue.targetGroupArns[0];
    if (groups.length !== 2 || !blueTg || !groups.includes(blueTg)) {
      throw new UserError(
        `The ${s.production!.kind} ${s.production!.arn} must forward to two target groups, one of them blue's ` +
          `(${blueTg ?? 'blue has no load balancer'}); it forwards to ${groups.join(', ') || 'none'}`,
      );
    }
    this.blueTg = blueTg;
    this.greenTg = groups.find((g) => g !== blueTg);
    if (s.testListenerArn) {
      const test = Object.keys(await this.deps.lb.readWeights({ kind: 'listener', arn: s.testListenerArn }));
      if (!test.includes(this.blueTg) || !test.includes(this.greenTg!)) {
        throw new UserError(
          `The test listener ${s.testListenerArn} must forward to the same two target groups as production`,
        );
      }
    }
    this.deps.log.info(`Target groups: blue ${this.blueTg}, green ${this.greenTg}`);
  }

  /** Task sets other than blue: abandoned ones are removed later; a live run or a stranger blocks. */
  private checkLeftovers(service: Service): void {
    const now = this.deps.clock.now();
    for (const other of service.taskSets.filter((t) => t.arn !== this.blue.arn && t.status !== 'DRAINING')) {
      const runId = other.tags[TAG.runId];
      if (!runId) {
        throw new Blocked(
          `Task set ${other.arn} was not created by safe-deploy; another deployment may be in progress. ` +
            'Remove it or wait for it to finish',
        );
      }
      const beat = Date.parse(other.tags[TAG.heartbeat] ?? '') || other.createdAt?.getTime() || 0;
      if (now - beat < STALE_AFTER_MS) {
        throw new Blocked(
          `Run ${runId} (attempt ${other.tags[TAG.runAttempt] ?? '?'}) of ${other.tags[TAG.repository] ?? 'another repository'} ` +
            `is deploying this service (task set ${other.arn}, last seen ${formatDuration(now - beat)} ago)`,
        );
      }
      this.stale.push(other);
    }
  }

  private async checkTaskDefinition(): Promise<string | undefined> {
    const { existing, revise } = this.release;
    if (!existing) return undefined;
    const found = await this.deps.ecs.describeTaskDefinition(existing);
    if (!found?.taskDefinitionArn) {
      throw new UserError(`Input 'task-definition': ${JSON.stringify(existing)} does not exist in ECS`);
    }
    if (revise) {
      // A new revision of the existing definition, registered in prepare.
      this.registration = revise(found);
      return undefined;
    }
    return found.taskDefinitionArn;
  }

  // ── prepare: the first changes ──────────────────────────────────────────────────────────────────────

  private async prepare(): Promise<void> {
    const s = this.settings;
    const { ecs, lb, log } = this.deps;
    this.enter('prepare');
    const split = s.routing === 'listener' && (this.initialWeights[this.greenTg!] ?? 0) > 0;
    if (split)
      log.warn(
        `The listener sent traffic to ${this.greenTg} before this deploy: moving it all to blue first`,
      );
    if (this.stale.length || split) {
      if (s.routing === 'listener') {
        await this.aws('move traffic to blue', () => lb.setWeights(s.production!, this.weights(0)));
      }
      if (s.testListenerArn) {
        await this.aws('move test traffic to blue', () =>
          lb.setWeights({ kind: 'listener', arn: s.testListenerArn! }, this.weights(0)),
        );
      }
      if (this.blue.scalePercent !== 100) {
        await this.aws('scale blue to 100%', () =>
          ecs.scaleTaskSet(s.cluster, s.service, this.blue.arn, 100),
        );
      }
      for (const left of this.stale) {
        await this.aws('remove a task set left by an earlier run', () =>
          ecs.deleteTaskSet(s.cluster, s.service, left.arn),
        );
        log.warn(
          `Removed task set ${left.arn} left by run ${left.tags[TAG.runId]} (attempt ${left.tags[TAG.runAttempt]})`,
        );
      }
    }
    const registration = this.release.register ?? this.registration;
    if (registration) {
      this.taskDefinitionArn = await this.aws('register the task definition', () =>
        ecs.registerTaskDefinition(registration),
      );
      log.info(`Registered ${this.taskDefinitionArn}`);
    }
    this.save(false);
    const scale = s.routing === 'listener' ? (s.oneBox ? this.oneBoxScale() : 100) : 0;
    this.green = await ecs.createTaskSet(s.cluster, s.service, {
      taskDefinition: this.taskDefinitionArn!,
      template: this.blue,
      targetGroupArn: s.routing === 'listener' ? this.greenTg : undefined,
      scalePercent: scale,
      tags: { ...this.runTags(), [TAG.heartbeat]: new Date(this.deps.clock.now()).toISOString() },
    });
    this.lastHeartbeat = this.deps.clock.now();
    this.save(false);
    this.mark('green created');
    log.info(`Green: ${this.green.arn} at ${scale}%`);
    await this.yieldToEarlierRun();
  }

  /** Two runs that started together: the later task set backs off, so two runs never shift one service. */
  private async yieldToEarlierRun(): Promise<void> {
    const { ecs } = this.deps;
    const service = await ecs.describeService(this.settings.cluster, this.settings.service);
    const mine = this.green!;
    const earlier = service?.taskSets.find(
      (t) =>
        t.arn !== mine.arn &&
        t.arn !== this.blue.arn &&
        t.status !== 'DRAINING' &&
        ((t.createdAt?.getTime() ?? 0) < (mine.createdAt?.getTime() ?? 0) ||
          (t.createdAt?.getTime() === mine.createdAt?.getTime() && t.arn < mine.arn)),
    );
    if (earlier) throw new YieldToEarlierRun(earlier.arn);
  }

  // ── stabilise, test traffic, hooks ──────────────────────────────────────────────────────────────────

  private async stabilise(): Promise<void> {
    this.enter('stabilize');
    await this.waitSteady(this.green!.arn, 'green');
    this.mark('green steady');
  }

  private async testTraffic(): Promise<void> {
    this.enter('test-traffic');
    await this.aws('set the test listener weights', () =>
      this.deps.lb.setWeights({ kind: 'listener', arn: this.settings.testListenerArn! }, this.weights(100)),
    );
    this.mark('test listener 100% green');
  }

  private async hook(name: 'before-traffic' | 'after-traffic', command: string): Promise<void> {
    this.enter(name);
    const env = {
      SAFE_DEPLOY_CLUSTER: this.settings.cluster,
      SAFE_DEPLOY_SERVICE: this.settings.service,
      SAFE_DEPLOY_TASK_SET_ARN: this.green!.arn,
      SAFE_DEPLOY_TASK_DEFINITION_ARN: this.taskDefinitionArn ?? '',
      SAFE_DEPLOY_GREEN_TARGET_GROUP_ARN: this.greenTg ?? '',
      SAFE_DEPLOY_TRAFFIC: String(this.traffic),
    };
    let code: number | undefined;
    const stop = new AbortController();
    const done = this.deps.runHook(name, command, env, stop.signal).then(
      (exit) => (code = exit),
      (error: unknown) => {
        this.deps.log.warn(`${name} hook could not run: ${describeError(error)}`);
        code = -1;
      },
    );
    // Alarms are watched while the hook runs, and the overall timeout applies to it.
    try {
      await this.hold(this.deps.clock.now(), {
        label: `${name} hook`,
        done: () => code !== undefined,
        wake: done,
      });
    } catch (error) {
      // The deploy stops here: a hook left running would hold the step open after the rollback.
      if (code === undefined) {
        this.deps.log.warn(`Stopping the ${name} hook: the deploy is rolling back`);
        stop.abort();
      }
      throw error;
    }
    if (code !== 0) throw new Stop(`${name} hook failed with exit code ${code}: ${command}`);
    this.mark(`${name} passed`);
  }

  // ── one box, shift, bake ────────────────────────────────────────────────────────────────────────────

  private oneBoxScale(): number {
    // One task: ECS rounds a percent scale up to whole tasks, so 100/desiredCount gives exactly one.
    return Math.min(100, 100 / Math.max(1, this.service.desiredCount));
  }

  private async oneBox(): Promise<void> {
    const s = this.settings;
    this.enter('one-box');
    const share = Math.max(1, Math.round(100 / (Math.max(1, this.service.desiredCount) + 1)));
    if (s.routing === 'listener') {
      await this.setTraffic(share);
    } else {
      await this.aws('scale green to one task', () =>
        this.deps.ecs.scaleTaskSet(s.cluster, s.service, this.green!.arn, this.oneBoxScale()),
      );
      await this.waitSteady(this.green!.arn, 'green (one box)');
      this.traffic = share;
      this.trafficStartedAt ??= this.deps.clock.now();
      this.mark(`one box: 1 task, ~${share}% of traffic`);
    }
    await this.hold(this.deps.clock.now() + s.oneBoxBakeMs, {
      label: 'one-box bake',
      alarms: [...this.watched, ...this.oneBoxOnly],
    });
    if (s.routing === 'listener') {
      await this.aws('scale green to full size', () =>
        this.deps.ecs.scaleTaskSet(s.cluster, s.service, this.green!.arn, 100),
      );
      await this.waitSteady(this.green!.arn, 'green (full size)');
      this.mark('green scaled to 100%');
    }
  }

  private async shift(): Promise<void> {
    this.enter('shift');
    for (const [index, step] of this.settings.steps.entries()) {
      if (step.percent <= this.traffic && step.percent !== 100) continue;
      await this.setTraffic(step.percent);
      if (step.holdMs > 0) {
        await this.hold(this.deps.clock.now() + step.holdMs, {
          label: `step ${index + 1}/${this.settings.steps.length}: ${step.percent}%`,
        });
      }
    }
  }

  private async bake(): Promise<void> {
    const s = this.settings;
    this.enter('bake');
    const until = this.deps.clock.now() + s.bakeMs;
    let requests = 0;
    let lastCount = -Infinity;
    const lbArn = s.minRequests > 0 ? loadBalancerArnOf(s.production!.arn) : undefined;
    await this.hold(until, {
      label: 'bake',
      progressNote: () => (s.minRequests > 0 ? `, ${requests}/${s.minRequests} requests` : ''),
      done: async () => {
        if (s.minRequests === 0) return true;
        const now = this.deps.clock.now();
        if (requests < s.minRequests && now - lastCount >= REQUEST_COUNT_EVERY_MS) {
          lastCount = now;
          // Whole minutes (the metric's period) around green's traffic: CloudWatch wants StartTime < EndTime.
          const from = Math.floor((this.trafficStartedAt ?? this.startedAt) / MINUTE) * MINUTE;
          const to = Math.ceil((now + 1) / MINUTE) * MINUTE;
          const counted = await this.attempt("read green's request count", () =>
            this.deps.cloudwatch.requestCount(lbArn!, this.greenTg!, new Date(from), new Date(to)),
          );
          if (counted !== LATER) requests = counted;
        }
        return requests >= s.minRequests;
      },
    });
    this.mark(
      s.minRequests > 0
        ? `baked ${formatDuration(s.bakeMs)}, ${requests} requests`
        : `baked ${formatDuration(s.bakeMs)}`,
    );
  }

  private async promote(): Promise<void> {
    const s = this.settings;
    const { ecs, log } = this.deps;
    this.enter('promote');
    await this.aws('make green PRIMARY', () => ecs.makePrimary(s.cluster, s.service, this.green!.arn));
    // From here green is the running version: a failure to remove blue is reported, never rolled back.
    try {
      await ecs.deleteTaskSet(s.cluster, s.service, this.blue.arn);
    } catch (error) {
      log.warn(`Green is PRIMARY but blue ${this.blue.arn} could not be deleted: ${describeError(error)}`);
    }
    const after = await this.aws('read the service', () => ecs.describeService(s.cluster, s.service));
    const primary = after?.taskSets.find((t) => t.status === 'PRIMARY');
    if (primary?.arn !== this.green!.arn) {
      throw new Stop(
        `ECS does not show green as PRIMARY after promotion (PRIMARY is ${primary?.arn ?? 'none'})`,
      );
    }
    this.mark('green is PRIMARY, blue removed');
    this.enter('finished');
    this.save(true);
    log.info(`Promoted ${this.green!.arn}; removed blue ${this.blue.arn}`);
  }

  // ── traffic ─────────────────────────────────────────────────────────────────────────────────────────

  private weights(green: number): Weights {
    return { [this.blueTg!]: 100 - green, [this.greenTg!]: green };
  }

  /** Moves green's share of production traffic to `percent`. */
  private async setTraffic(percent: number): Promise<void> {
    const s = this.settings;
    const { ecs, lb } = this.deps;
    if (s.routing === 'listener') {
      // Read before writing: the write then keeps whatever else changed on the listener meanwhile, and
      // traffic that someone else moved is not silently overwritten.
      this.checkNoOneElseShifted(await this.aws('read the listener', () => lb.readWeights(s.production!)));
      await this.aws('set the listener weights', () => lb.setWeights(s.production!, this.weights(percent)));
    } else {
      // Capacity never drops below 100%: green grows and steadies before blue shrinks.
      await this.aws('scale green', () => ecs.scaleTaskSet(s.cluster, s.service, this.green!.arn, percent));
      await this.waitSteady(this.green!.arn, `green at ${percent}%`);
      await this.aws('scale blue', () =>
        ecs.scaleTaskSet(s.cluster, s.service, this.blue.arn, 100 - percent),
      );
    }
    this.traffic = percent;
    this.trafficStartedAt ??= this.deps.clock.now();
    this.mark(`traffic ${percent}%`);
    this.deps.log.info(`Green takes ${percent}% of production traffic`);
  }

  /**
   * Runs one AWS call. Throttling or a passing fault that outlasted the SDK's retries is logged and
   * answered with LATER, for the caller to try again at a later poll: such an error never by itself rolls
   * a deploy back. Any other error is thrown.
   */
  private async attempt<T>(what: string, call: () => Promise<T>): Promise<T | typeof LATER> {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error)) throw error;
      this.deps.log.warn(`Could not ${what} (${describeError(error)}); trying again`);
      return LATER;
    }
  }

  /**
   * Runs one AWS call of the deploy's own steps, trying again one poll interval after a transient error,
   * alarms, the timeout and cancellation watched meanwhile. (Not for CreateTaskSet: a new attempt from
   * here would carry a new client token and could create a second task set.)
   */
  private async aws<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (;;) {
      const result = await this.attempt(what, call);
      if (result !== LATER) return result;
      await this.hold(this.deps.clock.now() + this.settings.pollIntervalMs, { label: `retrying: ${what}` });
    }
  }

  /** Stops the deploy when the production listener no longer holds the traffic this deploy set. */
  private checkNoOneElseShifted(current: Weights): void {
    const ref = this.settings.production!;
    const groups = Object.keys(current);
    if (groups.length !== 2 || !groups.includes(this.blueTg!) || !groups.includes(this.greenTg!)) {
      throw new Stop(
        `the ${ref.kind} ${ref.arn} was changed outside this deploy: it now forwards to ${groups.join(', ') || 'nothing'}`,
      );
    }
    const total = Object.values(current).reduce((sum, weight) => sum + weight, 0);
    const share = total > 0 ? Math.round((100 * current[this.greenTg!]!) / total) : 0;
    if (share !== this.traffic) {
      throw new Stop(
        `the ${ref.kind} ${ref.arn} was changed outside this deploy: green has ${share}% of its traffic, not ${this.traffic}%`,
      );
    }
  }

  /** Waits for a task set to be steady (and, behind its own target group, healthy) within stabilize-timeout. */
  private async waitSteady(arn: string, what: string): Promise<void> {
    const s = this.settings;
    const { ecs, lb, clock } = this.deps;
    const limit = clock.now() + s.stabilizeTimeoutMs;
    let last = 'not read yet';
    await this.hold(clock.now(), {
      label: `waiting for ${what} to be steady`,
      progressNote: () => `, ${last}`,
      done: async () => {
        const set = await this.attempt(`read ${what}`, () => ecs.describeTaskSet(s.cluster, s.service, arn));
        if (set === LATER) return false;
        if (!set) throw new Stop(`${what} task set ${arn} disappeared`);
        const want = set.computedDesiredCount;
        const running = set.runningCount;
        last = `${set.stabilityStatus}, ${running ?? '?'}/${want ?? '?'} running`;
        let ready = isSteady(set);
        if (ready && s.routing === 'listener' && arn === this.green?.arn && want) {
          const health = await lb.targetHealth(this.greenTg!);
          last += `, ${health.healthy}/${want} healthy`;
          ready = health.healthy >= want;
        }
        if (!ready && clock.now() >= limit) {
          throw new Stop(
            `${what} did not reach a steady state within ${formatDuration(s.stabilizeTimeoutMs)} (${last})`,
          );
        }
        return ready;
      },
    });
  }

  // ── the one wait loop: alarms, timeout, cancellation, heartbeat ─────────────────────────────────────

  /**
   * Waits until `until` has passed and `done` (if given) is true, polling alarms once per poll interval.
   * A breach, the overall timeout or cancellation ends the wait with a Stop. A wait never ends on a
   * stale alarm read: the last successful read must be at or after its end.
   */
  private async hold(
    until: number,
    options: {
      label: string;
      alarms?: string[];
      done?: () => boolean | Promise<boolean>;
      /** Resolves when `done` may have become true, to wake the loop early. */
      wake?: Promise<unknown>;
      progressNote?: () => string;
    },
  ): Promise<void> {
    const { clock, log } = this.deps;
    const alarms = options.alarms ?? this.watched;
    const began = clock.now();
    let lastProgress = began;
    let woken = false;
    void options.wake?.then(() => (woken = true));
    for (;;) {
      // Polls start one interval apart, however long the reads take, so "once per poll interval" holds.
      const polledAt = clock.now();
      await this.pollAlarms(alarms);
      this.checkTimeAndCancellation(() => `${options.label}${options.progressNote?.() ?? ''}`);
      await this.heartbeat();
      const now = clock.now();
      const finished = (options.done ? await options.done() : true) && now >= until;
      if (finished && this.lastAlarmRead >= Math.min(until, now)) return;
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        const total = until > began ? `/${formatDuration(until - began)}` : '';
        log.info(`${options.label}: ${formatDuration(now - began)}${total}${options.progressNote?.() ?? ''}`);
      }
      const nextPoll = polledAt + this.settings.pollIntervalMs;
      const wait = Math.max(0, Math.min(nextPoll, until > now ? until : Infinity) - now);
      if (woken) continue;
      await this.sleep(wait, options.wake);
    }
  }

  private async sleep(ms: number, wake?: Promise<unknown>): Promise<void> {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    this.deps.signal?.addEventListener('abort', abort, { once: true });
    void wake?.then(abort);
    try {
      await this.deps.clock.sleep(ms, controller.signal);
    } finally {
      this.deps.signal?.removeEventListener('abort', abort);
    }
  }

  private async pollAlarms(names: readonly string[]): Promise<void> {
    const { log, clock } = this.deps;
    if (names.length === 0) {
      this.lastAlarmRead = clock.now();
      return;
    }
    let changed: AlarmState[];
    try {
      changed = await this.watch.read(names, {
        prefixes: this.settings.alarmPrefixes,
        now: clock.now(),
        warn: (message) => log.warn(message),
      });
    } catch (error) {
      if (!isTransient(error)) throw error;
      log.warn(`Could not read alarms (${describeError(error)}); holding until they can be read`);
      return;
    }
    this.lastAlarmRead = clock.now();
    for (const alarm of changed) {
      if (alarm.state !== 'OK' || this.timeline.some((e) => alarm.name in e.alarms)) {
        this.mark(`alarm ${alarm.name} ${alarm.state}`);
      }
    }
    const vanished = this.watch.vanished(names);
    if (vanished) {
      throw new Stop(
        `alarm ${vanished} no longer exists in CloudWatch: the deploy would go on unwatched by it`,
      );
    }
    const breach: Breach | undefined = this.watch.breach(names);
    if (breach) throw new Stop(breachReason(breach));
  }

  /** `where` says what the deploy was waiting for, so a timeout reason tells the user what to fix. */
  private checkTimeAndCancellation(where: () => string): void {
    if (this.deps.signal?.aborted) throw new Stop('the job was cancelled');
    if (this.deps.clock.now() >= this.deadline) {
      throw new Stop(
        `the deploy did not finish within timeout ${formatDuration(this.settings.timeoutMs)} (${where()})`,
      );
    }
  }

  private async heartbeat(): Promise<void> {
    const now = this.deps.clock.now();
    if (!this.green || now - this.lastHeartbeat < HEARTBEAT_EVERY_MS) return;
    this.lastHeartbeat = now;
    try {
      await this.deps.ecs.tagTaskSet(this.green.arn, { [TAG.heartbeat]: new Date(now).toISOString() });
    } catch (error) {
      this.deps.log.debug(`heartbeat tag failed: ${describeError(error)}`);
    }
  }

  // ── roll back and report ────────────────────────────────────────────────────────────────────────────

  private async rollBack(reason: string): Promise<DeployReport> {
    const { log } = this.deps;
    log.warn(`Rolling back: ${reason}`);
    this.enter('rollback');
    const outcome = await rollBack(this.target(), {
      ecs: this.deps.ecs,
      lb: this.deps.lb,
      clock: this.deps.clock,
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      onTrafficRestored: () => {
        this.traffic = 0;
        this.mark('traffic back on blue');
        this.deps.onTrafficRestored?.();
      },
    });
    this.save(true);
    if (!outcome.verified) {
      return this.finish(
        'rolled-back',
        `${reason}; ROLLBACK NOT CONFIRMED BY AWS: ${outcome.problems.join('; ')}`,
      );
    }
    log.info('Rollback confirmed by AWS: all traffic on blue, blue at 100%, green deleted');
    return this.finish('rolled-back', reason);
  }

  private async backOff(error: YieldToEarlierRun): Promise<DeployReport> {
    const { ecs, log } = this.deps;
    log.warn(error.message);
    await ecs.deleteTaskSet(this.settings.cluster, this.settings.service, this.green!.arn);
    this.save(true);
    return this.finish('blocked', error.message);
  }

  private target(): RollbackTarget {
    const s = this.settings;
    return {
      cluster: s.cluster,
      service: s.service,
      routing: s.routing,
      blueArn: this.blue.arn,
      greenArn: this.green?.arn,
      production: s.production,
      testListenerArn: s.testListenerArn,
      blueTargetGroup: this.blueTg,
      greenTargetGroup: this.greenTg,
      runTags: this.runTags(),
    };
  }

  private runTags(): Record<string, string> {
    const id = this.deps.identity;
    return {
      [TAG.repository]: id.repository,
      [TAG.commit]: id.commit,
      [TAG.runId]: id.runId,
      [TAG.runAttempt]: id.runAttempt,
    };
  }

  private save(finished: boolean): void {
    this.deps.saveState({
      ...this.target(),
      finished,
      ...(this.deploymentId !== undefined ? { deploymentId: this.deploymentId } : {}),
    });
  }

  private enter(phase: Phase): void {
    this.phase = phase;
    this.mark();
  }

  private mark(note?: string): void {
    const names = [...this.watched, ...this.oneBoxOnly];
    const entry: TimelineEntry = {
      at: new Date(this.deps.clock.now()).toISOString(),
      phase: this.phase,
      traffic: this.traffic,
      alarms: this.watch.notOk(names),
      ...(note ? { note } : {}),
    };
    // A bare phase entry followed within a second by what happened in that phase reads as one row.
    const last = this.timeline.at(-1);
    if (
      last &&
      last.note === undefined &&
      last.phase === entry.phase &&
      Date.parse(entry.at) - Date.parse(last.at) < 1000
    ) {
      this.timeline.pop();
    }
    this.timeline.push(entry);
  }

  private finish(result: DeployResult, reason: string): DeployReport {
    if (result !== 'rolled-back') this.mark(result);
    return {
      result,
      reason,
      plan: this.plan,
      ...(this.release.image ? { image: this.release.image } : {}),
      ...(this.taskDefinitionArn ? { taskDefinitionArn: this.taskDefinitionArn } : {}),
      ...(this.green ? { taskSetArn: this.green.arn } : {}),
      ...(this.blue ? { previousTaskSetArn: this.blue.arn } : {}),
      ...(this.release.manifestLines ? { manifestLines: this.release.manifestLines } : {}),
      timeline: this.timeline,
      startedAt: new Date(this.startedAt).toISOString(),
      finishedAt: new Date(this.deps.clock.now()).toISOString(),
    };
  }
}

function preview(names: string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
}

function uniqueByName(alarms: AlarmState[]): AlarmState[] {
  return [...new Map(alarms.map((a) => [a.name, a])).values()];
}

export type { ForwardRef };
