import type { Service, TaskSet } from '../../aws/ecs.js';
import { formatDuration } from '../../duration.js';
import { describeError, UserError } from '../../errors.js';
import type { DeployContext } from '../context.js';
import { taskDefinitionArnOf, type DeployTaskDefinition } from '../task-definition.js';
import { classifyLeftovers, runTags, TAG, type Leftover } from '../leftovers.js';
import { oneBoxShare, oneTaskScale } from '../plan.js';
import { findGreenByTags, rollBackTaskSets, type RollbackOutcome } from '../rollback.js';
import type { GreenBlueAnalysis } from '../../compare/analysis.js';
import type { CheckedKind, CheckedRollout, GreenRequests, LiveRollout, RolloutIds } from '../rollout.js';
import { Blocked } from '../rollout.js';
import { checkRoute, comparedGroups, type CheckedRoute } from '../routing/check.js';
import { trafficRouter, type TaskSetRouter } from '../routing/router.js';
import type { SavedDeploy, TaskSetTarget } from '../saved.js';
import { Stop } from '../watch.js';
import { BLUE_KEPT } from '../model.js';
import { createRunTaskSet, GreenTaskSet, waitSteady } from './green-task-set.js';
import { encodeKept, runKey } from '../../control-protocol/channel.js';
import type { Diagnosis } from '../diagnose.js';
import { routingOf } from '../routing/settings.js';

/** The task-set deploy (EXTERNAL controller) once validated: blue, the resolved route, leftovers to remove. */
export interface CheckedTaskSets {
  service: Service;
  blue: TaskSet;
  route: CheckedRoute;
  leftovers: Leftover[];
}

/**
 * Validates an EXTERNAL service for a task-set deploy, reading only: exactly one PRIMARY task set (blue),
 * the listener's two target groups (one of them blue's), and no other run deploying it.
 */
export async function checkTaskSets(ctx: DeployContext, service: Service): Promise<CheckedTaskSets> {
  const { deps } = ctx;
  const primaries = service.taskSets.filter((t) => t.status === 'PRIMARY');
  if (primaries.length !== 1) {
    throw new UserError(
      `Service '${service.name}' has ${primaries.length} PRIMARY task sets; it needs exactly one (the running version)`,
    );
  }
  const blue = primaries[0] as TaskSet;
  deps.log.info(`Blue: ${blue.arn} (${blue.taskDefinition}), desired count ${service.desiredCount}`);

  const route = await checkRoute(ctx, blue);
  const leftovers = classifyLeftovers(service.taskSets, blue.arn, deps.identity, deps.clock.now());
  blockIfAnotherDeploy(leftovers);
  return { service, blue, route, leftovers };
}

/** An EXTERNAL service with blue: a task-set deploy beside it, compared with it when `compare` says so. */
export async function checkTaskSetKind(ctx: DeployContext, service: Service): Promise<CheckedKind> {
  const checked = await checkTaskSets(ctx, service);
  const analysis = await compareVersions(ctx, checked);
  return {
    settings: ctx.settings,
    ...(analysis ? { analysis } : {}),
    // Where the load balancer sends traffic: blue's task set's.
    loadBalancers: checked.blue.raw.loadBalancers ?? [],
    ownSteps: false,
    rollout: (taskDefinition) => new TaskSetDeploy(ctx, checked, taskDefinition),
  };
}

/**
 * The green-versus-blue analysis, when comparisons are declared. Its statistics are loaded only then, so
 * a deploy without `compare` does not pay for them. Blue's recent data is read once, so a query that
 * CloudWatch refuses fails here, before anything changes.
 */
