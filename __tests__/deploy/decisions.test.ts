import type { TaskSet } from '../../src/aws/ecs.js';
import { classifyLeftovers, earlierRun, STALE_AFTER_MS, TAG } from '../../src/deploy/leftovers.js';
import type { TimelineEntry } from '../../src/report/model.js';
import { heldAtBox, oneBoxShare, oneTaskScale, stepShare } from '../../src/deploy/plan.js';
import { greenShare, trafficDrift } from '../../src/deploy/routing/listener.js';
import { appendEntry } from '../../src/deploy/timeline.js';

// The pure decisions of a deploy, tested directly rather than only through a whole deploy.

const NOW = Date.parse('2026-11-23T10:00:00Z');
const me = { repository: 'octo/shop', commit: 'abc', runId: '42', runAttempt: '2' };

function set(arn: string, tags: Record<string, string>, overrides: Partial<TaskSet> = {}): TaskSet {
  return {
    arn,
    status: 'ACTIVE',
    taskDefinition: 'api:1',
    scalePercent: 0,
    stabilityStatus: 'STEADY_STATE',
    runningCount: 0,
    computedDesiredCount: 0,
    targetGroupArns: [],
    tags,
    createdAt: new Date(NOW - 3_600_000),
    raw: {},
    ...overrides,
  };
}

const fresh = (ms: number) => new Date(NOW - ms).toISOString();

describe('leftover task sets', () => {
  const blue = set('blue', {}, { status: 'PRIMARY' });

  test.each([
    ['foreign: no safe-deploy tags', set('x', {}), 'foreign'],
    [
      'live: another run with a fresh heartbeat',
      set('x', { [TAG.runId]: '7', [TAG.repository]: 'octo/shop', [TAG.heartbeat]: fresh(60_000) }),
      'live',
    ],
    [
      'abandoned: another run silent for longer than the stale limit',
      set('x', {
        [TAG.runId]: '7',
        [TAG.repository]: 'octo/shop',
        [TAG.heartbeat]: fresh(STALE_AFTER_MS + 1),
      }),
      'abandoned',
    ],
    [
      'own earlier attempt: same run, lower attempt, even with a fresh heartbeat',
      set('x', {
        [TAG.runId]: '42',
        [TAG.repository]: 'octo/shop',
        [TAG.runAttempt]: '1',
        [TAG.heartbeat]: fresh(1000),
      }),
      'own-earlier-attempt',
    ],
    [
      'live: the same run id in another repository is another run',
      set('x', {
        [TAG.runId]: '42',
        [TAG.repository]: 'evil/fork',
        [TAG.runAttempt]: '1',
        [TAG.heartbeat]: fresh(1000),
      }),
      'live',
    ],
    [
      'live: a later attempt of this run is not ours to take',
      set('x', {
        [TAG.runId]: '42',
        [TAG.repository]: 'octo/shop',
        [TAG.runAttempt]: '3',
        [TAG.heartbeat]: fresh(1000),
      }),
      'live',
    ],
  ])('%s', (_what, leftover, kind) => {
    expect(classifyLeftovers([blue, leftover], 'blue', me, NOW).map((l) => l.kind)).toEqual([kind]);
  });

  test('blue and DRAINING task sets are not leftovers', () => {
    expect(classifyLeftovers([blue, set('gone', {}, { status: 'DRAINING' })], 'blue', me, NOW)).toEqual([]);
  });

  test('without a heartbeat tag, the creation time is the last sign of life', () => {
    const recent = set('x', { [TAG.runId]: '7' }, { createdAt: new Date(NOW - 1000) });
    expect(classifyLeftovers([recent], 'blue', me, NOW)[0]).toMatchObject({ kind: 'live', ageMs: 1000 });
  });
});

describe('the start race', () => {
  const mine = set('arn:b', {}, { createdAt: new Date(NOW) });

  test('a task set created earlier wins', () => {
    const other = set('arn:z', {}, { createdAt: new Date(NOW - 1) });
    expect(earlierRun([mine, other], mine, 'blue')?.arn).toBe('arn:z');
  });

  test('created at the same moment, the lower ARN wins, so exactly one of two runs backs off', () => {
    const other = set('arn:a', {}, { createdAt: new Date(NOW) });
    expect(earlierRun([mine, other], mine, 'blue')?.arn).toBe('arn:a');
    expect(earlierRun([mine, other], other, 'blue')).toBeUndefined();
  });

  test('a later task set, blue and DRAINING ones never make this run back off', () => {
    const later = set('arn:a', {}, { createdAt: new Date(NOW + 1) });
    const draining = set('arn:0', {}, { status: 'DRAINING', createdAt: new Date(NOW - 5) });
    const blue = set('blue', {}, { createdAt: new Date(NOW - 10) });
    expect(earlierRun([mine, later, draining, blue], mine, 'blue')).toBeUndefined();
  });
});

