import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import { dimensionOf } from '../../aws/cloudwatch.js';
import type { ServiceConfiguration } from '../../aws/ecs.js';
import { formatDuration } from '../../duration.js';
import { describeError, inputError, UserError } from '../../errors.js';
import type { DeployContext } from '../context.js';
import { taskDefinitionArnOf, type DeployTaskDefinition } from '../task-definition.js';
import { diagnoseService, type Diagnosis } from '../diagnose.js';
import type { TrafficStep } from '../../report/model.js';
import type { RollbackOutcome } from '../rollback.js';
import { serviceRequestGroups, type CountedTargetGroup } from '../requests.js';
import { Blocked, type CheckedRollout, type LiveRollout, type RolloutIds } from '../rollout.js';
import type { EcsTarget, SavedDeploy } from '../saved.js';
import { findServiceDeployment, rollBackEcs } from './ecs-rollback.js';
import {
  describeNativeStrategy,
  mergeDeploymentConfiguration,
  nativeStrategyConfiguration,
  type NativeStrategyConfiguration,
} from './ecs-strategy.js';
import { shortTaskDefinition } from './ecs-progress.js';
import { checkKindInputs, describeKind, type ServiceKind } from './service-kind.js';
import { productionOf, testListenerOf } from '../routing/settings.js';

/** ECS-controller kinds run one traffic "step": ECS itself moves traffic, with the tasks or by its strategy. */
const ECS_MOVES_TRAFFIC: TrafficStep[] = [{ percent: 100, holdMs: 0 }];
/** A rollback waits at least this long for ECS. */
const MIN_ROLLBACK_WAIT_MS = 5 * 60_000;

/** An ECS-controller service validated for a deploy: its kind, what it runs now, what the deploy sets. */
export interface CheckedEcsService {
  service: ServiceConfiguration;
  kind: Extract<ServiceKind, { kind: 'rolling' | 'native' }>;
  /** The task definition running now: what a rollback returns to. */
  previousTaskDefinition: string;
  /** Rolling with `min-requests`: the target groups (and their load balancers) the bake counts; else none. */
  countedGroups: CountedTargetGroup[];
  /** Native: the strategy configuration derived from steps and bake-time, merged into the service's own. */
  native:
    | { derived: NativeStrategyConfiguration; configuration: DeploymentConfiguration; changed: string[] }
    | undefined;
}

/**
 * Validates an ECS-controller service, reading only: the inputs fit its kind, it runs one completed
 * deployment (no other deployment in flight), and for native strategies `steps` and `bake-time` are
 * something ECS can run and the service-deployment API answers (the deploy follows it).
 */
export async function checkEcsService(
  ctx: DeployContext,
  service: ServiceConfiguration,
  kind: CheckedEcsService['kind'],
): Promise<CheckedEcsService> {
  const { settings: s, deps, calls } = ctx;
  checkKindInputs(service.name, kind, {
    steps: s.stepsGiven ? { text: s.stepsText, steps: s.steps } : undefined,
    listenerArn: productionOf(s.route)?.arn,
    testListenerArn: testListenerOf(s.route),
    oneBox: s.oneBox,
    minRequests: s.minRequests,
    beforeTraffic: s.beforeTraffic,
    releaseTask: s.releaseTask?.text,
    firstTaskSet: s.firstTaskSet?.text,
  });
  const comparison = s.comparisons[0];
  if (comparison) {
    throw inputError(
      'compare',
      comparison.text,
      `'${service.name}' is an ECS-controller service: comparisons read green's and blue's own task sets and ` +
        'target groups, which only an EXTERNAL service has; leave compare out',
    );
  }
  const previousTaskDefinition = service.taskDefinition;
  if (!previousTaskDefinition) {
    throw new UserError(
      `Service '${service.name}' reports no task definition; there is nothing to roll back to`,
    );
  }
  const busy = service.deployments.filter(
    (d) =>
      d.status !== 'INACTIVE' &&
      (d.rolloutState === 'IN_PROGRESS' || d.taskDefinition !== previousTaskDefinition),
  );
  if (busy.length > 0 || service.deployments.filter((d) => d.status !== 'INACTIVE').length > 1) {
    const what = (busy[0] ?? service.deployments[0])!;
    throw new Blocked(
      `Service '${service.name}' is in the middle of a deployment (${shortTaskDefinition(what.taskDefinition)} ` +
        `${what.rolloutState ?? what.status}); not starting another until it finishes`,
    );
  }
  const countedGroups =
    kind.kind === 'rolling' && s.minRequests > 0
      ? await serviceRequestGroups(ctx, service, `'${service.name}' is an ECS rolling service`)
      : [];
  let native: CheckedEcsService['native'];
  if (kind.kind === 'native') {
    const derived = nativeStrategyConfiguration(s.steps, s.stepsText, s.bakeMs);
    native = { derived, ...mergeDeploymentConfiguration(service.deploymentConfiguration, derived) };
    // The deploy follows ECS's service deployment: without that API it could neither watch nor stop it.
    const probe = await calls
      .retry('list the service deployments', () => deps.ecs.listServiceDeployments(s.cluster, s.service))
      .catch((error: unknown) => {
        throw new UserError(
          `Service '${service.name}' runs ECS's ${kind.strategy} strategy, which safe-deploy follows through ` +
            `ListServiceDeployments, DescribeServiceDeployments and StopServiceDeployment; they failed: ` +
            `${describeError(error)}. Allow them to the deploy role (see docs/service-kinds.md)`,
        );
      });
    const running = probe.find((d) =>
      ['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'].includes(
        d.status,
      ),
    );
    if (running) {
      throw new Blocked(
        `Service '${service.name}' has a service deployment ${running.status} (${running.arn}); not starting another`,
      );
    }
  }
  deps.log.info(
    `${describeKind(kind)}. Running now: ${shortTaskDefinition(previousTaskDefinition)}, desired count ${service.desiredCount}`,
  );
  return { service, kind, previousTaskDefinition, countedGroups, native };
}

