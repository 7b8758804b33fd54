import { describeRule, parseComparisons } from '../../src/compare/parse.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';

const listener = { listenerRouting: true };
const taskSets = { listenerRouting: false };
const one = (line: string, options = listener) => parseComparisons(line, options)[0]!;

describe('built-ins', () => {
  test('error-rate reads the 5xx and request counts of each version target group, with a default rule', () => {
    const c = one('error-rate');
    expect(c).toMatchObject({
      name: 'error-rate',
      unit: 'rate',
      rule: { factor: 1.5, margin: 0.001 },
      minSamples: 200,
      measure: {
        kind: 'rate',
        errors: {
          kind: 'metric',
          namespace: 'AWS/ApplicationELB',
          name: 'HTTPCode_Target_5XX_Count',
          stat: 'Sum',
          dimensions: [
            { name: 'TargetGroup', value: '${target-group}' },
            { name: 'LoadBalancer', value: '${load-balancer}' },
          ],
        },
        requests: { name: 'RequestCount', stat: 'Sum' },
      },
    });
    expect(describeRule(c)).toBe('green ≤ 1.5× blue + 0.1 points, judged after 200 green requests');
  });

  test('a rule with a factor, a margin in points and a minimum of samples', () => {
    const c = one('error-rate <= 2x blue + 0.5pt min 500');
    expect(c.rule).toEqual({ factor: 2, margin: 0.005 });
    expect(c.minSamples).toBe(500);
    expect(one('error-rate ≤ 2 × blue + 0.5%').rule).toEqual({ factor: 2, margin: 0.005 });
    expect(one('error-rate <= blue').rule).toEqual({ factor: 1, margin: 0 });
  });

  test('latency percentiles and the average read TargetResponseTime; margins are times', () => {
    const p99 = one('p99-latency <= 1.2x blue + 50ms');
    expect(p99).toMatchObject({
      unit: 'seconds',
      rule: { factor: 1.2, margin: 0.05 },
      minSamples: 3,
      measure: { kind: 'value', value: { name: 'TargetResponseTime', stat: 'p99' } },
    });
    expect(one('p99.9-latency').measure).toMatchObject({ value: { stat: 'p99.9' } });
    expect(one('average-latency <= 1.1x blue + 0.02s')).toMatchObject({
      rule: { factor: 1.1, margin: 0.02 },
      measure: { value: { stat: 'Average' } },
    });
  });

  test('several lines, blank lines and comments; a label names a second comparison of the same metric', () => {
    const all = parseComparisons(
      'error-rate <= 2x blue\n\n# latency too\np99-latency\nstrict: error-rate <= 1x blue min 50',
      listener,
    );
    expect(all.map((c) => c.name)).toEqual(['error-rate', 'p99-latency', 'strict']);
    expect(all[2]!.text).toBe('strict: error-rate <= 1x blue min 50');
  });
});

describe('user series', () => {
  test('a rate of two metrics naming each version by its task definition revision', () => {
    const c = one(
      'checkout: rate(Shop/Errors{Service=api,Version=${revision}}, Shop/Requests{Version=${revision}}) <= 2x blue + 0.2pt',
      taskSets,
    );
    expect(c).toMatchObject({
      name: 'checkout',
      unit: 'rate',
      placeholders: ['revision'],
      measure: {
        kind: 'rate',
        errors: {
          namespace: 'Shop',
          name: 'Errors',
          stat: 'Sum',
          dimensions: [
            { name: 'Service', value: 'api' },
            { name: 'Version', value: '${revision}' },
          ],
        },
        requests: { name: 'Requests' },
      },
    });
  });

  test('a metric with a statistic and a namespace with slashes', () => {
    const c = one('Custom/Shop/QueueAge{TaskSet=${task-set}}:p90 <= 1.2x blue + 2', taskSets);
    expect(c).toMatchObject({
      name: 'QueueAge',
      unit: 'plain',
      rule: { factor: 1.2, margin: 2 },
      measure: { value: { namespace: 'Custom/Shop', name: 'QueueAge', stat: 'p90' } },
    });
  });

  test('a metric-math expression is kept as written, placeholders and all', () => {
    const text = `latency: AVG(SEARCH('{Shop,Version} MetricName="Latency" Version="\${task-definition}"', 'p99', 60)) <= 1.3x blue`;
    expect(one(text, taskSets).measure).toEqual({
      kind: 'value',
      value: {
        kind: 'expression',
        expression: `AVG(SEARCH('{Shop,Version} MetricName="Latency" Version="\${task-definition}"', 'p99', 60))`,
      },
    });
  });
});

