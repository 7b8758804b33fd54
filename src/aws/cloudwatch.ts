import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
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
}

/** The CloudWatch calls a deploy or gate makes. */
export interface CloudWatchPort {
  /** The states of the named alarms that exist (any number of names; read in batches of 100). */
  describeAlarms(names: readonly string[]): Promise<AlarmState[]>;
  /** Every alarm whose name starts with `prefix`. */
  alarmsWithPrefix(prefix: string): Promise<AlarmState[]>;
  /** Sum of `AWS/ApplicationELB` `RequestCount` for one target group of one load balancer since `start`. */
  requestCount(loadBalancerArn: string, targetGroupArn: string, start: Date, end: Date): Promise<number>;
}

/** `CloudWatchPort` over the AWS SDK. */
export class SdkCloudWatch implements CloudWatchPort {
  constructor(private readonly client: CloudWatchClient) {}

  async describeAlarms(names: readonly string[]): Promise<AlarmState[]> {
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += ALARM_BATCH) batches.push(names.slice(i, i + ALARM_BATCH));
    const results = await Promise.all(
      batches.map((batch) =>
        this.read({
          AlarmNames: batch,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          MaxRecords: ALARM_BATCH,
        }),
      ),
    );
    return results.flat();
  }

  alarmsWithPrefix(prefix: string): Promise<AlarmState[]> {
    return this.read({
      AlarmNamePrefix: prefix,
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
    });
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
  return {
    name: alarm.AlarmName ?? '',
    type,
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue,
    reason: alarm.StateReason ?? '',
  };
}

/** The CloudWatch dimension value of an ELB ARN: `targetgroup/name/id` or `app/name/id`. */
export function dimensionOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.startsWith('loadbalancer/') ? resource.slice('loadbalancer/'.length) : resource;
}
