import { DESCRIBE_ALARMS_QUOTA_PER_SECOND, planReads, pollCost } from '../../src/alarms/plan.js';

test('a name under a prefix is read through it, and a prefix under a shorter one is dropped', () => {
  expect(planReads(['api-5xx', 'db-lag', 'api-p99', 'db-lag'], ['api-', 'api-p', ''])).toEqual({
    byName: ['db-lag'],
    prefixes: ['api-'],
  });
});

test('the calls a poll makes, as docs/benchmark.md states them', () => {
  // N named alarms: one account-wide call a steady poll; the full read is ⌈N/100⌉, once a minute.
  expect(pollCost({ named: 250, matched: [], pollIntervalMs: 1_000 })).toEqual({
    steady: 1,
    fullRead: 3,
    perSecond: 1 + 3 / 60,
  });
  // 5,000 alarms under one prefix: one call a steady poll, 50 pages a full read.
  expect(pollCost({ named: 0, matched: [5_000], pollIntervalMs: 1_000 })).toEqual({
    steady: 1,
    fullRead: 50,
    perSecond: 1 + 50 / 60,
  });
  // insufficient-data: rollback reads ALARM and INSUFFICIENT_DATA: one call each.
  expect(
    pollCost({ named: 150, matched: [10, 20], pollIntervalMs: 5_000, insufficientDataIsBreach: true }).steady,
  ).toBe(2);
});

test('the largest alarm counts a 1 s poll sustains within the DescribeAlarms quota', () => {
  const fits = (named: number, matched: number[]): boolean =>
    pollCost({ named, matched, pollIntervalMs: 1_000 }).perSecond <= DESCRIBE_ALARMS_QUOTA_PER_SECOND;
  // One call a poll, plus the full read spread over its minute: 8 × 60 calls of 100 names.
  expect(fits(48_000, [])).toBe(true);
  expect(fits(48_001, [])).toBe(false);
  expect(fits(0, [48_000])).toBe(true);
  expect(fits(0, [48_001])).toBe(false);
});
