import { inputError, UserError } from '../errors.js';
import { boolean, duration, oneOf, optional, type InputReader } from '../inputs.js';
import type { TrafficStep } from '../report/model.js';

/** What happens when a `N%:pause` step is not promoted within `pause-timeout`. */
export type OnPauseTimeout = 'rollback' | 'promote';

/** The inputs for operating a live deploy: pauses, and keeping the previous release. */
export interface OperatingSettings {
  /** How long a `N%:pause` step waits to be promoted. */
  pauseTimeoutMs: number;
  onPauseTimeout: OnPauseTimeout;
  /** After promotion, keep blue scaled to zero for `safe-deploy rollback` instead of deleting it. */
  keepPrevious: boolean;
}

export const PAUSE_TIMEOUT_DEFAULT = '1h';

/**
 * Parses `pause-timeout`, `on-pause-timeout` and `keep-previous` for a deploy with these `steps`.
 * A pause setting without a step that pauses (or `on-inconclusive: pause`) is refused: it would silently do
 * nothing.
 */
export function parseOperatingSettings(read: InputReader, steps: readonly TrafficStep[]): OperatingSettings {
  // `on-inconclusive: pause` pauses too, at the end of the bake.
  const pauses = steps.some((step) => step.pause) || read('on-inconclusive').trim() === 'pause';
  for (const name of ['pause-timeout', 'on-pause-timeout'] as const) {
    const text = optional(read, name);
    if (text && !pauses) {
      throw inputError(
        name,
        text,
        'no step pauses: add a step such as "10%:pause" to `steps`, or leave it out',
      );
    }
  }
  const pauseTimeoutMs = duration(read, 'pause-timeout', PAUSE_TIMEOUT_DEFAULT);
  if (pauseTimeoutMs <= 0) throw inputError('pause-timeout', read('pause-timeout'), 'must be longer than 0s');
  if (boolean(read, 'rollback', false)) {
    // The deploy action sends `rollback: true` to its own path before it parses the deploy inputs.
    throw new UserError(
      "Input 'rollback' is true: that brings back the kept release and deploys nothing (`safe-deploy rollback` on the command line)",
    );
  }
  return {
    pauseTimeoutMs,
    onPauseTimeout: oneOf(read, 'on-pause-timeout', ['rollback', 'promote'] as const, 'rollback'),
    keepPrevious: boolean(read, 'keep-previous', false),
  };
}

/** The inputs that say what to deploy: a rollback deploys nothing new, so they do not go with it. */
const DEPLOY_ONLY = ['task-definition', 'manifest', 'container-name', 'image', 'keep-previous'] as const;

/** With `rollback: true`, refuses the inputs only a deploy uses, naming the first one given. */
export function refuseDeployInputsForRollback(read: InputReader): void {
  for (const name of DEPLOY_ONLY) {
    const text = optional(read, name);
    if (!text || (name === 'keep-previous' && text === 'false')) continue;
    throw inputError(
      name,
      text,
      "with 'rollback: true' nothing new is deployed (the release kept by 'keep-previous' comes back): leave it out",
    );
  }
}

/**
 * Pauses and keep-previous act on task sets: refuses them, naming the input, for a service whose
 * deployment controller is another (abort and status work for every kind).
 */
export function refuseTaskSetOnlyInputs(
  settings: { steps: readonly TrafficStep[]; keepPrevious: boolean },
  service: string,
  controller: string,
): void {
  if (controller === 'EXTERNAL') return;
  const why = `service '${service}' uses the ${controller} deployment controller, and this works with task sets (EXTERNAL) only`;
  const paused = settings.steps.find((step) => step.pause);
  if (paused)
    throw inputError('steps', `${paused.percent}%:pause`, `${why}; \`safe-deploy abort\` works for it`);
  if (settings.keepPrevious) throw inputError('keep-previous', 'true', why);
}
