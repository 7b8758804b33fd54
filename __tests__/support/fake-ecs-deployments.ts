import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Deployment,
  type LoadBalancer,
  type DeploymentConfiguration,
  type ServiceDeployment,
  type ServiceDeploymentLifecycleStage,
  type ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { BLUE_TG, GREEN_TG, type FakeAws } from './fake-aws.js';
import type { FakeClock } from './fake-clock.js';

const ACCOUNT = 'arn:aws:ecs:us-east-1:111111111111';
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';
export const SERVICE_ARN = `${ACCOUNT}:service/web/api`;
/** The production listener rule an ECS-native service names in its load balancer's advancedConfiguration. */
export const PRODUCTION_RULE = `${ELB}:listener-rule/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa/cccccccccccccccc`;
export const TASK_DEFINITION = (revision: number): string => `${ACCOUNT}:task-definition/api:${revision}`;
const MINUTE = 60_000;

/** An ECS-controller service as a test sets it up. */
export interface EcsServiceSetup {
  /** ECS (default) or CODE_DEPLOY. */
  controller?: string;
  /** `deploymentConfiguration.strategy`; undefined means the service sets none (ECS then rolls). */
  strategy?: 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  /** The rest of the service's deployment configuration (alarms, hooks, circuit breaker, percents). */
  deploymentConfiguration?: DeploymentConfiguration;
  taskDefinition?: string;
  /** Whether the region answers the service-deployment API (moto 5.2 does not). */
  serviceDeploymentApi?: boolean;
  /** A target group registered on the service (rolling); native services always have blue and green. */
  targetGroup?: string | undefined;
  /** Every target group registered on a rolling service, instead of the one `targetGroup`. */
  targetGroups?: string[];
  /** A native service's test listener rule (adds the test-traffic stages). */
  testListenerRule?: string;
}

/** One service deployment: a rolling update, or a native BLUE_GREEN / LINEAR / CANARY deployment. */
interface Run {
  arn: string;
  native: boolean;
  config: DeploymentConfiguration;
  target: { revision: string; taskDefinition: string };
  source: { revision: string; taskDefinition: string } | undefined;
  startedAt: number;
  status: ServiceDeploymentStatus;
  statusReason: string | undefined;
  stage: ServiceDeploymentLifecycleStage | undefined;
  finishedAt: number | undefined;
  failedTasks: number;
  triggeredAlarms: string[];
  /** When a rollback (asked for, or ECS's own) started, and why. */
  rollback: { at: number; reason: string; byEcs: boolean } | undefined;
  /** Target's share of production traffic (native). */
  traffic: number;
  /** The deployment ids DescribeServices shows for target and source. */
  targetDeploymentId: string;
  sourceDeploymentId: string;
}