/** What a live ECS-controller deploy needs from its checked state. */
export interface EcsDeployStart {
  checked: CheckedEcsService;
  target: EcsTarget;
}

/** An ECS-controller deploy before the service is updated; `live` builds the kind's live rollout. */
export class EcsServiceDeploy implements CheckedRollout {
  readonly steps = ECS_MOVES_TRAFFIC;
  private readonly target: EcsTarget;
  /** Set once UpdateService may have been sent: from then on a rollback must update the service back. */
  private updateSent = false;

  constructor(
    private readonly ctx: DeployContext,
    private readonly checked: CheckedEcsService,
    private readonly taskDefinition: DeployTaskDefinition,
    private readonly live: (ctx: DeployContext, start: EcsDeployStart) => LiveRollout,
  ) {
    this.target = {
      cluster: ctx.settings.cluster,
      service: ctx.settings.service,
      mode: checked.kind.kind,
      previousTaskDefinition: checked.previousTaskDefinition,
      taskDefinition: 'arn' in taskDefinition ? taskDefinition.arn : '',
      serviceDeploymentArn: undefined,
    };
  }

  describe(): string[] {
    const kind = this.checked.kind;
    const lines = [describeKind(kind)];
    if (this.checked.native) {
      lines.push(...describeNativeStrategy(this.checked.native.derived));
      lines.push(
        this.checked.native.changed.length
          ? `set on the service before the update: ${this.checked.native.changed.join('; ')}`
          : 'the service already has this strategy configuration; only the task definition changes',
      );
    } else {
      const s = this.ctx.settings;
      const groups = this.checked.countedGroups.map((g) => dimensionOf(g.targetGroupArn)).join(' + ');
      const requests = groups
        ? ` and until ${groups} served ${s.minRequests} requests from the bake's start (ALB RequestCount)`
        : '';
      lines.push(
        `UpdateService to the new task definition; ECS starts new tasks and stops old ones, traffic follows the healthy tasks`,
        `then bake ${formatDuration(s.bakeMs)}${requests} with all tasks on the new task definition, alarms ` +
          `watched; a failure updates back to ${shortTaskDefinition(this.checked.previousTaskDefinition)}`,
      );
    }
    return lines;
  }

  ids(): RolloutIds {
    return this.target.taskDefinition ? { taskDefinitionArn: this.target.taskDefinition } : {};
  }

  saved(stage: SavedDeploy['stage'] = 'deploying'): SavedDeploy {
    return { kind: 'ecs', stage, target: { ...this.target } };
  }

  /** Registers the task definition and updates the service to it (with the native configuration): ECS starts. */
  async prepare(): Promise<LiveRollout> {
    const { settings: s, deps, calls, timeline } = this.ctx;
    const { ecs, log } = deps;
    timeline.enter('prepare');
    this.target.taskDefinition = await taskDefinitionArnOf(this.ctx, this.taskDefinition);
    const native = this.checked.native;
    if (native) {
      log.info(
        native.changed.length
          ? `Setting on the service's deployment configuration: ${native.changed.join('; ')} (everything else stays as configured)`
          : "The service's deployment configuration already matches steps and bake-time; leaving it as it is",
      );
    }
    // Saved before the update, so a run killed right after it is still rolled back by the post step.
    deps.saveState(this.saved());
    this.updateSent = true;
    await calls.retry('update the service', () =>
      ecs.updateService(s.cluster, s.service, {
        taskDefinition: this.target.taskDefinition,
        ...(native?.changed.length ? { deploymentConfiguration: native.configuration } : {}),
      }),
    );
    log.info(
      `Updated service ${s.service} to ${shortTaskDefinition(this.target.taskDefinition)} ` +
        `(was ${shortTaskDefinition(this.checked.previousTaskDefinition)})`,
    );
    this.target.serviceDeploymentArn = await this.findServiceDeployment();
    deps.saveState(this.saved());
    timeline.mark(`service updated to ${shortTaskDefinition(this.target.taskDefinition)}`);
    return this.live(this.ctx, { checked: this.checked, target: this.target });
  }

