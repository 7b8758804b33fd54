import { isSteady, taskSetCounts, type NewTaskSet, type TaskSet } from '../../aws/ecs.js';
import { crypto } from '../../builtins.js';
import { formatDuration } from '../../duration.js';
import { LATER } from '../calls.js';
import type { DeployContext } from '../context.js';
import { diagnose, type Diagnosis } from '../diagnose.js';
import { earlierRun, TAG } from '../leftovers.js';
import { countRequests, type CountedTargetGroup } from '../requests.js';
import { YieldToEarlierRun, type GreenRequests, type OwnGreen } from '../rollout.js';
import { taggedGreen } from '../rollback.js';
import type { SavedDeploy, TaskSetTarget } from '../saved.js';
import { NotSteady, Stop } from '../watch.js';

const HEARTBEAT_EVERY_MS = 60_000;

/**
 * Creates a run's task set, tagged with the run and its first heartbeat. After a fault the call may have
 * landed: the task set is looked for by those tags before the call is sent again (calls.create).
 */
export function createRunTaskSet(
  ctx: DeployContext,
  what: string,
  run: Pick<TaskSetTarget, 'blueArn' | 'runTags'>,
  spec: Omit<NewTaskSet, 'tags'>,
): Promise<TaskSet> {
  const { settings: s, deps, calls } = ctx;
  const tags = { ...run.runTags, [TAG.heartbeat]: new Date(deps.clock.now()).toISOString() };
  // One token per deploy: every try of this create, the SDK's and ours, asks for one task set.
  const clientToken = createToken(run.runTags, s.cluster, s.service, what, ctx.startedAt);
  return calls.create(
    what,
    () => deps.ecs.createTaskSet(s.cluster, s.service, { ...spec, tags, clientToken }),
    async () => {
      const service = await deps.ecs.describeService(s.cluster, s.service);
      return service ? taggedGreen(service.taskSets, run) : undefined;
    },
  );
}

/**
 * CreateTaskSet's client token for a deploy's create: the same for every try of one deploy (so a request
 * retried after a lost answer gets the task set the first one made), different for another attempt, another
 * service, or another deploy of the same run (a second step, a local run whose id is a reused pid): the
 * deploy's start time is part of it. 32 hex characters of a SHA-256, within ECS's 36.
 */
