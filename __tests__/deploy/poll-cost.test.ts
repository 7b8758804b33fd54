import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { deploy, scenario } from './harness.js';

// Issue 22: what a steady poll costs, counted on the fake with the injected clock (the rates against
// AWS's quotas, and their measurements, are in scripts/bench-speed.mjs and docs/benchmark.md).
const MINUTE = 60_000;

/** The calls made between two moments of the fake's clock, by operation. */
function window(s: ReturnType<typeof scenario>, from: number, to: number): () => Record<string, number> {
  let start = 0;
  let calls: string[] = [];
  s.clock.at(from, () => void (start = s.aws.calls.length));
  s.clock.at(to, () => void (calls = s.aws.calls.slice(start)));
  return () => {
    const out: Record<string, number> = {};
    for (const call of calls) out[call] = (out[call] ?? 0) + 1;
    return out;
  };
}

test('a steady bake poll at 1 s costs one DescribeAlarms plus at most half a call more, on average', async () => {
  const s = scenario();
  const start = s.clock.now();
  // A minute well inside a 10-minute step hold at 10%.
  const counted = window(s, start + 3 * MINUTE, start + 4 * MINUTE);
  const report = await deploy(s, { steps: '10%:10m, 100%', 'bake-time': '1m', 'poll-interval': '1s' });
  expect(report.result).toBe('deployed');
  const calls = counted();
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  expect(calls.DescribeAlarms).toBeGreaterThanOrEqual(59);
  expect(calls.DescribeAlarms).toBeLessThanOrEqual(62);
  // 60 polls: the full read and the history once a minute, the listener every 10 s, the tags every 5 s.
  expect(total / 60).toBeLessThanOrEqual(1.5);
  expect(calls.DescribeListeners).toBeLessThanOrEqual(7);
  expect(calls.ListTagsForResource).toBeLessThanOrEqual(13);
  expect(calls.DescribeAlarmHistory ?? 0).toBeLessThanOrEqual(2);
});

test('a 4-step canary reads the alarms once a poll, not once more at each step', async () => {
  const s = scenario();
  const report = await deploy(s, {
    steps: '10%:5s, 25%:5s, 50%:5s, 100%',
    'bake-time': '5s',
    'poll-interval': '1s',
  });
  expect(report.result).toBe('deployed');
  const shifted = Date.parse(report.timeline.find((e) => e.traffic === 10)!.at);
  const ended = Date.parse(report.finishedAt);
  // Steady reads from the first move to the end: about one a second, never one more per step.
  const steady = s.aws.cwMock.commandCalls(DescribeAlarmsCommand).filter((c) => c.args[0].input.StateValue);
  expect(steady.length).toBeLessThanOrEqual(Math.ceil((ended - shifted) / 1000) + 3);
});

test('a bake shorter than the poll interval ends on time, on a read at its end', async () => {
  const s = scenario();
  const report = await deploy(s, { steps: '50%:20s, 100%', 'bake-time': '5s', 'poll-interval': '10s' });
  expect(report.result).toBe('deployed');
  const bake = report.timeline.find((e) => e.phase === 'bake')!;
  const promote = report.timeline.find((e) => e.phase === 'promote')!;
  // The bake begins right after the 100% step's poll: its read comes 5 s later, not at the next poll.
  expect(Date.parse(promote.at) - Date.parse(bake.at)).toBeGreaterThanOrEqual(5_000);
  expect(Date.parse(promote.at) - Date.parse(bake.at)).toBeLessThan(6_000);
});
