import type { Service as SdkService } from '@aws-sdk/client-ecs';
import type { Service } from '../../aws/ecs.js';
import { type Weights } from '../../aws/load-balancer.js';
import { formatDuration } from '../../duration.js';
import { UserError } from '../../errors.js';
import type { DeployContext } from '../context.js';
import { taskDefinitionArnOf, type DeployTaskDefinition } from '../task-definition.js';
import {
  resolveFirstLaunch,
  taskDefinitionShape,
  type FirstLaunch,
  type FirstTaskSet,
  type TaskDefinitionShape,
} from '../first-task-set.js';
import { classifyLeftovers, runTags, type Leftover } from '../leftovers.js';
import { FIRST_TASK_SET_DELETED, type TrafficStep } from '../../report/model.js';
import { rollBackFirstTaskSet, type RollbackOutcome } from '../rollback.js';
import type {
  CheckedKind,
  CheckedRollout,
  GreenRequests,
  LiveRollout,
  MoveWords,
  RolloutIds,
} from '../rollout.js';
import type { ListenerRoute } from '../routing/listener.js';
import type { FirstTaskSetTarget, SavedDeploy } from '../saved.js';
import type { DeploySettings } from '../settings.js';
import { Stop } from '../watch.js';
import { createRunTaskSet, GreenTaskSet, waitSteady } from './green-task-set.js';
import { blockIfAnotherDeploy, removeLeftover } from './task-sets.js';
import type { Diagnosis } from '../diagnose.js';
import { readProduction } from '../routing/check.js';
import { trafficRouter, type TaskSetRouter } from '../routing/router.js';
import { hasTestListener, routingOf, withoutTestListener } from '../routing/settings.js';
import { runReleaseTask } from '../release/task.js';

/**
 * The first deploy to an EXTERNAL service that has no task set. There is no blue: nothing to copy launch
 * settings from (they come from `first-task-set` or the service), nothing to canary against (the first
 * task set takes all traffic at once) and nothing to go back to (a rollback deletes it, leaving the
 * service empty as it was). The alarms are watched throughout, as in every deploy.
 */

/** A first deploy takes all traffic in one step. */
const AT_ONCE: TrafficStep[] = [{ percent: 100, holdMs: 0 }];

/** An input that means nothing without blue, and why. */
export interface SkippedInput {
  input: string;
  why: string;
}

/** Whether a service runs no version yet: it has no PRIMARY task set (its first deploy is next). */
export function hasNoPrimary(service: Service): boolean {
  return !service.taskSets.some((t) => t.status === 'PRIMARY');
}

/**
 * The settings a first deploy runs with: those that need blue (traffic steps, a one box beside it, a test
 * listener before production traffic, before-traffic, comparisons with it, keeping it) are turned off, and
 * each one given is listed with why, so one workflow serves the first deploy and every later one.
 */
export function firstDeploySettings(s: DeploySettings): {
  settings: DeploySettings;
  skipped: SkippedInput[];
} {
  const skipped: SkippedInput[] = [];
  const atOnce = s.steps.length === 1 && s.steps[0]?.percent === 100 && !s.steps[0].pause;
  if (s.stepsGiven && !atOnce) {
    skipped.push({
      input: 'steps',
      why: 'there is no blue to shift traffic from: it all goes to the first task set',
    });
  }
  if (s.oneBox) skipped.push({ input: 'one-box', why: 'there is no blue for one task to take a share from' });
  if (hasTestListener(s.route)) {
    skipped.push({
      input: 'test-listener-arn',
      why: 'with no blue to keep production traffic on, the first task set takes it at once; the test listener is left as it is',
    });
  }
  if (s.beforeTraffic) {
    skipped.push({
      input: 'before-traffic',
      why: 'the first task set takes production traffic as soon as it is healthy: there is no moment before traffic',
    });
  }
  if (s.comparisons.length) skipped.push({ input: 'compare', why: 'there is no blue to compare with' });
  if (s.keepPrevious) skipped.push({ input: 'keep-previous', why: 'there is no previous release to keep' });
  return {
    settings: {
      ...s,
      steps: AT_ONCE,
      oneBox: false,
      oneBoxAlarms: [],
      beforeTraffic: undefined,
      comparisons: [],
      keepPrevious: false,
      route: withoutTestListener(s.route),
    },
    skipped,
  };
}

