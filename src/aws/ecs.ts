import {
  CreateTaskSetCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTaskSetsCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UntagResourceCommand,
  UpdateTaskSetCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type Deployment as SdkDeployment,
  type DeploymentConfiguration,
  type Service as SdkService,
  type ServiceDeployment as SdkServiceDeployment,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
  type TaskSet as SdkTaskSet,
} from '@aws-sdk/client-ecs';

/** A task set as the deploy sees it. */
export interface TaskSet {
  arn: string;
  /** PRIMARY, ACTIVE or DRAINING. */
  status: string;
  taskDefinition: string;
  scalePercent: number;
  /** STEADY_STATE or STABILIZING. */
  stabilityStatus: string;
  runningCount: number | undefined;
  computedDesiredCount: number | undefined;
  targetGroupArns: string[];
  tags: Record<string, string>;
  createdAt: Date | undefined;
  /** The SDK's record, so a new task set can copy what the user configured on blue. */
  raw: SdkTaskSet;
}

/** Whether a task set runs all the tasks it wants: STEADY_STATE, and (where ECS reports it) running ≥ desired. */
export function isSteady(set: TaskSet): boolean {
  return (
    set.stabilityStatus === 'STEADY_STATE' &&
    (set.runningCount === undefined ||
      set.computedDesiredCount === undefined ||
      set.runningCount >= set.computedDesiredCount)
  );
}

/**
 * "3/4 running" as ECS reports a task set's counts. ECS can leave them out (moto always does): then the
 * scale is what is known, said as such, never as "?/?".
 */
export function taskSetCounts(set: TaskSet): string {
  const want = set.computedDesiredCount;
  if (set.runningCount !== undefined && want !== undefined) return `${set.runningCount}/${want} running`;
  if (set.runningCount !== undefined) return `${set.runningCount} running`;
  return `at ${set.scalePercent}% scale (ECS reported no task counts)`;
}

/** An ECS service with its task sets. */
export interface Service {
  arn: string;
  name: string;
  clusterArn: string;
  desiredCount: number;
  /** ECS, CODE_DEPLOY or EXTERNAL. */
  controller: string;
  taskSets: TaskSet[];
}

/**
 * Where and how a task set's tasks run, as CreateTaskSet takes it: copied from blue for a new version, or
 * given (`first-task-set`) for a service's first task set.
 */
export type TaskSetLaunch = Pick<
  SdkTaskSet,
  | 'launchType'
  | 'capacityProviderStrategy'
  | 'platformVersion'
  | 'networkConfiguration'
  | 'serviceRegistries'
  | 'loadBalancers'
  | 'externalId'
>;

/** What a new task set is made of. */
export interface NewTaskSet {
  taskDefinition: string;
  /** Launch type or capacity providers, platform, network, registries and load balancer container. */
  launch: TaskSetLaunch;
  /** Replaces the first load balancer's target group (green's, behind the listener). */
  targetGroupArn: string | undefined;
  scalePercent: number;
  tags: Record<string, string>;
  /**
   * CreateTaskSet's idempotency token (up to 36 ASCII characters): a request repeated with the same token
   * (the SDK retrying an answer lost after ECS created the task set) returns that task set, not another.
   */
  clientToken?: string;
}

/** The ECS calls a deploy makes. */
export interface EcsPort {
  describeService(cluster: string, service: string): Promise<Service | undefined>;
  /** A service's task sets, with their tags (`service`: its name or ARN; one call, where describeService is two). */
  taskSetsOf(cluster: string, service: string): Promise<TaskSet[]>;
  describeTaskSet(cluster: string, service: string, arn: string): Promise<TaskSet | undefined>;
  registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<string>;
  /** An existing task definition (`family:revision` or ARN); undefined when it does not exist. */
  describeTaskDefinition(reference: string): Promise<TaskDefinition | undefined>;
  createTaskSet(cluster: string, service: string, input: NewTaskSet): Promise<TaskSet>;
  scaleTaskSet(cluster: string, service: string, arn: string, percent: number): Promise<void>;
  makePrimary(cluster: string, service: string, arn: string): Promise<void>;
  deleteTaskSet(cluster: string, service: string, arn: string): Promise<void>;
  tagTaskSet(arn: string, tags: Record<string, string>): Promise<void>;
}

/** A service event (DescribeServices `events`): what ECS says it did or could not do. */
export interface ServiceEvent {
  id: string;
  createdAt: Date | undefined;
  message: string;
}

/** A stopped task and why it stopped. */
export interface StoppedTask {
  arn: string;
  stoppedAt: Date | undefined;
  stopCode: string | undefined;
  stoppedReason: string | undefined;
  containers: { name: string; exitCode: number | undefined; reason: string | undefined }[];
}