  /** Before the update was sent nothing changed; after it, the service goes back. */
  async rollBack(): Promise<RollbackOutcome> {
    if (!this.updateSent)
      return { verified: true, problems: [], greenArn: undefined, confirmation: 'nothing changed' };
    return rollBackEcsDeploy(this.ctx, this.target);
  }

  /**
   * The service deployment the update started, found by its target revision's task definition (the
   * service's `currentServiceDeployment` could still name the one before). A native deploy follows it, so
   * it waits a few polls for ECS to list it; a rolling one goes on without it (then a rollback updates back).
   */
  private async findServiceDeployment(): Promise<string | undefined> {
    const { deps, calls, watch } = this.ctx;
    // One try a poll, never the rollback's minutes of retries: the alarms are read between two tries.
    const find = () =>
      findServiceDeployment(
        this.target,
        {
          ecs: deps.ecs,
          clock: deps.clock,
          calls,
          info: (m) => deps.log.debug(m),
          warn: (m) => deps.log.debug(m),
        },
        false,
      );
    const tries = this.checked.kind.kind === 'native' ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
      const arn = await find();
      if (arn || attempt >= tries) return arn;
      await watch.pause('waiting for ECS to list the service deployment');
    }
  }
}

/** The rollback of an ECS-controller deploy from the main step; the post step runs the same. */
export async function rollBackEcsDeploy(
  ctx: DeployContext,
  target: EcsTarget,
  known?: { inProgress: boolean },
): Promise<RollbackOutcome> {
  const { deps, calls, settings } = ctx;
  const outcome = await rollBackEcs(target, {
    ...(known ? { known } : {}),
    ecs: deps.ecs,
    clock: deps.clock,
    calls,
    info: (m) => deps.log.info(m),
    warn: (m) => deps.log.warn(m),
    waitMs: Math.max(MIN_ROLLBACK_WAIT_MS, settings.stabilizeTimeoutMs),
    onTrafficRestored: () => {
      ctx.traffic.moved(0, `back on ${shortTaskDefinition(target.previousTaskDefinition)}`);
      deps.onTrafficRestored?.();
    },
  });
  deps.saveState({ kind: 'ecs', stage: 'finished', target });
  return outcome;
}

/**
 * What a live ECS-controller deploy (rolling or ECS-native) is, whatever ECS does with it: the service
 * and the two task definitions, the control channel on the service itself, and a diagnosis from the
 * service's events (its tasks are ECS's deployment's, not a task set's). Each kind holds one.
 */
export class EcsServiceRun {
  readonly target: EcsTarget;
  private readonly serviceArn: string;

  constructor(
    private readonly ctx: DeployContext,
    start: EcsDeployStart,
  ) {
    this.target = start.target;
    this.serviceArn = start.checked.service.arn;
  }

  /** ECS-controller services carry the control channel on the service itself. */
  controlArn(): string {
    return this.serviceArn;
  }

  diagnose(): Promise<Diagnosis> {
    return diagnoseService(this.ctx, this.target.cluster, this.target.service);
  }

  ids(): RolloutIds {
    return { taskDefinitionArn: this.target.taskDefinition };
  }

  /** Variables a hook sees; a kind adds its own. */
  hookEnv(): Record<string, string> {
    return {
      SAFE_DEPLOY_CLUSTER: this.target.cluster,
      SAFE_DEPLOY_SERVICE: this.target.service,
      SAFE_DEPLOY_TASK_DEFINITION_ARN: this.target.taskDefinition,
      SAFE_DEPLOY_PREVIOUS_TASK_DEFINITION_ARN: this.target.previousTaskDefinition,
    };
  }

  /**
   * The kind's rollback: ECS updated back (or its deployment stopped with rollback), verified. `known` is
   * what the kind's own reads last showed of ECS's deployment (still running, or done).
   */
  rollBack(known: { inProgress: boolean } | undefined): Promise<RollbackOutcome> {
    return rollBackEcsDeploy(this.ctx, this.target, known);
  }
}