/** A first deploy once the service and listener are read, before the task definition is known. */
export interface FirstDeployStart {
  service: Service;
  /** The service as DescribeServices returns it: what it carries is the fallback for `first-task-set`. */
  raw: SdkService;
  /** The `first-task-set` input, parsed. */
  given: FirstTaskSet | undefined;
  /** With listener routing: the production route and its forward action's weights at the start. */
  listener: { production: ListenerRoute['production']; weights: Weights } | undefined;
  /** Task sets of earlier attempts of this run or abandoned runs: removed before the first task set is made. */
  leftovers: Leftover[];
  /** The settings this deploy runs with, and the inputs it skips. */
  settings: DeploySettings;
  skipped: SkippedInput[];
}

/**
 * Validates a first deploy, reading only: no other run is deploying the service (a task set of a run
 * still alive, or one safe-deploy did not create, blocks it), and with listener routing the listener is
 * read. Says which inputs are skipped for want of blue.
 */
export async function checkFirstDeploy(
  ctx: DeployContext,
  service: Service,
  raw: SdkService,
  given: FirstTaskSet | undefined,
): Promise<FirstDeployStart> {
  const { settings: s, deps } = ctx;
  deps.log.info(
    `Service '${service.name}' has no task set yet: this is its first deploy, so there is nothing to canary ` +
      'against; traffic goes to the new task set at once',
  );
  const leftovers = classifyLeftovers(service.taskSets, '', deps.identity, deps.clock.now());
  blockIfAnotherDeploy(leftovers);
  const kept = leftovers.find((left) => left.kind === 'kept');
  if (kept) {
    throw new UserError(
      `Service '${service.name}' has no PRIMARY task set, only ${kept.set.arn}, a release kept by run ` +
        `${kept.keptBy}: make a task set PRIMARY (aws ecs update-service-primary-task-set) or delete it, then deploy`,
    );
  }
  const listener = await readProduction(ctx);
  const { settings, skipped } = firstDeploySettings(s);
  for (const skip of skipped)
    deps.log.info(`Input '${skip.input}' is skipped on a first deploy: ${skip.why}`);
  return { service, raw, given, listener, leftovers, settings, skipped };
}

/**
 * An EXTERNAL service with no task set, as a kind: its first deploy, with its own settings (no canary).
 */
export async function checkFirstDeployKind(
  ctx: DeployContext,
  service: Service,
  raw: SdkService,
  given: FirstTaskSet | undefined,
): Promise<CheckedKind> {
  const start = await checkFirstDeploy(ctx, service, raw, given);
  // The first deploy runs with its own settings (no canary): the kind and the lifecycle read those.
  const first = { ...ctx, settings: start.settings };
  return {
    settings: start.settings,
    // A first deploy checks its own load balancer when it resolves its launch settings.
    loadBalancers: [],
    ownSteps: true,
    rollout: (taskDefinition) => {
      const shape = taskDefinitionShape(
        'register' in taskDefinition ? taskDefinition.register : taskDefinition.definition,
      );
      return new FirstDeploy(first, start, firstLaunch(first, start, shape), taskDefinition);
    },
  };
}

/**
 * How the first task set runs, from `first-task-set`, the service and the task definition: an error names
 * `first-task-set`, with what to put in it, before anything changes.
 */
export function firstLaunch(
  ctx: DeployContext,
  start: FirstDeployStart,
  shape: TaskDefinitionShape,
): FirstLaunch {
  const listener = start.listener;
  const launch = resolveFirstLaunch({
    service: { name: start.service.name, raw: start.raw },
    given: start.given,
    taskDefinition: shape,
    listener: listener && { ...listener.production, weights: listener.weights },
  });
  ctx.deps.log.info(
    `First task set: ${launch.sources.join('; ') || 'no launch settings (the cluster default capacity provider strategy)'}`,
  );
  return launch;
}

