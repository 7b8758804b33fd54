import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type DescribeAlarmHistoryCommandInput,
  type DescribeAlarmsCommandInput,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
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
  type ContainerDefinition,
  type Service,
  type ServiceEvent,
  type Task,
  type TaskSet,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkCloudWatch } from '../../src/aws/cloudwatch.js';
import { SdkEcs } from '../../src/aws/ecs.js';
import { SdkLoadBalancer } from '../../src/aws/load-balancer.js';
import type { FakeClock } from './fake-clock.js';
import { FakeResources } from './fake-resources.js';

const ACCOUNT = 'arn:aws:ecs:us-east-1:111111111111';
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';
/** The Application Load Balancer the listeners belong to. */
export const LOAD_BALANCER = `${ELB}:loadbalancer/app/shop/0123456789abcdef`;
export const LISTENER = `${ELB}:listener/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa`;
export const TEST_LISTENER = `${ELB}:listener/app/shop/0123456789abcdef/bbbbbbbbbbbbbbbb`;
export const BLUE_TG = `${ELB}:targetgroup/blue/1111111111111111`;
export const GREEN_TG = `${ELB}:targetgroup/green/2222222222222222`;
export const BLUE_TASK_SET = `${ACCOUNT}:task-set/web/api/ecs-svc/0000000000000000001`;
export const SERVICE_ARN = `${ACCOUNT}:service/web/api`;

type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** Requests one SDK call makes at most (`maxAttempts` in src/aws/clients.ts). */
const SDK_MAX_ATTEMPTS = 3;

/**
 * How the fake names a GetMetricData query: `Namespace/Metric{Dim=Value,...}:Stat` (dimensions sorted
 * by name), or the expression itself.
 */
export function seriesKey(query: MetricDataQuery): string {
  if (query.Expression !== undefined) return query.Expression;
  const metric = query.MetricStat?.Metric;
  const dims = [...(metric?.Dimensions ?? [])]
    .sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''))
    .map((d) => `${d.Name}=${d.Value}`)
    .join(',');
  return `${metric?.Namespace}/${metric?.MetricName}{${dims}}:${query.MetricStat?.Stat}`;
}

/**
 * An in-memory ECS service behind an ALB listener, with CloudWatch alarms, served through
 * aws-sdk-client-mock so the real SDK adapters run unchanged. Tests change its state as time passes
 * (an alarm entering ALARM, green never steadying) and assert on what a user would check.
 */
