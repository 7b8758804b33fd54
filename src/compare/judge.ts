// The statistics of green versus blue, from stdlib (@stdlib/stats-*): its per-function packages give
// the exact binomial test, the beta quantile of Clopper-Pearson limits and Student's t-test with
// one-sided p-values, typed and actively kept. simple-statistics has no binomial or t distribution
// (its t-test returns the statistic without a p-value); jStat's last release is years old and untyped;
// hand-written tail sums would be the maths the issue asks us not to write. The cost is the bundle:
// about 750 KB minified for the three (the distribution functions alone would be about 430 KB).
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import binomialTest from '@stdlib/stats-binomial-test';
import ttest from '@stdlib/stats-ttest';
import type { ComparisonResult, Rule } from './model.js';

/**
 * Per poll, the chance that a green exactly at its bound fails anyway. Blue's own rate is taken at its
 * upper confidence limit at the same level, so the chance of a false failure at one poll is at most
 * twice this; docs/compare.md and the benchmark give the rate over whole deploys, polled every 10 s.
 */
export const ALPHA = 0.001;

/** Errors out of requests, summed since green took traffic. */
export interface Counts {
  errors: number;
  requests: number;
}

/** A judgement without the comparison's name and unit. */
export type Judgement = Omit<ComparisonResult, 'name' | 'unit'>;

/**
 * Judges "green's error rate ≤ factor × blue's + margin" on counts. The bound shown is the rule applied
 * to blue's observed rate; the test holds green to the rule applied to blue's one-sided upper limit
 * (Clopper-Pearson at 1 - ALPHA), so a blue that was lucky does not make green fail, and green fails
 * only when an exact binomial test rejects "green's rate is at most that" at ALPHA. Until green served
 * `minSamples` requests (and blue served any), the result is `waiting`, never a pass.
 */
export function judgeRate(blue: Counts, green: Counts, rule: Rule, minSamples: number): Judgement {
  const b = whole(blue);
  const g = whole(green);
  const base = {
    blue: b.requests > 0 ? b.errors / b.requests : undefined,
    green: g.requests > 0 ? g.errors / g.requests : undefined,
    samples: g.requests,
    minSamples,
  };
  const bound = b.requests > 0 ? Math.min(1, rule.factor * (b.errors / b.requests) + rule.margin) : undefined;
  if (bound === undefined || g.requests === 0 || g.requests < minSamples) {
    return { ...base, state: 'waiting', bound, pValue: undefined };
  }
  // At or under the bound (and so under the tested one) the one-sided p-value is about one half or
  // more: no test can reject, and none is run.
  if (g.errors <= bound * g.requests) return { ...base, state: 'pass', bound, pValue: undefined };
  const blueUpper =
    b.errors === b.requests ? 1 : betaQuantile(1 - ALPHA, b.errors + 1, b.requests - b.errors);
  const tested = Math.min(1, rule.factor * blueUpper + rule.margin);
  if (tested >= 1) return { ...base, state: 'pass', bound, pValue: 1 };
  const test = binomialTest(g.errors, g.requests, { p: tested, alternative: 'greater', alpha: ALPHA });
  return { ...base, state: test.rejected ? 'fail' : 'pass', bound, pValue: test.pValue };
}

/**
 * Judges "green ≤ factor × blue + margin" on a series read per minute (latency, say), minute by minute:
 * each minute with data for both versions gives green minus its bound, and green fails only when a
 * one-sided t-test says those differences are above zero at ALPHA. Pairing by minute takes out what
 * moves both versions at once (load, a slow dependency). Fewer than `minSamples` minutes (at least 2,
 * for a variance) are `waiting`.
 */
export function judgeValues(
  minutes: readonly { blue: number; green: number }[],
  rule: Rule,
  minSamples: number,
): Judgement {
  const n = minutes.length;
  const mean = (xs: number[]): number | undefined =>
    xs.length ? xs.reduce((sum, x) => sum + x, 0) / xs.length : undefined;
  const blueMean = mean(minutes.map((m) => m.blue));
  const base = {
    blue: blueMean,
    green: mean(minutes.map((m) => m.green)),
    samples: n,
    minSamples,
    bound: blueMean === undefined ? undefined : rule.factor * blueMean + rule.margin,
  };
  if (n < Math.max(2, minSamples)) return { ...base, state: 'waiting', pValue: undefined };
  const over = minutes.map((m) => m.green - (rule.factor * m.blue + rule.margin));
  const spread = Math.max(...over) - Math.min(...over);
  if (spread === 0) {
    // Every minute the same distance from the bound: no variance for a t-test, and no doubt either.
    return { ...base, state: over[0]! > 0 ? 'fail' : 'pass', pValue: over[0]! > 0 ? 0 : 1 };
  }
  const test = ttest(over, { mu: 0, alternative: 'greater', alpha: ALPHA });
  return { ...base, state: test.rejected ? 'fail' : 'pass', pValue: test.pValue };
}

/** Counts as whole numbers, errors never above requests (two series can land a minute apart). */
function whole(counts: Counts): Counts {
  const requests = Math.max(0, Math.round(counts.requests));
  return { requests, errors: Math.min(requests, Math.max(0, Math.round(counts.errors))) };
}
