import type { Routing } from './model.js';
import type { ListenerRoute } from './routing/listener.js';

/** A task-set deploy's AWS resources, as the post step needs them to roll back without guessing. */
export interface TaskSetTarget {
  cluster: string;
  service: string;
  routing: Routing;
  blueArn: string;
  /** Unknown only when the run stopped while creating green; then it is found by `runTags`. */
  greenArn: string | undefined;
  /** Present with listener routing. */
  listener: ListenerRoute | undefined;
  /** Tags that identify the green task set of this run. */
  runTags: Record<string, string>;
}

/**
 * How far a deploy got, for the post step:
 * - `deploying`: green may take traffic; an interrupted run is rolled back.
 * - `promoting`: green is being made PRIMARY; once AWS shows it PRIMARY the post step finishes the
 *   promotion instead of rolling back (a half-promoted service must not be left with no PRIMARY).
 * - `yielded`: this run lost the start race; it may only ever delete its own task set.
 * - `finished`: nothing is left to do.
 */
export type DeployStage = 'deploying' | 'promoting' | 'yielded' | 'finished';

/** The post step's only input. */
export interface SavedDeploy {
  kind: 'task-sets';
  stage: DeployStage;
  target: TaskSetTarget;
  /** Set by the action once the GitHub deployment record exists. */
  deploymentId?: number;
  /** True once the main step has given the record its final status. */
  recordFinished?: boolean;
}
