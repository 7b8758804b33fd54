import type { ServiceDeploymentRecord } from '../../aws/ecs.js';
import { formatDuration } from '../../duration.js';
import { LATER } from '../calls.js';
import type { DeployContext } from '../context.js';
import type { Diagnosis } from '../diagnose.js';
import type { Phase } from '../../report/model.js';
import type { RollbackOutcome } from '../rollback.js';
import type { LiveRollout, RolloutIds } from '../rollout.js';
import { trafficRouter } from '../routing/router.js';
import type { EcsTarget } from '../saved.js';
import { Stop } from '../watch.js';
import { phaseOfStage, serviceDeploymentProgress, shortTaskDefinition } from './ecs-progress.js';
import { EcsServiceRun, type EcsDeployStart } from './ecs-service.js';

const ORDER: Phase[] = ['prepare', 'stabilize', 'test-traffic', 'shift', 'bake', 'promote'];

/**
 * A deploy that ECS runs with its own BLUE_GREEN, LINEAR or CANARY strategy, once the service was
 * updated. From then on, every poll reads the service deployment: its lifecycle stages and the new
 * revision's share of production traffic go into the timeline, and ECS failing or rolling it back on its
 * own stops the deploy. The lifecycle's phases wait for the stage that ends them; alarms are watched
 * throughout, and any failure stops the deployment with rollback.
 */
export class LiveEcsNative implements LiveRollout {
  private readonly run: EcsServiceRun;
  private readonly target: EcsTarget;
  private readonly arn: string;
  private last: ServiceDeploymentRecord | undefined;
  private stopFollowing: () => void = () => undefined;
  /** ECS moves production traffic by its strategy; a shift follows it until the shift is over (BAKE_TIME). */
  readonly router = trafficRouter({ moves: 'ecs', followShift: () => this.until('shift', 'bake', Infinity) });

  constructor(
    private readonly ctx: DeployContext,
    start: EcsDeployStart,
  ) {
    this.run = new EcsServiceRun(ctx, start);
    this.target = start.target;
    if (!start.target.serviceDeploymentArn) {
      throw new Stop('ECS did not report the service deployment the update started');
    }
    this.arn = start.target.serviceDeploymentArn;
  }

  /** From now on every poll reads ECS's service deployment (until promotion or rollback). */
  startFollowing(): void {
    this.stopFollowing = this.ctx.watch.addCheck(() => this.follow());
  }

  ids(): RolloutIds {
    return this.run.ids();
  }

  hookEnv(): Record<string, string> {
    return { ...this.run.hookEnv(), SAFE_DEPLOY_SERVICE_DEPLOYMENT_ARN: this.arn };
  }

  controlArn(): string {
    return this.run.controlArn();
  }

  diagnose(): Promise<Diagnosis> {
    return this.run.diagnose();
  }

  /** ECS's reports of its own moves (read every poll) are the record: a shift adds none. */
  describeMove(): undefined {
    return undefined;
  }

  /** Until the new revision has scaled up (ECS past POST_SCALE_UP), within stabilize-timeout. */
  async stabilise(): Promise<void> {
    await this.until(
      'stabilize',
      'test-traffic',
      this.ctx.deps.clock.now() + this.ctx.settings.stabilizeTimeoutMs,
    );
  }

  /** ECS bakes and removes the old revision itself: waits for SUCCESSFUL, then re-reads the service. */
  async promote(): Promise<void> {
    const { settings: s, deps, calls, watch, timeline } = this.ctx;
    await watch.hold(deps.clock.now(), {
      label: 'waiting for ECS to finish the service deployment',
      progressNote: () => `, ${this.note()}`,
      done: () => this.last?.status === 'SUCCESSFUL',
    });
    this.stopFollowing();
    const service = await calls.retry('read the service', () =>
      deps.ecs.describeServiceConfiguration(s.cluster, s.service),
    );
    if (service?.taskDefinition !== this.target.taskDefinition) {
      throw new Stop(
        `ECS reports the service deployment SUCCESSFUL but the service runs ${service?.taskDefinition ?? 'nothing'}`,
      );
    }
    if (timeline.phase !== 'promote') timeline.enter('promote');
    timeline.mark('service deployment SUCCESSFUL');
    timeline.enter('finished');
    deps.saveState({ kind: 'ecs', stage: 'finished', target: this.target });
  }

