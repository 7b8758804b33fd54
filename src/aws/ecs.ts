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

/** What a new task set is made of. */
export interface NewTaskSet {
  taskDefinition: string;
  /** The task set whose launch settings (launch type or capacity providers, platform, network, registries, load balancer container) are copied. */
  template: TaskSet;
  targetGroupArn: string | undefined;
  scalePercent: number;
  tags: Record<string, string>;
}

/** The ECS calls a deploy makes. */
export interface EcsPort {
  describeService(cluster: string, service: string): Promise<Service | undefined>;
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
export class SdkEcs implements EcsPort, EcsControlPort {
  constructor(private readonly client: ECSClient) {}

  async describeService(cluster: string, service: string): Promise<Service | undefined> {
    const out = await this.client.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.find((s) => s.status !== 'INACTIVE');
    if (!svc?.serviceArn) return undefined;
    // DescribeServices lists task sets without tags; the deploy needs the tags to recognise its own runs.
    const sets = await this.client.send(
      new DescribeTaskSetsCommand({ cluster, service: svc.serviceArn, include: ['TAGS'] }),
    );
    return {
      arn: svc.serviceArn,
      name: svc.serviceName ?? service,
      clusterArn: svc.clusterArn ?? cluster,
      desiredCount: svc.desiredCount ?? 0,
      controller: svc.deploymentController?.type ?? 'ECS',
      taskSets: (sets.taskSets ?? []).map(toTaskSet),
    };
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
    const from = input.template.raw;
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
      // Already gone is what we wanted: deleting is idempotent for the rollback and the post step.
      if (errorName(error) !== 'TaskSetNotFoundException') throw error;
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
