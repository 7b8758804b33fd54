import type { Diagnosis } from './diagnose.js';
import type { TrafficStep } from './model.js';
import type { RequestCountStart } from './requests.js';
import type { RollbackOutcome } from './rollback.js';
import type { SavedDeploy } from './saved.js';

/**
 * The port between the lifecycle and one kind of service. The lifecycle is the runbook; each kind (task
 * sets today) says how green is made, how traffic reaches it, and how it is promoted or undone. A new kind
 * of service is a new implementation of these two interfaces, not a new branch in the lifecycle.
 */

/** The AWS identities a run reports as outputs. */
export interface RolloutIds {
  taskDefinitionArn?: string;
  taskSetArn?: string;
  previousTaskSetArn?: string;
}

/** A validated deploy before it changes anything. */
export interface CheckedRollout {
  /** Green's share of traffic during the one-box stage. */
  readonly boxShare: number;
  /** The traffic steps this kind runs, when not the settings' own (ECS moves traffic for its kinds). */
  readonly steps?: TrafficStep[];
  /** What the plan says about this kind: the controller and strategy, and what each step means for it. */
  describe?(): string[];
  /** The service has no running version: nothing to canary against, nothing to go back to but empty. */
  readonly firstDeploy?: boolean;
  ids(): RolloutIds;
  saved(): SavedDeploy;
  /** Makes the first changes and creates green. */
  prepare(): Promise<LiveRollout>;
  /** Undoes whatever `prepare` got to, when it did not finish. */
  rollBack(): Promise<RollbackOutcome>;
}

/** A deploy whose green exists. */
export interface LiveRollout {
  ids(): RolloutIds;
  /** Variables a hook sees (cluster, service, green's identity, traffic). */
  hookEnv(): Record<string, string>;
  /** Waits until green runs (and is healthy), watched. */
  stabilise(): Promise<void>;
  /** Sends all test traffic to green, where the route has a test listener. */
  testTraffic(): Promise<void>;
  /** Green runs one task taking `share` of production traffic. */
  oneBox(share: number): Promise<void>;
  /** Moves green's share of production traffic to `percent`. */
  shift(percent: number): Promise<void>;
  /** Green's requests in [from, to), or undefined when they cannot be counted (now, or at all). */
  requestsSince(from: number, to: number): Promise<number | undefined>;
  /** From when the requests its target groups served are green's (see `requestWindow`). */
  readonly requestsCountFrom: RequestCountStart;
  /** Makes green the running version and removes blue, verified by reading AWS. */
  promote(): Promise<void>;
  /** The `reason` of a finished deploy, when the kind words it otherwise than "green is PRIMARY". */
  deployedReason?(): string;
  /** Puts everything back on blue, verified by reading AWS. */
  rollBack(): Promise<RollbackOutcome>;
  /** For a run that lost the start race: removes only its own green. */
  backOff(): Promise<void>;
  /** The resource `safe-deploy status | promote | abort` reach this run through (green's task set). */
  controlArn(): string;
  /** Why green failed, in ECS's and the load balancer's words (never throws). */
  diagnose(): Promise<Diagnosis>;
}

/** Ends the deploy before any change: the result is `blocked`. */
export class Blocked extends Error {}

/**
 * Another run created its green first: this run removes only its own task set and ends `blocked`, leaving
 * traffic and blue to the earlier run.
 */
export class YieldToEarlierRun extends Error {
  constructor(
    readonly earlierArn: string,
    /** This run's own deploy, whose green it removes. */
    readonly own: LiveRollout,
  ) {
    super(
      `another run started deploying this service at the same time (task set ${earlierArn}); this run backed off`,
    );
  }
}