describe('errors name the input and quote the line', () => {
  const error = (text: string, options = listener) => {
    try {
      parseComparisons(text, options);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`parsed: ${text}`);
  };

  test.each([
    ['error-rate <= 0.5x blue', 'below 1 fails a green that is exactly as good as blue'],
    ['error-rate <= 2x blue + 100pt', 'can never fail'],
    ['error-rate <= 2x blue + 0.5', 'say what + 0.5 is'],
    ['error-rate <= 2x blue + 50ms', 'a margin on a rate is in points'],
    ['p99-latency <= 1.2x blue + 5pt', 'a margin on latency is a time'],
    ['error-rate >= 2x blue', 'the rule must read'],
    ['error-rate <= 2y blue', 'the rule must read'],
    ['latency-p99 <= 1.2x blue', 'is not a built-in'],
    ['p100-latency', 'is not a built-in'],
    ['Shop/Errors{Version=${revision}}:Median <= 2x blue', 'is not a CloudWatch statistic'],
    ['Shop/Errors{Version} <= 2x blue', 'must read Name=Value'],
    ['Shop/Errors{Version=${version}} <= 2x blue', '${version} is not a placeholder'],
    ['Shop/Errors{Service=api} <= 2x blue', 'without one, blue and green read the same numbers'],
    ['Shop/Errors{Version=${revision}}', 'give a rule for your own series'],
    ['rate(Shop/Errors{V=${revision}}) <= 2x blue', 'takes two series'],
    ["SUM(SEARCH('{Shop} Version=\"${revision}\"', 'Sum', 60) <= 2x blue", 'unbalanced parentheses'],
    ["SUM(SEARCH('{Shop} Version=\"${revision}\", 'Sum', 60)) <= 2x blue", 'quote open'],
    ['error-rate\nerror-rate <= 2x blue', 'already given'],
    ['<= 2x blue', 'name what to compare first'],
  ])('%s', (text, why) => {
    const message = error(text);
    expect(message).toMatch(/^Input 'compare': ".*" is not valid: /);
    expect(message).toContain(why);
    expect(message).toContain(JSON.stringify(text.split('\n').at(-1)).slice(1, -1).slice(0, 10));
  });

  test('built-ins and target-group placeholders need listener routing', () => {
    expect(error('error-rate', taskSets)).toContain("needs 'routing: listener'");
    expect(error('p99-latency', taskSets)).toContain("needs 'routing: listener'");
    expect(error('Shop/Errors{TG=${target-group}} <= 2x blue', taskSets)).toContain(
      "${target-group} needs 'routing: listener'",
    );
  });
});

describe('deploy settings', () => {
  const base = { cluster: 'web', service: 'api', 'task-definition': 'api:7' };

  test('the compare input is parsed with the other settings', () => {
    const settings = parseDeploySettings(
      recordInputs({
        ...base,
        'listener-arn':
          'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa',
        compare: 'error-rate <= 2x blue\np99-latency <= 1.2x blue',
      }),
    );
    expect(settings.comparisons.map((c) => c.name)).toEqual(['error-rate', 'p99-latency']);
    expect(parseDeploySettings(recordInputs(base)).comparisons).toEqual([]);
  });

  test('a target-group built-in with task-sets routing is refused before anything runs', () => {
    expect(() => parseDeploySettings(recordInputs({ ...base, compare: 'error-rate' }))).toThrow(
      /^Input 'compare': "error-rate" is not valid: .*routing: listener/,
    );
  });
});
