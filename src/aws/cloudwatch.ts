import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type AlarmHistoryItem,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';

/** A CloudWatch alarm state. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** CloudWatch takes at most 100 alarm names in one DescribeAlarms call. */
export const ALARM_BATCH = 100;

/** One alarm's state. */
export interface AlarmState {
  name: string;
  type: 'metric' | 'composite';
  state: AlarmStateValue;
  reason: string;
  /**
   * When its state last changed (epoch ms, CloudWatch's clock): `StateTransitionedTimestamp`, or
   * `StateUpdatedTimestamp` where CloudWatch (or an emulator) gives only that.
   */
  changedAt?: number;
}

/** One state change of an alarm, from its history. */
export interface AlarmTransition {
  name: string;
  /** Epoch ms, CloudWatch's clock. */
  at: number;
  from?: AlarmStateValue;
  to: AlarmStateValue;
  reason: string;
}

/** Narrows a DescribeAlarms read. */
export interface AlarmReadOptions {
  /** Only alarms currently in this state (DescribeAlarms `StateValue`). */
  state?: AlarmStateValue;
}

/** The CloudWatch calls a deploy or gate makes. */
export interface CloudWatchPort {
  /** The states of the named alarms that exist (any number of names; read in batches of 100). */
  describeAlarms(names: readonly string[], options?: AlarmReadOptions): Promise<AlarmState[]>;
  /** Every alarm whose name starts with `prefix`. */
  alarmsWithPrefix(prefix: string, options?: AlarmReadOptions): Promise<AlarmState[]>;
  /**
   * Every alarm state change in the account and region at or after `since` (DescribeAlarmHistory,
   * `StateUpdate` items, metric and composite alarms). Optional: a port without it has no history.
   */
  stateChangesSince?(since: Date): Promise<AlarmTransition[]>;
  /** Sum of `AWS/ApplicationELB` `RequestCount` for one target group of one load balancer since `start`. */
  requestCount(loadBalancerArn: string, targetGroupArn: string, start: Date, end: Date): Promise<number>;
}

/** `CloudWatchPort` over the AWS SDK. */
export class SdkCloudWatch implements CloudWatchPort {
  constructor(private readonly client: CloudWatchClient) {}

  async describeAlarms(names: readonly string[], options: AlarmReadOptions = {}): Promise<AlarmState[]> {
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += ALARM_BATCH) batches.push(names.slice(i, i + ALARM_BATCH));
    const results = await Promise.all(
      batches.map((batch) =>
        this.read({
          AlarmNames: batch,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: ALARM_BATCH,
          ...(options.state ? { StateValue: options.state } : {}),
        }),
      ),
    );
    return results.flat();
  }

  alarmsWithPrefix(prefix: string, options: AlarmReadOptions = {}): Promise<AlarmState[]> {
    return this.read({
      AlarmNamePrefix: prefix,
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: ALARM_BATCH,
      ...(options.state ? { StateValue: options.state } : {}),
    });
  }

  async stateChangesSince(since: Date): Promise<AlarmTransition[]> {
    const found: AlarmTransition[] = [];
    let NextToken: string | undefined;
    do {
      const out = await this.client.send(
        new DescribeAlarmHistoryCommand({
          HistoryItemType: 'StateUpdate',
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          StartDate: since,
          MaxRecords: ALARM_BATCH,
          NextToken,
        }),
      );
      for (const item of out.AlarmHistoryItems ?? []) {
        const transition = toTransition(item);
        if (transition) found.push(transition);
      }
      NextToken = out.NextToken;
    } while (NextToken);
    return found;
  }

  async requestCount(
    loadBalancerArn: string,
    targetGroupArn: string,
    start: Date,
    end: Date,
  ): Promise<number> {
    const out = await this.client.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: [
          {
            Id: 'requests',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ApplicationELB',
                MetricName: 'RequestCount',
                Dimensions: [
                  { Name: 'TargetGroup', Value: dimensionOf(targetGroupArn) },
                  { Name: 'LoadBalancer', Value: dimensionOf(loadBalancerArn) },
                ],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    return (out.MetricDataResults?.[0]?.Values ?? []).reduce((sum, v) => sum + v, 0);
  }

  private async read(input: ConstructorParameters<typeof DescribeAlarmsCommand>[0]): Promise<AlarmState[]> {
    const found: AlarmState[] = [];
    let NextToken: string | undefined;
    do {
      const out = await this.client.send(new DescribeAlarmsCommand({ ...input, NextToken }));
      for (const alarm of out.MetricAlarms ?? []) found.push(toState(alarm, 'metric'));
      for (const alarm of out.CompositeAlarms ?? []) found.push(toState(alarm, 'composite'));
      NextToken = out.NextToken;
    } while (NextToken);
    return found;
  }
}

function toState(alarm: MetricAlarm | CompositeAlarm, type: AlarmState['type']): AlarmState {
  const changed = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
  return {
    name: alarm.AlarmName ?? '',
    type,
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue,
    reason: alarm.StateReason ?? '',
    ...(changed ? { changedAt: changed.getTime() } : {}),
  };
}

const STATES: readonly string[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/**
 * A history item's transition. `HistoryData` is JSON with `oldState` and `newState` objects (each with
 * `stateValue` and `stateReason`); `HistorySummary` reads "Alarm updated from OK to ALARM".
 */
function toTransition(item: AlarmHistoryItem): AlarmTransition | undefined {
  if (!item.AlarmName || !item.Timestamp) return undefined;
  let from: string | undefined;
  let to: string | undefined;
  let reason = '';
  try {
    const data = JSON.parse(item.HistoryData ?? '{}') as {
      oldState?: { stateValue?: string };
      newState?: { stateValue?: string; stateReason?: string };
    };
    from = data.oldState?.stateValue;
    to = data.newState?.stateValue;
    reason = data.newState?.stateReason ?? '';
  } catch {
    // fall back to the summary below
  }
  const summary = /from (\w+) to (\w+)/.exec(item.HistorySummary ?? '');
  from ??= summary?.[1];
  to ??= summary?.[2];
  if (!to || !STATES.includes(to)) return undefined;
  return {
    name: item.AlarmName,
    at: item.Timestamp.getTime(),
    ...(from && STATES.includes(from) ? { from: from as AlarmStateValue } : {}),
    to: to as AlarmStateValue,
    reason,
  };
}

/** The CloudWatch dimension value of an ELB ARN: `targetgroup/name/id` or `app/name/id`. */
export function dimensionOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.startsWith('loadbalancer/') ? resource.slice('loadbalancer/'.length) : resource;
}
