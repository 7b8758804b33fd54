import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type AlarmHistoryItem,
  type CompositeAlarm,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { chunks, mapBounded } from './bounded.js';

/** A CloudWatch alarm state. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** CloudWatch takes at most 100 alarm names in one DescribeAlarms call. */
export const ALARM_BATCH = 100;

/**
 * Requests of one batched read in flight at once, for a read a breach waits on: a poll's read of the
 * alarms in a breaching state by name batch (where an account-wide read is not allowed), and
 * GetMetricData. 5,000 alarm names are 50 DescribeAlarms calls, sent three at a time rather than as one
 * burst five times CloudWatch's default quota of 9 a second.
 */
export const BATCHES_IN_FLIGHT = 3;

/**
 * Requests in flight for a read of every named alarm whatever its state: the full read at validation
 * and once a minute beside the polls. One at a time: CloudWatch's default DescribeAlarms quota is 9 a
 * second per account and region, so the 50 calls of 5,000 names take over 5 s at any concurrency once
 * the quota binds, and one at a time leaves its room to the polls of other deploys. It also parses one
 * answer of 100 alarms (about 140 KB of JSON) at a time: three at once raised the peak memory of a deploy
 * watching 5,000 alarms by about 10 MiB (docs/benchmark.md).
 */
export const FULL_READ_IN_FLIGHT = 1;

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
  /**
   * The least time (ms) this alarm stays in a state it enters: CloudWatch evaluates an alarm once a
   * period, and at least once a minute, so it cannot enter ALARM and leave it again sooner. Known for a
   * metric alarm (its `Period`, or its metric-math queries' shortest); unknown for a composite alarm.
   */
  holdsStateMs?: number;
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
   * Every alarm of the account and region in `state` (DescribeAlarms with `StateValue` alone), and the
   * calls it took (one a page of 100). Optional: a port without it is read by name and prefix.
   */
  alarmsInState?(state: AlarmStateValue): Promise<{ alarms: AlarmState[]; calls: number }>;
  /**
   * Every alarm state change in the account and region at or after `since` (DescribeAlarmHistory,
   * `StateUpdate` items, metric and composite alarms). Optional: a port without it has no history.
   */
  stateChangesSince?(since: Date): Promise<AlarmTransition[]>;
  /** Sum of `AWS/ApplicationELB` `RequestCount` for one target group of one load balancer since `start`. */
  requestCount(loadBalancerArn: string, targetGroupArn: string, start: Date, end: Date): Promise<number>;
  /** Reads metrics and metric-math expressions over [start, end): one GetMetricData call per 500 queries. */
  getMetricData(queries: readonly MetricQuery[], start: Date, end: Date): Promise<MetricSeries[]>;
}

/** GetMetricData takes at most 500 queries a call. */
export const METRIC_QUERY_BATCH = 500;

/** One GetMetricData query: a metric with a statistic, or a metric-math expression. */
export interface MetricQuery {
  /** Starts with a lower-case letter; letters, digits and underscores. */
  id: string;
  metric?: { namespace: string; name: string; dimensions: { name: string; value: string }[]; stat: string };
  expression?: string;
  periodSeconds: number;
}

/** One time series answered for a query (an expression may answer several with the same id). */
export interface MetricSeries {
  id: string;
  label: string;
  timestamps: Date[];
  values: number[];
}

/** `CloudWatchPort` over the AWS SDK. */
export class SdkCloudWatch implements CloudWatchPort {
  constructor(private readonly client: CloudWatchClient) {}

  async describeAlarms(names: readonly string[], options: AlarmReadOptions = {}): Promise<AlarmState[]> {
    const inFlight = options.state ? BATCHES_IN_FLIGHT : FULL_READ_IN_FLIGHT;
    const results = await mapBounded(chunks(names, ALARM_BATCH), inFlight, (batch) =>
      this.read({
        AlarmNames: batch,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: ALARM_BATCH,
        ...(options.state ? { StateValue: options.state } : {}),
      }),
    );
    return results.flat();
  }

