import { formatDuration } from '../../duration.js';
import { LATER } from '../calls.js';
import type { DeployContext } from '../context.js';
import type { Diagnosis } from '../diagnose.js';
import { countRequests } from '../requests.js';
import type { RollbackOutcome } from '../rollback.js';
import type { GreenRequests, LiveRollout, MoveWords, RolloutIds } from '../rollout.js';
import { trafficRouter } from '../routing/router.js';
import type { EcsTarget } from '../saved.js';
import { Stop } from '../watch.js';
import { rollingProgress, shortTaskDefinition } from './ecs-progress.js';
import { EcsServiceRun, type EcsDeployStart } from './ecs-service.js';

/**
 * An ECS rolling update once the service was updated: ECS replaces the tasks, this follows the
 * deployment (rolloutState, failed tasks, running counts) with alarms watched every poll; traffic follows
 * the new tasks, so there is no step to move; the bake counts `min-requests` on the service's own target
 * groups; promotion is ECS's deployment completing with no old task left, re-read from AWS.
 */
export class LiveEcsRolling implements LiveRollout {
  private readonly run: EcsServiceRun;
  private readonly target: EcsTarget;
  /** Traffic moves with the tasks during stabilise: by the shift it has all moved. */
  readonly router = trafficRouter({ moves: 'ecs', followShift: () => Promise.resolve() });
  /** The new revision's requests: its tasks alone are behind the service's target groups once the bake starts. */
  readonly requests: GreenRequests | undefined;
  /**
   * What this deploy's own reads last showed of its deployment: ECS still replacing the tasks, or done;
   * undefined once ECS failed it (ECS may be rolling back on its own: the rollback reads before it acts).
   */
  private known: { inProgress: boolean } | undefined = { inProgress: true };

  constructor(
    private readonly ctx: DeployContext,
    start: EcsDeployStart,
  ) {
    this.run = new EcsServiceRun(ctx, start);
    this.target = start.target;
    const groups = start.checked.countedGroups;
    this.requests = groups.length
      ? { countFrom: 'bake', since: (from, to) => countRequests(ctx, groups, from, to) }
      : undefined;
  }

  ids(): RolloutIds {
    return this.run.ids();
  }

  hookEnv(): Record<string, string> {
    return this.run.hookEnv();
  }

  controlArn(): string {
    return this.run.controlArn();
  }

  diagnose(): Promise<Diagnosis> {
    return this.run.diagnose();
  }

  /** Follows ECS replacing the tasks until the deployment completed, within stabilize-timeout. */
  async stabilise(): Promise<void> {
    const { settings: s, deps, calls, watch, timeline } = this.ctx;
    const { ecs, clock } = deps;
    const limit = clock.now() + s.stabilizeTimeoutMs;
    const next = shortTaskDefinition(this.target.taskDefinition);
    timeline.enter('stabilize');
    let last = 'not read yet';
    await watch.hold(clock.now(), {
      label: `waiting for ECS to replace the tasks with ${next}`,
      progressNote: () => `, ${last}`,
      done: async () => {
        const service = await calls.once('read the service', () =>
          ecs.describeServiceConfiguration(s.cluster, s.service),
        );
        if (service === LATER) return false;
        if (!service) throw new Stop(`service ${s.service} no longer exists`);
        const progress = rollingProgress(service, this.target.taskDefinition);
        if (progress.state === 'failed') {
          this.known = undefined;
          throw new Stop(progress.reason);
        }
        last = progress.note;
        this.recordShare(service.deployments);
        if (progress.state === 'done') {
          this.known = { inProgress: false };
          return true;
        }
        if (clock.now() >= limit) {
          throw new Stop(
            `ECS did not finish replacing the tasks with ${next} within stabilize-timeout ${formatDuration(s.stabilizeTimeoutMs)} (${last})`,
          );
        }
        return false;
      },
    });
    timeline.mark(`all tasks run ${next}`);
    deps.log.info(`All tasks run ${next} and take all traffic: ${last}`);
  }

  /** Traffic moved with the tasks during stabilise: the one step records it. */
  describeMove(percent: number): MoveWords {
    return { note: `traffic ${percent}% (all tasks replaced)` };
  }

  /** Nothing to switch: re-reads AWS to confirm the new task definition's deployment alone runs. */
  async promote(): Promise<void> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    timeline.enter('promote');
    const service = await calls.retry('read the service', () =>
      deps.ecs.describeServiceConfiguration(s.cluster, s.service),
    );
    const progress = service
      ? rollingProgress(service, this.target.taskDefinition)
      : { state: 'failed' as const, reason: `service ${s.service} no longer exists` };
    if (progress.state !== 'done') {
      throw new Stop(
        `ECS no longer shows ${shortTaskDefinition(this.target.taskDefinition)} as the completed deployment ` +
          `after the bake (${progress.state === 'failed' ? progress.reason : progress.note})`,
      );
    }
    timeline.mark(`${shortTaskDefinition(this.target.taskDefinition)} is the service's completed deployment`);
    timeline.enter('finished');
    deps.saveState({ kind: 'ecs', stage: 'finished', target: this.target });
  }

  deployedReason(): string {
    return (
      `service ${this.target.service} runs ${shortTaskDefinition(this.target.taskDefinition)} ` +
      `(was ${shortTaskDefinition(this.target.previousTaskDefinition)}); the rolling deployment completed`
    );
  }

  /** Traffic first: the stop (tasks still being replaced) or the update back is the first AWS call. */
  rollBack(): Promise<RollbackOutcome> {
    return this.run.rollBack(this.known);
  }

  /** The new tasks' share of running tasks, as the share of traffic they take behind the target group. */
  private recordShare(deployments: { taskDefinition: string; runningCount: number }[]): void {
    const running = deployments.reduce((sum, d) => sum + d.runningCount, 0);
    const fresh = deployments
      .filter((d) => d.taskDefinition === this.target.taskDefinition)
      .reduce((sum, d) => sum + d.runningCount, 0);
    const share = running === 0 ? 0 : Math.round((100 * fresh) / running);
    if (share !== this.ctx.traffic.percent) {
      this.ctx.traffic.moved(share, `${fresh}/${running} running tasks on the new task definition`);
    }
  }
}