async function compareVersions(
  ctx: DeployContext,
  checked: CheckedTaskSets,
): Promise<GreenBlueAnalysis | undefined> {
  const { settings: s, deps, calls } = ctx;
  if (s.comparisons.length === 0) return undefined;
  const { GreenBlueAnalysis } = await import('../../compare/analysis.js');
  const groups = comparedGroups(checked.route.listener);
  const analysis = new GreenBlueAnalysis(s.comparisons, deps.cloudwatch, {
    blue: { ...groups.blue, taskDefinitionArn: checked.blue.taskDefinition, taskSetArn: checked.blue.arn },
    green: groups.green,
    ...groups.balancer,
  });
  const lines = await calls.retry('read blue’s recent metrics for the comparisons', () =>
    analysis.verify(deps.clock.now()),
  );
  for (const { line, noData } of lines) {
    if (noData) deps.log.warn(`Comparing ${line}`);
    else deps.log.info(`Comparing ${line}`);
  }
  return analysis;
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

/** The task-set deploy before green exists. */
export class TaskSetDeploy implements CheckedRollout {
  private readonly target: TaskSetTarget;
  private readonly router: TaskSetRouter;

  constructor(
    private readonly ctx: DeployContext,
    private readonly checked: CheckedTaskSets,
    private readonly taskDefinition: DeployTaskDefinition,
  ) {
    const { settings: s, deps, calls } = ctx;
    const listener = checked.route.listener;
    const target: TaskSetTarget = {
      cluster: s.cluster,
      service: s.service,
      routing: routingOf(s.route),
      blueArn: checked.blue.arn,
      greenArn: undefined,
      listener,
      runTags: runTags(ctx.deps.identity),
    };
    this.target = target;
    this.router = trafficRouter(
      {
        moves: 'task-sets',
        listener,
        taskSets: {
          cluster: s.cluster,
          service: s.service,
          blueArn: checked.blue.arn,
          greenArn: () => target.greenArn,
          greenSteady: (what) => waitSteady(ctx, target.greenArn ?? '', listener?.greenTargetGroup, what),
          // A deploy's rollback runs the saved router (rollBackTaskSets), whose waits are bounded.
          blueSteady: () => Promise.resolve(),
        },
      },
      { ecs: deps.ecs, lb: deps.lb, calls },
    );
  }

  /** Green's share of traffic while it runs one task beside blue, and the scale that gives it that task. */
  get oneBox(): { share: number; scale: number } {
    const desired = this.checked.service.desiredCount;
    return { share: oneBoxShare(desired), scale: oneTaskScale(desired) };
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
    const { ecs, log } = deps;
    const { blue, route, leftovers } = this.checked;
    timeline.enter('prepare');
    const split = route.initialShare > 0;
    if (split)
      log.warn(
        `The listener sent traffic to ${route.listener?.greenTargetGroup ?? 'green'} before this deploy: moving it all to blue first`,
      );
    // A kept release stays through this deploy (a failed one leaves it to roll back to) until promotion.
    const removable = leftovers.filter((left) => left.kind !== 'kept');
    if (removable.length || split) {
      await this.router.reset();
      if (blue.scalePercent !== 100) {
        await calls.retry('scale blue to 100%', () => ecs.scaleTaskSet(s.cluster, s.service, blue.arn, 100));
      }
      for (const left of removable) await removeLeftover(this.ctx, left);
    }
    const taskDefinitionArn = await taskDefinitionArnOf(this.ctx, this.taskDefinition);
    deps.saveState(this.saved());
    const scale = this.router.greenStartScale(s.oneBox ? this.oneBox : undefined);
    const created = await createRunTaskSet(this.ctx, 'create green', this.target, {
      taskDefinition: taskDefinitionArn,
      launch: blue.raw,
      targetGroupArn: route.listener?.greenTargetGroup,
      scalePercent: scale,
    });
    this.target.greenArn = created.arn;
    deps.saveState(this.saved());
    timeline.mark('green created');
    log.info(`Green: ${created.arn} at ${scale}%`);
    const green = new GreenTaskSet(
      this.ctx,
      created,
      taskDefinitionArn,
      route.listener?.greenTargetGroup,
      blue.arn,
    );
    green.startHeartbeat();
    const live = new LiveTaskSets(this.ctx, this.checked, this.target, green, this.router);
    await green.yieldToEarlierRun({
      ids: () => live.ids(),
      backOff: () => green.backOff((stage) => live.saved(stage)),
    });
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

/** The task-set deploy once green exists: every method has blue, green and the router at hand. */
export class LiveTaskSets implements LiveRollout {
  readonly requests: GreenRequests | undefined;

  constructor(
    private readonly ctx: DeployContext,
    private readonly checked: CheckedTaskSets,
    private readonly target: TaskSetTarget,
    private readonly green: GreenTaskSet,
    readonly router: TaskSetRouter,
  ) {
    this.requests = green.requests(router.greenRequests);
  }

  ids(): RolloutIds {
    return {
      taskDefinitionArn: this.green.taskDefinitionArn,
      taskSetArn: this.green.arn,
      previousTaskSetArn: this.checked.blue.arn,
    };
  }

  saved(stage: SavedDeploy['stage'] = 'deploying'): SavedDeploy {
    return { kind: 'task-sets', stage, target: this.target };
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
    await this.green.waitSteady('green');
    this.ctx.timeline.mark('green steady');
  }

  async promote(): Promise<void> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    const { ecs, log } = deps;
    const blue = this.checked.blue;
    const green = this.green.arn;
    timeline.enter('promote');
    deps.saveState(this.saved('promoting'));
    await calls.retry('make green PRIMARY', () => ecs.makePrimary(s.cluster, s.service, green));
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
    if (primary?.arn !== green) {
      throw new Stop(
        `ECS does not show green as PRIMARY after promotion (PRIMARY is ${primary?.arn ?? 'none'})`,
      );
    }
    timeline.mark(kept ? BLUE_KEPT : 'green is PRIMARY, blue removed');
    timeline.enter('finished');
    deps.saveState(this.saved('finished'));
    log.info(
      kept
        ? `Promoted ${green}; kept blue ${blue.arn} at 0%: \`safe-deploy rollback --cluster ${s.cluster} --service ${s.service}\` brings it back`
        : `Promoted ${green}; removed blue ${blue.arn}`,
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
   * release rather than removing it as abandoned, and \`safe-deploy rollback\` finds it). False when it could
   * not be kept; blue is then deleted as without keep-previous.
   */
  private async keepBlue(): Promise<boolean> {
    const { settings: s, deps, calls } = this.ctx;
    const blue = this.checked.blue;
    try {
      await calls.persist('scale blue to 0%', () => deps.ecs.scaleTaskSet(s.cluster, s.service, blue.arn, 0));
      await calls.persist('tag blue as kept', () =>
        deps.ecs.tagResource(
          blue.arn,
          encodeKept({
            keptBy: runKey(deps.identity.runId, deps.identity.runAttempt),
            at: new Date(deps.clock.now()).toISOString(),
            ...this.router.keptRoute,
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
    return rollBack(this.ctx, this.target);
  }
}

async function rollBack(ctx: DeployContext, target: TaskSetTarget): Promise<RollbackOutcome> {
  const { deps, calls } = ctx;
  const outcome = await rollBackTaskSets(target, {
    ecs: deps.ecs,
    lb: deps.lb,
    clock: deps.clock,
    calls,
    info: (m) => deps.log.info(m),
    warn: (m) => deps.log.warn(m),
    onTrafficRestored: () => {
      ctx.traffic.moved(0, 'traffic back on blue');
      deps.onTrafficRestored?.();
    },
  });
  deps.saveState({ kind: 'task-sets', stage: 'finished', target: { ...target, greenArn: outcome.greenArn } });
  return outcome;
}

export { findGreenByTags };
