import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
  type DescribeLogGroupsCommandInput,
  type GetLogEventsCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeImagesCommand, ECRClient, type DescribeImagesCommandInput } from '@aws-sdk/client-ecr';
import {
  ECSClient,
  RunTaskCommand,
  StopTaskCommand,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  SecretsManagerClient,
  type DescribeSecretCommandInput,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeParametersCommand,
  GetParameterCommand,
  SSMClient,
  type DescribeParametersCommandInput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkEcr } from '../../src/aws/ecr.js';
import { SdkEcsTasks } from '../../src/aws/ecs-tasks.js';
import { SdkIam } from '../../src/aws/iam.js';
import { SdkLogs } from '../../src/aws/logs.js';
import { SdkSecretsManager } from '../../src/aws/secrets-manager.js';
import { SdkSsm } from '../../src/aws/ssm.js';
import { parseEcrImage } from '../../src/deploy/verify/checks.js';
import type { FakeAws } from './fake-aws.js';
import type { FakeClock } from './fake-clock.js';

/** A trust policy that lets ECS tasks assume the role. */
export const ECS_TASKS_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

/** How a release task (RunTask) behaves in the fake. */
export interface TaskBehaviour {
  /** How long its container runs before it exits (fake time). */
  runMs: number;
  exitCode: number;
  /** What the container writes to its awslogs stream, a line an event, as it starts. */
  output: string[];
  /** It never starts: STOPPED at once with stopCode TaskFailedToStart and this reason. */
  failToStart?: string;
  /** RunTask places no task: `failures[].reason`, as when the cluster has no capacity. */
  placementFailure?: string;
}

/** What the deploy recorded, to call the fake's own `call` (its call log and faults). */
type Recorder = <T>(command: string, run: () => T) => T | Promise<T>;

const denied = (permission: string): Error =>
  Object.assign(new Error(`User is not authorized to perform: ${permission}`), {
    name: 'AccessDeniedException',
  });

/**
 * ECR, SSM, Secrets Manager, IAM and CloudWatch Logs as verify reads them, and standalone ECS tasks (the
 * release task), in memory behind aws-sdk-client-mock so the real adapters run. The error names and the
 * fields returned follow each service's API reference: DescribeImages (ImageNotFoundException,
 * RepositoryNotFoundException), DescribeParameters (ParameterFilters Name Equals), GetParameter
 * (ParameterNotFound), DescribeSecret (ResourceNotFoundException, VersionIdsToStages), GetRole
 * (NoSuchEntity, a URL-encoded AssumeRolePolicyDocument), DescribeLogGroups (logGroupNamePrefix) and
 * GetLogEvents (nextForwardToken, the same token again at the end of the stream).
 *
 * What moto cannot model is here too: a task's end as the ECS API reference describes DescribeTasks'
 * `Task` — `lastStatus` STOPPED, `stopCode` (TaskFailedToStart, EssentialContainerExited, UserInitiated),
 * `stoppedReason`, and each container's `exitCode` and `reason` — and RunTask's `failures`.
 */
export class FakeResources {
  readonly ecrMock = mockClient(ECRClient);
  readonly ssmMock = mockClient(SSMClient);
  readonly secretsMock = mockClient(SecretsManagerClient);
  readonly iamMock = mockClient(IAMClient);
  readonly logsMock = mockClient(CloudWatchLogsClient);
  /** Image references pushed, by `registry/repository`: digests and tags. */
  readonly images = new Map<string, Set<string>>();
  readonly parameters = new Set<string>();
  /** Secrets by full ARN: their versions' staging labels. */
  readonly secrets = new Map<string, Record<string, string[]>>();
  readonly roles = new Map<string, { arn: string; trust: string }>();
  readonly logGroups = new Set<string>();
  /** Log events by `group|stream`. */
  readonly streams = new Map<string, { timestamp: number; message: string }[]>();
  /** Permissions the credentials lack: those calls answer AccessDeniedException. */
  readonly deny = new Set<string>();
  /** How the next release tasks behave. */
  task: TaskBehaviour = { runMs: 30_000, exitCode: 0, output: [] };
  /** Every RunTask input, in order. */
  readonly runTasks: RunTaskCommandInput[] = [];
  readonly tasks: {
    task: Task;
    behaviour: TaskBehaviour;
    startedAt: number;
    stopped?: { at: number; reason: string };
  }[] = [];
  private nextTask = 1;

  constructor(
    private readonly clock: FakeClock,
    private readonly call: Recorder,
  ) {
    this.install();
  }

