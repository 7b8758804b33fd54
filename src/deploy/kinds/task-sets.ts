import type { Service, TaskSet } from '../../aws/ecs.js';
import { type Weights } from '../../aws/load-balancer.js';
import { formatDuration } from '../../duration.js';
import { describeError, UserError } from '../../errors.js';
import { notFoundError } from '../arns.js';
import type { DeployContext } from '../context.js';
import { taskDefinitionArnOf, type DeployTaskDefinition } from '../task-definition.js';
import { classifyLeftovers, runTags, TAG, type Leftover } from '../leftovers.js';
import { oneBoxShare, oneTaskScale } from '../plan.js';
import { findGreenByTags, rollBackTaskSets, type RollbackOutcome } from '../rollback.js';
import type { CheckedRollout, LiveRollout, RolloutIds } from '../rollout.js';
import { Blocked } from '../rollout.js';
import { DRIFT_CHECK_EVERY_MS, greenShare, ListenerRouter, type ListenerRoute } from '../routing/listener.js';
import { ScaleRouter } from '../routing/scale.js';
import type { SavedDeploy, TaskSetTarget } from '../saved.js';
import { Stop } from '../watch.js';
import { createRunTaskSet, GreenTaskSet } from './green-task-set.js';
import { encodeKept, runKey } from '../../control/channel.js';

/** The task-set deploy (EXTERNAL controller) once validated: blue, the resolved route, leftovers to remove. */
export interface CheckedTaskSets {
  service: Service;
  blue: TaskSet;
  route: ListenerRoute | undefined;
  /** The production route's weights at the start (listener routing). */
  initialWeights: Weights;
  leftovers: Leftover[];
}

/**
 * Validates an EXTERNAL service for a task-set deploy, reading only: exactly one PRIMARY task set (blue),
 * the listener's two target groups (one of them blue's), and no other run deploying it.
 */
export async function checkTaskSets(ctx: DeployContext, service: Service): Promise<CheckedTaskSets> {
  const { settings: s, deps, calls } = ctx;
  const primaries = service.taskSets.filter((t) => t.status === 'PRIMARY');
  if (primaries.length !== 1) {
    throw new UserError(
      `Service '${service.name}' has ${primaries.length} PRIMARY task sets; it needs exactly one (the running version)`,
    );
  }
  const blue = primaries[0] as TaskSet;
  deps.log.info(`Blue: ${blue.arn} (${blue.taskDefinition}), desired count ${service.desiredCount}`);

  let route: ListenerRoute | undefined;
  let initialWeights: Weights = {};
  if (s.route.kind === 'listener') {
    const { production, testListenerArn } = s.route;
    const input = production.kind === 'rule' ? 'listener-rule-arn' : 'listener-arn';
    initialWeights = await calls.retry('read the listener', () => readForward(ctx, production, input));
    const groups = Object.keys(initialWeights);
    const blueTg = blue.targetGroupArns[0];
    const greenTg = groups.find((g) => g !== blueTg);
    if (groups.length !== 2 || !blueTg || !greenTg || !groups.includes(blueTg)) {
      throw new UserError(
        `The ${production.kind} ${production.arn} must forward to two target groups, one of them blue's ` +
          `(${blueTg ?? 'blue has no load balancer'}); it forwards to ${groups.join(', ') || 'none'}`,
      );
    }
    if (testListenerArn) {
      const test = Object.keys(
        await calls.retry('read the test listener', () =>
          readForward(ctx, { kind: 'listener', arn: testListenerArn }, 'test-listener-arn'),
        ),
      );
      if (!test.includes(blueTg) || !test.includes(greenTg)) {
        throw new UserError(
          `The test listener ${testListenerArn} must forward to the same two target groups as production`,
        );
      }
    }
    route = {
      kind: 'listener',
      production,
      testListenerArn,
      blueTargetGroup: blueTg,
      greenTargetGroup: greenTg,
    };
    deps.log.info(`Target groups: blue ${blueTg}, green ${greenTg}`);
  }

  const leftovers = classifyLeftovers(service.taskSets, blue.arn, deps.identity, deps.clock.now());
  blockIfAnotherDeploy(leftovers);
  return { service, blue, route, initialWeights, leftovers };
}

