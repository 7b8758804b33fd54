import { parseDuration } from '../duration.js';
import { inputError } from '../errors.js';
import { splitItems } from '../inputs.js';
import type { TrafficStep } from '../report/model.js';

const PREFIX = 'CodeDeployDefault.ECS';
const CANARY = /^Canary(\d+)Percent(\d+)Minutes?$/;
const LINEAR = /^Linear(\d+)PercentEvery(\d+)Minutes?$/;
const STEP = /^(\d+)%(?::(.+))?$/;
const MINUTE = 60_000;

/**
 * Parses the `steps` input: a CodeDeploy-style preset (`Canary10Percent5Minutes`,
 * `Linear10PercentEvery3Minutes`, `AllAtOnce`, with or without the `CodeDeployDefault.ECS` prefix) or an
 * explicit list such as `10%:5m, 50%:10m, 100%`; `10%:pause` holds until promoted. Percents must rise and end
 * at 100.
 */
export function parseSteps(text: string, input = 'steps'): TrafficStep[] {
  const trimmed = text.trim();
  const name = trimmed.startsWith(PREFIX) ? trimmed.slice(PREFIX.length) : trimmed;
  if (name === 'AllAtOnce') return [{ percent: 100, holdMs: 0 }];
  const canary = CANARY.exec(name);
  if (canary) {
    const percent = presetPercent(canary[1]!, trimmed, input);
    return [
      { percent, holdMs: Number(canary[2]) * MINUTE },
      { percent: 100, holdMs: 0 },
    ];
  }
  const linear = LINEAR.exec(name);
  if (linear) {
    const percent = presetPercent(linear[1]!, trimmed, input);
    const holdMs = Number(linear[2]) * MINUTE;
    const steps: TrafficStep[] = [];
    for (let p = percent; p < 100; p += percent) steps.push({ percent: p, holdMs });
    steps.push({ percent: 100, holdMs: 0 });
    return steps;
  }
  // A list that starts with a comma is a list with an empty item, and said so by the list parser.
  if (!/^[\d,]/.test(trimmed)) {
    throw inputError(
      input,
      text,
      'expected a list such as "10%:5m, 50%:10m, 100%" or a preset: AllAtOnce, CanaryNPercentMMinutes, ' +
        'LinearNPercentEveryMMinutes',
    );
  }
  return parseStepList(trimmed, text, input);
}

function parseStepList(trimmed: string, text: string, input: string): TrafficStep[] {
  const steps: TrafficStep[] = [];
  for (const part of splitItems(trimmed, input)) {
    const match = STEP.exec(part);
    if (!match)
      throw inputError(
        input,
        part,
        'expected a step such as "10%:5m" (percent, then how long to hold it) or "10%:pause" (hold until promoted)',
      );
    const percent = Number(match[1]);
    if (percent < 1 || percent > 100) throw inputError(input, part, 'a step percent must be from 1 to 100');
    const previous = steps.at(-1);
    if (previous && percent <= previous.percent) {
      throw inputError(input, text, `percents must rise: ${percent}% follows ${previous.percent}%`);
    }
    steps.push(
      match[2]?.trim() === 'pause'
        ? pauseStep(percent)
        : /^[a-z]+$/i.test(match[2] ?? '')
          ? notAHold(input, part)
          : { percent, holdMs: match[2] === undefined ? 0 : parseDuration(match[2], input) },
    );
  }
  if (steps.at(-1)?.percent !== 100) throw inputError(input, text, 'the last step must be 100%');
  return steps;
}

/** `N%:pause`: green holds N% until someone promotes it (or `pause-timeout` passes). */
function notAHold(input: string, part: string): never {
  throw inputError(
    input,
    part,
    'expected a hold time such as "10%:5m", or "10%:pause" to hold until promoted',
  );
}

function pauseStep(percent: number): TrafficStep {
  return { percent, holdMs: 0, pause: true };
}

function presetPercent(digits: string, text: string, input: string): number {
  const percent = Number(digits);
  if (percent < 1 || percent > 99) throw inputError(input, text, 'a preset percent must be from 1 to 99');
  return percent;
}
