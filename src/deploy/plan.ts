import type { TrafficStep } from '../report/model.js';

/**
 * The arithmetic of a traffic plan, kept pure so the plan that is printed is the plan that runs.
 */

/** Green's share of traffic while one green task runs beside blue's `desiredCount` tasks. */
export function oneBoxShare(desiredCount: number): number {
  return Math.max(1, Math.round(100 / (Math.max(1, desiredCount) + 1)));
}

/**
 * The task-set scale (percent of the service's desired count) that gives green exactly one task: ECS
 * rounds a percent scale up to whole tasks, so 100/desiredCount is one task.
 */
export function oneTaskScale(desiredCount: number): number {
  return Math.min(100, 100 / Math.max(1, desiredCount));
}

/**
 * The share green really holds during a step. After a one-box stage, a step at or below the box's share
 * (but short of 100%) is kept as a hold at the box's share: the box goes on taking its share for the step's
 * hold. Moving green to a smaller share than one task already takes would be a step backwards, and with
 * task-sets routing it cannot even be expressed.
 */
export function stepShare(step: TrafficStep, boxShare: number | undefined): number {
  if (boxShare !== undefined && step.percent < 100 && step.percent <= boxShare) return boxShare;
  return step.percent;
}

/** Whether a step is held at the one box's share instead of moving traffic. */
export function heldAtBox(step: TrafficStep, boxShare: number | undefined): boolean {
  return stepShare(step, boxShare) !== step.percent;
}