  deployedReason(): string {
    return (
      `service ${this.target.service} runs ${shortTaskDefinition(this.target.taskDefinition)} ` +
      `(was ${shortTaskDefinition(this.target.previousTaskDefinition)}); ECS's service deployment ended SUCCESSFUL`
    );
  }

  /** Traffic first: while ECS's deployment runs, StopServiceDeployment (ROLLBACK) is the first AWS call. */
  rollBack(): Promise<RollbackOutcome> {
    this.stopFollowing();
    const status = this.last?.status ?? 'PENDING';
    return this.run.rollBack({ inProgress: status === 'PENDING' || status === 'IN_PROGRESS' });
  }

  /** Holds, watched, until ECS reaches a stage of phase `next` (or finishes) or `limit` passes. */
  private async until(phase: Phase, next: Phase, limit: number): Promise<void> {
    const { watch, deps, settings: s } = this.ctx;
    await watch.hold(deps.clock.now(), {
      label: `ECS ${phase === 'shift' ? 'shifting production traffic' : 'scaling up the new revision'}`,
      progressNote: () => `, ${this.note()}`,
      done: () => {
        if (this.reached(next)) return true;
        if (deps.clock.now() >= limit) {
          throw new Stop(
            `ECS did not scale up ${shortTaskDefinition(this.target.taskDefinition)} within stabilize-timeout ` +
              `${formatDuration(s.stabilizeTimeoutMs)} (${this.note()})`,
          );
        }
        return false;
      },
    });
  }

  private reached(phase: Phase): boolean {
    const record = this.last;
    if (!record) return false;
    if (record.status === 'SUCCESSFUL') return true;
    return ORDER.indexOf(phaseOfStage(record.lifecycleStage)) >= ORDER.indexOf(phase);
  }

  private note(): string {
    const r = this.last;
    if (!r) return 'not read yet';
    return `${r.status}${r.lifecycleStage ? ` at ${r.lifecycleStage}` : ''}, ${this.ctx.traffic.percent}% of production`;
  }

  /** Every poll: read the service deployment, put stage and traffic changes in the timeline, stop on failure. */
  private async follow(): Promise<void> {
    const { deps, calls, timeline, traffic: share } = this.ctx;
    const read = await calls.once('read the service deployment', () =>
      deps.ecs.describeServiceDeployments([this.arn]),
    );
    if (read === LATER) return;
    const record = read[0];
    if (!record) throw new Stop(`service deployment ${this.arn} can no longer be read`);
    const before = this.last;
    this.last = record;
    if (record.lifecycleStage && record.lifecycleStage !== before?.lifecycleStage) {
      const phase = phaseOfStage(record.lifecycleStage);
      // The lifecycle's own phase stays until ECS moves on to a later one.
      if (ORDER.indexOf(phase) > ORDER.indexOf(timeline.phase)) timeline.enter(phase);
      timeline.mark(`ECS ${record.lifecycleStage}`);
      deps.log.info(`ECS service deployment: ${record.lifecycleStage}`);
    }
    const traffic = record.targetProductionTraffic;
    if (traffic !== undefined && traffic !== share.percent && record.status === 'IN_PROGRESS') {
      share.moved(traffic, `traffic ${traffic}% (ECS)`);
      deps.log.info(
        `ECS moved ${traffic}% of production traffic to ${shortTaskDefinition(this.target.taskDefinition)}`,
      );
    }
    const progress = serviceDeploymentProgress(record);
    if (progress.state === 'failed') throw new Stop(progress.reason);
  }
}