/** The ECS calls that read why a deploy failed and carry the control channel's tags. */
export interface EcsControlPort {
  /** Any ECS resource's tags (a task set, a service). */
  resourceTags(arn: string): Promise<Record<string, string>>;
  tagResource(arn: string, tags: Record<string, string>): Promise<void>;
  untagResource(arn: string, keys: string[]): Promise<void>;
  /** The service's recent events, newest first, as ECS keeps them. */
  serviceEvents(cluster: string, service: string): Promise<ServiceEvent[]>;
  /** Tasks that stopped and were started by `startedBy` (a task set's id), at most `limit`. */
  stoppedTasks(cluster: string, startedBy: string, limit: number): Promise<StoppedTask[]>;
}

/** `EcsPort` over the AWS SDK. */
export class SdkEcs implements EcsPort, EcsControllerPort, EcsControlPort {
  constructor(private readonly client: ECSClient) {}

  async describeService(cluster: string, service: string): Promise<Service | undefined> {
    const out = await this.client.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.find((s) => s.status !== 'INACTIVE');
    if (!svc?.serviceArn) return undefined;
    return {
      arn: svc.serviceArn,
      name: svc.serviceName ?? service,
      clusterArn: svc.clusterArn ?? cluster,
      desiredCount: svc.desiredCount ?? 0,
      controller: svc.deploymentController?.type ?? 'ECS',
      taskSets: await this.taskSetsOf(cluster, svc.serviceArn),
    };
  }

  async taskSetsOf(cluster: string, service: string): Promise<TaskSet[]> {
    // DescribeServices lists task sets without tags; the deploy needs the tags to recognise its own runs.
    const sets = await this.client.send(new DescribeTaskSetsCommand({ cluster, service, include: ['TAGS'] }));
    return (sets.taskSets ?? []).map(toTaskSet);
  }

  async describeTaskSet(cluster: string, service: string, arn: string): Promise<TaskSet | undefined> {
    const out = await this.client.send(
      new DescribeTaskSetsCommand({ cluster, service, taskSets: [arn], include: ['TAGS'] }),
    );
    const found = out.taskSets?.find((t) => t.taskSetArn === arn);
    return found ? toTaskSet(found) : undefined;
  }

  async registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<string> {
    const out = await this.client.send(new RegisterTaskDefinitionCommand(input));
    const arn = out.taskDefinition?.taskDefinitionArn;
    if (!arn) throw new Error('RegisterTaskDefinition returned no ARN');
    return arn;
  }