/**
 * ECS-controller services for the FakeAws (moto 5.2 accepts UpdateService but never moves `deployments`
 * on, has no service-deployment API and ignores the native strategies). Installed over the FakeAws's ECS
 * mock, so the real SDK adapter runs unchanged. Time is the FakeClock's: state is worked out from it on
 * every call. Where each behaviour comes from:
 * - Rolling `deployments` (PRIMARY new, ACTIVE old; rolloutState IN_PROGRESS → COMPLETED; failedTasks;
 *   the circuit breaker's FAILED and its rollback to the last COMPLETED deployment): API reference
 *   `Deployment`, `DeploymentCircuitBreaker`, developer guide "deployment circuit breaker". The threshold
 *   is ECS's: half the desired count, 3 to 200.
 * - Service deployments and their statuses (PENDING → IN_PROGRESS → SUCCESSFUL; STOPPED when a failure is
 *   detected without the rollback option; StopServiceDeployment ROLLBACK: PENDING or IN_PROGRESS →
 *   ROLLBACK_REQUESTED → ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED; stopping a finished
 *   one is a ConflictException): API reference `ServiceDeployment`, `StopServiceDeployment`, developer
 *   guide "Stopping Amazon ECS service deployments" and "View service history".
 * - Native lifecycle stages in order (RECONCILE_SERVICE only with several active revisions, so not here;
 *   PRE_SCALE_UP, SCALE_UP, POST_SCALE_UP, TEST_TRAFFIC_SHIFT and POST_TEST_TRAFFIC_SHIFT only with a
 *   testListenerRule, PRODUCTION_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP): the
 *   SDK's `ServiceDeploymentLifecycleStage` and the API reference. PRE_PRODUCTION_TRAFFIC_SHIFT is a hook
 *   stage the SDK's stage enum does not list, so the fake never reports it.
 * - Traffic: BLUE_GREEN moves 100% at once, CANARY canaryPercent for canaryBakeTimeInMinutes then 100%,
 *   LINEAR stepPercent more every stepBakeTimeInMinutes (no bake after 100%), on the production listener
 *   rule's two target groups; a rollback puts 100% back on the source: `CanaryConfiguration`,
 *   `LinearConfiguration`, `DeploymentConfiguration.bakeTimeInMinutes`.
 * - UpdateService checks the limits the reference gives: linear 3-100%, canary 0.1-100%, step bakes 0-1440
 *   minutes, BLUE_GREEN needs bakeTimeInMinutes.
 * The durations of what ECS does on its own (task start, drain, the short stages, rollback) are knobs.
 */
export class FakeEcsDeployments {
  /** How long new tasks take to run. */
  taskStartMs = 10_000;
  /** How long old tasks take to stop once replaced. */
  drainMs = 5_000;
  /** How long each stage without its own duration lasts (pre/post stages, a BLUE_GREEN shift). */
  stageMs = 5_000;
  controller: string;
  strategy: EcsServiceSetup['strategy'];
  deploymentConfiguration: DeploymentConfiguration;
  taskDefinition: string;
  serviceDeploymentApi: boolean;
  /** The rolling service's target groups (its `loadBalancers`). */
  readonly targetGroups: string[];
  readonly testListenerRule: string | undefined;
  /** Task definitions whose tasks never start (they fail, one per `taskStartMs`). */
  readonly failingTaskDefinitions = new Set<string>();
  /** Set to make the next rollback end ROLLBACK_FAILED with this reason. */
  rollbackFailure: string | undefined;
  readonly runs: Run[] = [];
  /** The native target's share of production traffic over time, as ECS set it on the rule. */
  readonly trafficHistory: { at: number; target: number }[] = [];
  /** Every UpdateService input, to check what the deploy set. */
  readonly updates: { taskDefinition?: string; deploymentConfiguration?: DeploymentConfiguration }[] = [];
  private readonly revisions = new Map<string, string>();
  /** The target group now behind production (native), and the other one. */
  private production = BLUE_TG;
  private alternate = GREEN_TG;
  private nextId = 1;
  private readonly initial: { revision: string; taskDefinition: string };
  private readonly pendingFailures: { at: number; reason: string; alarms: string[]; rollback: boolean }[] =
    [];

  constructor(
    private readonly fake: FakeAws,
    private readonly clock: FakeClock,
    setup: EcsServiceSetup = {},
  ) {
    this.controller = setup.controller ?? 'ECS';
    this.strategy = setup.strategy;
    this.deploymentConfiguration = {
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      ...(setup.strategy ? { strategy: setup.strategy } : {}),
      ...(setup.strategy && setup.strategy !== 'ROLLING' ? { bakeTimeInMinutes: 10 } : {}),
      ...setup.deploymentConfiguration,
    };
    this.taskDefinition = setup.taskDefinition ?? TASK_DEFINITION(1);
    this.serviceDeploymentApi = setup.serviceDeploymentApi ?? true;
    const targetGroup = 'targetGroup' in setup ? setup.targetGroup : BLUE_TG;
    this.targetGroups = setup.targetGroups ?? (targetGroup ? [targetGroup] : []);
    this.testListenerRule = setup.testListenerRule;
    fake.controller = this.controller;
    fake.taskSets = [];
    this.initial = { revision: this.revision(this.taskDefinition), taskDefinition: this.taskDefinition };
    fake.actions.set(PRODUCTION_RULE, forward(this.production, 100, this.alternate, 0));
    this.install();
  }