/** A task set safe-deploy did not create, or one of a run still deploying, blocks this run before any change. */
export function blockIfAnotherDeploy(leftovers: readonly Leftover[]): void {
  for (const left of leftovers) {
    if (left.kind === 'foreign') {
      throw new Blocked(
        `Task set ${left.set.arn} was not created by safe-deploy; another deployment may be in progress. ` +
          'Remove it or wait for it to finish',
      );
    }
    if (left.kind === 'live') {
      const tags = left.set.tags;
      throw new Blocked(
        `Run ${tags[TAG.runId]} (attempt ${tags[TAG.runAttempt] ?? '?'}) of ${tags[TAG.repository] ?? 'another repository'} ` +
          `is deploying this service (task set ${left.set.arn}, last seen ${formatDuration(left.ageMs)} ago)`,
      );
    }
  }
}

/**
 * The listener's forward weights. A listener without a forward action, or one that does not exist, is
 * the user's to fix: the error names the input, the ARN and the region looked in.
 */
export async function readForward(
  ctx: DeployContext,
  ref: ListenerRoute['production'],
  input: string,
): Promise<Weights> {
  try {
    return await ctx.deps.lb.readWeights(ref);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NoForwardAction')
      throw new UserError(error instanceof Error ? error.message : String(error));
    if (name === 'ListenerNotFoundException' || name === 'RuleNotFoundException') {
      const kind = ref.kind === 'rule' ? 'listener rule' : 'listener';
      throw notFoundError(input, ref.arn, kind, ctx.deps.region, describeError(error));
    }
    throw error;
  }
}

/** The task-set deploy before green exists. */
export class TaskSetDeploy implements CheckedRollout {
  private readonly target: TaskSetTarget;

  constructor(
    private readonly ctx: DeployContext,
    private readonly checked: CheckedTaskSets,
    private readonly taskDefinition: DeployTaskDefinition,
  ) {
    const s = ctx.settings;
    this.target = {
      cluster: s.cluster,
      service: s.service,
      routing: s.route.kind,
      blueArn: checked.blue.arn,
      greenArn: undefined,
      listener: checked.route,
      runTags: runTags(ctx.deps.identity),
    };
  }

  /** Green's share of traffic while it runs one task beside blue (the one-box stage). */
  get boxShare(): number {
    return oneBoxShare(this.checked.service.desiredCount);
  }

  saved(stage: SavedDeploy['stage'] = 'deploying'): SavedDeploy {
    return { kind: 'task-sets', stage, target: this.target };
  }

  ids(): RolloutIds {
    return { previousTaskSetArn: this.checked.blue.arn };
  }

