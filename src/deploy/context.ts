import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { AlarmWatch } from '../alarms/watch.js';
import type { CloudWatchPort } from '../aws/cloudwatch.js';
import type { EcsControlPort, EcsControllerPort, EcsPort } from '../aws/ecs.js';
import type { LoadBalancerPort, TargetGroupPort, TargetHealthPort } from '../aws/load-balancer.js';
import type { AwsPorts } from './aws-ports.js';
import type { Clock } from '../clock.js';
import type { AwsCalls } from './calls.js';
import type { RunIdentity } from './leftovers.js';
import type { DeployLog } from './log.js';
import type { DeployPlan } from '../report/model.js';
import type { SavedDeploy } from './saved.js';
import type { DeploySettings } from './settings.js';
import type { GreenShare } from './share.js';
import type { Timeline } from './timeline.js';
import type { DeployWatch } from './watch.js';

/** The version to deploy, already read from files or a verified manifest (no AWS call needed yet). */
export interface Release {
  /** A task definition to register. */
  register?: RegisterTaskDefinitionCommandInput;
  /** An existing task definition (`family:revision` or ARN) to deploy, as it is or with `revise`. */
  existing?: string;
  /** Turns `existing` into a new revision to register (a container's image replaced). */
  revise?: (existing: TaskDefinition) => RegisterTaskDefinitionCommandInput;
  image?: string;
  manifestLines?: string[];
}

/** Everything a deploy talks to; all of it injected so tests run it against mocks and a fake clock. */
export interface DeployDeps {
  ecs: EcsPort & EcsControllerPort & EcsControlPort;
  lb: LoadBalancerPort & TargetHealthPort & TargetGroupPort;
  cloudwatch: CloudWatchPort;
  /** What verify reads (ECR, SSM, Secrets Manager, IAM). */
  verify: AwsPorts['verify'];
  /** CloudWatch Logs: log groups and the release task's output. */
  logs: AwsPorts['logs'];
  /** Runs and watches the release task. */
  tasks: AwsPorts['tasks'];
  clock: Clock;
  /** The job's log page, published for `safe-deploy status`. */
  runUrl?: string;
  log: DeployLog;
  identity: RunIdentity;
  /** Runs a hook command; resolves to its exit code. Aborting `signal` stops it. */
  runHook(name: string, command: string, env: Record<string, string>, signal: AbortSignal): Promise<number>;
  /** For `require-review`: whether the commit reached the branch through an approved pull request. */
  checkReview?(): Promise<{ ok: true; by?: string } | { ok: false; reason: string }>;
  /** Writes the post step's only input. */
  saveState(state: SavedDeploy): void;
  /**
   * Adds the release task to that state while it runs (undefined once it stopped), so the post step of
   * a job killed meanwhile stops it.
   */
  saveReleaseTask?(arn: string | undefined): void;
  /** Aborted when the job is cancelled: the deploy rolls back. */
  signal?: AbortSignal;
  /** Called the moment production traffic is back on blue during a rollback. */
  onTrafficRestored?(): void;
  /** Renders the plan for the log (the report's business, not the deploy's). */
  describePlan?(plan: DeployPlan): string;
  /** Called once, when validation has passed and the deploy is about to change AWS. */
  onChangesBegin?(): void;
  /** Ends the GitHub deployment record of an abandoned run whose task set this run removes. */
  closeAbandonedRecord?(deploymentId: number, description: string): Promise<void>;
  /** The GitHub deployment record's id once it exists, tagged on green so a later run can close it. */
  deploymentId?(): number | undefined;
  /** The region the AWS clients use, for errors that say where something was looked for. */
  region?: string;
  /** Real-time bound of calls that may hang (tests inject a short one). */
  timer?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Watched alarms, resolved once before anything changes. */
export interface ResolvedAlarms {
  watched: string[];
  /** Watched only during the one-box stage (not already in `watched`). */
  oneBoxOnly: string[];
  blockers: string[];
}

/** What every phase of a deploy shares: its settings, ports, the one wait loop, the call policy, the timeline. */
export interface DeployContext {
  settings: DeploySettings;
  deps: DeployDeps;
  watch: DeployWatch;
  calls: AwsCalls;
  timeline: Timeline;
  /** Green's share of production traffic: the lifecycle's, passed to every move and check. */
  traffic: GreenShare;
  alarmWatch: AlarmWatch;
  startedAt: number;
}
