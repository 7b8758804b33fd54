import * as z from 'zod';
import type { Artifact, Deployment, DeploymentStatus, WorkflowRun } from '../github/releases.js';

/**
 * The release queue's decisions, without I/O: what a queued release records, which deployment is
 * queued, who won a claim, and whether GitHub's own records back a queued release up. The queue is
 * GitHub's Deployments API: a release waiting for its window is a deployment of this task whose newest
 * status is `queued`.
 */

/** The deployment task that marks a queued release (GitHub's `task`, e.g. `deploy:migrations`). */
export const RELEASE_TASK = 'deploy:queued-release';

/** How many of an environment's newest queued-release deployments are read. */
export const QUEUE_DEPTH = 30;

/**
 * What a queued release carries so that a later run can ship it: the commit, and where its sealed
 * manifest is (the run that packaged it and the artifact it uploaded). Written by the queue, but read
 * as untrusted: anyone with write access can create a deployment with any payload, so every field is
 * checked against GitHub's own records before anything ships.
 */
export const ReleasePayload = z
  .object({
    queuedRelease: z.literal(1),
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
    commit: z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full commit SHA'),
    runId: id(),
    runAttempt: id(),
    artifact: z.object({ name: z.string().min(1), id: id() }).strict(),
  })
  .strict();
export type ReleasePayload = z.output<typeof ReleasePayload>;

/** A GitHub id: a positive whole number, or its decimal text (as the runner's variables carry it). */
function id() {
  return z.union(
    [
      z.number().int().positive(),
      z
        .string()
        .regex(/^[1-9]\d{0,15}$/)
        .transform(Number),
    ],
    { error: 'expected a GitHub id (a positive whole number)' },
  );
}

/** A release in the queue: its deployment, its newest status and since when it holds it. */
export interface QueueEntry {
  deployment: Deployment;
  state: string;
  /** When the newest status was posted: for a queued release, since when it waits. */
  since: string;
  statuses: DeploymentStatus[];
}

/** The entries whose newest status is `queued`, newest release first. */
export function queuedEntries(entries: readonly QueueEntry[]): QueueEntry[] {
  return entries.filter((e) => e.state === 'queued').sort((a, b) => b.deployment.id - a.deployment.id);
}

/** A queue entry from a deployment and its statuses (newest first, as GitHub lists them). */
export function queueEntry(deployment: Deployment, statuses: readonly DeploymentStatus[]): QueueEntry {
  const [newest] = [...statuses].sort((a, b) => b.id - a.id);
  return {
    deployment,
    state: newest?.state ?? 'pending',
    since: newest?.createdAt ?? deployment.createdAt,
    statuses: [...statuses],
  };
}

/**
 * Who took a release: the first `in_progress` status posted after its newest `queued` one. Status ids
 * grow with time, so two runs that both claim read the same winner, whatever order they re-read in.
 */
export function claimWinner(statuses: readonly DeploymentStatus[]): number | undefined {
  const oldestFirst = [...statuses].sort((a, b) => a.id - b.id);
  let queuedAt = -1;
  oldestFirst.forEach((s, i) => {
    if (s.state === 'queued') queuedAt = i;
  });
  return oldestFirst.slice(queuedAt + 1).find((s) => s.state === 'in_progress')?.id;
}

/** The run taking a release from the queue, as the runner describes it. */
export interface TakingRun {
  /** `owner/name` of this repository. */
  repository: string;
  /** The branch this run is on (a scheduled run: the default branch); queued releases must be from it. */
  branch: string | undefined;
}

/** Events whose runs build code that was not merged: a queued release is never from one of them. */
const UNMERGED_EVENTS = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
];

/**
 * What is wrong with a queued release, by GitHub's records rather than its payload: the payload must
 * name this repository and the deployment's own commit; the run it names must be a run of this
 * repository, of that commit, not a fork's or a pull request's, on this run's branch; the artifact must
 * be that run's, of the recorded name, and not expired. Undefined when all hold.
 */
export function releaseProblem(
  deployment: Deployment,
  payload: ReleasePayload,
  run: WorkflowRun | undefined,
  artifact: Artifact | undefined,
  taking: TakingRun,
): string | undefined {
  const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
  if (!same(payload.repository, taking.repository))
    return `its payload points at a run of ${payload.repository}, not of this repository (${taking.repository})`;
  if (payload.commit !== deployment.sha)
    return `its payload names commit ${payload.commit}, but the deployment is of commit ${deployment.sha}`;
  if (!run) return `run ${payload.runId} named by its payload is not a run of ${taking.repository}`;
  if (!same(run.repository, taking.repository))
    return `run ${run.id} belongs to ${run.repository}, not to ${taking.repository}`;
  if (run.headRepository !== undefined && !same(run.headRepository, taking.repository))
    return `run ${run.id} built ${run.headRepository}@${run.headSha}, a fork's commit: a fork's build is never deployed`;
  if (UNMERGED_EVENTS.includes(run.event))
    return `run ${run.id} was started by ${run.event}: a pull request's build is never deployed from the queue`;
  if (run.headSha !== deployment.sha)
    return `run ${run.id} built commit ${run.headSha}, not the deployment's commit ${deployment.sha}`;
  // GitHub records the branch of every push run; a run without one says nothing either way.
  if (taking.branch && run.headBranch && run.headBranch !== taking.branch)
    return `run ${run.id} ran on ${run.headBranch ? `branch ${run.headBranch}` : 'no branch'}, not on ${taking.branch}, the branch this run releases from`;
  if (!artifact)
    return `artifact ${payload.artifact.id} named by its payload is not an artifact of ${taking.repository}`;
  if (artifact.runId !== run.id)
    return `artifact ${artifact.id} was uploaded by run ${artifact.runId ?? 'unknown'}, not by run ${run.id}`;
  if (artifact.name !== payload.artifact.name)
    return `artifact ${artifact.id} is named ${JSON.stringify(artifact.name)}, not ${JSON.stringify(payload.artifact.name)}`;
  if (artifact.expired)
    return `artifact ${artifact.id} (${artifact.name}) of run ${run.id} has expired${artifact.expiresAt ? ` (${artifact.expiresAt})` : ''}: its manifest can no longer be read; build and queue it again`;
  return undefined;
}

/** A payload's problems, in words naming the fields. */
export function payloadProblem(payload: unknown): string | undefined {
  const parsed = ReleasePayload.safeParse(payload);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
}

/** The first 7 characters of a commit, as GitHub shows it. */
export function short(sha: string): string {
  return sha.slice(0, 7);
}
