import { dimensionOf } from '../../src/aws/cloudwatch.js';
import { GreenBlueAnalysis } from '../../src/compare/analysis.js';
import { parseComparisons } from '../../src/compare/parse.js';
import { loadBalancerArnOf } from '../../src/aws/load-balancer.js';
import { UserError } from '../../src/errors.js';
import { promoteCommand } from '../../src/control/commands.js';
import { renderSummary } from '../../src/report/summary.js';
import { deploy, expectRolledBack, MUTATING, scenario, type Scenario } from '../deploy/harness.js';
import { BLUE_TG, GREEN_TG, LISTENER } from '../support/fake-aws.js';

const MINUTE = 60_000;
const LB = dimensionOf(loadBalancerArnOf(LISTENER));
const alb = (metric: string, tg: string, stat: string) =>
  `AWS/ApplicationELB/${metric}{LoadBalancer=${LB},TargetGroup=${dimensionOf(tg)}}:${stat}`;

/**
 * The ALB's per-target-group metrics as CloudWatch would report them: `rps` requests a second split by
 * the listener's weights of each minute, each version failing its share of them, and a p99 latency.
 */
function serveAlb(
  s: Scenario,
  traffic: { rps: number; blueErrors: number; greenErrors: number; blueP99?: number; greenP99?: number },
): void {
  const start = Math.floor(s.clock.now() / MINUTE) * MINUTE;
  const greenShare = (at: number) => {
    const weights = s.aws.weightHistory.filter((h) => h.at <= at + MINUTE - 1).at(-1)?.weights;
    return weights ? (weights[GREEN_TG] ?? 0) / 100 : 0;
  };
  const minutes = (value: (at: number) => number | undefined) => () => {
    const points: { at: number; value: number }[] = [];
    for (let at = start; at <= s.clock.now(); at += MINUTE) {
      const v = value(at);
      // The ALB publishes a count only for minutes that had any.
      if (v !== undefined && v > 0) points.push({ at, value: v });
    }
    return points;
  };
  const requests = (tg: string) => (at: number) => {
    const share = greenShare(at);
    return traffic.rps * 60 * (tg === GREEN_TG ? share : 1 - share);
  };
  for (const [tg, errorRate, p99] of [
    [BLUE_TG, traffic.blueErrors, traffic.blueP99],
    [GREEN_TG, traffic.greenErrors, traffic.greenP99],
  ] as const) {
    s.aws.metricSeries.set(alb('RequestCount', tg, 'Sum'), minutes(requests(tg)));
    s.aws.metricSeries.set(
      alb('HTTPCode_Target_5XX_Count', tg, 'Sum'),
      minutes((at) => Math.round(requests(tg)(at) * errorRate)),
    );
    if (p99 !== undefined) {
      s.aws.metricSeries.set(
        alb('TargetResponseTime', tg, 'p99'),
        // A little noise a minute, so the per-minute test has a variance to work with.
        minutes((at) => (requests(tg)(at) > 0 ? p99 * (1 + 0.02 * Math.sin(at / MINUTE)) : undefined)),
      );
    }
  }
}

const canary = { steps: '1%:5m, 100%', 'bake-time': '2m', timeout: '30m' };

