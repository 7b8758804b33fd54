import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import { formatDuration } from '../../duration.js';
import { inputError } from '../../errors.js';
import type { TrafficStep } from '../../report/model.js';

/** The ECS-native strategies a deploy can run (ROLLING is the other kind). */
export type NativeStrategy = 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

/** What `steps` and `bake-time` become for ECS: the strategy and the fields ECS reads for it. */
export type NativeStrategyConfiguration =
  | { strategy: 'BLUE_GREEN'; bakeTimeInMinutes: number }
  | {
      strategy: 'CANARY';
      bakeTimeInMinutes: number;
      canaryConfiguration: { canaryPercent: number; canaryBakeTimeInMinutes: number };
    }
  | {
      strategy: 'LINEAR';
      bakeTimeInMinutes: number;
      linearConfiguration: { stepPercent: number; stepBakeTimeInMinutes: number };
    };

const MINUTE = 60_000;
// ECS API reference (CanaryConfiguration, LinearConfiguration): step bake times are whole minutes from 0 to
// 1440; a linear step is 3.0 to 100.0 percent; a canary 0.1 to 100.0 percent (our steps are whole percents).
const MAX_STEP_MINUTES = 1440;
const MIN_LINEAR_PERCENT = 3;

/**
 * Derives the ECS-native strategy configuration from `steps` and `bake-time`: AllAtOnce (one 100% step) is
 * BLUE_GREEN, one step then 100% is CANARY, equal steps every equal hold is LINEAR. Anything else ECS cannot
 * run is an input error naming `steps` (or `bake-time`) with the nearest form ECS accepts.
 */
export function nativeStrategyConfiguration(
  steps: TrafficStep[],
  stepsText: string,
  bakeMs: number,
): NativeStrategyConfiguration {
  const bakeTimeInMinutes = wholeMinutes(bakeMs);
  if (bakeTimeInMinutes === undefined) {
    throw inputError(
      'bake-time',
      formatDuration(bakeMs),
      `ECS bakes in whole minutes: give ${Math.max(1, Math.round(bakeMs / MINUTE))}m`,
    );
  }
  const last = steps.at(-1);
  if (last && last.holdMs > 0) {
    throw inputError(
      'steps',
      stepsText,
      `ECS does not hold 100% before its bake: drop the hold on the 100% step and add it to 'bake-time'`,
    );
  }
  const shifts = steps.slice(0, -1);
  if (shifts.length === 0) return { strategy: 'BLUE_GREEN', bakeTimeInMinutes };

  const nearest = nearestForm(shifts);
  const holds = shifts.map((s) => wholeMinutes(s.holdMs));
  if (holds.some((m) => m === undefined || m > MAX_STEP_MINUTES)) {
    throw inputError(
      'steps',
      stepsText,
      `ECS holds each step for whole minutes, 0 to ${MAX_STEP_MINUTES}; the nearest form ECS accepts is ${nearest}`,
    );
  }
  const first = shifts[0]!;
  const firstHold = holds[0]!;
  if (shifts.length === 1) {
    return {
      strategy: 'CANARY',
      bakeTimeInMinutes,
      canaryConfiguration: { canaryPercent: first.percent, canaryBakeTimeInMinutes: firstHold },
    };
  }
  const linear = shifts.every((s, i) => s.percent === first.percent * (i + 1) && holds[i] === firstHold);
  // ECS's linear strategy keeps adding stepPercent until 100 is reached, so the list must end where that does.
  const endsLikeEcs = first.percent * (shifts.length + 1) >= 100;
  if (!linear || !endsLikeEcs) {
    throw inputError(
      'steps',
      stepsText,
      `ECS runs one canary step, or equal steps every equal hold (LinearNPercentEveryMMinutes); the nearest form ECS accepts is ${nearest}`,
    );
  }
  if (first.percent < MIN_LINEAR_PERCENT) {
    throw inputError(
      'steps',
      stepsText,
      `ECS's linear steps are at least ${MIN_LINEAR_PERCENT}%; the nearest form ECS accepts is ${nearest}`,
    );
  }
  return {
    strategy: 'LINEAR',
    bakeTimeInMinutes,
    linearConfiguration: { stepPercent: first.percent, stepBakeTimeInMinutes: firstHold },
  };
}

/**
 * The service's deployment configuration with only what this deploy must set replaced (strategy, bake and
 * the strategy's own block); everything else the user configured (alarms, hooks, circuit breaker,
 * percents) stays as it was. Returns the fields that changed, for the log.
 */
export function mergeDeploymentConfiguration(
  current: DeploymentConfiguration,
  derived: NativeStrategyConfiguration,
): { configuration: DeploymentConfiguration; changed: string[] } {
  const configuration: DeploymentConfiguration = { ...current, ...derived };
  // A strategy block of another strategy would be rejected or misread: drop it.
  if (derived.strategy !== 'LINEAR') delete configuration.linearConfiguration;
  if (derived.strategy !== 'CANARY') delete configuration.canaryConfiguration;
  const changed: string[] = [];
  const show = (v: unknown): string => (v === undefined ? 'unset' : JSON.stringify(v));
  for (const key of [
    'strategy',
    'bakeTimeInMinutes',
    'linearConfiguration',
    'canaryConfiguration',
  ] as const) {
    if (show(current[key]) !== show(configuration[key])) {
      changed.push(`${key}: ${show(current[key])} → ${show(configuration[key])}`);
    }
  }
  return { configuration, changed };
}

/** What a native configuration does, in a few words for the plan. */
export function describeNativeStrategy(config: NativeStrategyConfiguration): string[] {
  const bake = `ECS bakes ${config.bakeTimeInMinutes} minute(s) with both revisions running, then removes the old one`;
  switch (config.strategy) {
    case 'BLUE_GREEN':
      return ['ECS BLUE_GREEN: the new revision scales up, then takes all production traffic at once', bake];
    case 'CANARY': {
      const c = config.canaryConfiguration;
      return [
        `ECS CANARY: ${c.canaryPercent}% of production traffic for ${c.canaryBakeTimeInMinutes} minute(s), then 100%`,
        bake,
      ];
    }
    case 'LINEAR': {
      const l = config.linearConfiguration;
      return [
        `ECS LINEAR: production traffic moves ${l.stepPercent}% every ${l.stepBakeTimeInMinutes} minute(s) until 100%`,
        bake,
      ];
    }
  }
}

function wholeMinutes(ms: number): number | undefined {
  return ms % MINUTE === 0 ? ms / MINUTE : undefined;
}

/**
 * The ECS-expressible preset closest to a list: equal steps become a linear preset (at least 3% a step),
 * anything else its first step as a canary; holds are rounded to whole minutes within ECS's range.
 */
function nearestForm(shifts: TrafficStep[]): string {
  const first = shifts[0]!;
  const minutes = Math.min(MAX_STEP_MINUTES, Math.max(0, Math.round(first.holdMs / MINUTE)));
  const equal =
    shifts.length > 1 &&
    shifts.every((s, i) => s.percent === first.percent * (i + 1) && s.holdMs === first.holdMs);
  if (equal) {
    const percent = Math.max(MIN_LINEAR_PERCENT, first.percent);
    return `Linear${percent}PercentEvery${minutes}Minutes (${percent}% more every ${minutes} minute(s))`;
  }
  return `Canary${first.percent}Percent${minutes}Minutes (${first.percent}% for ${minutes} minute(s), then 100%)`;
}