  private get native(): boolean {
    const s = this.deploymentConfiguration.strategy;
    return s === 'BLUE_GREEN' || s === 'LINEAR' || s === 'CANARY';
  }

  /** ECS itself fails the current deployment at `at` (its own alarm or circuit breaker): with rollback, or STOPPED. */
  ecsFailsAt(at: number, reason: string, options: { alarms?: string[]; rollback?: boolean } = {}): void {
    this.pendingFailures.push({
      at,
      reason,
      alarms: options.alarms ?? [],
      rollback: options.rollback ?? true,
    });
  }

  /** The latest service deployment, settled to now. */
  latest(): Run | undefined {
    this.settle();
    return this.runs.at(-1);
  }

  /** The running tasks of each task definition now, as ListTasks would count them. */
  runningByTaskDefinition(): Record<string, number> {
    this.settle();
    const out: Record<string, number> = {};
    for (const d of this.deployments())
      out[d.taskDefinition!] = (out[d.taskDefinition!] ?? 0) + d.runningCount!;
    return out;
  }

  private revision(taskDefinition: string): string {
    const arn = `${ACCOUNT}:service-revision/web/api/${String(this.nextId++).padStart(19, '0')}`;
    this.revisions.set(arn, taskDefinition);
    return arn;
  }

  private get desired(): number {
    return this.fake.desiredCount;
  }

  private threshold(): number {
    return Math.min(200, Math.max(3, Math.ceil(this.desired * 0.5)));
  }

  private breaker(): { enable: boolean; rollback: boolean } {
    const b = this.deploymentConfiguration.deploymentCircuitBreaker;
    return { enable: b?.enable ?? false, rollback: b?.rollback ?? false };
  }