export function createToken(
  runTags: Record<string, string>,
  cluster: string,
  service: string,
  what: string,
  startedAt: number,
): string {
  const key = [
    runTags[TAG.repository],
    runTags[TAG.runId],
    runTags[TAG.runAttempt],
    cluster,
    service,
    what,
    String(startedAt),
  ].join('\n');
  return crypto().createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/**
 * The task set a run created, as every task-set kind (a new version beside blue, a service's first task
 * set) holds it: its steadiness within stabilize-timeout, its heartbeat tag, the start race, the control
 * channel it carries and why it failed. The kinds hold one of these (composition); what differs between
 * them (promotion, rollback) is theirs, and how traffic reaches it is their router's.
 */
export class GreenTaskSet {
  private lastHeartbeat: number;
  private recordTagged = false;

  constructor(
    private readonly ctx: DeployContext,
    readonly taskSet: TaskSet,
    readonly taskDefinitionArn: string,
    /** The target group whose targets are green's alone (health is read there), when there is one. */
    readonly targetGroup: string | undefined,
    /** The running task set (blue) that the start race never counts as another run's; none on a first deploy. */
    private readonly runningArn: string | undefined,
  ) {
    this.lastHeartbeat = ctx.deps.clock.now();
  }

  get arn(): string {
    return this.taskSet.arn;
  }

  /** Tags green with a heartbeat once a minute from now on (and with the deployment record's id). */
  startHeartbeat(): void {
    this.ctx.watch.addCheck(() => this.heartbeat());
  }

  hookEnv(): Record<string, string> {
    const s = this.ctx.settings;
    return {
      SAFE_DEPLOY_CLUSTER: s.cluster,
      SAFE_DEPLOY_SERVICE: s.service,
      SAFE_DEPLOY_TASK_SET_ARN: this.arn,
      SAFE_DEPLOY_TASK_DEFINITION_ARN: this.taskDefinitionArn,
      SAFE_DEPLOY_GREEN_TARGET_GROUP_ARN: this.targetGroup ?? '',
    };
  }

  /**
   * Two runs that started together: the later task set backs off, so two runs never shift one service.
   * `own` is what this run removes when it backs off.
   */
  async yieldToEarlierRun(own: OwnGreen): Promise<void> {
    const { settings: s, deps, calls } = this.ctx;
    const service = await calls.retry('read the service', () =>
      deps.ecs.describeService(s.cluster, s.service),
    );
    const earlier = service ? earlierRun(service.taskSets, this.taskSet, this.runningArn ?? '') : undefined;
    if (earlier) throw new YieldToEarlierRun(earlier.arn, own);
  }

  /** The run that backed off deletes its own task set and nothing else: traffic and blue are the other run's. */
  async backOff(saved: (stage: SavedDeploy['stage']) => SavedDeploy): Promise<void> {
    const { settings: s, deps, calls } = this.ctx;
    deps.saveState(saved('yielded'));
    await calls.persist('delete this run’s task set', () =>
      deps.ecs.deleteTaskSet(s.cluster, s.service, this.arn),
    );
    deps.saveState(saved('finished'));
  }

  diagnose(): Promise<Diagnosis> {
    const s = this.ctx.settings;
    return diagnose(
      {
        cluster: s.cluster,
        service: s.service,
        since: this.ctx.startedAt,
        taskSetArn: this.arn,
        targetGroupArn: this.targetGroup,
      },
      this.ctx.deps,
    );
  }

  /** Green's requests behind its own target group, where the router gives it one. */
  requests(group: CountedTargetGroup | undefined): GreenRequests | undefined {
    if (!group) return undefined;
    return {
      // Green's target group behind the listener serves green alone: its requests count from its first traffic.
      countFrom: 'first-traffic',
      since: (from, to) => countRequests(this.ctx, [group], from, to),
    };
  }

  /** Waits for green to be steady (and, behind its own target group, healthy) within stabilize-timeout. */
  waitSteady(what: string): Promise<void> {
    return waitSteady(this.ctx, this.arn, this.targetGroup, what);
  }

  /** Tags green with a fresh heartbeat every minute, and with the deployment record's id once it exists. */
  private async heartbeat(): Promise<void> {
    const { deps, calls } = this.ctx;
    const now = deps.clock.now();
    const recordId = deps.deploymentId?.();
    const newRecord = recordId !== undefined && !this.recordTagged;
    if (now - this.lastHeartbeat < HEARTBEAT_EVERY_MS && !newRecord) return;
    this.lastHeartbeat = now;
    if (newRecord) this.recordTagged = true;
    await calls.bestEffort('heartbeat tag', () =>
      deps.ecs.tagTaskSet(this.arn, {
        [TAG.heartbeat]: new Date(now).toISOString(),
        ...(recordId !== undefined ? { [TAG.deploymentId]: String(recordId) } : {}),
      }),
    );
  }
}

/**
 * Waits, watched, for a run's task set to be steady (and, behind its own target group, healthy) within
 * stabilize-timeout.
 */
export async function waitSteady(
  ctx: DeployContext,
  arn: string,
  targetGroup: string | undefined,
  what: string,
): Promise<void> {
  const { settings: s, deps, calls, watch } = ctx;
  const { ecs, lb, clock } = deps;
  const limit = clock.now() + s.stabilizeTimeoutMs;
  let last = 'not read yet';
  await watch.hold(clock.now(), {
    label: `waiting for ${what} to be steady`,
    progressNote: () => `, ${last}`,
    done: async () => {
      const set = await calls.once(`read ${what}`, () => ecs.describeTaskSet(s.cluster, s.service, arn));
      if (set === LATER) return false;
      if (!set) throw new Stop(`${what} task set ${arn} disappeared`);
      const want = set.computedDesiredCount;
      last = `${set.stabilityStatus}, ${taskSetCounts(set)}`;
      let ready = isSteady(set);
      if (ready && targetGroup && want !== 0) {
        const health = await calls.once('read green’s target health', () => lb.targetHealth(targetGroup));
        if (health === LATER) return false;
        // Where ECS does not say how many tasks it wants, every registered target must be healthy.
        const need = want ?? health.total;
        last += `, ${health.healthy}/${need} healthy`;
        ready = health.healthy >= need;
      }
      if (!ready && clock.now() >= limit) {
        throw new NotSteady(
          `${what} did not reach a steady state within ${formatDuration(s.stabilizeTimeoutMs)} (${last})`,
        );
      }
      return ready;
    },
  });
}
