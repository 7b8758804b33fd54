import type { DeployPlan, DeployReport, TimelineEntry } from '../../src/report/model.js';

/** Small deploy reports named for the run they describe, built the way the engine records them. */

const START = Date.parse('2026-11-23T10:00:00Z');
const MIN = 60_000;

export const GREEN = 'arn:aws:ecs:eu-west-1:123456789012:task-set/shop/api/ecs-svc/green111';
export const BLUE = 'arn:aws:ecs:eu-west-1:123456789012:task-set/shop/api/ecs-svc/blue222';
export const TASK_DEF = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/api:42';
export const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:' + 'ab'.repeat(32);

/** A canary plan: 10% for 5 minutes, then 100%, bake 5 minutes, two alarms. */
export function canaryPlan(overrides: Partial<DeployPlan> = {}): DeployPlan {
  return {
    cluster: 'shop',
    service: 'api',
    routing: 'listener',
    stepsText: 'Canary10Percent5Minutes',
    steps: [
      { percent: 10, holdMs: 5 * MIN },
      { percent: 100, holdMs: 0 },
    ],
    oneBox: undefined,
    bakeMs: 5 * MIN,
    minRequests: 0,
    pollIntervalMs: 10_000,
    alarms: ['api-5xx', 'api-latency-p99'],
    testListener: false,
    ...overrides,
  };
}

/** A timeline entry `ms` after the start. */
export function entry(ms: number, fields: Omit<TimelineEntry, 'at'>): TimelineEntry {
  return { at: new Date(START + ms).toISOString(), ...fields };
}

function report(
  fields: Partial<DeployReport> & Pick<DeployReport, 'result' | 'reason' | 'timeline'>,
): DeployReport {
  return {
    plan: canaryPlan(),
    startedAt: new Date(START).toISOString(),
    finishedAt: fields.timeline.at(-1)!.at,
    ...fields,
  };
}

/** The canary went through: 10% for 5m, 100%, baked 5m, promoted. */
export function deployedRun(): DeployReport {
  return report({
    result: 'deployed',
    reason: 'green is primary after 10% for 5m, 100%, bake 5m',
    image: IMAGE,
    taskDefinitionArn: TASK_DEF,
    taskSetArn: GREEN,
    previousTaskSetArn: BLUE,
    manifestLines: ['- Manifest `deploy-manifest.json`, checksum `sha256:1234`'],
    timeline: [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(20_000, { phase: 'stabilize', traffic: 0, alarms: {}, note: 'green created' }),
      entry(80_000, { phase: 'stabilize', traffic: 0, alarms: {}, note: 'green steady' }),
      entry(81_000, { phase: 'shift', traffic: 10, alarms: {}, note: 'traffic 10%' }),
      entry(81_000 + 5 * MIN, { phase: 'shift', traffic: 100, alarms: {}, note: 'traffic 100%' }),
      entry(82_000 + 10 * MIN, { phase: 'promote', traffic: 100, alarms: {}, note: 'baked 5m' }),
      entry(90_000 + 10 * MIN, { phase: 'finished', traffic: 100, alarms: {}, note: 'deployed' }),
    ],
  });
}

/** At 10%, api-5xx entered ALARM 3 minutes into the hold; traffic went back to blue within a poll. */
export function rolledBackRun(): DeployReport {
  return report({
    result: 'rolled-back',
    reason: 'alarm api-5xx is in ALARM: Threshold Crossed: 1 datapoint [12.0] was greater than 5.0',
    image: IMAGE,
    taskDefinitionArn: TASK_DEF,
    taskSetArn: GREEN,
    previousTaskSetArn: BLUE,
    timeline: [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(20_000, { phase: 'stabilize', traffic: 0, alarms: {}, note: 'green created' }),
      entry(80_000, { phase: 'stabilize', traffic: 0, alarms: {}, note: 'green steady' }),
      entry(81_000, { phase: 'shift', traffic: 10, alarms: {}, note: 'traffic 10%' }),
      entry(81_000 + 3 * MIN, {
        phase: 'shift',
        traffic: 10,
        alarms: { 'api-5xx': 'ALARM' },
        note: 'alarm api-5xx ALARM',
      }),
      entry(82_000 + 3 * MIN, { phase: 'rollback', traffic: 10, alarms: { 'api-5xx': 'ALARM' } }),
      entry(83_000 + 3 * MIN, {
        phase: 'rollback',
        traffic: 0,
        alarms: { 'api-5xx': 'ALARM' },
        note: 'traffic back on blue',
      }),
      entry(9 * MIN, { phase: 'rollback', traffic: 0, alarms: {}, note: 'alarm api-5xx OK' }),
      entry(10 * MIN, { phase: 'finished', traffic: 0, alarms: {}, note: 'green deleted' }),
    ],
  });
}

/** A blocker alarm was already firing: nothing changed. */
export function blockedRun(): DeployReport {
  return report({
    result: 'blocked',
    reason: 'blocker alarm checkout-incident is in ALARM',
    timeline: [
      entry(0, { phase: 'validate', traffic: 0, alarms: { 'checkout-incident': 'ALARM' } }),
      entry(2_000, {
        phase: 'finished',
        traffic: 0,
        alarms: { 'checkout-incident': 'ALARM' },
        note: 'blocked',
      }),
    ],
  });
}

/** Dry run of a one-box linear plan with many alarms. */
export function dryRun(): DeployReport {
  return report({
    result: 'dry-run',
    reason: 'dry run: nothing was changed',
    image: IMAGE,
    plan: canaryPlan({
      routing: 'task-sets',
      stepsText: '25%:2m, 50%:2m, 100%',
      steps: [
        { percent: 25, holdMs: 2 * MIN },
        { percent: 50, holdMs: 2 * MIN },
        { percent: 100, holdMs: 0 },
      ],
      oneBox: { bakeMs: 10 * MIN, alarms: ['api-canary-errors'] },
      minRequests: 1000,
      alarms: Array.from({ length: 25 }, (_, i) => `svc-alarm-${String(i + 1).padStart(2, '0')}`),
      testListener: true,
    }),
    timeline: [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(3_000, { phase: 'finished', traffic: 0, alarms: {}, note: 'dry-run' }),
    ],
  });
}