export class FakeAws {
  readonly ecsMock = mockClient(ECSClient);
  readonly elbMock = mockClient(ElasticLoadBalancingV2Client);
  readonly cwMock = mockClient(CloudWatchClient);
  desiredCount = 4;
  controller = 'EXTERNAL';
  taskSets: TaskSet[] = [];
  readonly actions = new Map<string, Action[]>();
  readonly alarms = new Map<
    string,
    {
      type: 'metric' | 'composite';
      state: AlarmState;
      reason: string;
      updatedAt?: number;
      /** A metric alarm's `Period` (seconds); left out, DescribeAlarms answers without one. */
      periodSeconds?: number;
    }
  >();
  /** Every alarm state change, as DescribeAlarmHistory returns them (`StateUpdate` items). */
  readonly alarmHistory: { name: string; at: number; from: AlarmState; to: AlarmState; reason: string }[] =
    [];
  /** Weights of the production listener over time. */
  readonly weightHistory: { at: number; weights: Record<string, number> }[] = [];
  /** Every AWS call by command name, in order. */
  readonly calls: string[] = [];
  /**
   * The load balancers routing to each target group, as DescribeTargetGroups reports them; a group not
   * listed does not exist (TargetGroupNotFoundException).
   */
  readonly targetGroupLoadBalancers = new Map<string, string[]>([
    [BLUE_TG, [LOAD_BALANCER]],
    [GREEN_TG, [LOAD_BALANCER]],
  ]);
  /** Green's requests so far, as GetMetricData reports them. */
  requestCount = 0;
  /**
   * Per-query answers to GetMetricData, by `seriesKey` of the query: the data points a series has
   * (read when asked, so they can grow as time passes). A query with no entry answers no data.
   */
  readonly metricSeries = new Map<string, () => { at: number; value: number }[]>();
  /** The queries of every GetMetricData call, in order. */
  readonly metricCalls: MetricDataQuery[][] = [];
  /** Whether a new task set ever reaches STEADY_STATE. */
  greenSteadies = true;
  /** The next listener or rule change answers success but leaves the actions as they were. */
  ignoreNextModify = false;
  /** How long tasks take to start after a task set is created or scaled up (stopping is instant). */
  taskStartMs = 0;
  /** Running tasks of the whole service right after each scale or delete, to check capacity. */
  readonly capacityHistory: { at: number; command: string; running: number }[] = [];
  // ── why green failed, and the control channel's tags ──
  /** Service events as DescribeServices returns them (newest first). */
  serviceEvents: ServiceEvent[] = [];
  /** Stopped tasks, served by ListTasks (filtered by startedBy) and DescribeTasks. */
  stoppedTasks: Task[] = [];
  /** Targets reported beside the healthy ones by DescribeTargetHealth, by target group. */
  readonly unhealthyTargets = new Map<string, TargetHealthDescription[]>();
  /** The service's own tags (ECS-controller services carry the control channel there). */
  serviceTags: Record<string, string> = {};
  /** The containers DescribeTaskDefinition describes for every `api:N`. */
  containerDefinitions: ContainerDefinition[] = [
    { name: 'app', image: 'shop/api:1', portMappings: [{ containerPort: 80 }] },
  ];
  /** Launch settings the service itself carries, as DescribeServices returns them (none by default). */
  serviceLaunch: Partial<Service> = {};
  private readonly running = new Map<string, number>([[BLUE_TASK_SET, 4]]);
  private readonly scaledAt = new Map<string, number>();
  /** Whether a CreateTaskSet client token seen before returns its task set (false: moto_server creates anyway). */
  honoursClientToken = true;
  /** CreateTaskSet client tokens seen, and the task set each created. */
  private readonly createTokens = new Map<string, string>();
  /** Answers still to lose after the effect, by command (see loseAnswers). */
  private readonly lostAnswers = new Map<string, number>();
  /** Errors to throw from the next calls of a command. */
  private readonly failures = new Map<string, Error[]>();
  /** Windows of fake time in which calls fail (an outage, a throttling storm). */
  private readonly outages: { from: number; until: number; error: Error; commands: string[] | undefined }[] =
    [];
  /** Commands whose next calls never answer (a request that hangs). */
  private readonly hangs = new Map<string, number>();
  /** What someone else does right after the next call of a command took effect. */
  private readonly meanwhile = new Map<string, () => void>();
  private nextId = 2;
  /** ECR, SSM, Secrets Manager, IAM and CloudWatch Logs as verify reads them, and release tasks. */
  readonly resources: FakeResources;

