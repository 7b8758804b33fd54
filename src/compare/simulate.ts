import binomial from '@stdlib/random-base-binomial';
import { judgeRate, type Counts } from './judge.js';
import type { Rule } from './model.js';
import { DEFAULT_ERROR_RULE, DEFAULT_MIN_REQUESTS } from './parse.js';

/**
 * Simulated canaries, for the tests of the statistics and `scripts/bench-compare.mjs` (never bundled in
 * an action): requests arrive at a steady rate, green takes `share` of them, each request fails with
 * its version's error rate, and every poll judges the counts so far, as the deploy does.
 */
export interface CanaryModel {
  requestsPerSecond: number;
  /** Green's share of traffic, 0-1. */
  share: number;
  pollSeconds: number;
  /** Polls in the step. */
  polls: number;
  blueErrorRate: number;
  greenErrorRate: number;
  rule: Rule;
  minSamples: number;
  /** A service-wide error-rate alarm's threshold, on each minute's errors over requests of both versions. */
  alarmThreshold: number;
}

/** When, in one simulated step, the comparison failed and the service-wide alarm fired (1-based polls). */
export interface CanaryRun {
  caughtAtPoll: number | undefined;
  alarmAtPoll: number | undefined;
}

/** One simulated step, reproducible from `seed`. */
export function simulateCanary(model: CanaryModel, seed: number): CanaryRun {
  const draw = binomial.factory({ seed });
  const perPoll = model.requestsPerSecond * model.pollSeconds;
  const greenPerPoll = Math.round(perPoll * model.share);
  const bluePerPoll = Math.round(perPoll) - greenPerPoll;
  const pollsPerMinute = Math.max(1, Math.round(60 / model.pollSeconds));
  const blue: Counts = { errors: 0, requests: 0 };
  const green: Counts = { errors: 0, requests: 0 };
  const minute = { errors: 0, requests: 0 };
  let caughtAtPoll: number | undefined;
  let alarmAtPoll: number | undefined;
  for (let poll = 1; poll <= model.polls; poll++) {
    const blueErrors = draw(bluePerPoll, model.blueErrorRate);
    const greenErrors = draw(greenPerPoll, model.greenErrorRate);
    blue.errors += blueErrors;
    blue.requests += bluePerPoll;
    green.errors += greenErrors;
    green.requests += greenPerPoll;
    minute.errors += blueErrors + greenErrors;
    minute.requests += bluePerPoll + greenPerPoll;
    if (poll % pollsPerMinute === 0) {
      if (alarmAtPoll === undefined && minute.errors / minute.requests > model.alarmThreshold) {
        alarmAtPoll = poll;
      }
      minute.errors = 0;
      minute.requests = 0;
    }
    if (caughtAtPoll === undefined && judgeRate(blue, green, model.rule, model.minSamples).state === 'fail') {
      caughtAtPoll = poll;
    }
    if (caughtAtPoll !== undefined && alarmAtPoll !== undefined) break;
  }
  return { caughtAtPoll, alarmAtPoll };
}

/** Many simulated steps: how often, and after how many polls, the comparison and the alarm fired. */
export interface CanarySummary {
  runs: number;
  caught: number;
  alarms: number;
  /** Polls to catch green, over the runs that caught it. */
  medianPoll: number | undefined;
  p95Poll: number | undefined;
  maxPoll: number | undefined;
}

/** Runs `runs` simulated steps with seeds `firstSeed`, `firstSeed + 1`, ... */
export function simulateMany(model: CanaryModel, runs: number, firstSeed = 1): CanarySummary {
  const polls: number[] = [];
  let alarms = 0;
  for (let i = 0; i < runs; i++) {
    const run = simulateCanary(model, firstSeed + i);
    if (run.caughtAtPoll !== undefined) polls.push(run.caughtAtPoll);
    if (run.alarmAtPoll !== undefined) alarms++;
  }
  polls.sort((a, b) => a - b);
  const at = (q: number): number | undefined =>
    polls.length ? polls[Math.min(polls.length - 1, Math.ceil(q * polls.length) - 1)] : undefined;
  return {
    runs,
    caught: polls.length,
    alarms,
    medianPoll: at(0.5),
    p95Poll: at(0.95),
    maxPoll: polls.at(-1),
  };
}

/**
 * The canary the benchmark and docs/compare.md describe: 1,000 requests a second, green at 1% for a
 * five-minute step polled every 10 s, blue failing 1% of requests, the built-in error-rate's default
 * rule and minimum, and a service-wide alarm at twice blue's error rate.
 */
export const BENCH_CANARY: Omit<CanaryModel, 'greenErrorRate'> = {
  requestsPerSecond: 1000,
  share: 0.01,
  pollSeconds: 10,
  polls: 30,
  blueErrorRate: 0.01,
  rule: DEFAULT_ERROR_RULE,
  minSamples: DEFAULT_MIN_REQUESTS,
  alarmThreshold: 0.02,
};

/** The benchmark's runs: at least 1,000 of an equal green, and of greens at 3× and 10× blue's error rate. */
export const BENCH_RUNS = 1000;

/** The strictest rule a user may write (green ≤ 1× blue): the false-rollback rate of any rule is at most its. */
export const STRICTEST_RULE: Rule = { factor: 1, margin: 0 };
