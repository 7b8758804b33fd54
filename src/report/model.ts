/**
 * The vocabulary of a deploy, as plain data: what the report is given about a run (its plan, timeline,
 * result and why green failed). The deploy produces it and imports it from here; the report imports
 * nothing of the deploy.
 */

/** How a run ended, as the `result` output reports it. */
export type DeployResult = 'deployed' | 'rolled-back' | 'blocked' | 'dry-run';

/** The lifecycle phases, in order; `rollback` can follow any of them. */
export type Phase =
  | 'validate'
  | 'prepare'
  | 'stabilize'
  | 'test-traffic'
  | 'release-task'
  | 'before-traffic'
  | 'one-box'
  | 'shift'
  | 'after-traffic'
  | 'bake'
  | 'promote'
  | 'rollback'
  | 'finished';

import type { AlarmStateValue } from '../aws/cloudwatch.js';
import type { ComparisonReport } from '../compare/model.js';

export type { AlarmStateValue };

/** One production traffic step: move green to `percent`, then hold it for `holdMs`. */
export interface TrafficStep {
  percent: number;
  holdMs: number;
  /** `N%:pause`: hold until promoted (`safe-deploy promote`), up to `pause-timeout`. */
  pause?: true;
}

/** A step as the plan says it runs: after a one box, a step at or below the box's share holds at it. */
export interface PlannedStep extends TrafficStep {
  /** The one box's share the step holds at instead of moving traffic. */
  heldAt?: number;
}

/** How traffic moves between blue and green. */
export type Routing = 'listener' | 'task-sets';

/** A moment of the deploy: a phase change, a traffic change or an alarm state change. */
export interface TimelineEntry {
  /** ISO-8601 time. */
  at: string;
  phase: Phase;
  /** Green's share of production traffic, 0-100. */
  traffic: number;
  /** Watched alarms that are not OK at this moment, by name. Empty when all are OK. */
  alarms: Record<string, AlarmStateValue>;
  /** What happened, in a few words ("traffic 10%", "alarm api-5xx ALARM", "green steady"). */
  note?: string;
  /** The green-versus-blue comparison that failed at this moment, by name. */
  comparison?: string;
}

/** The timeline note of a first deploy's rollback: its task set deleted, the service empty again. */
export const FIRST_TASK_SET_DELETED = 'first task set deleted';

/** The timeline note of a promotion that kept blue (`keep-previous`), scaled to 0%, for a rollback. */
export const BLUE_KEPT = 'green is PRIMARY, blue kept at 0% for rollback';

/** What the deploy is going to do, as printed by dry-run and the summary. */
export interface DeployPlan {
  cluster: string;
  service: string;
  routing: Routing;
  /** The `steps` input as given (preset name or list). */
  stepsText: string;
  steps: PlannedStep[];
  /** With `one-box`: its bake, its own alarms and green's share of traffic (known once the service is read). */
  oneBox: { bakeMs: number; alarms: string[]; share?: number } | undefined;
  bakeMs: number;
  minRequests: number;
  pollIntervalMs: number;
  /** Alarms watched for the whole deploy, resolved from names and prefixes. */
  alarms: string[];
  testListener: boolean;
  /** Where the kind moves traffic its own way: the controller and strategy, then what each step means for it. */
  kind?: string[];
  /** The service's first deploy: it had no task set, so there was no blue. */
  firstDeploy?: true;
  /** `keep-previous`: promotion keeps blue, scaled to 0%, for `safe-deploy rollback`, instead of removing it. */
  keepPrevious?: true;
  /** The release task's command as given, when one runs before traffic. */
  releaseTask?: string;
  /** What verify found before any change, a line a thing (what exists; what it could not check). */
  verified?: { found: string[]; notVerified: string[] };
  /** Green-versus-blue comparisons: the line as written and its rule in words. */
  comparisons?: { name: string; text: string; rule: string }[];
}

/** Why green failed, as ECS and the load balancer said it: one finding, with how many times it was seen. */
export interface Finding {
  /** ISO time of the newest occurrence, when known. */
  at: string | undefined;
  text: string;
  count: number;
}

/** Why green failed, in ECS's and the load balancer's words. */
export interface Diagnosis {
  events: Finding[];
  stoppedTasks: Finding[];
  unhealthyTargets: Finding[];
  /** What could not be read (a missing IAM permission, say); the rest is still shown. */
  unreadable: string[];
}

/** A task set of the run found beside the serving version once the deploy ended. */
export interface LeftoverRemoved {
  arn: string;
  status: string;
  scalePercent: number;
  /** False when deleting it failed (the log says why). */
  removed: boolean;
}

/** How the release task (`release-task`) ended, for the job summary. */
export interface ReleaseTaskOutcome {
  /** The command as given. */
  command: string;
  taskArn: string | undefined;
  /** The container's exit code; undefined when it never ran (it failed to start, or could not be placed). */
  exitCode: number | undefined;
  /** Why it failed or was stopped, when it did not exit 0. */
  reason: string | undefined;
}

/** Everything the report needs about one run. */
export interface DeployReport {
  /** Task sets of this run found beside the serving version at the end, and whether each was removed. */
  leftovers?: LeftoverRemoved[];
  /** Why green failed, as ECS reported it, when it did not steady, tasks stopped or targets were unhealthy. */
  diagnosis?: Diagnosis;
  result: DeployResult;
  reason: string;
  plan: DeployPlan;
  /** The image deployed, when known (from `image` or the manifest). */
  image?: string;
  taskDefinitionArn?: string;
  taskSetArn?: string;
  previousTaskSetArn?: string;
  /** The release task's command, task and exit code, when one ran. */
  releaseTask?: ReleaseTaskOutcome;
  /** Markdown lines describing the manifest (image digest, checksum), when deployed from one. */
  manifestLines?: string[];
  timeline: TimelineEntry[];
  /** Each green-versus-blue comparison's values, step by step. */
  comparisons?: ComparisonReport[];
  startedAt: string;
  finishedAt: string;
}