  constructor(private readonly clock: FakeClock) {
    this.resources = new FakeResources(clock, (command, run) => this.call(command, run));
    this.taskSets.push({
      taskSetArn: BLUE_TASK_SET,
      status: 'PRIMARY',
      taskDefinition: `${ACCOUNT}:task-definition/api:1`,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      loadBalancers: [{ targetGroupArn: BLUE_TG, containerName: 'app', containerPort: 80 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
      scale: { unit: 'PERCENT', value: 100 },
      stabilityStatus: 'STEADY_STATE',
      computedDesiredCount: 4,
      runningCount: 4,
      createdAt: new Date(clock.now() - 86_400_000),
      tags: [],
    });
    const forward = (blue: number, green: number): Action[] => [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE_TG, Weight: blue },
            { TargetGroupArn: GREEN_TG, Weight: green },
          ],
        },
      },
    ];
    this.actions.set(LISTENER, forward(100, 0));
    this.actions.set(TEST_LISTENER, forward(100, 0));
    this.install();
  }

  /** The SDK-backed ports the engine uses, over the mocked clients. */
  ports(): { ecs: SdkEcs; lb: SdkLoadBalancer; cloudwatch: SdkCloudWatch } & ReturnType<
    FakeResources['ports']
  > {
    const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    return {
      ...this.resources.ports(new ECSClient(config)),
      ecs: new SdkEcs(new ECSClient(config)),
      lb: new SdkLoadBalancer(new ElasticLoadBalancingV2Client(config)),
      cloudwatch: new SdkCloudWatch(new CloudWatchClient(config)),
    };
  }

  addAlarm(
    name: string,
    state: AlarmState = 'OK',
    type: 'metric' | 'composite' = 'metric',
    periodSeconds?: number,
  ): void {
    this.alarms.set(name, {
      type,
      ...(periodSeconds ? { periodSeconds } : {}),
      state,
      reason: state === 'OK' ? 'Threshold not crossed' : `${name} crossed`,
      updatedAt: this.clock.now(),
    });
  }

  /** Sets an alarm's state as CloudWatch does: a change of state is stamped and kept in its history. */
  setAlarm(name: string, state: AlarmState, reason = `Threshold crossed: ${name}`): void {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`no alarm ${name}`);
    if (alarm.state !== state) {
      this.alarmHistory.push({ name, at: this.clock.now(), from: alarm.state, to: state, reason });
      alarm.updatedAt = this.clock.now();
    }
    alarm.state = state;
    alarm.reason = reason;
  }

  /** Makes the next `times` calls of `command` fail with `error`. */
  fail(command: string, error: Error, times = 1): void {
    this.failures.set(command, [...(this.failures.get(command) ?? []), ...Array<Error>(times).fill(error)]);
  }

  /**
   * From now until `ms` of fake time have passed, every call of `commands` (of every command when none is
   * named) fails with `error`: an outage or a throttling storm, as the SDK surfaces it after its retries.
   */
  failFor(ms: number, error: Error, commands?: string[]): void {
    this.outages.push({ from: this.clock.now(), until: this.clock.now() + ms, error, commands });
  }

  /**
   * The next `times` answers of CreateTaskSet are lost after ECS created the task set (a 500 or a dropped
   * connection after the effect). The SDK sends the request again, up to SDK_MAX_ATTEMPTS a call; a call
   * whose every attempt lost its answer fails with a ServerException, as the SDK surfaces it.
   */
  loseAnswers(command: 'CreateTaskSet', times: number): void {
    this.lostAnswers.set(command, (this.lostAnswers.get(command) ?? 0) + times);
  }

  /**
   * CreateTaskSet's effect. With a `clientToken` ECS has seen (API reference, CreateTaskSet: "An identifier
   * that you provide to ensure the idempotency of the request"), the task set that token made is returned and
   * nothing is created.
   */
  private createTaskSet(input: Partial<TaskSet> & { clientToken?: string }): TaskSet {
    const { clientToken, ...fields } = input;
    const earlier = clientToken && this.honoursClientToken && this.createTokens.get(clientToken);
    const existing = earlier && this.taskSets.find((t) => t.taskSetArn === earlier);
    if (existing) return existing;
    const set: TaskSet = {
      ...fields,
      taskSetArn: `${ACCOUNT}:task-set/web/api/ecs-svc/${String(this.nextId++).padStart(19, '0')}`,
      status: 'ACTIVE',
      createdAt: new Date(this.clock.now()),
    };
    if (clientToken) this.createTokens.set(clientToken, set.taskSetArn!);
    this.taskSets.push(set);
    this.scaled(set.taskSetArn!, 'CreateTaskSet', true);
    return set;
  }

  /** The next `times` calls of `command` never answer. */
  hang(command: string, times = 1): void {
    this.hangs.set(command, (this.hangs.get(command) ?? 0) + times);
  }

  /**
   * Runs `act` once, right after the next call of `command` took effect: someone else acting in AWS while the
   * code under test is between two calls (an operator deleting a task set mid-rollback).
   */
  afterNext(command: string, act: () => void): void {
    this.meanwhile.set(command, act);
  }

  /** Deletes a task set as someone else would (DeleteTaskSet from the console), with no call recorded. */
  removeTaskSet(arn: string): void {
    this.taskSets = this.taskSets.filter((t) => t.taskSetArn !== arn);
    this.running.delete(arn);
  }

  /** The service as created with only a name: no task set yet (its first deploy creates one). */
  empty(): this {
    this.taskSets = [];
    this.running.clear();
    return this;
  }

  weights(arn = LISTENER): Record<string, number> {
    const forward = this.actions.get(arn)!.find((a) => a.Type === 'forward')!;
    return Object.fromEntries(
      (forward.ForwardConfig?.TargetGroups ?? []).map((g) => [g.TargetGroupArn!, g.Weight!]),
    );
  }

  primary(): TaskSet | undefined {
    return this.taskSets.find((t) => t.status === 'PRIMARY');
  }

  others(): TaskSet[] {
    return this.taskSets.filter((t) => t.status !== 'PRIMARY');
  }

  count(command: string): number {
    return this.calls.filter((c) => c === command).length;
  }

  /** Records a call by command name and throws the next failure queued for it (also for fake-ecs-deployments). */
  call<T>(command: string, run: () => T): T | Promise<T> {
    this.calls.push(command);
    const hanging = this.hangs.get(command) ?? 0;
    if (hanging > 0) {
      this.hangs.set(command, hanging - 1);
      return new Promise<T>(() => undefined);
    }
    const now = this.clock.now();
    const outage = this.outages.find(
      (o) => now >= o.from && now < o.until && (!o.commands || o.commands.includes(command)),
    );
    if (outage) throw outage.error;
    const queued = this.failures.get(command);
    if (queued?.length) throw queued.shift()!;
    const result = run();
    const act = this.meanwhile.get(command);
    if (act) {
      this.meanwhile.delete(command);
      act();
    }
    return result;
  }

  /** Running tasks across the service now. */
  runningTasks(): number {
    return this.taskSets.reduce((sum, set) => sum + (this.refresh(set).runningCount ?? 0), 0);
  }

  private refresh(set: TaskSet): TaskSet {
    const arn = set.taskSetArn!;
    const desired = Math.ceil((this.desiredCount * (set.scale?.value ?? 0)) / 100);
    const canStart = arn === BLUE_TASK_SET || this.greenSteadies;
    const started = this.clock.now() >= (this.scaledAt.get(arn) ?? 0) + this.taskStartMs;
    let running = this.running.get(arn) ?? 0;
    if (desired < running || (desired > running && canStart && started)) running = desired;
    this.running.set(arn, running);
    set.computedDesiredCount = desired;
    set.runningCount = running;
    set.stabilityStatus = running === desired ? 'STEADY_STATE' : 'STABILIZING';
    return set;
  }

  /** After a task set was created or scaled: a scale-up starts its tasks' start-up clock. */
  private scaled(arn: string, command: string, up: boolean): void {
    if (up) this.scaledAt.set(arn, this.clock.now());
    this.recordCapacity(command);
  }

  private recordCapacity(command: string): void {
    this.capacityHistory.push({ at: this.clock.now(), command, running: this.runningTasks() });
  }

  private install(): void {
    const ecs = this.ecsMock;
    ecs.on(DescribeServicesCommand).callsFake(() =>
      this.call('DescribeServices', () => ({
        services: [
          {
            serviceArn: `${ACCOUNT}:service/web/api`,
            serviceName: 'api',
            clusterArn: `${ACCOUNT}:cluster/web`,
            status: 'ACTIVE',
            desiredCount: this.desiredCount,
            deploymentController: { type: this.controller },
            ...this.serviceLaunch,
            taskSets: this.taskSets,
            events: this.serviceEvents,
          },
        ],
      })),
    );
    ecs.on(DescribeTaskSetsCommand).callsFake((input: { taskSets?: string[] }) =>
      this.call('DescribeTaskSets', () => ({
        taskSets: this.taskSets
          .filter((t) => !input.taskSets || input.taskSets.includes(t.taskSetArn!))
          .map((t) => this.refresh(t)),
      })),
    );
    ecs.on(RegisterTaskDefinitionCommand).callsFake((input: { family: string }) =>
      this.call('RegisterTaskDefinition', () => ({
        taskDefinition: { taskDefinitionArn: `${ACCOUNT}:task-definition/${input.family}:${this.nextId++}` },
      })),
    );
    ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) =>
      this.call('DescribeTaskDefinition', () => {
        if (!/api:\d+$/.test(input.taskDefinition)) {
          throw Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' });
        }
        return {
          taskDefinition: {
            taskDefinitionArn: `${ACCOUNT}:task-definition/${input.taskDefinition.split('/').at(-1)}`,
            family: 'api',
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            containerDefinitions: structuredClone(this.containerDefinitions),
          },
        };
      }),
    );
    ecs
      .on(CreateTaskSetCommand)
      .callsFake((input: Partial<TaskSet> & { tags?: TaskSet['tags']; clientToken?: string }) =>
        this.call('CreateTaskSet', () => {
          // One call of the SDK is up to SDK_MAX_ATTEMPTS requests: an answer lost after the create is sent
          // again, with the same body (and so the same clientToken), before the caller hears of it.
          for (let attempt = 1; ; attempt++) {
            const set = this.createTaskSet(input);
            const lost = this.lostAnswers.get('CreateTaskSet') ?? 0;
            if (lost === 0) return { taskSet: this.refresh(set) };
            this.lostAnswers.set('CreateTaskSet', lost - 1);
            if (attempt === SDK_MAX_ATTEMPTS) {
              throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
                name: 'ServerException',
                $metadata: { httpStatusCode: 500 },
              });
            }
          }
        }),
      );
    ecs.on(UpdateTaskSetCommand).callsFake((input: { taskSet: string; scale: TaskSet['scale'] }) =>
      this.call('UpdateTaskSet', () => {
        const set = this.find(input.taskSet);
        const before = set.scale?.value ?? 0;
        set.scale = input.scale;
        this.scaled(input.taskSet, 'UpdateTaskSet', (input.scale?.value ?? 0) > before);
        return { taskSet: this.refresh(set) };
      }),
    );
    ecs.on(UpdateServicePrimaryTaskSetCommand).callsFake((input: { primaryTaskSet: string }) =>
      this.call('UpdateServicePrimaryTaskSet', () => {
        this.find(input.primaryTaskSet);
        for (const t of this.taskSets)
          t.status = t.taskSetArn === input.primaryTaskSet ? 'PRIMARY' : 'ACTIVE';
        return {};
      }),
    );
    ecs.on(DeleteTaskSetCommand).callsFake((input: { taskSet: string }) =>
      this.call('DeleteTaskSet', () => {
        this.find(input.taskSet);
        this.taskSets = this.taskSets.filter((t) => t.taskSetArn !== input.taskSet);
        this.running.delete(input.taskSet);
        this.recordCapacity('DeleteTaskSet');
        return {};
      }),
    );
    ecs
      .on(TagResourceCommand)
      .callsFake((input: { resourceArn: string; tags: { key: string; value: string }[] }) =>
        this.call('TagResource', () => {
          if (input.resourceArn === SERVICE_ARN) {
            for (const t of input.tags) this.serviceTags[t.key] = t.value;
            return {};
          }
          const set = this.find(input.resourceArn);
          const tags = new Map((set.tags ?? []).map((t) => [t.key!, t.value!]));
          for (const t of input.tags) tags.set(t.key, t.value);
          set.tags = [...tags].map(([key, value]) => ({ key, value }));
          return {};
        }),
      );

    this.installControl();

    const elb = this.elbMock;
    // DescribeListeners and DescribeRules (API reference): by ARN, or every listener of a load balancer
    // (`LoadBalancerArn`) and every rule of a listener (`ListenerArn`). Listener and rule ARNs share the load
    // balancer's path (`listener/app/shop/<lb-id>/<listener-id>`, `listener-rule/app/shop/<lb-id>/<listener-id>/...`).
    const path = (arn: string) => arn.replace(/^.*:(loadbalancer|listener|listener-rule)\//, '');
    elb
      .on(DescribeListenersCommand)
      .callsFake((input: { ListenerArns?: string[]; LoadBalancerArn?: string }) =>
        this.call('DescribeListeners', () => ({
          Listeners: (
            input.ListenerArns ??
            [...this.actions.keys()].filter(
              (arn) => arn.includes(':listener/') && path(arn).startsWith(`${path(input.LoadBalancerArn!)}/`),
            )
          ).map((arn) => ({
            ListenerArn: arn,
            DefaultActions: structuredClone(this.actions.get(arn)),
          })),
        })),
      );
    elb.on(DescribeRulesCommand).callsFake((input: { RuleArns?: string[]; ListenerArn?: string }) =>
      this.call('DescribeRules', () => ({
        Rules: (
          input.RuleArns ??
          [...this.actions.keys()].filter(
            (arn) => arn.includes(':listener-rule/') && path(arn).startsWith(`${path(input.ListenerArn!)}/`),
          )
        ).map((arn) => ({
          RuleArn: arn,
          IsDefault: false,
          Actions: structuredClone(this.actions.get(arn)),
        })),
      })),
    );
    elb.on(ModifyListenerCommand).callsFake((input: { ListenerArn: string; DefaultActions: Action[] }) =>
      this.call('ModifyListener', () => ({
        Listeners: [
          {
            ListenerArn: input.ListenerArn,
            DefaultActions: this.modify(input.ListenerArn, input.DefaultActions),
          },
        ],
      })),
    );
    elb.on(ModifyRuleCommand).callsFake((input: { RuleArn: string; Actions: Action[] }) =>
      this.call('ModifyRule', () => ({
        Rules: [{ RuleArn: input.RuleArn, Actions: this.modify(input.RuleArn, input.Actions) }],
      })),
    );
    // DescribeTargetGroups (API_DescribeTargetGroups): `TargetGroupArns` given, each group with its
    // `LoadBalancerArns`; any ARN that names no group fails the call with TargetGroupNotFound.
    elb.on(DescribeTargetGroupsCommand).callsFake((input: { TargetGroupArns?: string[] }) =>
      this.call('DescribeTargetGroups', () => {
        const arns = input.TargetGroupArns ?? [...this.targetGroupLoadBalancers.keys()];
        const missing = arns.find((arn) => !this.targetGroupLoadBalancers.has(arn));
        if (missing) {
          throw Object.assign(new Error('One or more target groups not found'), {
            name: 'TargetGroupNotFoundException',
          });
        }
        return {
          TargetGroups: arns.map((arn) => ({
            TargetGroupArn: arn,
            LoadBalancerArns: [...this.targetGroupLoadBalancers.get(arn)!],
          })),
        };
      }),
    );
    elb.on(DescribeTargetHealthCommand).callsFake((input: { TargetGroupArn: string }) =>
      this.call('DescribeTargetHealth', () => {
        // Every task set behind the group registers its running tasks (a kept one at 0% has none).
        const running = this.taskSets
          .filter((t) => t.loadBalancers?.[0]?.targetGroupArn === input.TargetGroupArn)
          .reduce((sum, t) => sum + (this.refresh(t).runningCount ?? 0), 0);
        return {
          TargetHealthDescriptions: [
            ...Array.from({ length: running }, () => ({ TargetHealth: { State: 'healthy' } })),
            ...(this.unhealthyTargets.get(input.TargetGroupArn) ?? []),
          ],
        };
      }),
    );

    // DescribeAlarms as the CloudWatch API reference describes it (API_DescribeAlarms): `AlarmNames`
    // (at most 100 items) or `AlarmNamePrefix` ("If this parameter is specified, you cannot specify
    // AlarmNames"); `StateValue` returns "only alarms that are currently in the state that you
    // specify"; `MaxRecords` is 1 to 100 and `NextToken` continues the listing; `AlarmTypes` omitted
    // means metric alarms only; MetricAlarm and CompositeAlarm carry `StateUpdatedTimestamp`. The
    // reference leaves the order and the default page size open: the fake lists by name, 50 a page.
    this.cwMock.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) =>
      this.call('DescribeAlarms', () => {
        if ((input.AlarmNames?.length ?? 0) > 100) throw new Error('at most 100 alarm names a call');
        if (input.AlarmNames && input.AlarmNamePrefix) {
          throw Object.assign(new Error('AlarmNamePrefix and AlarmNames cannot both be given'), {
            name: 'InvalidParameterCombination',
          });
        }
        const max = input.MaxRecords ?? 50;
        if (max < 1 || max > 100) throw new Error('MaxRecords must be between 1 and 100');
        const types = input.AlarmTypes ?? ['MetricAlarm'];
        const matching = (input.AlarmNames ?? [...this.alarms.keys()])
          .filter((name) => this.alarms.has(name))
          .filter((name) => name.startsWith(input.AlarmNamePrefix ?? ''))
          .map((name) => ({ name, ...this.alarms.get(name)! }))
          .filter((a) => !input.StateValue || a.state === input.StateValue)
          .filter((a) => types.includes(a.type === 'metric' ? 'MetricAlarm' : 'CompositeAlarm'))
          .sort((a, b) => (a.name < b.name ? -1 : 1));
        const start = input.NextToken ? Number(input.NextToken) : 0;
        const page = matching.slice(start, start + max);
        const view = (a: (typeof page)[number]) => ({
          AlarmName: a.name,
          ...(a.periodSeconds ? { Period: a.periodSeconds } : {}),
          StateValue: a.state,
          StateReason: a.reason,
          ...(a.updatedAt !== undefined ? { StateUpdatedTimestamp: new Date(a.updatedAt) } : {}),
        });
        return {
          MetricAlarms: page.filter((a) => a.type === 'metric').map(view),
          CompositeAlarms: page.filter((a) => a.type === 'composite').map(view),
          ...(start + max < matching.length ? { NextToken: String(start + max) } : {}),
        };
      }),
    );
    // DescribeAlarmHistory (API_DescribeAlarmHistory): without `AlarmName`, the history of every alarm
    // (kept after an alarm is deleted); `HistoryItemType` `StateUpdate`, `StartDate`/`EndDate`,
    // `AlarmTypes` as above, `MaxRecords` 1 to 100 with `NextToken`, `ScanBy` `TimestampDescending`
    // (newest first, the fake's default) or `TimestampAscending`. `HistoryData` is JSON with `oldState`
    // and `newState`; the summary reads "Alarm updated from OK to ALARM".
    this.cwMock.on(DescribeAlarmHistoryCommand).callsFake((input: DescribeAlarmHistoryCommandInput) =>
      this.call('DescribeAlarmHistory', () => {
        const max = input.MaxRecords ?? 50;
        const items = this.alarmHistory
          .filter((h) => !input.AlarmName || h.name === input.AlarmName)
          .filter((h) => (input.AlarmTypes ?? ['MetricAlarm']).includes(this.alarmType(h.name)))
          .filter((h) => !input.StartDate || h.at >= input.StartDate.getTime())
          .filter((h) => !input.EndDate || h.at <= input.EndDate.getTime())
          .sort((a, b) => (input.ScanBy === 'TimestampAscending' ? a.at - b.at : b.at - a.at));
        const start = input.NextToken ? Number(input.NextToken) : 0;
        return {
          AlarmHistoryItems: items.slice(start, start + max).map((h) => ({
            AlarmName: h.name,
            AlarmType: this.alarmType(h.name),
            Timestamp: new Date(h.at),
            HistoryItemType: 'StateUpdate',
            HistorySummary: `Alarm updated from ${h.from} to ${h.to}`,
            HistoryData: JSON.stringify({
              version: '1.0',
              oldState: { stateValue: h.from },
              newState: { stateValue: h.to, stateReason: h.reason },
            }),
          })),
          ...(start + max < items.length ? { NextToken: String(start + max) } : {}),
        };
      }),
    );
    this.cwMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) =>
      this.call('GetMetricData', () => {
        const queries = input.MetricDataQueries ?? [];
        if (queries.length > 500) throw new Error('at most 500 queries a call');
        this.metricCalls.push(queries);
        const start = new Date(input.StartTime!).getTime();
        const end = new Date(input.EndTime!).getTime();
        return {
          MetricDataResults: queries.map((q) => {
            const series = this.metricSeries.get(seriesKey(q));
            if (!series) return { Id: q.Id, Values: q.Id === 'requests' ? [this.requestCount] : [] };
            const points = series().filter((p) => p.at >= start && p.at < end);
            return {
              Id: q.Id,
              Label: q.Id,
              Timestamps: points.map((p) => new Date(p.at)),
              Values: points.map((p) => p.value),
            };
          }),
        };
      }),
    );
  }

  /** ListTagsForResource, UntagResource, ListTasks and DescribeTasks, for diagnostics and the control channel. */
  private installControl(): void {
    const ecs = this.ecsMock;
    const tagsOf = (arn: string): Record<string, string> =>
      arn === SERVICE_ARN
        ? this.serviceTags
        : Object.fromEntries((this.find(arn).tags ?? []).map((t) => [t.key!, t.value!]));
    ecs.on(ListTagsForResourceCommand).callsFake((input: { resourceArn: string }) =>
      this.call('ListTagsForResource', () => ({
        tags: Object.entries(tagsOf(input.resourceArn)).map(([key, value]) => ({ key, value })),
      })),
    );
    ecs.on(UntagResourceCommand).callsFake((input: { resourceArn: string; tagKeys: string[] }) =>
      this.call('UntagResource', () => {
        if (input.resourceArn === SERVICE_ARN) {
          for (const key of input.tagKeys) delete this.serviceTags[key];
        } else {
          const set = this.find(input.resourceArn);
          set.tags = (set.tags ?? []).filter((t) => !input.tagKeys.includes(t.key!));
        }
        return {};
      }),
    );
    ecs.on(ListTasksCommand).callsFake((input: { startedBy?: string; desiredStatus?: string }) =>
      this.call('ListTasks', () => ({
        taskArns: this.stoppedTasks
          .filter((t) => !input.startedBy || t.startedBy === input.startedBy)
          .filter(() => !input.desiredStatus || input.desiredStatus === 'STOPPED')
          .map((t) => t.taskArn!),
      })),
    );
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) =>
      this.call('DescribeTasks', () => ({
        tasks: [
          ...this.stoppedTasks.filter((t) => input.tasks.includes(t.taskArn!)),
          ...this.resources.describeTasks(input.tasks),
        ],
      })),
    );
    this.resources.installTasks(ecs);
  }

  /**
   * Applies new actions and returns them as AWS does, unless `ignoreNextModify` drops the change. Copies
   * both ways, as the wire does, so a test's change to the listener never reaches the code's own copy.
   */
  private modify(arn: string, actions: Action[]): Action[] {
    if (this.ignoreNextModify) {
      this.ignoreNextModify = false;
    } else {
      this.actions.set(arn, structuredClone(actions));
      if (arn === LISTENER) this.weightHistory.push({ at: this.clock.now(), weights: this.weights(arn) });
    }
    return structuredClone(this.actions.get(arn)!);
  }

  private alarmType(name: string): 'MetricAlarm' | 'CompositeAlarm' {
    return this.alarms.get(name)?.type === 'composite' ? 'CompositeAlarm' : 'MetricAlarm';
  }

  private find(arn: string): TaskSet {
    const set = this.taskSets.find((t) => t.taskSetArn === arn);
    if (!set)
      throw Object.assign(new Error(`task set ${arn} not found`), { name: 'TaskSetNotFoundException' });
    return set;
  }
}