/** The first deploy before its task set exists. */
export class FirstDeploy implements CheckedRollout {
  readonly steps = AT_ONCE;
  readonly firstDeploy = true;
  private readonly target: FirstTaskSetTarget;
  private readonly route: ListenerRoute | undefined;
  private readonly router: TaskSetRouter;

  constructor(
    private readonly ctx: DeployContext,
    private readonly start: FirstDeployStart,
    private readonly launch: FirstLaunch,
    private readonly taskDefinition: DeployTaskDefinition,
  ) {
    const s = ctx.settings;
    const { targetGroup, otherTargetGroup } = launch;
    this.route =
      start.listener && targetGroup && otherTargetGroup
        ? {
            kind: 'listener',
            production: start.listener.production,
            testListenerArn: undefined,
            // The next deploy's green goes to the other target group: it plays blue's part here.
            blueTargetGroup: otherTargetGroup,
            greenTargetGroup: targetGroup,
          }
        : undefined;
    const target: FirstTaskSetTarget = {
      cluster: s.cluster,
      service: s.service,
      routing: routingOf(s.route),
      taskSetArn: undefined,
      listener: this.route,
      runTags: runTags(ctx.deps.identity),
    };
    this.target = target;
    this.router = trafficRouter(
      {
        moves: 'task-sets',
        listener: this.route,
        taskSets: {
          cluster: s.cluster,
          service: s.service,
          blueArn: undefined,
          greenArn: () => target.taskSetArn,
          greenSteady: (what) => waitSteady(ctx, target.taskSetArn ?? '', targetGroup, what),
          blueSteady: () => Promise.resolve(),
        },
      },
      { ecs: ctx.deps.ecs, lb: ctx.deps.lb, calls: ctx.calls },
    );
  }

  describe(): string[] {
    const s = this.ctx.settings;
    const tg = this.launch.targetGroup;
    const skipped = this.start.skipped.map((skip) => `'${skip.input}'`);
    const minRequests = s.minRequests ? ` and until it served ${s.minRequests} requests` : '';
    return [
      `EXTERNAL controller, first deploy: the service has no task set, so there is nothing to canary against; ` +
        `traffic goes to the new task set at once` +
        (skipped.length ? ` (skipped for want of blue: ${skipped.join(', ')})` : ''),
      `create the first task set at 100% and wait until it is steady${tg ? ` and healthy in ${tg}` : ''}`,
      this.route
        ? `all of the ${this.route.production.kind}'s traffic to ${this.route.greenTargetGroup}`
        : "it takes all of the service's traffic",
      ...(s.afterTraffic ? ['after-traffic hook'] : []),
      `bake ${formatDuration(s.bakeMs)}${minRequests} with the alarms watched, then make it PRIMARY`,
    ];
  }

  ids(): RolloutIds {
    return {};
  }

  saved(stage: SavedDeploy['stage'] = 'deploying'): SavedDeploy {
    return { kind: 'first-task-set', stage, target: this.target };
  }

  /** The first changes: leftovers of earlier runs removed, the task definition registered, the task set made. */
  async prepare(): Promise<LiveFirstDeploy> {
    const { deps, timeline } = this.ctx;
    const { log } = deps;
    timeline.enter('prepare');
    for (const left of this.start.leftovers) await removeLeftover(this.ctx, left);
    const taskDefinitionArn = await taskDefinitionArnOf(this.ctx, this.taskDefinition);
    deps.saveState(this.saved());
    // The first task set takes production traffic as soon as it is healthy: the release task runs before it
    // (in the Prepare group: the runner's log has no groups within groups).
    const release = this.ctx.settings.releaseTask;
    if (release) await runReleaseTask(this.ctx, release, taskDefinitionArn, this.launch.launch);
    const scale = this.router.greenStartScale(undefined);
    const created = await createRunTaskSet(
      this.ctx,
      'create the first task set',
      { blueArn: '', runTags: this.target.runTags },
      {
        taskDefinition: taskDefinitionArn,
        launch: this.launch.launch,
        targetGroupArn: undefined,
        scalePercent: scale,
      },
    );
    this.target.taskSetArn = created.arn;
    deps.saveState(this.saved());
    timeline.mark('first task set created');
    log.info(`First task set: ${created.arn} at ${scale}%`);
    const green = new GreenTaskSet(this.ctx, created, taskDefinitionArn, this.launch.targetGroup, undefined);
    green.startHeartbeat();
    const live = new LiveFirstDeploy(this.ctx, this.target, green, this.router);
    await green.yieldToEarlierRun({
      ids: () => live.ids(),
      backOff: () => green.backOff((stage) => live.saved(stage)),
    });
    return live;
  }

