import type { GreenBlueAnalysis } from '../compare/analysis.js';
import type { Diagnosis } from './diagnose.js';
import type { BalancedContainer } from './verify/checks.js';
import type { TrafficStep } from '../report/model.js';
import type { RequestCountStart } from './requests.js';
import type { RollbackOutcome } from './rollback.js';
import type { TrafficRouter } from './routing/router.js';
import type { SavedDeploy } from './saved.js';
import type { DeploySettings } from './settings.js';
import type { CheckedTaskDefinition } from './task-definition.js';

/**
 * The controller port between the lifecycle and one kind of service. The lifecycle is the runbook; each
 * kind (task sets, a first task set, ECS rolling, ECS's own strategies) says only what differs: how green
 * is made and steadied, how it is promoted or undone, and which traffic router moves its traffic. How
 * traffic moves is the router's (`routing/router.ts`), never the kind's. What a kind does not have is
 * absent here, not a stub. A new kind of service is a new implementation of these two interfaces.
 */

/** The AWS identities a run reports as outputs. */
export interface RolloutIds {
  taskDefinitionArn?: string;
  taskSetArn?: string;
  previousTaskSetArn?: string;
}

/**
 * A kind of service as validation found it (reading only): the settings it runs with, what it compares,
 * and the deploy it makes of a task definition. Chosen in one place (`checkKind` in the preflight).
 */
export interface CheckedKind {
  /** The settings the run follows: the inputs, less what the kind skips (a first deploy's canary). */
  readonly settings: DeploySettings;
  /** Green against blue, where the kind has both and `compare` declares comparisons. */
  readonly analysis?: GreenBlueAnalysis;
  /** Where the load balancer sends the service's traffic (the container and port `verify` checks). */
  readonly loadBalancers: BalancedContainer[];
  /** The kind runs its own traffic steps (ECS moves traffic; a first deploy goes at once), not the canary. */
  readonly ownSteps: boolean;
  /** The deploy of this task definition, before it changes anything. */
  rollout(taskDefinition: CheckedTaskDefinition): CheckedRollout;
}

/** A validated deploy before it changes anything. */
export interface CheckedRollout {
  /** Green's share of traffic during the one-box stage, and the scale that gives it one task (task sets). */
  readonly oneBox?: { share: number; scale: number };
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

/** How one move of green's share reads on the timeline and in the log. */
export interface MoveWords {
  note: string;
  line?: string;
}

/** Green's own requests, where they can be counted (`min-requests`). */
export interface GreenRequests {
  /** From when the requests its target groups served are green's (see `requestWindow`). */
  readonly countFrom: RequestCountStart;
  /** Green's requests in [from, to), or undefined when they cannot be counted now. */
  since(from: number, to: number): Promise<number | undefined>;
}

/** A deploy whose green exists. */
export interface LiveRollout {
  /** How production traffic reaches green and goes back to blue. */
  readonly router: TrafficRouter;
  ids(): RolloutIds;
  /** Variables a hook sees (cluster, service, green's identity); the lifecycle adds green's share. */
  hookEnv(): Record<string, string>;
  /** Waits until green runs (and is healthy), watched. */
  stabilise(): Promise<void>;
  /**
   * How a move of green's share to `percent` reads, when the kind words it otherwise than "traffic N%";
   * undefined where ECS's own reports of its moves are the record.
   */
  describeMove?(percent: number): MoveWords | undefined;
  /** Green's requests, where the kind can count them. */
  readonly requests?: GreenRequests;
  /** Makes green the running version (and removes blue where there is one), verified by reading AWS. */
  promote(): Promise<void>;
  /** The `reason` of a finished deploy, when the kind words it otherwise than "green is PRIMARY". */
  deployedReason?(): string;
  /** Puts everything back on blue, verified by reading AWS. */
  rollBack(): Promise<RollbackOutcome>;
  /** The resource `safe-deploy status | promote | abort` reach this run through (green's task set). */
  controlArn(): string;
  /** Why green failed, in ECS's and the load balancer's words (never throws). */
  diagnose(): Promise<Diagnosis>;
}

/** Ends the deploy before any change: the result is `blocked`. */
export class Blocked extends Error {}

/** What a run that lost the start race owns: its own green, and nothing else. */
export interface OwnGreen {
  ids(): RolloutIds;
  /** Removes only this run's own green. */
  backOff(): Promise<void>;
}

/**
 * Another run created its green first: this run removes only its own task set and ends `blocked`, leaving
 * traffic and blue to the earlier run.
 */
export class YieldToEarlierRun extends Error {
  constructor(
    readonly earlierArn: string,
    /** This run's own deploy, whose green it removes. */
    readonly own: OwnGreen,
  ) {
    super(
      `another run started deploying this service at the same time (task set ${earlierArn}); this run backed off`,
    );
  }
}