describe('green versus blue in a deploy', () => {
  test('a green with blue error rate is promoted; each poll reads every comparison in one call', async () => {
    const s = scenario();
    serveAlb(s, { rps: 1000, blueErrors: 0.01, greenErrors: 0.01, blueP99: 0.2, greenP99: 0.21 });
    const report = await deploy(s, { ...canary, compare: 'error-rate\np99-latency <= 1.2x blue' });

    expect(report.result).toBe('deployed');
    // Validation reads once; then one call a poll from green's first production traffic, never more.
    const polls = s.aws.metricCalls.length;
    expect(polls).toBeGreaterThan(30);
    expect(s.aws.count('GetMetricData')).toBe(polls);
    expect(polls).toBeLessThanOrEqual(s.aws.count('DescribeAlarms'));
    for (const queries of s.aws.metricCalls) {
      expect(queries.map((q) => q.Id).sort()).toEqual([
        'c0_blue_errors',
        'c0_blue_requests',
        'c0_green_errors',
        'c0_green_requests',
        'c1_blue_value',
        'c1_green_value',
      ]);
    }
    const [errorRate, latency] = report.comparisons!;
    expect(errorRate!.steps.map((st) => [st.phase, st.traffic, st.result.state])).toEqual([
      ['shift', 1, 'pass'],
      // The 100% step holds no time: its first poll is the bake's.
      ['bake', 100, 'pass'],
    ]);
    expect(errorRate!.steps[0]!.result.blue).toBeCloseTo(0.01);
    expect(errorRate!.steps[0]!.result.green).toBeCloseTo(0.01);
    expect(latency!.steps.at(-1)!.result.state).toBe('pass');

    const summary = renderSummary(report);
    expect(summary).toContain('### Green versus blue');
    expect(summary).toMatch(
      /\| shift \| 1% \| 1\.00% \| 1\.00% \| ≤ 1\.60% \| \d+ requests \| ✅ within the rule \|/,
    );
    expect(summary).toMatch(
      /\| bake \| 100% \| 200\.\d ms \| 210\.\d ms \| ≤ 24\d\.\d ms \| \d+ minutes \| ✅/,
    );
  });

  test('a green at 3x blue error rate at 1% is rolled back, the reason naming both values', async () => {
    const s = scenario();
    serveAlb(s, { rps: 1000, blueErrors: 0.01, greenErrors: 0.03 });
    const report = await deploy(s, { ...canary, compare: 'error-rate' });

    expectRolledBack(s, report);
    expect(report.reason).toMatch(
      /^green-versus-blue comparison error-rate failed: blue 1\.00%, green 3\.00% \(at most 1\.60%\), \d+ green requests, p [<=] [\d.]+; rule "error-rate"$/,
    );
    // Caught during the 1% step: green never took more.
    expect(Math.max(...report.timeline.map((e) => e.traffic))).toBe(1);
    const failedAt = report.timeline.find((e) => e.comparison === 'error-rate')!;
    expect(failedAt).toMatchObject({ phase: 'shift', traffic: 1, note: 'comparison error-rate failed' });
    expect(Date.parse(failedAt.at) - s.aws.weightHistory[0]!.at).toBeLessThan(5 * MINUTE);
    expect(report.comparisons![0]!.steps).toEqual([
      expect.objectContaining({ phase: 'shift', traffic: 1, failed: true }),
    ]);
    const summary = renderSummary(report);
    expect(summary).toContain('❌ **failed**');
    expect(summary).toMatch(/`x \+\d+m?\d*s?\s+comparison error-rate failed`/);
    // The text chart marks the failure under the axis.
    expect(summary.split('```text')[1]!.split('```')[0]).toMatch(/\n\s+x\s*\n/);
  });

  test('a service-wide alarm would not see it: the same deploy without compare is promoted', async () => {
    const s = scenario();
    serveAlb(s, { rps: 1000, blueErrors: 0.01, greenErrors: 0.03 });
    expect((await deploy(s, canary)).result).toBe('deployed');
  });

  test('too few samples is shown as such, never as a pass', async () => {
    const s = scenario();
    // 1 request a second: green's 1% is a request every 100 s, short of 200 before promotion.
    serveAlb(s, { rps: 1, blueErrors: 0.01, greenErrors: 0.5 });
    const report = await deploy(s, { steps: '1%:2m, 100%', 'bake-time': '1m', compare: 'error-rate' });

    expect(report.result).toBe('deployed');
    const steps = report.comparisons![0]!.steps;
    expect(steps.map((st) => [st.phase, st.result.state])).toEqual([
      ['shift', 'waiting'],
      ['bake', 'waiting'],
    ]);
    const summary = renderSummary(report);
    expect(summary).toMatch(
      /\| shift \| 1% \| [\d.]+% \| [\d.—%]+ \| ≤ [\d.]+% \| \d+\/200 requests \| ⏳ not enough samples \|/,
    );
    expect(summary).toContain(
      '`error-rate` never had enough samples to be judged: green was promoted without it.',
    );
    expect(
      s.logs.some((l) =>
        /Comparison error-rate: .*not enough samples yet \(\d+ of 200 green requests\)/.test(l),
      ),
    ).toBe(true);
  });

  describe('a comparison never judged (too few samples): on-inconclusive', () => {
    const thin = (s: Scenario) => serveAlb(s, { rps: 1, blueErrors: 0.01, greenErrors: 0.01 });
    const inputs = { steps: '1%:2m, 100%', 'bake-time': '1m', compare: 'error-rate' };
    const warned = (s: Scenario) =>
      s.logs.filter((l) => l.startsWith('warning: green-versus-blue comparison'));

    test('promote (the default): promoted, with a warning naming it and its samples', async () => {
      const s = scenario();
      thin(s);
      const report = await deploy(s, inputs);
      expect(report.result).toBe('deployed');
      expect(warned(s)).toEqual([
        expect.stringMatching(
          /^warning: green-versus-blue comparison error-rate \(\d+ of 200 green requests\) never had enough samples to be judged: green is promoted without them \(on-inconclusive: promote\)$/,
        ),
      ]);
      expect(
        report.timeline.some((e) => e.note === 'inconclusive: error-rate (on-inconclusive: promote)'),
      ).toBe(true);
    });

    test('rollback: rolled back at the end of the bake, saying why', async () => {
      const s = scenario();
      thin(s);
      const report = await deploy(s, { ...inputs, 'on-inconclusive': 'rollback' });
      expectRolledBack(s, report);
      expect(report.reason).toMatch(
        /^green-versus-blue comparison error-rate \(\d+ of 200 green requests\) never had enough samples to be judged \(on-inconclusive: rollback\)$/,
      );
    });

    test('pause: held at 100% until pause-timeout, then as on-pause-timeout says', async () => {
      const s = scenario();
      thin(s);
      const started = s.clock.now();
      const report = await deploy(s, { ...inputs, 'on-inconclusive': 'pause', 'pause-timeout': '20m' });
      expectRolledBack(s, report);
      expect(report.reason).toContain(
        'and green was not promoted within pause-timeout 20m (on-inconclusive: pause)',
      );
      // The bake ended about 3 minutes in; green then held 100% for the 20 minutes of the pause.
      expect(s.clock.now() - started).toBeGreaterThanOrEqual(23 * MINUTE);
      const paused = s.aws.weightHistory.filter((h) => h.weights[GREEN_TG] === 100);
      expect(paused.length).toBeGreaterThan(0);
      expect(warned(s)[0]).toContain('paused at 100% until promoted');
    });

    test('pause: safe-deploy promote ends it, and green is promoted', async () => {
      const s = scenario();
      thin(s);
      const start = s.clock.now();
      s.clock.after(10 * MINUTE, async () => {
        const ports = {
          ...s.aws.ports(),
          identity: { callerArn: async () => 'arn:aws:sts::1:user/ops' },
          clock: s.clock,
        };
        await promoteCommand({ cluster: 'web', service: 'api', json: false, waitMs: 0 }, ports);
      });
      const report = await deploy(s, { ...inputs, 'on-inconclusive': 'pause' });
      expect(report.result).toBe('deployed');
      expect(
        report.timeline.some((e) => e.note?.startsWith('inconclusive promoted by arn:aws:sts::1:user/ops')),
      ).toBe(true);
      expect(s.clock.now() - start).toBeLessThan(11 * MINUTE);
    });

    test('a judged comparison is not inconclusive: nothing is said', async () => {
      const s = scenario();
      serveAlb(s, { rps: 1000, blueErrors: 0.01, greenErrors: 0.01 });
      const report = await deploy(s, { ...canary, compare: 'error-rate', 'on-inconclusive': 'rollback' });
      expect(report.result).toBe('deployed');
      expect(warned(s)).toEqual([]);
    });

    test('on-inconclusive without compare is an input error naming it', async () => {
      await expect(deploy(scenario(), { 'on-inconclusive': 'pause' })).rejects.toThrow(
        `Input 'on-inconclusive': "pause" is not valid: it says what a 'compare' comparison that was never judged does, and there is none`,
      );
      await expect(deploy(scenario(), { compare: 'error-rate', 'on-inconclusive': 'wait' })).rejects.toThrow(
        `Input 'on-inconclusive': "wait" is not valid: expected one of promote, pause, rollback`,
      );
    });
  });

  test('your own metric names each version by its task definition revision, with task-sets routing', async () => {
    const s = scenario();
    const version = (revision: string, requests: number, errors: number) => {
      s.aws.metricSeries.set(`Shop/Requests{Version=${revision}}:Sum`, () => [
        { at: s.clock.now(), value: requests },
      ]);
      s.aws.metricSeries.set(`Shop/Errors{Version=${revision}}:Sum`, () => [
        { at: s.clock.now(), value: errors },
      ]);
    };
    version('1', 100_000, 1000); // blue: api:1
    version('7', 2000, 200); // green: api:7, 10% errors
    const report = await deploy(s, {
      'listener-arn': '',
      routing: 'task-sets',
      steps: '25%:5m, 100%',
      compare:
        'checkout: rate(Shop/Errors{Version=${revision}}, Shop/Requests{Version=${revision}}) <= 2x blue',
    });
    expectRolledBack(s, report);
    expect(report.reason).toMatch(
      /^green-versus-blue comparison checkout failed: blue 1\.00%, green 10\.00%/,
    );
  });

  test("a dry run lists the comparisons, their rules and blue's recent values", async () => {
    const s = scenario();
    serveAlb(s, { rps: 1000, blueErrors: 0.02, greenErrors: 0.02 });
    const report = await deploy(s, { 'dry-run': 'true', compare: 'error-rate <= 2x blue + 0.5pt min 500' });
    expect(report.result).toBe('dry-run');
    expect(s.logs).toContain(
      'Comparing error-rate: green ≤ 2× blue + 0.5 points, judged after 500 green requests; blue 2.00% in the last 15 minutes',
    );
    expect(s.logs.join('\n')).toContain(
      'comparing green with blue: error-rate <= 2x blue + 0.5pt min 500 (green ≤ 2× blue + 0.5 points, judged after 500 green requests)',
    );
    expect(report.plan.comparisons).toEqual([
      expect.objectContaining({ name: 'error-rate', text: 'error-rate <= 2x blue + 0.5pt min 500' }),
    ]);
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a series blue has no data for is a warning in validation: it could never fail', async () => {
    const s = scenario();
    const report = await deploy(s, {
      'dry-run': 'true',
      compare: 'Shop/Latncy{Version=${revision}}:p99 <= 1.2x blue',
    });
    expect(report.result).toBe('dry-run');
    expect(s.logs).toContain(
      'warning: Comparing Latncy: green ≤ 1.2× blue, judged after 3 minutes of data; blue has no data in the ' +
        'last 15 minutes: check the metric, its dimensions and placeholders, as without data the comparison can never fail',
    );
  });

  test('a query CloudWatch refuses is an input error before anything changes, naming the line', async () => {
    const s = scenario();
    const invalid = Object.assign(new Error('The value SEARCH for parameter Expression is not valid.'), {
      name: 'InvalidParameterValueException',
    });
    // Blue runs api:1: CloudWatch is asked for the expression with blue's revision in place.
    s.aws.metricSeries.set(`SUM(SEARCH('{Shop,Version} Version="1"', 'Sum', 60))`, () => {
      throw invalid;
    });
    const bad = `bad: SUM(SEARCH('{Shop,Version} Version="\${revision}"', 'Sum', 60)) <= 2x blue`;
    const run = deploy(s, { ...canary, compare: `error-rate\n${bad}` });
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(
      `Input 'compare': CloudWatch refused ${JSON.stringify(bad)}: The value SEARCH for parameter Expression is not valid.`,
    );
    // One call with every query, then one a comparison to find the line.
    expect(s.aws.metricCalls.map((queries) => queries.length)).toEqual([6, 4, 2]);
    expect(s.aws.calls.filter((c) => MUTATING.includes(c))).toEqual([]);
  });

  test('a throttled read during a step is tried again at the next poll, never a rollback', async () => {
    const s = scenario();
    serveAlb(s, { rps: 1000, blueErrors: 0.01, greenErrors: 0.01 });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    s.clock.after(90_000, () => s.aws.fail('GetMetricData', throttled, 3));
    const report = await deploy(s, { ...canary, compare: 'error-rate' });
    expect(report.result).toBe('deployed');
    expect(
      s.logs.filter((l) => l.startsWith('warning: Could not read the green-versus-blue comparisons')),
    ).toHaveLength(3);
  });

  test('a comparison that reads the same series for both versions is refused, green removed', async () => {
    const s = scenario();
    // Green deploys blue's own task definition, and the series names the version by its revision.
    const report = await deploy(s, {
      'task-definition': 'api:1',
      'listener-arn': '',
      routing: 'task-sets',
      compare: 'rate(Shop/Errors{Version=${revision}}, Shop/Requests{Version=${revision}}) <= 2x blue',
    });
    expectRolledBack(s, report);
    expect(report.reason).toContain('reads the same series for blue and green');
    // Refused when green was created, before it took any traffic.
    expect(Math.max(...report.timeline.map((e) => e.traffic))).toBe(0);
  });
});

