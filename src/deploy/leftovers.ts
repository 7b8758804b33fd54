import type { TaskSet } from '../aws/ecs.js';
import { decodeKept } from '../control-protocol/channel.js';

/** Tags safe-deploy writes on the task sets it creates, so later runs recognise them. */
export const TAG = {
  repository: 'safe-deploy:repository',
  commit: 'safe-deploy:commit',
  runId: 'safe-deploy:run-id',
  runAttempt: 'safe-deploy:run-attempt',
  heartbeat: 'safe-deploy:heartbeat',
  deploymentId: 'safe-deploy:deployment-id',
} as const;

/** A task set left by a run whose heartbeat is older than this is abandoned and may be removed. */
export const STALE_AFTER_MS = 5 * 60_000;

/** Who is deploying: written as tags on the task set, so later runs recognise it. */
export interface RunIdentity {
  repository: string;
  commit: string;
  runId: string;
  runAttempt: string;
}

/** What a task set other than blue is to this run. */
export type Leftover =
  /** Left by an earlier attempt of this same workflow run: this attempt owns it. */
  | { kind: 'own-earlier-attempt'; set: TaskSet }
  /** Left by a run whose heartbeat stopped: removed before deploying. */
  | { kind: 'abandoned'; set: TaskSet; ageMs: number }
  /** A run that is still deploying: this run must not start. */
  | { kind: 'live'; set: TaskSet; ageMs: number }
  /** Not created by safe-deploy: someone else is deploying, or set it up by hand. */
  | { kind: 'foreign'; set: TaskSet }
  /** The release an earlier deploy kept with keep-previous: replaced by this deploy's blue. */
  | { kind: 'kept'; set: TaskSet; keptBy: string };

/** The tags that mark a task set as created by this run attempt. */
export function runTags(identity: RunIdentity): Record<string, string> {
  return {
    [TAG.repository]: identity.repository,
    [TAG.commit]: identity.commit,
    [TAG.runId]: identity.runId,
    [TAG.runAttempt]: identity.runAttempt,
  };
}

/**
 * Sorts every task set other than blue (DRAINING ones are on their way out and do not count) by who owns
 * it. A later attempt of the same workflow run (same repository and run id) owns what earlier attempts
 * left, whatever their heartbeat says: "Re-run failed jobs" must be able to recover its own leftovers.
 */
export function classifyLeftovers(
  taskSets: readonly TaskSet[],
  blueArn: string,
  identity: RunIdentity,
  now: number,
): Leftover[] {
  return taskSets
    .filter((set) => set.arn !== blueArn && set.status !== 'DRAINING')
    .map((set): Leftover => {
      const kept = decodeKept(set.tags);
      if (kept) return { kind: 'kept', set, keptBy: kept.keptBy };
      const runId = set.tags[TAG.runId];
      if (!runId) return { kind: 'foreign', set };
      const sameRun = runId === identity.runId && set.tags[TAG.repository] === identity.repository;
      if (sameRun && Number(set.tags[TAG.runAttempt] ?? 0) < Number(identity.runAttempt)) {
        return { kind: 'own-earlier-attempt', set };
      }
      const beat = Date.parse(set.tags[TAG.heartbeat] ?? '') || set.createdAt?.getTime() || 0;
      const ageMs = now - beat;
      return ageMs < STALE_AFTER_MS ? { kind: 'live', set, ageMs } : { kind: 'abandoned', set, ageMs };
    });
}

/**
 * Of two runs that created their green at the same moment, the one whose task set came first goes on; the
 * other backs off. Returns the earlier run's task set, if there is one. A task set with this run attempt's
 * own tags is no other run's (a duplicate of a retried create): it is removed when the deploy ends.
 */
export function earlierRun(
  taskSets: readonly TaskSet[],
  mine: TaskSet,
  blueArn: string,
): TaskSet | undefined {
  const at = (set: TaskSet): number => set.createdAt?.getTime() ?? 0;
  const run = [TAG.repository, TAG.runId, TAG.runAttempt] as const;
  const ownRun = (t: TaskSet): boolean =>
    !!mine.tags[TAG.runId] && run.every((key) => t.tags[key] === mine.tags[key]);
  return taskSets.find(
    (t) =>
      t.arn !== mine.arn &&
      t.arn !== blueArn &&
      t.status !== 'DRAINING' &&
      !ownRun(t) &&
      !decodeKept(t.tags) &&
      (at(t) < at(mine) || (at(t) === at(mine) && t.arn < mine.arn)),
  );
}

/** The run's identity from the runner's environment (or a local one). */
export function runIdentity(env: NodeJS.ProcessEnv): RunIdentity {
  return {
    repository: env.GITHUB_REPOSITORY ?? 'local/local',
    commit: env.GITHUB_SHA ?? 'local',
    runId: env.GITHUB_RUN_ID ?? `local-${process.pid}`,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
  };
}
