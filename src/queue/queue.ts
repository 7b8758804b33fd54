import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UserError } from '../errors.js';
import { clipDescription as clip, describeApiError } from '../github/client.js';
import type { Deployment, ReleaseApi } from '../github/releases.js';
import { imageDigest } from '../manifest/image.js';
import { MANIFEST_FILE, verifyManifest, type DeployManifest } from '../manifest/manifest.js';
import * as log from '../log.js';
import {
  claimWinner,
  payloadProblem,
  QUEUE_DEPTH,
  queueEntry,
  queuedEntries,
  releaseProblem,
  RELEASE_TASK,
  ReleasePayload,
  short,
  type QueueEntry,
} from './release.js';

/**
 * The release queue's three moves, on GitHub's Deployments API: queue this run's release when its window
 * is closed, take the newest queued release when the window opens (checked against GitHub's records,
 * claimed, its manifest downloaded and verified), and record how its deploy ended.
 */

/** The run doing the work, from the runner's variables. */
export interface QueueRun {
  /** `owner/name`. */
  repository: string;
  runId: number;
  runAttempt: number;
  /** This run's commit: the one a queued release is of. */
  sha: string;
  /** This run's branch, when it is on one (`refs/heads/<branch>`). */
  branch: string | undefined;
  /** This run's page, the statuses' log link. */
  logUrl: string | undefined;
}