  /** The first changes: traffic and blue as this deploy needs them, leftovers removed, green created. */
  async prepare(): Promise<LiveTaskSets> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    const { ecs, lb, log } = deps;
    const { blue, route, initialWeights, leftovers } = this.checked;
    timeline.enter('prepare');
    const split = route !== undefined && greenShare(initialWeights, route.greenTargetGroup) > 0;
    if (split)
      log.warn(
        `The listener sent traffic to ${route.greenTargetGroup} before this deploy: moving it all to blue first`,
      );
    // A kept release stays through this deploy (a failed one leaves it to roll back to) until promotion.
    const removable = leftovers.filter((left) => left.kind !== 'kept');
    if (removable.length || split) {
      if (route) {
        const router = new ListenerRouter(route, lb, calls);
        await calls.retry('move traffic to blue', () => lb.setWeights(route.production, router.weights(0)));
        if (route.testListenerArn) {
          const test = route.testListenerArn;
          await calls.retry('move test traffic to blue', () =>
            lb.setWeights({ kind: 'listener', arn: test }, router.weights(0)),
          );
        }
      }
      if (blue.scalePercent !== 100) {
        await calls.retry('scale blue to 100%', () => ecs.scaleTaskSet(s.cluster, s.service, blue.arn, 100));
      }
      for (const left of removable) await removeLeftover(this.ctx, left);
    }
    const taskDefinitionArn = await taskDefinitionArnOf(this.ctx, this.taskDefinition);
    deps.saveState(this.saved());
    const scale = route ? (s.oneBox ? oneTaskScale(this.checked.service.desiredCount) : 100) : 0;
    const green = await createRunTaskSet(this.ctx, 'create green', this.target, {
      taskDefinition: taskDefinitionArn,
      launch: blue.raw,
      targetGroupArn: route?.greenTargetGroup,
      scalePercent: scale,
    });
    this.target.greenArn = green.arn;
    deps.saveState(this.saved());
    timeline.mark('green created');
    log.info(`Green: ${green.arn} at ${scale}%`);
    const live = new LiveTaskSets(this.ctx, this.checked, this.target, green, taskDefinitionArn);
    await live.yieldToEarlierRun();
    return live;
  }

  /** Rolls back a deploy that stopped before green was fully created (found by its tags, if at all). */
  rollBack(): Promise<RollbackOutcome> {
    return rollBack(this.ctx, this.target);
  }
}

/** Removes a task set an earlier attempt of this run, or an abandoned run, left; closes that run's record. */
export async function removeLeftover(ctx: DeployContext, left: Leftover): Promise<void> {
  const { settings: s, deps, calls } = ctx;
  await calls.retry('remove a task set left by an earlier run', () =>
    deps.ecs.deleteTaskSet(s.cluster, s.service, left.set.arn),
  );
  const tags = left.set.tags;
  const whose =
    left.kind === 'own-earlier-attempt'
      ? `attempt ${tags[TAG.runAttempt]} of this run`
      : `run ${tags[TAG.runId]} (attempt ${tags[TAG.runAttempt]}), abandoned`;
  deps.log.warn(`Removed task set ${left.set.arn} left by ${whose}`);
  const recordId = Number(tags[TAG.deploymentId]);
  if (Number.isInteger(recordId) && recordId > 0 && deps.closeAbandonedRecord) {
    await deps.closeAbandonedRecord(
      recordId,
      `abandoned: its task set was removed by run ${deps.identity.runId} (attempt ${deps.identity.runAttempt})`,
    );
  }
}

/** The task-set deploy once green exists: every method has blue, green and the route at hand. */
export class LiveTaskSets extends GreenTaskSet implements LiveRollout {
  private readonly listener: ListenerRouter | undefined;
  private readonly scale: ScaleRouter;
  private stopWatchingTraffic: (() => void) | undefined;
  /** Green runs all its tasks (not only the one box's). */
  private fullSize: boolean;

  constructor(
    ctx: DeployContext,
    private readonly checked: CheckedTaskSets,
    private readonly target: TaskSetTarget,
    green: TaskSet,
    taskDefinitionArn: string,
  ) {
    super(ctx, green, taskDefinitionArn, checked.route?.greenTargetGroup, checked.blue.arn);
    const { settings: s, deps, calls } = ctx;
    this.listener = checked.route ? new ListenerRouter(checked.route, deps.lb, calls) : undefined;
    this.scale = new ScaleRouter(deps.ecs, calls, s.cluster, s.service, checked.blue.arn, green.arn, (what) =>
      this.waitSteady(what),
    );
    this.fullSize = !s.oneBox;
  }

  ids(): RolloutIds {
    return {
      taskDefinitionArn: this.taskDefinitionArn,
      taskSetArn: this.green.arn,
      previousTaskSetArn: this.checked.blue.arn,
    };
  }