  async describeTaskDefinition(reference: string): Promise<TaskDefinition | undefined> {
    try {
      const out = await this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference }));
      return out.taskDefinition;
    } catch (error) {
      if (errorName(error) === 'ClientException' || errorName(error) === 'InvalidParameterException')
        return undefined;
      throw error;
    }
  }

  async createTaskSet(cluster: string, service: string, input: NewTaskSet): Promise<TaskSet> {
    const from = input.launch;
    const loadBalancers = (from.loadBalancers ?? []).map((lb, index) =>
      index === 0 && input.targetGroupArn ? { ...lb, targetGroupArn: input.targetGroupArn } : lb,
    );
    const out = await this.client.send(
      new CreateTaskSetCommand({
        cluster,
        service,
        taskDefinition: input.taskDefinition,
        ...(from.capacityProviderStrategy?.length
          ? { capacityProviderStrategy: from.capacityProviderStrategy }
          : from.launchType
            ? { launchType: from.launchType }
            : {}),
        ...(from.platformVersion ? { platformVersion: from.platformVersion } : {}),
        ...(from.networkConfiguration?.awsvpcConfiguration
          ? { networkConfiguration: from.networkConfiguration }
          : {}),
        ...(from.serviceRegistries?.length ? { serviceRegistries: from.serviceRegistries } : {}),
        ...(loadBalancers.length ? { loadBalancers } : {}),
        ...(from.externalId ? { externalId: from.externalId } : {}),
        scale: { unit: 'PERCENT', value: input.scalePercent },
        ...(input.clientToken ? { clientToken: input.clientToken } : {}),
        tags: Object.entries(input.tags).map(([key, value]) => ({ key, value })),
      }),
    );
    if (!out.taskSet) throw new Error('CreateTaskSet returned no task set');
    return toTaskSet(out.taskSet);
  }

  async scaleTaskSet(cluster: string, service: string, arn: string, percent: number): Promise<void> {
    await this.client.send(
      new UpdateTaskSetCommand({
        cluster,
        service,
        taskSet: arn,
        scale: { unit: 'PERCENT', value: percent },
      }),
    );
  }

  async makePrimary(cluster: string, service: string, arn: string): Promise<void> {
    await this.client.send(new UpdateServicePrimaryTaskSetCommand({ cluster, service, primaryTaskSet: arn }));
  }

  async deleteTaskSet(cluster: string, service: string, arn: string): Promise<void> {
    try {
      await this.client.send(new DeleteTaskSetCommand({ cluster, service, taskSet: arn, force: true }));
    } catch (error) {
      // Already gone is what we wanted: deleting is idempotent for the rollback and the post step. ECS
      // answers TaskSetNotFoundException; moto_server a ClientException saying the task set does not exist.
      const gone =
        errorName(error) === 'TaskSetNotFoundException' ||
        (errorName(error) === 'ClientException' && /task set does not exist/i.test((error as Error).message));
      if (!gone) throw error;
    }
  }

  async tagTaskSet(arn: string, tags: Record<string, string>): Promise<void> {
    await this.client.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      }),
    );
  }

  async resourceTags(arn: string): Promise<Record<string, string>> {
    const out = await this.client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    return Object.fromEntries((out.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? '']));
  }

  async tagResource(arn: string, tags: Record<string, string>): Promise<void> {
    await this.tagTaskSet(arn, tags);
  }

  async untagResource(arn: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: keys }));
  }

  async serviceEvents(cluster: string, service: string): Promise<ServiceEvent[]> {
    const out = await this.client.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.find((s) => s.status !== 'INACTIVE');
    return (svc?.events ?? []).map((e) => ({
      id: e.id ?? '',
      createdAt: e.createdAt,
      message: e.message ?? '',
    }));
  }

  async stoppedTasks(cluster: string, startedBy: string, limit: number): Promise<StoppedTask[]> {
    const listed = await this.client.send(
      new ListTasksCommand({
        cluster,
        startedBy,
        desiredStatus: 'STOPPED',
        maxResults: Math.min(100, limit),
      }),
    );
    const arns = listed.taskArns ?? [];
    if (arns.length === 0) return [];
    const out = await this.client.send(new DescribeTasksCommand({ cluster, tasks: arns }));
    return (out.tasks ?? []).map((t) => ({
      arn: t.taskArn ?? '',
      stoppedAt: t.stoppedAt,
      stopCode: t.stopCode,
      stoppedReason: t.stoppedReason,
      containers: (t.containers ?? []).map((c) => ({
        name: c.name ?? '',
        exitCode: c.exitCode,
        reason: c.reason,
      })),
    }));
  }

  // --- ECS-controller services (rolling and ECS-native blue/green, linear, canary) ---

  async describeServiceConfiguration(
    cluster: string,
    service: string,
  ): Promise<ServiceConfiguration | undefined> {
    const out = await this.client.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.find((s) => s.status !== 'INACTIVE');
    return svc?.serviceArn ? toServiceConfiguration(svc) : undefined;
  }

  async updateService(
    cluster: string,
    service: string,
    update: ServiceUpdate,
  ): Promise<ServiceConfiguration> {
    const out = await this.client.send(
      new UpdateServiceCommand({
        cluster,
        service,
        taskDefinition: update.taskDefinition,
        ...(update.deploymentConfiguration
          ? { deploymentConfiguration: update.deploymentConfiguration }
          : {}),
        ...(update.forceNewDeployment ? { forceNewDeployment: true } : {}),
      }),
    );
    if (!out.service?.serviceArn) throw new Error('UpdateService returned no service');
    return toServiceConfiguration(out.service);
  }

  async listServiceDeployments(
    cluster: string,
    service: string,
    statuses?: ServiceDeploymentStatus[],
  ): Promise<ServiceDeploymentSummary[]> {
    const found: ServiceDeploymentSummary[] = [];
    let nextToken: string | undefined;
    // Newest first; a deploy needs only the few latest, so two pages of 20 are plenty.
    for (let page = 0; page < 2; page++) {
      const out = await this.client.send(
        new ListServiceDeploymentsCommand({
          cluster,
          service,
          ...(statuses?.length ? { status: statuses } : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const d of out.serviceDeployments ?? []) {
        if (!d.serviceDeploymentArn) continue;
        found.push({
          arn: d.serviceDeploymentArn,
          status: (d.status ?? 'PENDING') as ServiceDeploymentStatus,
          statusReason: d.statusReason,
          targetServiceRevisionArn: d.targetServiceRevisionArn,
          createdAt: d.createdAt,
          finishedAt: d.finishedAt,
        });
      }
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
    return found;
  }

  async describeServiceDeployments(arns: string[]): Promise<ServiceDeploymentRecord[]> {
    if (arns.length === 0) return [];
    const out = await this.client.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }),
    );
    return (out.serviceDeployments ?? []).flatMap((d) =>
      d.serviceDeploymentArn ? [toServiceDeployment(d)] : [],
    );
  }

  async describeServiceRevisionTaskDefinitions(arns: string[]): Promise<Record<string, string>> {
    if (arns.length === 0) return {};
    const out = await this.client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: arns }));
    return Object.fromEntries(
      (out.serviceRevisions ?? []).flatMap((r) =>
        r.serviceRevisionArn && r.taskDefinition ? [[r.serviceRevisionArn, r.taskDefinition]] : [],
      ),
    );
  }

  async stopServiceDeployment(arn: string): Promise<void> {
    await this.client.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }),
    );
  }
}

