import type { Routing } from '../report/model.js';
import type { ListenerRoute } from './routing/listener.js';

/** A task-set deploy's AWS resources, as the post step needs them to roll back without guessing. */
export interface TaskSetTarget {
  cluster: string;
  service: string;
  routing: Routing;
  blueArn: string;
  /** Unknown only when the run stopped while creating green; then it is found by `runTags`. */
  greenArn?: string | undefined;
  /** Present with listener routing. */
  listener?: ListenerRoute | undefined;
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

/** An ECS-controller deploy's resources, as the post step needs them to roll back without guessing. */
export interface EcsTarget {
  cluster: string;
  service: string;
  /** ECS rolling update, or ECS's own BLUE_GREEN / LINEAR / CANARY strategy. */
  mode: 'rolling' | 'native';
  /** The task definition the service ran before this deploy: what a rollback returns to. */
  previousTaskDefinition: string;
  /** The task definition this deploy moves the service to. */
  taskDefinition: string;
  /** The service deployment the update started, once known (absent where the API is not available). */
  serviceDeploymentArn?: string | undefined;
}

/** What the main step adds to the saved state of every kind of deploy as it goes. */
export interface SavedRun {
  /** Set by the action once the GitHub deployment record exists. */
  deploymentId?: number;
  /** True once the main step has given the record its final status. */
  recordFinished?: boolean;
  /** The release task while it runs (the post step of a killed job stops it). */
  releaseTaskArn?: string;
}

/** The post step's only input for an ECS-controller service. */
export interface SavedEcsDeploy extends SavedRun {
  kind: 'ecs';
  stage: DeployStage;
  target: EcsTarget;
}

/**
 * A first deploy's AWS resources: the service had no task set, so a rollback deletes the first one and
 * leaves the service empty, as it was.
 */
export interface FirstTaskSetTarget {
  cluster: string;
  service: string;
  routing: Routing;
  /** Unknown only when the run stopped while creating it; then it is found by `runTags`. */
  taskSetArn?: string | undefined;
  /** With listener routing: the production route; `greenTargetGroup` is the first task set's. */
  listener?: ListenerRoute | undefined;
  /** Tags that identify the task set of this run. */
  runTags: Record<string, string>;
}

/** The post step's only input for a first deploy to an EXTERNAL service. */
export interface SavedFirstTaskSetDeploy extends SavedRun {
  kind: 'first-task-set';
  stage: DeployStage;
  target: FirstTaskSetTarget;
}

/** The post step's only input. */
export type SavedDeploy = SavedTaskSetDeploy | SavedEcsDeploy | SavedFirstTaskSetDeploy;

/** The post step's only input for a task-set service. */
export interface SavedTaskSetDeploy extends SavedRun {
  kind: 'task-sets';
  stage: DeployStage;
  target: TaskSetTarget;
}
