import {
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import type { TaskSetLaunch } from './ecs.js';

/** A standalone task (RunTask) as the release task watches it. */
export interface StandaloneTask {
  arn: string;
  /** PROVISIONING, PENDING, RUNNING ... STOPPED. */
  lastStatus: string;
  /** Why it stopped (TaskFailedToStart, EssentialContainerExited, UserInitiated...), once stopped. */
  stopCode: string | undefined;
  stoppedReason: string | undefined;
  containers: {
    name: string;
    lastStatus: string | undefined;
    exitCode: number | undefined;
    reason: string | undefined;
  }[];
}

/** What one standalone task runs. */
export interface NewTask {
  cluster: string;
  taskDefinition: string;
  /** Where it runs: launch type or capacity providers, platform version and network configuration. */
  launch: Pick<
    TaskSetLaunch,
    'launchType' | 'capacityProviderStrategy' | 'platformVersion' | 'networkConfiguration'
  >;
  /** The container whose command is replaced, and the command. */
  container: string;
  command: string[];
  /** ECS's `startedBy` (up to 128 characters): who started it, for the console and ListTasks. */
  startedBy: string;
  /** Makes a retried RunTask start no second task (ECS idempotency, at most 64 characters). */
  clientToken: string;
}

/** The ECS calls of a standalone task: run it, read it, stop it. */
export interface TaskRunPort {
  /** Starts the task; `failures` are ECS's reasons when it could not place it. */
  runTask(task: NewTask): Promise<{ task: StandaloneTask | undefined; failures: string[] }>;
  describeTask(cluster: string, arn: string): Promise<StandaloneTask | undefined>;
  stopTask(cluster: string, arn: string, reason: string): Promise<void>;
}

/** `TaskRunPort` over the AWS SDK. */
export class SdkEcsTasks implements TaskRunPort {
  constructor(private readonly client: ECSClient) {}

  async runTask(task: NewTask): Promise<{ task: StandaloneTask | undefined; failures: string[] }> {
    const { launch } = task;
    const out = await this.client.send(
      new RunTaskCommand({
        cluster: task.cluster,
        taskDefinition: task.taskDefinition,
        count: 1,
        ...(launch.capacityProviderStrategy?.length
          ? { capacityProviderStrategy: launch.capacityProviderStrategy }
          : launch.launchType
            ? { launchType: launch.launchType }
            : {}),
        ...(launch.platformVersion ? { platformVersion: launch.platformVersion } : {}),
        ...(launch.networkConfiguration?.awsvpcConfiguration
          ? { networkConfiguration: launch.networkConfiguration }
          : {}),
        overrides: { containerOverrides: [{ name: task.container, command: task.command }] },
        startedBy: task.startedBy,
        clientToken: task.clientToken,
      }),
    );
    const first = out.tasks?.[0];
    return {
      task: first ? toStandaloneTask(first) : undefined,
      failures: (out.failures ?? []).map((f) =>
        [f.reason, f.detail, f.arn].filter((part) => part !== undefined && part !== '').join(': '),
      ),
    };
  }

  async describeTask(cluster: string, arn: string): Promise<StandaloneTask | undefined> {
    const out = await this.client.send(new DescribeTasksCommand({ cluster, tasks: [arn] }));
    const found = out.tasks?.find((t) => t.taskArn === arn);
    return found ? toStandaloneTask(found) : undefined;
  }

  async stopTask(cluster: string, arn: string, reason: string): Promise<void> {
    await this.client.send(new StopTaskCommand({ cluster, task: arn, reason: reason.slice(0, 255) }));
  }
}

function toStandaloneTask(t: Task): StandaloneTask {
  return {
    arn: t.taskArn ?? '',
    lastStatus: t.lastStatus ?? 'PROVISIONING',
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason,
    })),
  };
}