  /** The native schedule: each stage with its start, relative to the deployment's start. */
  private schedule(run: Run): { stage: ServiceDeploymentLifecycleStage; from: number }[] {
    const stages: { stage: ServiceDeploymentLifecycleStage; ms: number }[] = [
      { stage: 'PRE_SCALE_UP', ms: this.stageMs },
      { stage: 'SCALE_UP', ms: this.taskStartMs },
      { stage: 'POST_SCALE_UP', ms: this.stageMs },
    ];
    const lb = this.loadBalancers()[0];
    if (lb?.advancedConfiguration?.testListenerRule) {
      stages.push(
        { stage: 'TEST_TRAFFIC_SHIFT', ms: this.stageMs },
        { stage: 'POST_TEST_TRAFFIC_SHIFT', ms: this.stageMs },
      );
    }
    stages.push({ stage: 'PRODUCTION_TRAFFIC_SHIFT', ms: this.shiftMs(run.config) });
    stages.push({ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', ms: this.stageMs });
    stages.push({ stage: 'BAKE_TIME', ms: (run.config.bakeTimeInMinutes ?? 0) * MINUTE });
    stages.push({ stage: 'CLEAN_UP', ms: this.drainMs });
    let from = 0;
    return stages
      .map(({ stage, ms }) => {
        const entry = { stage, from };
        from += ms;
        return entry;
      })
      .concat([{ stage: 'CLEAN_UP', from }]);
  }

  private shiftMs(config: DeploymentConfiguration): number {
    if (config.strategy === 'CANARY')
      return (config.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10) * MINUTE;
    if (config.strategy === 'LINEAR') {
      const step = config.linearConfiguration?.stepPercent ?? 10;
      return (Math.ceil(100 / step) - 1) * (config.linearConfiguration?.stepBakeTimeInMinutes ?? 6) * MINUTE;
    }
    return this.stageMs;
  }

  /** The target's production share `ms` into PRODUCTION_TRAFFIC_SHIFT. */
  private shareAt(config: DeploymentConfiguration, ms: number): number {
    if (config.strategy === 'CANARY') {
      const c = config.canaryConfiguration;
      return ms < (c?.canaryBakeTimeInMinutes ?? 10) * MINUTE ? (c?.canaryPercent ?? 5) : 100;
    }
    if (config.strategy === 'LINEAR') {
      const l = config.linearConfiguration;
      const stepMs = (l?.stepBakeTimeInMinutes ?? 6) * MINUTE;
      const steps = stepMs === 0 ? Infinity : Math.floor(ms / stepMs) + 1;
      return Math.min(100, steps * (l?.stepPercent ?? 10));
    }
    return 100;
  }

  private setTraffic(run: Run, target: number): void {
    if (run.traffic === target) return;
    run.traffic = target;
    this.trafficHistory.push({ at: this.clock.now(), target });
    this.fake.actions.set(PRODUCTION_RULE, forward(this.production, 100 - target, this.alternate, target));
  }

  /** Moves every run on to now. */
  private settle(): void {
    const now = this.clock.now();
    const run = this.runs.at(-1);
    if (!run) return;
    for (const failure of this.pendingFailures.splice(0)) {
      if (failure.at > now) {
        this.pendingFailures.push(failure);
        continue;
      }
      if (!['PENDING', 'IN_PROGRESS'].includes(run.status)) continue;
      run.triggeredAlarms = failure.alarms;
      if (failure.rollback) this.startRollback(run, failure.at, failure.reason);
      else this.finish(run, 'STOPPED', failure.reason, failure.at);
    }
    if (run.status === 'PENDING') run.status = 'IN_PROGRESS';
    if (run.rollback) return this.settleRollback(run, now);
    if (run.status !== 'IN_PROGRESS') return;
    const elapsed = now - run.startedAt;
    if (this.failingTaskDefinitions.has(run.target.taskDefinition)) {
      // Tasks that never start fail one per start attempt; the circuit breaker acts at its threshold.
      run.failedTasks = Math.floor(elapsed / this.taskStartMs);
      if (run.native) run.stage = elapsed < this.stageMs ? 'PRE_SCALE_UP' : 'SCALE_UP';
      const breaker = this.breaker();
      if (breaker.enable && run.failedTasks >= this.threshold()) {
        const reason = 'ECS deployment circuit breaker: tasks failed to start.';
        const at = run.startedAt + this.threshold() * this.taskStartMs;
        if (!breaker.rollback) return this.finish(run, 'STOPPED', reason, at);
        this.startRollback(run, at, reason);
        return this.settleRollback(run, now);
      }
      return;
    }
    if (!run.native) {
      if (elapsed >= this.taskStartMs + this.drainMs)
        this.finish(run, 'SUCCESSFUL', undefined, run.startedAt + this.taskStartMs + this.drainMs);
      return;
    }
    const schedule = this.schedule(run);
    const end = schedule.at(-1)!.from;
    const current = [...schedule].reverse().find((s) => s.from <= elapsed) ?? schedule[0]!;
    run.stage = current.stage;
    const shift = schedule.find((s) => s.stage === 'PRODUCTION_TRAFFIC_SHIFT')!.from;
    if (elapsed >= shift) this.setTraffic(run, this.shareAt(run.config, elapsed - shift));
    if (elapsed >= end) {
      this.finish(run, 'SUCCESSFUL', undefined, run.startedAt + end);
      [this.production, this.alternate] = [this.alternate, this.production];
      run.traffic = 100;
      this.fake.actions.set(PRODUCTION_RULE, forward(this.production, 100, this.alternate, 0));
    }
  }

  /** A rollback: one asked for is ROLLBACK_REQUESTED first; ECS's own goes straight to ROLLBACK_IN_PROGRESS. */
  private startRollback(run: Run, at: number, reason: string, requested = false): void {
    run.rollback = { at, reason, byEcs: !requested };
    run.status = requested ? 'ROLLBACK_REQUESTED' : 'ROLLBACK_IN_PROGRESS';
    run.statusReason = reason;
    // ECS points the service back at the revision it rolls back to.
    if (run.source) this.taskDefinition = run.source.taskDefinition;
  }

  private settleRollback(run: Run, now: number): void {
    if (!run.rollback || !['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'].includes(run.status)) return;
    const elapsed = now - run.rollback.at;
    if (elapsed > 0) run.status = 'ROLLBACK_IN_PROGRESS';
    if (run.native && run.status === 'ROLLBACK_IN_PROGRESS') this.setTraffic(run, 0);
    // Source tasks that were stopped start again; the target's drain after them.
    const doneAt = this.sourceStillRunning(run) ? this.drainMs : this.taskStartMs + this.drainMs;
    if (elapsed < doneAt) return;
    if (this.rollbackFailure !== undefined) {
      this.finish(run, 'ROLLBACK_FAILED', this.rollbackFailure, run.rollback.at + doneAt);
      this.rollbackFailure = undefined;
    } else {
      this.finish(run, 'ROLLBACK_SUCCESSFUL', run.statusReason, run.rollback.at + doneAt);
    }
  }

  /** Whether the source's tasks were still running when the rollback started (native keeps blue until CLEAN_UP). */
  private sourceStillRunning(run: Run): boolean {
    if (!run.rollback) return true;
    // With minimumHealthyPercent 100 old tasks stop only once new ones run; failing new tasks never do.
    if (run.native || this.failingTaskDefinitions.has(run.target.taskDefinition)) return true;
    return run.rollback.at - run.startedAt < this.taskStartMs + this.drainMs;
  }

  private finish(run: Run, status: ServiceDeploymentStatus, reason: string | undefined, at: number): void {
    run.status = status;
    run.statusReason = reason;
    run.finishedAt = at;
  }

  /** DescribeServices' `deployments`, from the latest run. */
  private deployments(): Deployment[] {
    const run = this.runs.at(-1);
    const now = this.clock.now();
    const d = (
      id: string,
      taskDefinition: string,
      status: string,
      running: number,
      pending: number,
      extra: Partial<Deployment> = {},
    ): Deployment => ({
      id,
      status,
      taskDefinition,
      desiredCount: status === 'PRIMARY' ? this.desired : 0,
      runningCount: running,
      pendingCount: pending,
      failedTasks: 0,
      rolloutState: 'IN_PROGRESS',
      createdAt: new Date(run?.startedAt ?? now),
      ...extra,
    });
    if (!run)
      return [
        d('ecs-svc/1', this.taskDefinition, 'PRIMARY', this.desired, 0, {
          rolloutState: 'COMPLETED',
          createdAt: new Date(now - 86_400_000),
        }),
      ];
    const elapsed = now - run.startedAt;
    const target = run.target.taskDefinition;
    const source = run.source?.taskDefinition ?? this.taskDefinition;
    const failing = this.failingTaskDefinitions.has(target);
    if (run.status === 'SUCCESSFUL')
      return [d(run.targetDeploymentId, target, 'PRIMARY', this.desired, 0, { rolloutState: 'COMPLETED' })];
    if (run.rollback) {
      const r = now - run.rollback.at;
      const sourceUp = this.sourceStillRunning(run) || r >= this.taskStartMs;
      const targetLeft =
        r >= (this.sourceStillRunning(run) ? this.drainMs : this.taskStartMs + this.drainMs)
          ? 0
          : failing
            ? 0
            : this.desired;
      const out = [
        d(
          run.sourceDeploymentId,
          source,
          'PRIMARY',
          sourceUp ? this.desired : 0,
          sourceUp ? 0 : this.desired,
          {
            rolloutState:
              run.status === 'ROLLBACK_SUCCESSFUL'
                ? 'COMPLETED'
                : run.status === 'ROLLBACK_FAILED'
                  ? 'FAILED'
                  : 'IN_PROGRESS',
            ...(run.status === 'ROLLBACK_FAILED' ? { rolloutStateReason: run.statusReason } : {}),
            createdAt: new Date(run.rollback.at),
          },
        ),
      ];
      // The deployment ECS itself failed (circuit breaker, its own alarms) stays listed, FAILED, while it
      // rolls back.
      const byEcs = run.rollback.byEcs && run.status !== 'ROLLBACK_SUCCESSFUL';
      const failed = byEcs
        ? { rolloutState: 'FAILED' as const, rolloutStateReason: run.rollback.reason }
        : {};
      if (targetLeft || byEcs) out.push(d(run.targetDeploymentId, target, 'ACTIVE', targetLeft, 0, failed));
      return out;
    }
    if (run.status === 'STOPPED') {
      return [
        d(run.targetDeploymentId, target, 'PRIMARY', 0, 0, {
          rolloutState: 'FAILED',
          rolloutStateReason: run.statusReason,
          failedTasks: run.failedTasks,
        }),
        d(run.sourceDeploymentId, source, 'ACTIVE', this.desired, 0),
      ];
    }
    const up = !failing && elapsed >= (run.native ? this.stageMs + this.taskStartMs : this.taskStartMs);
    const oldGone = !run.native && elapsed >= this.taskStartMs + this.drainMs;
    return [
      d(run.targetDeploymentId, target, 'PRIMARY', up ? this.desired : 0, up ? 0 : this.desired, {
        failedTasks: run.failedTasks,
      }),
      ...(oldGone ? [] : [d(run.sourceDeploymentId, source, 'ACTIVE', this.desired, 0)]),
    ];
  }

  private loadBalancers(): LoadBalancer[] {
    if (this.native) {
      return [
        {
          targetGroupArn: this.production,
          containerName: 'app',
          containerPort: 80,
          advancedConfiguration: {
            alternateTargetGroupArn: this.alternate,
            productionListenerRule: PRODUCTION_RULE,
            roleArn: 'arn:aws:iam::111111111111:role/ecs-blue-green',
            ...(this.testListenerRule ? { testListenerRule: this.testListenerRule } : {}),
          },
        },
      ];
    }
    return this.targetGroups.map((targetGroupArn) => ({
      targetGroupArn,
      containerName: 'app',
      containerPort: 80,
    }));
  }

  private serviceView() {
    const deployments = this.deployments();
    const running = deployments.reduce((sum, d) => sum + (d.runningCount ?? 0), 0);
    return {
      serviceArn: SERVICE_ARN,
      serviceName: 'api',
      clusterArn: `${ACCOUNT}:cluster/web`,
      status: 'ACTIVE',
      desiredCount: this.desired,
      runningCount: running,
      pendingCount: deployments.reduce((sum, d) => sum + (d.pendingCount ?? 0), 0),
      deploymentController: { type: this.controller },
      deploymentConfiguration: structuredClone(this.deploymentConfiguration),
      taskDefinition: this.taskDefinition,
      deployments,
      loadBalancers: this.loadBalancers(),
      taskSets: [],
      ...(this.runs.length ? { currentServiceDeployment: this.runs.at(-1)!.arn } : {}),
    };
  }

  private view(run: Run): ServiceDeployment {
    return {
      serviceDeploymentArn: run.arn,
      serviceArn: SERVICE_ARN,
      clusterArn: `${ACCOUNT}:cluster/web`,
      createdAt: new Date(run.startedAt),
      startedAt: new Date(run.startedAt),
      ...(run.finishedAt !== undefined ? { finishedAt: new Date(run.finishedAt) } : {}),
      ...(run.status === 'STOPPED' && run.finishedAt !== undefined
        ? { stoppedAt: new Date(run.finishedAt) }
        : {}),
      status: run.status,
      ...(run.statusReason ? { statusReason: run.statusReason } : {}),
      ...(run.stage && run.native ? { lifecycleStage: run.stage } : {}),
      targetServiceRevision: {
        arn: run.target.revision,
        requestedTaskCount: this.desired,
        runningTaskCount: this.deployments()
          .filter((d) => d.taskDefinition === run.target.taskDefinition)
          .reduce((sum, d) => sum + (d.runningCount ?? 0), 0),
        ...(run.native ? { requestedProductionTrafficWeight: run.traffic } : {}),
      },
      sourceServiceRevisions: run.source ? [{ arn: run.source.revision }] : [],
      deploymentConfiguration: structuredClone(run.config),
      deploymentCircuitBreaker: {
        status: this.breaker().enable ? 'MONITORING' : 'DISABLED',
        failureCount: run.failedTasks,
        threshold: this.threshold(),
      },
      alarms: {
        status: run.triggeredAlarms.length ? 'TRIGGERED' : 'MONITORING',
        triggeredAlarmNames: run.triggeredAlarms,
      },
      ...(run.rollback
        ? {
            rollback: {
              reason: run.rollback.reason,
              startedAt: new Date(run.rollback.at),
              serviceRevisionArn: run.source?.revision,
            },
          }
        : {}),
    };
  }

  private unsupported(): Error {
    return Object.assign(new Error('The service-deployment API is not available'), {
      name: 'UnknownOperationException',
    });
  }

  private checkConfiguration(config: DeploymentConfiguration): void {
    const bad = (message: string) => Object.assign(new Error(message), { name: 'InvalidParameterException' });
    const minutes = (m: number | undefined) =>
      m === undefined || (Number.isInteger(m) && m >= 0 && m <= 1440);
    if (config.strategy === 'BLUE_GREEN' && config.bakeTimeInMinutes === undefined)
      throw bad('bakeTimeInMinutes is required for BLUE_GREEN');
    if (!minutes(config.bakeTimeInMinutes)) throw bad('bakeTimeInMinutes must be whole minutes');
    const l = config.linearConfiguration;
    if (
      l &&
      (l.stepPercent === undefined ||
        l.stepPercent < 3 ||
        l.stepPercent > 100 ||
        !minutes(l.stepBakeTimeInMinutes))
    ) {
      throw bad('linearConfiguration: stepPercent 3.0-100.0, stepBakeTimeInMinutes 0-1440');
    }
    const c = config.canaryConfiguration;
    if (
      c &&
      (c.canaryPercent === undefined ||
        c.canaryPercent < 0.1 ||
        c.canaryPercent > 100 ||
        !minutes(c.canaryBakeTimeInMinutes))
    ) {
      throw bad('canaryConfiguration: canaryPercent 0.1-100.0, canaryBakeTimeInMinutes 0-1440');
    }
  }

  private install(): void {
    const ecs = this.fake.ecsMock;
    ecs.on(DescribeServicesCommand).callsFake(() =>
      this.fake.call('DescribeServices', () => {
        this.settle();
        return { services: [this.serviceView()] };
      }),
    );
    ecs
      .on(UpdateServiceCommand)
      .callsFake((input: { taskDefinition?: string; deploymentConfiguration?: DeploymentConfiguration }) =>
        this.fake.call('UpdateService', () => {
          this.settle();
          this.updates.push(structuredClone(input));
          if (input.deploymentConfiguration) {
            this.checkConfiguration(input.deploymentConfiguration);
            this.deploymentConfiguration = structuredClone(input.deploymentConfiguration);
          }
          const taskDefinition = input.taskDefinition ?? this.taskDefinition;
          const previous = this.runs.at(-1);
          // The revision serving now: the last one that succeeded, else the one a failed deploy started from.
          const source = previous
            ? previous.status === 'SUCCESSFUL'
              ? previous.target
              : previous.source
            : this.initial;
          const run: Run = {
            arn: `${ACCOUNT}:service-deployment/web/api/${String(this.nextId++).padStart(8, '0')}`,
            native: this.native,
            config: structuredClone(this.deploymentConfiguration),
            target: { revision: this.revision(taskDefinition), taskDefinition },
            source,
            startedAt: this.clock.now(),
            status: 'PENDING',
            statusReason: undefined,
            stage: this.native ? 'PRE_SCALE_UP' : undefined,
            finishedAt: undefined,
            failedTasks: 0,
            triggeredAlarms: [],
            rollback: undefined,
            traffic: 0,
            targetDeploymentId: `ecs-svc/${this.nextId++}`,
            sourceDeploymentId: `ecs-svc/${this.nextId++}`,
          };
          // A new deployment replaces one still running: ECS stops the older one.
          if (previous && ['PENDING', 'IN_PROGRESS'].includes(previous.status)) {
            this.finish(previous, 'STOPPED', 'replaced by a newer deployment', this.clock.now());
          }
          this.taskDefinition = taskDefinition;
          this.runs.push(run);
          return { service: this.serviceView() };
        }),
      );
    ecs.on(ListServiceDeploymentsCommand).callsFake((input: { status?: ServiceDeploymentStatus[] }) =>
      this.fake.call('ListServiceDeployments', () => {
        if (!this.serviceDeploymentApi) throw this.unsupported();
        this.settle();
        return {
          serviceDeployments: [...this.runs]
            .reverse()
            .filter((r) => !input.status?.length || input.status.includes(r.status))
            .map((r) => ({
              serviceDeploymentArn: r.arn,
              serviceArn: SERVICE_ARN,
              status: r.status,
              statusReason: r.statusReason,
              targetServiceRevisionArn: r.target.revision,
              createdAt: new Date(r.startedAt),
              ...(r.finishedAt !== undefined ? { finishedAt: new Date(r.finishedAt) } : {}),
            })),
        };
      }),
    );
    ecs.on(DescribeServiceDeploymentsCommand).callsFake((input: { serviceDeploymentArns: string[] }) =>
      this.fake.call('DescribeServiceDeployments', () => {
        if (!this.serviceDeploymentApi) throw this.unsupported();
        this.settle();
        return {
          serviceDeployments: this.runs
            .filter((r) => input.serviceDeploymentArns.includes(r.arn))
            .map((r) => this.view(r)),
          failures: input.serviceDeploymentArns
            .filter((arn) => !this.runs.some((r) => r.arn === arn))
            .map((arn) => ({ arn, reason: 'MISSING' })),
        };
      }),
    );
    ecs.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) =>
      this.fake.call('DescribeServiceRevisions', () => {
        if (!this.serviceDeploymentApi) throw this.unsupported();
        return {
          serviceRevisions: input.serviceRevisionArns
            .filter((arn) => this.revisions.has(arn))
            .map((arn) => ({
              serviceRevisionArn: arn,
              serviceArn: SERVICE_ARN,
              taskDefinition: this.revisions.get(arn),
            })),
        };
      }),
    );
    ecs
      .on(StopServiceDeploymentCommand)
      .callsFake((input: { serviceDeploymentArn: string; stopType?: string }) =>
        this.fake.call('StopServiceDeployment', () => {
          if (!this.serviceDeploymentApi) throw this.unsupported();
          this.settle();
          const run = this.runs.find((r) => r.arn === input.serviceDeploymentArn);
          if (!run)
            throw Object.assign(new Error('Service deployment not found'), {
              name: 'ServiceDeploymentNotFoundException',
            });
          if (['PENDING', 'IN_PROGRESS'].includes(run.status)) {
            this.startRollback(run, this.clock.now(), 'Stopped with rollback by the user', true);
          } else if (!['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'STOP_REQUESTED'].includes(run.status)) {
            throw Object.assign(new Error(`The service deployment is ${run.status}`), {
              name: 'ConflictException',
            });
          }
          return { serviceDeploymentArn: run.arn };
        }),
      );
  }
}

function forward(first: string, firstWeight: number, second: string, secondWeight: number): Action[] {
  return [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: first, Weight: firstWeight },
          { TargetGroupArn: second, Weight: secondWeight },
        ],
      },
    },
  ];
}