  /** The SDK-backed ports over the mocked clients. */
  ports(ecs: ECSClient): {
    verify: {
      images: SdkEcr;
      parameters: SdkSsm;
      secrets: SdkSecretsManager;
      roles: SdkIam;
    };
    logs: SdkLogs;
    tasks: SdkEcsTasks;
  } {
    const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    const at = (region: string | undefined) => ({ ...config, ...(region ? { region } : {}) });
    return {
      verify: {
        images: new SdkEcr((region) => new ECRClient(at(region))),
        parameters: new SdkSsm((region) => new SSMClient(at(region))),
        secrets: new SdkSecretsManager((region) => new SecretsManagerClient(at(region))),
        roles: new SdkIam(new IAMClient(config)),
      },
      logs: new SdkLogs((region) => new CloudWatchLogsClient(at(region))),
      tasks: new SdkEcsTasks(ecs),
    };
  }

  /** Pushes an image (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag][@digest]`). */
  pushImage(uri: string): void {
    const image = parseEcrImage(uri);
    if (!image) throw new Error(`not an ECR image: ${uri}`);
    const key = `${image.registryId}/${image.repository}`;
    const refs = this.images.get(key) ?? new Set<string>();
    if (image.digest) refs.add(image.digest);
    if (image.tag) refs.add(image.tag);
    this.images.set(key, refs);
  }

  addRole(name: string, trust = ECS_TASKS_TRUST, path = '/'): string {
    const arn = `arn:aws:iam::111111111111:role${path}${name}`;
    this.roles.set(name, { arn, trust });
    return arn;
  }