  /** Rolls back a first deploy that stopped before its task set was fully created (found by its tags). */
  rollBack(): Promise<RollbackOutcome> {
    return rollBack(this.ctx, this.target);
  }
}

/** The first deploy once its task set exists. */
export class LiveFirstDeploy implements LiveRollout {
  readonly requests: GreenRequests | undefined;

  constructor(
    private readonly ctx: DeployContext,
    private readonly target: FirstTaskSetTarget,
    private readonly green: GreenTaskSet,
    readonly router: TaskSetRouter,
  ) {
    this.requests = green.requests(router.greenRequests);
  }

  ids(): RolloutIds {
    return { taskDefinitionArn: this.green.taskDefinitionArn, taskSetArn: this.green.arn };
  }

  saved(stage: SavedDeploy['stage'] = 'deploying'): SavedDeploy {
    return { kind: 'first-task-set', stage, target: this.target };
  }

  hookEnv(): Record<string, string> {
    return this.green.hookEnv();
  }

  controlArn(): string {
    return this.green.arn;
  }

  diagnose(): Promise<Diagnosis> {
    return this.green.diagnose();
  }

  async stabilise(): Promise<void> {
    this.ctx.timeline.enter('stabilize');
    await this.green.waitSteady('the first task set');
    this.ctx.timeline.mark('first task set steady');
  }

  /** All traffic at once: nothing to canary against. */
  describeMove(percent: number): MoveWords {
    return {
      note: `traffic ${percent}% at once: first deploy, nothing to canary against`,
      line: `First deploy: nothing to canary against; the new task set takes ${percent}% of production traffic at once`,
    };
  }

  /** Makes the first task set PRIMARY: there is no blue to remove. Verified by reading ECS. */
  async promote(): Promise<void> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    const { ecs, log } = deps;
    const arn = this.green.arn;
    timeline.enter('promote');
    deps.saveState(this.saved('promoting'));
    await calls.retry('make the first task set PRIMARY', () => ecs.makePrimary(s.cluster, s.service, arn));
    const after = await calls.retry('read the service', () => ecs.describeService(s.cluster, s.service));
    const primary = after?.taskSets.find((t) => t.status === 'PRIMARY');
    if (!primary || primary.arn !== arn) {
      throw new Stop(
        `ECS does not show the first task set as PRIMARY (PRIMARY is ${primary?.arn ?? 'none'})`,
      );
    }
    timeline.mark('first task set is PRIMARY at 100%');
    timeline.enter('finished');
    deps.saveState(this.saved('finished'));
    log.info(`Promoted ${arn}: the service's first task set is PRIMARY at ${primary.scalePercent}%`);
  }

  deployedReason(): string {
    return `${this.green.arn} is the service's first task set: PRIMARY at 100%, with all of its traffic`;
  }

  rollBack(): Promise<RollbackOutcome> {
    return rollBack(this.ctx, this.target);
  }
}

/** Deletes the first task set and confirms the service is empty again; the post step's state says finished. */
async function rollBack(ctx: DeployContext, target: FirstTaskSetTarget): Promise<RollbackOutcome> {
  const { deps, calls } = ctx;
  const outcome = await rollBackFirstTaskSet(target, {
    ecs: deps.ecs,
    clock: deps.clock,
    calls,
    info: (m) => deps.log.info(m),
    warn: (m) => deps.log.warn(m),
    onTrafficRestored: () => {
      ctx.traffic.moved(0, FIRST_TASK_SET_DELETED);
      deps.onTrafficRestored?.();
    },
  });
  deps.saveState({
    kind: 'first-task-set',
    stage: 'finished',
    target: { ...target, taskSetArn: outcome.greenArn },
  });
  return outcome;
}