function toTaskSet(t: SdkTaskSet): TaskSet {
  return {
    arn: t.taskSetArn ?? '',
    status: t.status ?? 'ACTIVE',
    taskDefinition: t.taskDefinition ?? '',
    scalePercent: t.scale?.value ?? 0,
    stabilityStatus: t.stabilityStatus ?? 'STABILIZING',
    runningCount: t.runningCount,
    computedDesiredCount: t.computedDesiredCount,
    targetGroupArns: (t.loadBalancers ?? []).flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : [])),
    tags: Object.fromEntries((t.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? ''])),
    createdAt: t.createdAt,
    raw: t,
  };
}

/** The AWS error code of a thrown SDK error. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

// --- ECS-controller services: the deployment configuration, deployments and service deployments ---

/** ECS's deployment strategies (`deploymentConfiguration.strategy`); none set means ROLLING. */
export type DeploymentStrategyName = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** A ServiceDeployment status, as the ECS API reference lists them. */
export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/** One entry of a service's `deployments`: the tasks of one task definition during a rolling update. */
export interface RollingDeployment {
  id: string;
  /** PRIMARY (the newest), ACTIVE (still has tasks being replaced) or INACTIVE. */
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** Consecutively failed tasks; ECS resets it once a task of the deployment runs. */
  failedTasks: number;
  /** IN_PROGRESS, COMPLETED or FAILED (circuit breaker); absent behind a Classic Load Balancer. */
  rolloutState: string | undefined;
  rolloutStateReason: string | undefined;
  createdAt: Date | undefined;
  updatedAt: Date | undefined;
}

/** An ECS service's controller, strategy, task definition and deployments, as DescribeServices reports them. */
export interface ServiceConfiguration {
  arn: string;
  name: string;
  clusterArn: string;
  /** ECS, CODE_DEPLOY or EXTERNAL. */
  controller: string;
  /** The strategy ECS runs for this service; ROLLING when the service sets none. */
  strategy: DeploymentStrategyName;
  /** The task definition the service runs (or is moving to). */
  taskDefinition: string | undefined;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** The service's whole deployment configuration, so an update can keep what the user set. */
  deploymentConfiguration: DeploymentConfiguration;
  deployments: RollingDeployment[];
  /** Target groups the service's tasks are registered in (its own load balancer configuration). */
  targetGroupArns: string[];
  /** The service deployment ECS is running or ran last, when ECS reports it. */
  currentServiceDeployment: string | undefined;
  /** The SDK's record, for what the deploy does not model. */
  raw: SdkService;
}

/** What UpdateService changes for a deploy: the task definition and, where needed, the deployment configuration. */
export interface ServiceUpdate {
  taskDefinition: string;
  /** The whole configuration to send; ECS replaces the service's with it, so callers merge with the current one. */
  deploymentConfiguration?: DeploymentConfiguration;
  /** Start a deployment even though the task definition is the one the service names already. */
  forceNewDeployment?: boolean;
}

/** A ListServiceDeployments entry. */
export interface ServiceDeploymentSummary {
  arn: string;
  status: ServiceDeploymentStatus;
  statusReason: string | undefined;
  targetServiceRevisionArn: string | undefined;
  createdAt: Date | undefined;
  finishedAt: Date | undefined;
}