test('the ALB built-ins refuse a Network Load Balancer', () => {
  const read = { getMetricData: () => Promise.resolve([]) };
  const nlb = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/shop/0123456789abcdef';
  expect(
    () =>
      new GreenBlueAnalysis(parseComparisons('error-rate', { listenerRouting: true }), read, {
        blue: { targetGroupArn: BLUE_TG },
        green: { targetGroupArn: GREEN_TG },
        loadBalancerArn: nlb,
      }),
  ).toThrow(
    `Input 'compare': "error-rate" reads ApplicationELB metrics, but ${nlb} is not an Application Load Balancer`,
  );
});

test('the comparisons count from the minute green took traffic, though the first poll comes in the next', async () => {
  const starts: number[] = [];
  const read = {
    getMetricData: (_queries: unknown, start: Date) => {
      starts.push(start.getTime());
      return Promise.resolve([]);
    },
  };
  const analysis = new GreenBlueAnalysis(parseComparisons('error-rate', { listenerRouting: true }), read, {
    blue: { targetGroupArn: BLUE_TG },
    green: { targetGroupArn: GREEN_TG },
    loadBalancerArn: loadBalancerArnOf(LISTENER),
  });
  const shift = Date.parse('2026-11-23T10:00:59.500Z');
  // A 10 s poll: the first comparison read after the shift is at 10:01:09.
  await analysis.poll(shift + 9_500, { traffic: 1, phase: 'shift', since: shift });
  await analysis.poll(shift + 19_500, { traffic: 1, phase: 'shift', since: shift });
  expect(starts).toEqual([Date.parse('2026-11-23T10:00:00Z'), Date.parse('2026-11-23T10:00:00Z')]);
});