describe('someone else moving traffic', () => {
  const route = {
    production: { kind: 'listener' as const, arn: 'arn:listener' },
    blueTargetGroup: 'tg-blue',
    greenTargetGroup: 'tg-green',
  };

  test('the weights this deploy set are no drift', () => {
    expect(trafficDrift(route, { 'tg-blue': 90, 'tg-green': 10 }, 10)).toBeUndefined();
  });

  test('weights that give green another share are drift, naming both shares', () => {
    expect(trafficDrift(route, { 'tg-blue': 100, 'tg-green': 0 }, 100)).toBe(
      'the listener arn:listener was changed outside this deploy: green has 0% of its traffic, not 100%',
    );
  });

  test('a listener that forwards elsewhere is drift', () => {
    expect(trafficDrift(route, { 'tg-other': 100 }, 0)).toMatch(/it now forwards to tg-other$/);
  });

  test("green's share is a share of the total weight, whatever the scale", () => {
    expect(greenShare({ 'tg-blue': 3, 'tg-green': 1 }, 'tg-green')).toBe(25);
    expect(greenShare({ 'tg-blue': 0, 'tg-green': 0 }, 'tg-green')).toBe(0);
  });
});

describe('the one box', () => {
  test.each([
    [1, 50],
    [4, 20],
    [9, 10],
    [199, 1],
    [1000, 1],
  ])('beside %d blue tasks, one green task takes %d%% of traffic', (desired, share) => {
    expect(oneBoxShare(desired)).toBe(share);
  });

  test('one task is 100/desired percent of scale', () => {
    expect(oneTaskScale(4)).toBe(25);
    expect(oneTaskScale(0)).toBe(100);
  });

  test("a step at or below the box's share holds at the box's share; 100% and larger steps move", () => {
    expect(stepShare({ percent: 10, holdMs: 3000 }, 20)).toBe(20);
    expect(stepShare({ percent: 20, holdMs: 3000 }, 20)).toBe(20);
    expect(heldAtBox({ percent: 20, holdMs: 3000 }, 20)).toBe(false);
    expect(heldAtBox({ percent: 10, holdMs: 3000 }, 20)).toBe(true);
    expect(stepShare({ percent: 50, holdMs: 0 }, 20)).toBe(50);
    expect(stepShare({ percent: 100, holdMs: 0 }, 50)).toBe(100);
    expect(stepShare({ percent: 10, holdMs: 0 }, undefined)).toBe(10);
  });
});

describe('timeline rows', () => {
  const entry = (at: number, note?: string, phase: TimelineEntry['phase'] = 'shift'): TimelineEntry => ({
    at: new Date(NOW + at).toISOString(),
    phase,
    traffic: 0,
    alarms: {},
    ...(note ? { note } : {}),
  });

  test('a bare phase row followed within a second by what happened in it reads as one row', () => {
    const rows: TimelineEntry[] = [];
    appendEntry(rows, entry(0));
    appendEntry(rows, entry(999, 'traffic 10%'));
    expect(rows).toEqual([entry(999, 'traffic 10%')]);
  });

  test('rows a second apart, rows with notes and rows of other phases all stay', () => {
    const rows: TimelineEntry[] = [];
    appendEntry(rows, entry(0));
    appendEntry(rows, entry(1000, 'traffic 10%'));
    appendEntry(rows, entry(1100, 'alarm x ALARM'));
    appendEntry(rows, entry(1200, undefined, 'rollback'));
    appendEntry(rows, entry(1300, 'traffic back on blue', 'bake'));
    expect(rows.map((r) => r.note ?? r.phase)).toEqual([
      'shift',
      'traffic 10%',
      'alarm x ALARM',
      'rollback',
      'traffic back on blue',
    ]);
  });
});