  async alarmsInState(state: AlarmStateValue): Promise<{ alarms: AlarmState[]; calls: number }> {
    const counted = { calls: 0 };
    const alarms = await this.read(
      { StateValue: state, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: ALARM_BATCH },
      counted,
    );
    return { alarms, calls: counted.calls };
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

  async getMetricData(queries: readonly MetricQuery[], start: Date, end: Date): Promise<MetricSeries[]> {
    const results = await mapBounded(chunks(queries, METRIC_QUERY_BATCH), BATCHES_IN_FLIGHT, (batch) =>
      this.readMetrics(batch, start, end),
    );
    return results.flat();
  }

  private async readMetrics(
    queries: readonly MetricQuery[],
    start: Date,
    end: Date,
  ): Promise<MetricSeries[]> {
    // A page holds at most 100,800 data points; later pages continue the same series.
    const series = new Map<string, MetricSeries>();
    let NextToken: string | undefined;
    do {
      const out = await this.client.send(
        new GetMetricDataCommand({
          StartTime: start,
          EndTime: end,
          MetricDataQueries: queries.map(toQuery),
          NextToken,
        }),
      );
      for (const result of out.MetricDataResults ?? []) {
        const key = `${result.Id}\u0000${result.Label ?? ''}`;
        const found = series.get(key) ?? {
          id: result.Id ?? '',
          label: result.Label ?? '',
          timestamps: [],
          values: [],
        };
        found.timestamps.push(...(result.Timestamps ?? []));
        found.values.push(...(result.Values ?? []));
        series.set(key, found);
      }
      NextToken = out.NextToken;
    } while (NextToken);
    return [...series.values()];
  }

  private async read(
    input: ConstructorParameters<typeof DescribeAlarmsCommand>[0],
    counted?: { calls: number },
  ): Promise<AlarmState[]> {
    const found: AlarmState[] = [];
    let NextToken: string | undefined;
    do {
      const out = await this.client.send(new DescribeAlarmsCommand({ ...input, NextToken }));
      if (counted) counted.calls++;
      for (const alarm of out.MetricAlarms ?? []) found.push(toState(alarm, 'metric'));
      for (const alarm of out.CompositeAlarms ?? []) found.push(toState(alarm, 'composite'));
      NextToken = out.NextToken;
    } while (NextToken);
    return found;
  }
}

/** CloudWatch evaluates an alarm at least once a minute, whatever its period. */
const EVALUATED_AT_LEAST_EVERY_MS = 60_000;

// Only the few fields the watch uses are kept: the SDK's full alarm (dimensions, actions, metric-math
// queries) is garbage as soon as this returns, rather than held for the whole deploy.
function toState(alarm: MetricAlarm | CompositeAlarm, type: AlarmState['type']): AlarmState {
  const changed = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
  const period = type === 'metric' ? periodOf(alarm as MetricAlarm) : undefined;
  return {
    name: alarm.AlarmName ?? '',
    type,
    state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue,
    reason: alarm.StateReason ?? '',
    ...(changed ? { changedAt: changed.getTime() } : {}),
    ...(period ? { holdsStateMs: Math.min(period * 1000, EVALUATED_AT_LEAST_EVERY_MS) } : {}),
  };
}

/** A metric alarm's period in seconds: its own, or the shortest of its metric-math queries'. */
function periodOf(alarm: MetricAlarm): number | undefined {
  if (alarm.Period) return alarm.Period;
  const periods = (alarm.Metrics ?? []).flatMap((m) => {
    const p = m.MetricStat?.Period ?? m.Period;
    return p ? [p] : [];
  });
  return periods.length ? Math.min(...periods) : undefined;
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

function toQuery(query: MetricQuery): MetricDataQuery {
  if (query.expression !== undefined) {
    return { Id: query.id, Expression: query.expression, Period: query.periodSeconds };
  }
  const metric = query.metric!;
  return {
    Id: query.id,
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.name,
        Dimensions: metric.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
      },
      Period: query.periodSeconds,
      Stat: metric.stat,
    },
  };
}

/** The CloudWatch dimension value of an ELB ARN: `targetgroup/name/id` or `app/name/id`. */
export function dimensionOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.startsWith('loadbalancer/') ? resource.slice('loadbalancer/'.length) : resource;
}
