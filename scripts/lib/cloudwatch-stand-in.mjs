// CloudWatch alarms for the benchmark, answered in the bench's own process: moto_server ignores
// StateValue next to AlarmNames or AlarmNamePrefix, returns every alarm in one page and has no
// DescribeAlarmHistory, so calls counted against it would not be the calls CloudWatch sees. This
// stand-in answers the AWS JSON 1.0 protocol the SDK speaks to CloudWatch (X-Amz-Target
// GraniteServiceVersion20100801.<Operation>, timestamps in epoch seconds) for the operations below,
// as the CloudWatch API reference describes them; everything else goes on to moto.

const TYPES = { metric: 'MetricAlarm', composite: 'CompositeAlarm' };

/** Alarms in memory, with the history of their state changes. */
export function createCloudWatchStandIn() {
  const alarms = new Map();
  const history = [];
  /** Every DescribeAlarms / DescribeAlarmHistory request: `{ at, op, caller, input, returned, alarmed }`. */
  const log = [];

  const stateChange = (name, alarm, state, reason) => {
    if (alarm.state === state) return;
    const at = Date.now();
    history.push({ name, at, from: alarm.state, to: state, reason });
    alarm.state = state;
    alarm.reason = reason;
    alarm.updatedAt = at;
  };

  /** API_DescribeAlarms: names (≤ 100) or a prefix; StateValue; MaxRecords 1–100 (default 50), NextToken. */
  function describeAlarms(input) {
    if ((input.AlarmNames?.length ?? 0) > 100) return error('ValidationError', 'at most 100 AlarmNames');
    if (input.AlarmNames && input.AlarmNamePrefix) {
      return error('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot both be given');
    }
    const max = input.MaxRecords ?? 50;
    const types = input.AlarmTypes ?? ['MetricAlarm'];
    const names = input.AlarmNames ? [...new Set(input.AlarmNames)].sort() : [...alarms.keys()].sort();
    const matching = names
      .filter((name) => alarms.has(name) && name.startsWith(input.AlarmNamePrefix ?? ''))
      .map((name) => ({ name, ...alarms.get(name) }))
      .filter((a) => !input.StateValue || a.state === input.StateValue)
      .filter((a) => types.includes(TYPES[a.type]));
    const start = Number(input.NextToken ?? 0);
    const page = matching.slice(start, start + max);
    // Every field CloudWatch returns for a typical alarm (API_MetricAlarm, API_CompositeAlarm), so the
    // bytes parsed per alarm, and the memory they take, are those of a real answer (about 1.4 KB of
    // JSON a metric alarm). The bench's metric alarms are one-minute alarms, as most are.
    const view = (a) => ({
      AlarmName: a.name,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a.name}`,
      AlarmDescription: `Target 5XX responses of ${a.name} over 1% for 3 of 3 minutes`,
      AlarmConfigurationUpdatedTimestamp: a.createdAt / 1000,
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:on-call'],
      InsufficientDataActions: [],
      StateValue: a.state,
      StateReason: a.reason,
      StateReasonData: JSON.stringify({
        version: '1.0',
        queryDate: new Date(a.updatedAt).toISOString(),
        startDate: new Date(a.updatedAt - 180_000).toISOString(),
        statistic: 'Sum',
        period: 60,
        recentDatapoints: [0, 0, 0],
        threshold: 1,
        evaluatedDatapoints: [0, 1, 2].map((i) => ({
          timestamp: new Date(a.updatedAt - i * 60_000).toISOString(),
          sampleCount: 1,
          value: 0,
        })),
      }),
      StateUpdatedTimestamp: a.updatedAt / 1000,
      StateTransitionedTimestamp: a.updatedAt / 1000,
      ...(a.type === 'metric'
        ? {
            MetricName: 'HTTPCode_Target_5XX_Count',
            Namespace: 'AWS/ApplicationELB',
            Statistic: 'Sum',
            Dimensions: [
              { Name: 'TargetGroup', Value: 'targetgroup/api-green/0123456789abcdef' },
              { Name: 'LoadBalancer', Value: 'app/api/0123456789abcdef' },
            ],
            Period: 60,
            EvaluationPeriods: 3,
            DatapointsToAlarm: 3,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanThreshold',
            TreatMissingData: 'notBreaching',
          }
        : { AlarmRule: 'ALARM("api-5xx") OR ALARM("api-latency")' }),
    });
    return {
      returned: page.length,
      alarmed: page.filter((a) => a.state === 'ALARM').map((a) => a.name),
      body: {
        MetricAlarms: page.filter((a) => a.type === 'metric').map(view),
        CompositeAlarms: page.filter((a) => a.type === 'composite').map(view),
        ...(start + max < matching.length ? { NextToken: String(start + max) } : {}),
      },
    };
  }

  /** API_DescribeAlarmHistory: every alarm's history without AlarmName; newest first; 1–100 a page. */
  function describeAlarmHistory(input) {
    const max = input.MaxRecords ?? 50;
    const types = input.AlarmTypes ?? ['MetricAlarm'];
    const items = history
      .filter((h) => !input.AlarmName || h.name === input.AlarmName)
      .filter((h) => types.includes(TYPES[alarms.get(h.name)?.type ?? 'metric']))
      .filter((h) => input.StartDate === undefined || h.at >= input.StartDate * 1000)
      .filter((h) => input.EndDate === undefined || h.at <= input.EndDate * 1000)
      .sort((a, b) => (input.ScanBy === 'TimestampAscending' ? a.at - b.at : b.at - a.at));
    const start = Number(input.NextToken ?? 0);
    const page = items.slice(start, start + max);
    return {
      returned: page.length,
      body: {
        AlarmHistoryItems: page.map((h) => ({
          AlarmName: h.name,
          AlarmType: TYPES[alarms.get(h.name)?.type ?? 'metric'],
          Timestamp: h.at / 1000,
          HistoryItemType: 'StateUpdate',
          HistorySummary: `Alarm updated from ${h.from} to ${h.to}`,
          HistoryData: JSON.stringify({
            version: '1.0',
            oldState: { stateValue: h.from },
            newState: { stateValue: h.to, stateReason: h.reason },
          }),
        })),
        ...(start + max < items.length ? { NextToken: String(start + max) } : {}),
      },
    };
  }

  const operations = { DescribeAlarms: describeAlarms, DescribeAlarmHistory: describeAlarmHistory };

  return {
    log,
    /** Creates an alarm in OK (a real new alarm starts in INSUFFICIENT_DATA; the bench's have data). */
    put(name, type = 'metric') {
      const now = Date.now();
      alarms.set(name, {
        type,
        state: 'OK',
        reason: 'Threshold Crossed: 3 datapoints [0.0, 0.0, 0.0] were not greater than the threshold (1.0).',
        createdAt: now,
        updatedAt: now,
      });
    },
    /** SetAlarmState. */
    set(name, state, reason = `Threshold Crossed: ${name}`) {
      stateChange(name, alarms.get(name), state, reason);
    },
    clear() {
      alarms.clear();
      history.splice(0);
      log.splice(0);
    },
    /** Answers a request for `operation` with its JSON body, or undefined to let moto answer it. */
    answer(operation, text, headers = {}) {
      const run = operations[operation];
      if (!run) return undefined;
      const input = JSON.parse(text || '{}');
      const result = run(input);
      log.push({
        at: Date.now(),
        op: operation,
        // The access key id of the request's SigV4 signature: a bench gives each deploy its own, so an
        // account-wide read (StateValue alone) is told apart by who sent it.
        caller: /Credential=([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1],
        input,
        returned: result.returned ?? 0,
        alarmed: result.alarmed ?? [],
      });
      return result.status ? result : { status: 200, body: result.body };
    },
  };
}

function error(type, message) {
  return { status: 400, body: { __type: type, message } };
}