/** Reads the run from GITHUB_* variables; a UserError when a queue move is made outside a workflow run. */
export function queueRun(env: NodeJS.ProcessEnv): QueueRun {
  const missing = ['GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_SHA'].filter((name) => !env[name]);
  if (missing.length) {
    throw new UserError(
      `The release queue records the repository, run and commit of each release, but ${missing.join(', ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} not set: queue and release from a GitHub Actions job`,
    );
  }
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return {
    repository: env.GITHUB_REPOSITORY!,
    runId: Number(env.GITHUB_RUN_ID),
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT || '1'),
    sha: env.GITHUB_SHA!.toLowerCase(),
    branch: /^refs\/heads\/(.+)$/.exec(env.GITHUB_REF ?? '')?.[1],
    logUrl: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`,
  };
}

/** The queue of one environment (or of all, without one): every recent queued-release deployment. */
export async function readQueue(api: ReleaseApi, environment?: string): Promise<QueueEntry[]> {
  const deployments = await api.listDeployments({
    task: RELEASE_TASK,
    ...(environment ? { environment } : {}),
    limit: QUEUE_DEPTH,
  });
  // Filtered here too: only this task's deployments (of this environment) are the queue.
  const queue = deployments.filter(
    (d) => d.task === RELEASE_TASK && (!environment || d.environment === environment),
  );
  return Promise.all(queue.map(async (d) => queueEntry(d, await api.listStatuses(d.id))));
}

/** A release this run queued, and the older ones it superseded. */
export interface QueuedRelease {
  deployment: Deployment;
  payload: ReleasePayload;
  superseded: Deployment[];
}

/**
 * Queues this run's release: finds the manifest artifact this run uploaded, creates a deployment of this
 * commit in `environment` carrying where the manifest is, marks it `queued`, and marks every older
 * queued release of the environment `inactive`, saying what replaced it.
 */
export async function queueRelease(
  api: ReleaseApi,
  run: QueueRun,
  options: { environment: string; artifactName: string; reason: string },
): Promise<QueuedRelease> {
  const { environment, artifactName } = options;
  const artifacts = (await api.listRunArtifacts(run.runId, artifactName)).filter((a) => !a.expired);
  const artifact = artifacts.sort((a, b) => b.id - a.id)[0];
  if (!artifact) {
    throw new UserError(
      `Cannot queue the release: run ${run.runId} has no artifact named "${artifactName}" ('manifest-artifact'). ` +
        'Run the package action (with upload: true) in an earlier job of this run, or set manifest-artifact to the name it uploaded',
    );
  }
  const payload: ReleasePayload = {
    queuedRelease: 1,
    repository: run.repository,
    commit: run.sha,
    runId: run.runId,
    runAttempt: run.runAttempt,
    artifact: { name: artifact.name, id: artifact.id },
  };
  const deployment = await api.createDeployment({
    sha: run.sha,
    environment,
    task: RELEASE_TASK,
    description: clip(`Queued by run ${run.runId}: ${options.reason}`),
    payload,
  });
  await api.createStatus(deployment.id, {
    state: 'queued',
    description: clip(`Waiting for the deploy window: ${options.reason}`),
    ...(run.logUrl ? { logUrl: run.logUrl } : {}),
  });
  log.info(
    `Queued ${short(run.sha)} for ${environment} as deployment ${deployment.id} (manifest: artifact ` +
      `${artifact.name}, id ${artifact.id}, of run ${run.runId}).`,
  );
  const older = queuedEntries(await readQueue(api, environment)).filter(
    (e) => e.deployment.id < deployment.id,
  );
  const note = `Superseded by ${short(run.sha)} (deployment ${deployment.id}, run ${run.runId})`;
  const superseded = await supersede(api, older, note, run);
  return { deployment, payload, superseded };
}

/**
 * Marks queued releases `inactive` with a note saying what replaced them (releases newer than the one
 * this run deploys directly, when the window is open). Returns the deployments marked.
 */
export async function supersede(
  api: ReleaseApi,
  entries: readonly QueueEntry[],
  note: string,
  run: QueueRun,
): Promise<Deployment[]> {
  const marked: Deployment[] = [];
  for (const entry of entries) {
    await api.createStatus(entry.deployment.id, {
      state: 'inactive',
      description: clip(note),
      ...(run.logUrl ? { logUrl: run.logUrl } : {}),
    });
    log.info(`Queued release ${entry.deployment.id} (${short(entry.deployment.sha)}): ${note}.`);
    marked.push(entry.deployment);
  }
  return marked;
}

/** A release taken from the queue, its manifest downloaded and verified. */
export interface TakenRelease {
  deployment: Deployment;
  payload: ReleasePayload;
  /** When it was queued. */
  queuedSince: string;
  /** The verified manifest file. */
  manifestPath: string;
  manifest: DeployManifest;
  superseded: Deployment[];
}

/** What taking from the queue came to. */
export interface TakeOutcome {
  /** The release taken; absent when nothing is queued or another run claimed the newest first. */
  taken?: TakenRelease;
  /** The release another run claimed first. */
  claimedBy?: { deployment: Deployment; status: string };
}

/**
 * Takes the newest queued release of `environment`: checks it against GitHub's records (releaseProblem),
 * claims it (`in_progress`, then re-reads that this run's claim came first), retires older queued
 * releases, downloads the manifest artifact into `dir` and verifies it against the deployment's commit
 * and run. A release that fails a check is marked `error` with the reason and refused with a UserError
 * naming it; nothing is deployed.
 */
export async function takeRelease(
  api: ReleaseApi,
  run: QueueRun,
  options: { environment: string; dir: string; override?: string },
): Promise<TakeOutcome> {
  const queued = queuedEntries(await readQueue(api, options.environment));
  const [newest, ...older] = queued;
  if (!newest) return {};
  const { deployment } = newest;
  const label = `release ${deployment.id} (${short(deployment.sha)}, ${options.environment})`;
  const refuse = async (problem: string): Promise<never> => {
    await api
      .createStatus(deployment.id, {
        state: 'error',
        description: clip(`Refused by run ${run.runId}: ${problem}`),
        ...(run.logUrl ? { logUrl: run.logUrl } : {}),
      })
      .catch((error: unknown) =>
        log.warning(`Could not mark deployment ${deployment.id} error (${describeApiError(error)})`),
      );
    throw new UserError(`Queued ${label} refused: ${problem}. Nothing was deployed.`);
  };

  const malformed = payloadProblem(deployment.payload);
  if (malformed) return refuse(`its payload is not a queued release (${malformed})`);
  const payload = ReleasePayload.parse(deployment.payload);
  // The payload is only a pointer: the run and the artifact are read from this repository's API.
  const sameRepository = payload.repository.toLowerCase() === run.repository.toLowerCase();
  const ghRun = sameRepository ? await api.getRun(payload.runId) : undefined;
  let artifact = sameRepository ? await api.getArtifact(payload.artifact.id) : undefined;
  if (artifact && artifact.runId === undefined && ghRun) {
    // An artifact record without its run: it belongs to the run if the run's own list holds it.
    const listed = await api.listRunArtifacts(ghRun.id, payload.artifact.name);
    if (listed.some((a) => a.id === artifact!.id)) artifact = { ...artifact, runId: ghRun.id };
  }
  const problem = releaseProblem(deployment, payload, ghRun, artifact, run);
  if (problem) return refuse(problem);

  const why = options.override ? `override: ${options.override}` : 'the deploy window is open';
  const claim = await api.createStatus(deployment.id, {
    state: 'in_progress',
    description: clip(`Taken by run ${run.runId} (${why})`),
    ...(run.logUrl ? { logUrl: run.logUrl } : {}),
  });
  const statuses = await api.listStatuses(deployment.id);
  const winner = claimWinner(statuses);
  // The identity this workflow acts as: GitHub's record of who posted the claim (with github.token,
  // github-actions[bot], which is what GitHub records when a response leaves it out).
  const self = claim.creator ?? statuses.find((s) => s.id === claim.id)?.creator ?? 'github-actions[bot]';
  if (winner !== claim.id) {
    log.info(
      `Queued ${label} was taken by another run first (status ${winner ?? 'none'}, this run's ${claim.id}): this run deploys nothing.`,
    );
    return { claimedBy: { deployment, status: String(winner) } };
  }
  // Anyone with write access can create a deployment; only one created by the identity this workflow
  // acts as (the one that just posted the claim: GitHub's record, not the payload) is trusted.
  if (!deployment.creator || deployment.creator !== self) {
    return refuse(
      `it was created by ${deployment.creator ?? 'an unknown user'}, not by ${self}, the identity this workflow queues releases as`,
    );
  }
  const superseded = await supersede(
    api,
    older,
    `Superseded by ${short(deployment.sha)} (deployment ${deployment.id}), taken by run ${run.runId}`,
    run,
  );

  mkdirSync(options.dir, { recursive: true });
  try {
    await api.downloadArtifact({ id: payload.artifact.id, runId: payload.runId }, options.dir);
  } catch (error) {
    return refuse(
      `its manifest artifact ${payload.artifact.id} could not be downloaded (${describeError(error)})`,
    );
  }
  const files = readdirSync(options.dir);
  if (!files.includes(MANIFEST_FILE))
    return refuse(
      `artifact ${payload.artifact.id} holds no ${MANIFEST_FILE} (it holds ${files.join(', ') || 'nothing'})`,
    );
  const manifestPath = join(options.dir, MANIFEST_FILE);
  let manifest: DeployManifest;
  try {
    manifest = verifyManifest(
      manifestPath,
      {
        repository: run.repository,
        commit: deployment.sha,
        commitFrom: `queued deployment ${deployment.id}'s commit`,
      },
      options.dir,
    );
  } catch (error) {
    return refuse(describeError(error));
  }
  if (manifest.source.runId !== String(payload.runId))
    return refuse(`its manifest was built by run ${manifest.source.runId}, not by run ${payload.runId}`);
  // A release may wait for days: a tag could point elsewhere by the time it ships.
  if (!imageDigest(manifest.image))
    return refuse(`its manifest's image ${manifest.image} is not pinned by digest`);
  log.info(
    `Took queued ${label}, queued since ${newest.since}: manifest ${manifest.checksum} verified, image ${manifest.image}.`,
  );
  return {
    taken: { deployment, payload, queuedSince: newest.since, manifestPath, manifest, superseded },
  };
}

