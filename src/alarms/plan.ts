import { ALARM_BATCH } from '../aws/cloudwatch.js';

/**
 * How often a watch reads every watched alarm in full, whatever its state: the read that notices a
 * deleted alarm and new prefix matches. Between full reads a poll reads only alarms that are not OK.
 */
export const FULL_READ_EVERY_MS = 60_000;

/**
 * CloudWatch's default DescribeAlarms rate quota: 9 requests a second per account and region
 * (adjustable, quota L-21CB40A4; https://docs.aws.amazon.com/general/latest/gr/cw_region.html).
 * DescribeAlarmHistory has its own quota of 20 a second (not adjustable).
 */
export const DESCRIBE_ALARMS_QUOTA_PER_SECOND = 9;

/** How a set of alarms is read: names no prefix covers go by name, in batches; the rest by prefix. */
export interface ReadPlan {
  byName: string[];
  prefixes: string[];
}

/** True when `name` starts with one of `prefixes`. */
export function underPrefix(name: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => name.startsWith(prefix));
}

/**
 * The reads that cover `names` and `prefixes`: a name under a prefix is read through that prefix (one
 * call for all of them), and a prefix under a shorter one is dropped, since the shorter one returns it.
 */
export function planReads(names: readonly string[], prefixes: readonly string[]): ReadPlan {
  const unique = [...new Set(prefixes)].filter((p) => p.length > 0);
  const kept = unique.filter((p) => !unique.some((other) => other !== p && p.startsWith(other)));
  return { byName: [...new Set(names)].filter((name) => !underPrefix(name, kept)), prefixes: kept };
}

/** What a watch costs in DescribeAlarms calls, for docs/benchmark.md and the benchmark. */
export interface PollCost {
  /** Calls of a poll between full reads (only alarms not OK come back, so one page each). */
  steady: number;
  /** Calls of one full read. */
  fullRead: number;
  /** Calls a second at this poll interval, the full read spread over its interval. */
  perSecond: number;
}

/**
 * DescribeAlarms calls for `named` alarms read by name and `matched[i]` alarms under prefix i: a steady
 * poll makes min(⌈named/100⌉ + P, 1) calls per breaching state — one account-wide read (`StateValue`
 * alone, filtered here) when that is cheaper, while fewer than 100 alarms of the account are in the state
 * — twice that when INSUFFICIENT_DATA is a breach, since a call filters on one state; a full read makes
 * ⌈named/100⌉ + Σ⌈matched/100⌉, once a minute.
 */
export function pollCost(options: {
  named: number;
  matched: readonly number[];
  pollIntervalMs: number;
  insufficientDataIsBreach?: boolean;
}): PollCost {
  const batches = Math.ceil(options.named / ALARM_BATCH);
  const perState = Math.min(1, batches + options.matched.length);
  const steady = perState * (options.insufficientDataIsBreach ? 2 : 1);
  const fullRead =
    batches + options.matched.reduce((sum, m) => sum + Math.max(1, Math.ceil(m / ALARM_BATCH)), 0);
  const pollsPerSecond = 1000 / options.pollIntervalMs;
  const perSecond =
    steady * pollsPerSecond + fullRead / (Math.max(FULL_READ_EVERY_MS, options.pollIntervalMs) / 1000);
  return { steady, fullRead, perSecond };
}