/** A service deployment as DescribeServiceDeployments reports it. */
export interface ServiceDeploymentRecord {
  arn: string;
  status: ServiceDeploymentStatus;
  statusReason: string | undefined;
  /** RECONCILE_SERVICE, PRE_SCALE_UP, SCALE_UP, …, BAKE_TIME, CLEAN_UP (native strategies). */
  lifecycleStage: string | undefined;
  targetServiceRevisionArn: string | undefined;
  sourceServiceRevisionArns: string[];
  /** The target revision's share of production traffic (0-100), a snapshot ECS reports. */
  targetProductionTraffic: number | undefined;
  targetTestTraffic: number | undefined;
  targetRunningCount: number | undefined;
  /** Tasks the circuit breaker counted as failed. */
  circuitBreakerFailures: number | undefined;
  /** Alarms ECS itself saw in ALARM (the service's own deployment alarms). */
  triggeredAlarms: string[];
  rollback: { reason: string | undefined; serviceRevisionArn: string | undefined } | undefined;
  createdAt: Date | undefined;
  finishedAt: Date | undefined;
  /** The deployment configuration it runs with (strategy, bake, linear/canary). */
  deploymentConfiguration: DeploymentConfiguration | undefined;
}

/** The ECS calls a deploy to an ECS-controller service makes, beside the task-set ones of `EcsPort`. */
export interface EcsControllerPort {
  /** The service's controller, strategy, deployment configuration and deployments; undefined when it does not exist. */
  describeServiceConfiguration(cluster: string, service: string): Promise<ServiceConfiguration | undefined>;
  /** UpdateService to a task definition (and deployment configuration): starts a deployment. */
  updateService(cluster: string, service: string, update: ServiceUpdate): Promise<ServiceConfiguration>;
  /** The service's service deployments, newest first, optionally only those in the given statuses. */
  listServiceDeployments(
    cluster: string,
    service: string,
    statuses?: ServiceDeploymentStatus[],
  ): Promise<ServiceDeploymentSummary[]>;
  describeServiceDeployments(arns: string[]): Promise<ServiceDeploymentRecord[]>;
  /** Task definition of each service revision, by revision ARN. */
  describeServiceRevisionTaskDefinitions(arns: string[]): Promise<Record<string, string>>;
  /** StopServiceDeployment with stopType ROLLBACK: ECS moves the service back to its previous revision. */
  stopServiceDeployment(arn: string): Promise<void>;
}

function toServiceConfiguration(svc: SdkService): ServiceConfiguration {
  const configuration = svc.deploymentConfiguration ?? {};
  return {
    arn: svc.serviceArn ?? '',
    name: svc.serviceName ?? '',
    clusterArn: svc.clusterArn ?? '',
    controller: svc.deploymentController?.type ?? 'ECS',
    strategy: (configuration.strategy ?? 'ROLLING') as DeploymentStrategyName,
    taskDefinition: svc.taskDefinition,
    desiredCount: svc.desiredCount ?? 0,
    runningCount: svc.runningCount ?? 0,
    pendingCount: svc.pendingCount ?? 0,
    deploymentConfiguration: configuration,
    deployments: (svc.deployments ?? []).map(toRollingDeployment),
    targetGroupArns: (svc.loadBalancers ?? []).flatMap((lb) =>
      lb.targetGroupArn ? [lb.targetGroupArn] : [],
    ),
    currentServiceDeployment: svc.currentServiceDeployment,
    raw: svc,
  };
}

function toRollingDeployment(d: SdkDeployment): RollingDeployment {
  return {
    id: d.id ?? '',
    status: d.status ?? 'PRIMARY',
    taskDefinition: d.taskDefinition ?? '',
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    pendingCount: d.pendingCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

function toServiceDeployment(d: SdkServiceDeployment): ServiceDeploymentRecord {
  return {
    arn: d.serviceDeploymentArn ?? '',
    status: (d.status ?? 'PENDING') as ServiceDeploymentStatus,
    statusReason: d.statusReason,
    lifecycleStage: d.lifecycleStage,
    targetServiceRevisionArn: d.targetServiceRevision?.arn,
    sourceServiceRevisionArns: (d.sourceServiceRevisions ?? []).flatMap((r) => (r.arn ? [r.arn] : [])),
    targetProductionTraffic: d.targetServiceRevision?.requestedProductionTrafficWeight,
    targetTestTraffic: d.targetServiceRevision?.requestedTestTrafficWeight,
    targetRunningCount: d.targetServiceRevision?.runningTaskCount,
    circuitBreakerFailures: d.deploymentCircuitBreaker?.failureCount,
    triggeredAlarms: d.alarms?.triggeredAlarmNames ?? [],
    rollback: d.rollback
      ? { reason: d.rollback.reason, serviceRevisionArn: d.rollback.serviceRevisionArn }
      : undefined,
    createdAt: d.createdAt,
    finishedAt: d.finishedAt,
    deploymentConfiguration: d.deploymentConfiguration,
  };
}