/** How a taken release's deploy ended: a job's `result`. */
export type ReleaseResult = 'success' | 'failure' | 'cancelled' | 'skipped';

/**
 * Records how a taken release's deploy ended: `success`, or `failure` (failed or cancelled), or `error`
 * when nothing was deployed (the deploy jobs were skipped). The deployment must be a queued release
 * this workflow took (newest status `in_progress`).
 */
export async function finishRelease(
  api: ReleaseApi,
  run: QueueRun,
  deploymentId: number,
  result: ReleaseResult,
): Promise<string> {
  const deployment = await api.getDeployment(deploymentId);
  if (!deployment || deployment.task !== RELEASE_TASK) {
    throw new UserError(
      `Input 'release': deployment ${deploymentId} is not a queued release of ${run.repository}`,
    );
  }
  const entry = queueEntry(deployment, await api.listStatuses(deploymentId));
  if (entry.state !== 'in_progress') {
    throw new UserError(
      `Input 'release': deployment ${deploymentId} is ${entry.state}, not in_progress: only a release this workflow took can be finished`,
    );
  }
  const state = result === 'success' ? 'success' : result === 'skipped' ? 'error' : 'failure';
  const description =
    result === 'success'
      ? `Deployed by run ${run.runId}`
      : result === 'skipped'
        ? `Nothing deployed: the deploy jobs of run ${run.runId} were skipped`
        : `Deploy ${result === 'cancelled' ? 'cancelled' : 'failed'} in run ${run.runId}`;
  await api.createStatus(deploymentId, {
    state,
    description: clip(description),
    ...(run.logUrl ? { logUrl: run.logUrl } : {}),
  });
  log.info(`Queued release ${deploymentId} (${short(deployment.sha)}): ${state}. ${description}.`);
  return state;
}
