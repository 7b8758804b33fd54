import { readFileSync } from 'node:fs';
import binomial from '@stdlib/random-base-binomial';
import { judgeRate, judgeValues } from '../../src/compare/judge.js';
import { DEFAULT_ERROR_RULE, DEFAULT_LATENCY_RULE } from '../../src/compare/parse.js';
import { BENCH_CANARY, BENCH_RUNS, simulateMany } from '../../src/compare/simulate.js';

describe('counts: errors out of requests', () => {
  const rule = { factor: 1.5, margin: 0.001 };

  test('waits for green to serve the minimum of requests, and for blue to serve any', () => {
    expect(
      judgeRate({ errors: 10, requests: 10_000 }, { errors: 150, requests: 150 }, rule, 200),
    ).toMatchObject({
      state: 'waiting',
      samples: 150,
      minSamples: 200,
      green: 1,
    });
    expect(judgeRate({ errors: 0, requests: 0 }, { errors: 5, requests: 500 }, rule, 200).state).toBe(
      'waiting',
    );
  });

  test('a green at 3x blue with two thousand requests fails; its values and the bound are reported', () => {
    const judged = judgeRate({ errors: 990, requests: 99_000 }, { errors: 60, requests: 2000 }, rule, 200);
    expect(judged.state).toBe('fail');
    expect(judged.blue).toBeCloseTo(0.01);
    expect(judged.green).toBeCloseTo(0.03);
    expect(judged.bound).toBeCloseTo(0.016);
    expect(judged.pValue).toBeLessThan(0.001);
  });

  test('a green a little above the bound on few requests is not failed: the test wants evidence', () => {
    const judged = judgeRate({ errors: 990, requests: 99_000 }, { errors: 5, requests: 200 }, rule, 200);
    expect(judged.green).toBeGreaterThan(judged.bound!);
    expect(judged.state).toBe('pass');
    expect(judged.pValue).toBeGreaterThan(0.001);
  });

  test('a blue with no errors still allows green its margin, and a lucky blue does not fail green', () => {
    expect(judgeRate({ errors: 0, requests: 50_000 }, { errors: 0, requests: 500 }, rule, 200).state).toBe(
      'pass',
    );
    // Blue's 0 of 300 is consistent with a real rate near 2%: green's 2% is no evidence of being worse.
    expect(
      judgeRate({ errors: 0, requests: 300 }, { errors: 8, requests: 400 }, { factor: 1, margin: 0 }, 200)
        .state,
    ).toBe('pass');
  });
});

describe('values per minute: latency', () => {
  /** Minutes of p99 latency: both versions move with a shared load factor, each with its own noise. */
  function latencyMinutes(seed: number, minutes: number, greenFactor: number) {
    const draw = binomial.factory({ seed });
    // A binomial around its mean is close to normal: here about ±5% (load) and ±10% (each version).
    const noise = (sd: number) => ((draw(400, 0.5) - 200) / 10) * sd;
    return Array.from({ length: minutes }, () => {
      const load = 1 + noise(0.05);
      return { blue: 0.2 * load * (1 + noise(0.1)), green: 0.2 * greenFactor * load * (1 + noise(0.1)) };
    });
  }
  /** The first minute (1-based) at which the default rule fails, judging after every minute as polls do. */
  function firstFailure(minutes: { blue: number; green: number }[]): number | undefined {
    for (let m = 1; m <= minutes.length; m++) {
      if (judgeValues(minutes.slice(0, m), DEFAULT_LATENCY_RULE, 3).state === 'fail') return m;
    }
    return undefined;
  }

  test('waits for the minimum of minutes with data for both versions', () => {
    const judged = judgeValues(
      [
        { blue: 0.2, green: 0.9 },
        { blue: 0.2, green: 0.8 },
      ],
      DEFAULT_LATENCY_RULE,
      3,
    );
    expect(judged).toMatchObject({ state: 'waiting', samples: 2, minSamples: 3 });
    expect(judged.green).toBeCloseTo(0.85);
  });

  test('an equal green fails in none of 1,000 simulated 10-minute deploys with the default rule', () => {
    const failures = Array.from({ length: 1000 }, (_, i) => firstFailure(latencyMinutes(i + 1, 10, 1)));
    expect(failures.filter((m) => m !== undefined)).toEqual([]);
  });

  test('a green at 2x blue latency is caught in every run, by the fifth minute in half of them', () => {
    const failures = Array.from({ length: 1000 }, (_, i) => firstFailure(latencyMinutes(i + 1, 10, 2)));
    const caught = failures.filter((m) => m !== undefined).sort((a, b) => a - b);
    expect(caught).toHaveLength(1000);
    expect(caught[0]).toBeGreaterThanOrEqual(3);
    expect(caught[499]).toBeLessThanOrEqual(5);
  });

  test('a green at 1.5x blue latency is caught within ten minutes in most runs', () => {
    const failures = Array.from({ length: 1000 }, (_, i) => firstFailure(latencyMinutes(i + 1, 10, 1.5)));
    expect(failures.filter((m) => m !== undefined).length).toBeGreaterThanOrEqual(700);
  });
});

describe('the canary docs/compare.md states (scripts/bench-compare.mjs)', () => {
  const readme = readFileSync('docs/compare.md', 'utf8');
  const table = readme.slice(
    readme.indexOf('<!-- compare-bench:start -->'),
    readme.indexOf('<!-- compare-bench:end -->'),
  );
  const row = (label: string) => table.split('\n').find((line) => line.startsWith(`| ${label}`)) ?? '';

  test('describes the model simulated here', () => {
    expect(BENCH_RUNS).toBeGreaterThanOrEqual(1000);
    expect(BENCH_CANARY).toMatchObject({ share: 0.01, blueErrorRate: 0.01, rule: DEFAULT_ERROR_RULE });
    expect(table).toContain('green at 1% for 30 polls of 10s, blue failing 1% of requests');
  });

  test('an equal green: the false rollbacks docs/compare.md states', () => {
    const equal = simulateMany({ ...BENCH_CANARY, greenErrorRate: 0.01 }, BENCH_RUNS);
    expect(equal.caught).toBe(0);
    expect(row('green equal to blue (1% errors), default rule')).toContain(
      `| ${equal.caught} false rollbacks in ${BENCH_RUNS} runs`,
    );
  });

  test('greens at 3x and 10x: the polls to catch them docs/compare.md states, and an alarm that never fires', () => {
    for (const [times, label] of [
      [10, 'green at 10× blue (10% errors)'],
      [3, 'green at 3× blue (3% errors)'],
    ] as const) {
      const s = simulateMany({ ...BENCH_CANARY, greenErrorRate: 0.01 * times }, BENCH_RUNS);
      expect(row(label)).toContain(
        `median ${s.medianPoll} polls (${s.medianPoll! * 10}s), p95 ${s.p95Poll}, max ${s.maxPoll}`,
      );
      expect(row(label)).toContain(`caught in ${((100 * s.caught) / s.runs).toFixed(1)}% of ${s.runs} runs`);
      expect(row(label)).toContain(`alarm at 2% fired in ${s.alarms} of ${s.runs} runs`);
      expect(s.alarms).toBe(0);
      expect(s.caught / s.runs).toBeGreaterThan(times === 10 ? 0.999 : 0.95);
    }
  });
});