  saved(stage: SavedDeploy['stage'] = 'deploying'): SavedDeploy {
    return { kind: 'task-sets', stage, target: this.target };
  }

  async stabilise(): Promise<void> {
    this.ctx.timeline.enter('stabilize');
    await this.waitSteady('green');
    this.ctx.timeline.mark('green steady');
  }

  async testTraffic(): Promise<void> {
    if (!this.listener?.route.testListenerArn) return;
    this.ctx.timeline.enter('test-traffic');
    await this.listener.testTraffic();
    this.ctx.timeline.mark('test listener 100% green');
  }

  /** One green task takes its proportional share of traffic; the one-box bake follows in the lifecycle. */
  async oneBox(share: number): Promise<void> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    if (this.listener) {
      await this.shift(share);
      return;
    }
    const scale = oneTaskScale(this.checked.service.desiredCount);
    await calls.retry('scale green to one task', () =>
      deps.ecs.scaleTaskSet(s.cluster, s.service, this.green.arn, scale),
    );
    await this.waitSteady('green (one box)');
    timeline.moved(share, `one box: 1 task, ~${share}% of traffic`);
    deps.log.info(`One box: green runs 1 task and takes about ${share}% of production traffic`);
  }

  /** Moves green's share of production traffic to `percent`. */
  async shift(percent: number): Promise<void> {
    const { deps, timeline, watch } = this.ctx;
    const listener = this.listener;
    if (listener) {
      if (!this.fullSize && percent > this.boxShare()) await this.growGreen();
      await listener.shift(timeline.traffic, percent);
      // From the first move on, someone else moving the listener is noticed within 10 s, not at the next step.
      this.stopWatchingTraffic ??= watch.addCheck(() => listener.checkUnchanged(timeline.traffic), {
        everyMs: DRIFT_CHECK_EVERY_MS,
      });
    } else {
      await this.scale.shift(percent);
    }
    timeline.moved(percent, `traffic ${percent}%`);
    deps.log.info(`Green takes ${percent}% of production traffic`);
  }

  /** Green's request count since it first took traffic, or undefined when it cannot be counted now. */
  requestsSince(from: number, to: number): Promise<number | undefined> {
    return this.requestsBehind(this.checked.route, from, to);
  }

  async promote(): Promise<void> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    const { ecs, log } = deps;
    const blue = this.checked.blue;
    timeline.enter('promote');
    // The last look before green becomes the running version: is the traffic still where this deploy put it?
    if (this.listener) await this.listener.confirm(timeline.traffic);
    deps.saveState(this.saved('promoting'));
    await calls.retry('make green PRIMARY', () => ecs.makePrimary(s.cluster, s.service, this.green.arn));
    this.stopWatchingTraffic?.();
    // From here green is the running version: a failure to remove blue is reported, never rolled back.
    const kept = s.keepPrevious && (await this.keepBlue());
    if (!kept) {
      try {
        await calls.persist('delete blue', () => ecs.deleteTaskSet(s.cluster, s.service, blue.arn));
      } catch (error) {
        log.warn(`Green is PRIMARY but blue ${blue.arn} could not be deleted: ${describeError(error)}`);
      }
    }
    await this.replaceKept(kept);
    const after = await calls.retry('read the service', () => ecs.describeService(s.cluster, s.service));
    const primary = after?.taskSets.find((t) => t.status === 'PRIMARY');
    if (primary?.arn !== this.green.arn) {
      throw new Stop(
        `ECS does not show green as PRIMARY after promotion (PRIMARY is ${primary?.arn ?? 'none'})`,
      );
    }
    timeline.mark(kept ? 'green is PRIMARY, blue kept at 0% for rollback' : 'green is PRIMARY, blue removed');
    timeline.enter('finished');
    deps.saveState(this.saved('finished'));
    log.info(
      kept
        ? `Promoted ${this.green.arn}; kept blue ${blue.arn} at 0%: \`safe-deploy rollback --cluster ${s.cluster} --service ${s.service}\` brings it back`
        : `Promoted ${this.green.arn}; removed blue ${blue.arn}`,
    );
  }

  /**
   * A release an earlier deploy kept is two releases old once green is PRIMARY: removed (not as abandoned),
   * and blue, when kept, is the one to go back to from now on.
   */
  private async replaceKept(blueKept: boolean): Promise<void> {
    const { settings: s, deps, calls } = this.ctx;
    for (const left of this.checked.leftovers) {
      if (left.kind !== 'kept') continue;
      try {
        await calls.persist('remove the release kept earlier', () =>
          deps.ecs.deleteTaskSet(s.cluster, s.service, left.set.arn),
        );
        deps.log.info(
          `Removed ${left.set.arn}, the release kept by run ${left.keptBy}` +
            (blueKept
              ? ': blue is the one to go back to now'
              : ' (this deploy keeps none: keep-previous is off)'),
        );
      } catch (error) {
        deps.log.warn(`Could not remove ${left.set.arn}, the release kept earlier: ${describeError(error)}`);
      }
    }
  }

  /**
   * keep-previous: blue stays, scaled to zero, tagged as kept (so the next deploy replaces it as a kept
   * release rather than removing it as abandoned, and `safe-deploy rollback` finds it). False when it could
   * not be kept; blue is then deleted as without keep-previous.
   */
  private async keepBlue(): Promise<boolean> {
    const { settings: s, deps, calls } = this.ctx;
    const blue = this.checked.blue;
    const route = this.checked.route;
    try {
      await calls.persist('scale blue to 0%', () => deps.ecs.scaleTaskSet(s.cluster, s.service, blue.arn, 0));
      await calls.persist('tag blue as kept', () =>
        deps.ecs.tagResource(
          blue.arn,
          encodeKept({
            keptBy: runKey(deps.identity.runId, deps.identity.runAttempt),
            at: new Date(deps.clock.now()).toISOString(),
            routing: route ? 'listener' : 'task-sets',
            production: route?.production,
            testListenerArn: route?.testListenerArn,
          }),
        ),
      );
      return true;
    } catch (error) {
      deps.log.warn(`Could not keep blue ${blue.arn} for a rollback (${describeError(error)}); removing it`);
      return false;
    }
  }

  rollBack(): Promise<RollbackOutcome> {
    this.stopWatchingTraffic?.();
    return rollBack(this.ctx, this.target);
  }

  private boxShare(): number {
    return oneBoxShare(this.checked.service.desiredCount);
  }

  /** Listener routing after one box: green grows to full size before it takes more than the box's share. */
  private async growGreen(): Promise<void> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    const current = await calls.retry('read green', () =>
      deps.ecs.describeTaskSet(s.cluster, s.service, this.green.arn),
    );
    if (!current) throw new Stop(`green task set ${this.green.arn} disappeared`);
    if (current.scalePercent < 100) {
      await calls.retry('scale green to full size', () =>
        deps.ecs.scaleTaskSet(s.cluster, s.service, this.green.arn, 100),
      );
      await this.waitSteady('green (full size)');
      timeline.mark('green scaled to 100%');
    }
    this.fullSize = true;
  }
}

async function rollBack(ctx: DeployContext, target: TaskSetTarget): Promise<RollbackOutcome> {
  const { deps, calls, timeline } = ctx;
  const outcome = await rollBackTaskSets(target, {
    ecs: deps.ecs,
    lb: deps.lb,
    clock: deps.clock,
    calls,
    info: (m) => deps.log.info(m),
    warn: (m) => deps.log.warn(m),
    onTrafficRestored: () => {
      timeline.moved(0, 'traffic back on blue');
      deps.onTrafficRestored?.();
    },
  });
  deps.saveState({ kind: 'task-sets', stage: 'finished', target: { ...target, greenArn: outcome.greenArn } });
  return outcome;
}

export { findGreenByTags };