  /** A release task's state now, as DescribeTasks returns it. */
  private view(entry: FakeResources['tasks'][number]): Task {
    const { task, behaviour, startedAt, stopped } = entry;
    const now = this.clock.now();
    const container = task.containers![0]!;
    if (behaviour.failToStart) {
      return {
        ...task,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'TaskFailedToStart',
        stoppedReason: behaviour.failToStart,
        containers: [{ ...container, lastStatus: 'STOPPED', reason: behaviour.failToStart }],
      };
    }
    if (stopped && stopped.at <= startedAt + behaviour.runMs) {
      return {
        ...task,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: stopped.reason,
        // SIGTERM, as ECS's StopTask sends first.
        containers: [{ ...container, lastStatus: 'STOPPED', exitCode: 143 }],
      };
    }
    if (now < startedAt + behaviour.runMs) {
      return { ...task, lastStatus: 'RUNNING', containers: [{ ...container, lastStatus: 'RUNNING' }] };
    }
    return {
      ...task,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ ...container, lastStatus: 'STOPPED', exitCode: behaviour.exitCode }],
    };
  }

  /** Release tasks as DescribeTasks shows them now (the ECS fake serves them beside its stopped tasks). */
  describeTasks(arns: string[]): Task[] {
    return this.tasks.filter((t) => arns.includes(t.task.taskArn!)).map((t) => this.view(t));
  }

  private guard(permission: string): void {
    if (this.deny.has(permission)) throw denied(permission);
  }

  private install(): void {
    this.ecrMock.on(DescribeImagesCommand).callsFake((input: DescribeImagesCommandInput) =>
      this.call('DescribeImages', () => {
        this.guard('ecr:DescribeImages');
        const refs = this.images.get(`${input.registryId}/${input.repositoryName}`);
        if (!refs) {
          throw Object.assign(new Error(`The repository '${input.repositoryName}' does not exist`), {
            name: 'RepositoryNotFoundException',
          });
        }
        const id = input.imageIds?.[0];
        const ref = id?.imageDigest ?? id?.imageTag ?? 'latest';
        if (!refs.has(ref)) {
          throw Object.assign(new Error(`The image '${ref}' does not exist`), {
            name: 'ImageNotFoundException',
          });
        }
        return { imageDetails: [{ repositoryName: input.repositoryName, imageDigest: id?.imageDigest }] };
      }),
    );
    this.ssmMock.on(DescribeParametersCommand).callsFake((input: DescribeParametersCommandInput) =>
      this.call('DescribeParameters', () => {
        this.guard('ssm:DescribeParameters');
        const names = input.ParameterFilters?.find((f) => f.Key === 'Name')?.Values ?? [];
        return { Parameters: names.filter((n) => this.parameters.has(n)).map((Name) => ({ Name })) };
      }),
    );
    this.ssmMock.on(GetParameterCommand).callsFake((input: { Name: string }) =>
      this.call('GetParameter', () => {
        this.guard('ssm:GetParameter');
        if (!this.parameters.has(input.Name)) {
          throw Object.assign(new Error('Parameter not found'), { name: 'ParameterNotFound' });
        }
        return { Parameter: { Name: input.Name, Type: 'SecureString', Value: 'ciphertext' } };
      }),
    );
    this.secretsMock.on(DescribeSecretCommand).callsFake((input: DescribeSecretCommandInput) =>
      this.call('DescribeSecret', () => {
        this.guard('secretsmanager:DescribeSecret');
        // A full ARN, or a partial one without the six random characters.
        const found = [...this.secrets].find(
          ([arn]) => arn === input.SecretId || arn.replace(/-[A-Za-z0-9]{6}$/, '') === input.SecretId,
        );
        if (!found) {
          throw Object.assign(new Error("Secrets Manager can't find the specified secret."), {
            name: 'ResourceNotFoundException',
          });
        }
        return { ARN: found[0], VersionIdsToStages: found[1] };
      }),
    );
    this.iamMock.on(GetRoleCommand).callsFake((input: { RoleName: string }) =>
      this.call('GetRole', () => {
        this.guard('iam:GetRole');
        const role = this.roles.get(input.RoleName);
        if (!role) {
          throw Object.assign(new Error(`The role with name ${input.RoleName} cannot be found.`), {
            name: 'NoSuchEntityException',
          });
        }
        return {
          Role: {
            RoleName: input.RoleName,
            Arn: role.arn,
            AssumeRolePolicyDocument: encodeURIComponent(role.trust),
          },
        };
      }),
    );
    this.logsMock.on(DescribeLogGroupsCommand).callsFake((input: DescribeLogGroupsCommandInput) =>
      this.call('DescribeLogGroups', () => {
        this.guard('logs:DescribeLogGroups');
        return {
          logGroups: [...this.logGroups]
            .filter((g) => g.startsWith(input.logGroupNamePrefix ?? ''))
            .map((logGroupName) => ({ logGroupName })),
        };
      }),
    );
    this.logsMock.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) =>
      this.call('GetLogEvents', () => {
        this.guard('logs:GetLogEvents');
        const events = this.streams.get(`${input.logGroupName}|${input.logStreamName}`);
        if (!events) {
          throw Object.assign(new Error('The specified log stream does not exist.'), {
            name: 'ResourceNotFoundException',
          });
        }
        const from = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
        const page = events.slice(from, from + 2);
        return { events: page, nextForwardToken: `f/${from + page.length}` };
      }),
    );
  }

  /** RunTask and StopTask on the ECS mock; DescribeTasks is the ECS fake's, which asks `describeTasks`. */
  installTasks(ecsMock: FakeAws['ecsMock']): void {
    ecsMock.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) =>
      this.call('RunTask', () => {
        this.runTasks.push(input);
        const behaviour = { ...this.task };
        if (behaviour.placementFailure) {
          return { tasks: [], failures: [{ reason: behaviour.placementFailure }] };
        }
        const id = `${String(this.nextTask++).padStart(8, '0')}feedface`;
        const name = input.overrides?.containerOverrides?.[0]?.name ?? 'app';
        const task: Task = {
          taskArn: `arn:aws:ecs:us-east-1:111111111111:task/web/${id}`,
          taskDefinitionArn: input.taskDefinition,
          startedBy: input.startedBy,
          lastStatus: 'PROVISIONING',
          desiredStatus: 'RUNNING',
          containers: [{ name, lastStatus: 'PENDING' }],
        };
        const startedAt = this.clock.now();
        this.tasks.push({ task, behaviour, startedAt });
        // The container writes its output to its awslogs stream: <prefix>/<container>/<task id>.
        if (!behaviour.failToStart && behaviour.output.length) {
          this.streams.set(
            `/ecs/api|api/${name}/${id}`,
            behaviour.output.map((message, i) => ({ timestamp: startedAt + i, message })),
          );
        }
        return { tasks: [task], failures: [] };
      }),
    );
    ecsMock.on(StopTaskCommand).callsFake((input: { task: string; reason?: string }) =>
      this.call('StopTask', () => {
        const entry = this.tasks.find((t) => t.task.taskArn === input.task);
        if (!entry) throw Object.assign(new Error('task not found'), { name: 'InvalidParameterException' });
        entry.stopped ??= { at: this.clock.now(), reason: input.reason ?? '' };
        return { task: this.view(entry) };
      }),
    );
  }
}
