import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describeError } from '../errors.js';
import { artifactService, type ArtifactUpload } from '../github/artifacts.js';
import { GitHubReleaseApi, type ReleaseApi } from '../github/releases.js';
import { summarizeManifest } from '../manifest/manifest.js';
import { queueRelease, queueRun, readQueue, supersede, takeRelease, type QueueRun } from '../queue/queue.js';
import { queuedEntries, short } from '../queue/release.js';
import { queueMarkdown, queueRows, type QueueRow } from '../queue/summary.js';
import * as log from '../log.js';
import type { GateDecision } from './evaluate.js';
import { formatInstant } from './evaluate.js';
import type { GateSettings } from './settings.js';

/** What the gate needs for the release queue; injected in tests. */
export interface QueueDeps {
  releases?: ReleaseApi;
  upload?: ArtifactUpload;
  env?: NodeJS.ProcessEnv;
}

/** The queue's part of the gate's answer. */
export interface QueueStep {
  /** Whether a deploy may start: with `release-queued`, only when a release was taken. */
  open: boolean;
  outputs: Record<string, string>;
  /** Markdown for the job summary. */
  summary: string[];
  /** One line for the log when the run deploys nothing. */
  notice?: string;
}

/**
 * The release queue's move for this gate run: with `release-queued`, take the newest queued release when
 * the gate is open (or show the queue when it is not); with `on-closed: queue`, queue this run's release
 * when closed, or retire older queued releases when open (this run deploys a newer commit directly).
 */
export async function queueStep(
  settings: GateSettings,
  decision: GateDecision,
  deps: QueueDeps,
): Promise<QueueStep> {
  const env = deps.env ?? process.env;
  const run = queueRun(env);
  const { environment } = settings.queue;
  const api =
    deps.releases ??
    new GitHubReleaseApi({ token: settings.queue.githubToken ?? '', repository: run.repository });
  const opening = nextOpening(decision, settings.timezone);
  // Queue times in the gate's zone, as every other time of its summary.
  const table = (rows: QueueRow[]) =>
    queueMarkdown(rows, environment, (iso) => {
      const ms = Date.parse(iso);
      return Number.isNaN(ms) ? iso : formatInstant(ms, settings.timezone);
    });

  if (settings.queue.releaseQueued) {
    if (!decision.open) {
      const rows = queueRows(await readQueue(api, environment));
      const what = rows.length
        ? `${rows.length} release${rows.length > 1 ? 's' : ''} queued for ${environment}, the newest ${short(rows[0]!.commit)} since ${rows[0]!.since}`
        : `nothing is queued for ${environment}`;
      return {
        open: false,
        outputs: {},
        summary: [
          '### Release queue',
          '',
          `Nothing deployed: the gate is closed. ${opening}`,
          '',
          ...table(rows),
        ],
        notice: `Deploy gate closed: ${decision.reason}. ${opening} Nothing deployed; ${what}.`,
      };
    }
    return take(api, run, settings, decision, deps, env);
  }

  if (!decision.open) {
    const queued = await queueRelease(api, run, {
      environment,
      artifactName: settings.queue.manifestArtifact,
      reason: `${decision.reason}; ${opening}`,
    });
    const rows = queueRows(await readQueue(api, environment));
    const replaced = queued.superseded.map((d) => `${d.id} (${short(d.sha)})`);
    return {
      open: false,
      outputs: { queued: String(queued.deployment.id) },
      summary: [
        '### Release queue',
        '',
        `Queued ${short(run.sha)} for ${environment} as deployment ${queued.deployment.id}: it ships when a ` +
          `scheduled run finds the gate open. ${opening}` +
          (replaced.length ? ` It supersedes ${replaced.join(', ')}.` : ''),
        '',
        ...table(rows),
      ],
      notice: `Deploy gate closed: ${decision.reason}. Queued ${short(run.sha)} for ${environment} (deployment ${queued.deployment.id}). ${opening}`,
    };
  }

  // Open: this run deploys its own, newer commit, so what waits in the queue is older and retired.
  const older = queuedEntries(await readQueue(api, environment)).filter((e) => e.deployment.sha !== run.sha);
  const retired = await supersede(
    api,
    older,
    `Superseded by ${short(run.sha)}, deployed directly by run ${run.runId}`,
    run,
  );
  return {
    open: true,
    outputs: {},
    summary: retired.length
      ? [
          '### Release queue',
          '',
          `Superseded queued releases ${retired.map((d) => d.id).join(', ')}: this run deploys ${short(run.sha)}.`,
        ]
      : [],
  };
}

async function take(
  api: ReleaseApi,
  run: QueueRun,
  settings: GateSettings,
  decision: GateDecision,
  deps: QueueDeps,
  env: NodeJS.ProcessEnv,
): Promise<QueueStep> {
  const { environment, manifestArtifact } = settings.queue;
  const dir = join(env.RUNNER_TEMP || tmpdir(), 'safe-deploy', `queued-release-${run.runId}`);
  const outcome = await takeRelease(api, run, {
    environment,
    dir,
    ...(decision.overridden && settings.override ? { override: settings.override } : {}),
  });
  if (!outcome.taken) {
    const why = outcome.claimedBy
      ? `another run took release ${outcome.claimedBy.deployment.id} first`
      : `nothing is queued for ${environment}`;
    return {
      open: false,
      outputs: {},
      summary: ['### Release queue', '', `Nothing deployed: the gate is open, but ${why}.`],
      notice: `Deploy gate open, but ${why}: nothing to deploy.`,
    };
  }
  const { deployment, manifest, manifestPath } = outcome.taken;
  // Later jobs download the verified manifest from this run, as they would a build's.
  const name = `${manifestArtifact}-queued`;
  let uploaded: boolean;
  try {
    uploaded = await reupload(name, manifestPath, deps.upload ?? artifactService(env));
  } catch (error) {
    // Claimed but not handed on: say so on the deployment, or it would read in_progress for ever.
    await api
      .createStatus(deployment.id, {
        state: 'error',
        description: `Nothing deployed: run ${run.runId} could not hand the manifest to its deploy jobs`,
        ...(run.logUrl ? { logUrl: run.logUrl } : {}),
      })
      .catch(() => undefined);
    throw error;
  }
  return {
    open: true,
    outputs: {
      release: String(deployment.id),
      'release-commit': deployment.sha,
      manifest: manifestPath,
      'manifest-artifact': uploaded ? name : '',
      image: manifest.image,
    },
    summary: [
      '### Release queue',
      '',
      `Releasing deployment ${deployment.id}: commit \`${deployment.sha}\` for ${environment}, queued since ` +
        `${outcome.taken.queuedSince}${decision.overridden ? `, shipped by override: ${settings.override ?? ''}` : ''}.`,
      '',
      ...summarizeManifest(manifest),
      ...(outcome.taken.superseded.length
        ? [`- Superseded: ${outcome.taken.superseded.map((d) => `${d.id} (\`${short(d.sha)}\`)`).join(', ')}`]
        : []),
    ],
  };
}

/** Uploads the verified manifest as an artifact of this run; false where there is no artifact service. */
async function reupload(name: string, path: string, send: ArtifactUpload | undefined): Promise<boolean> {
  if (!send) {
    log.info(
      `No workflow artifact service here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set): the verified manifest is at ${path}.`,
    );
    return false;
  }
  try {
    await send(name, [path], join(path, '..'));
  } catch (error) {
    throw new Error(
      `Uploading the queued release's manifest as artifact '${name}' failed: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  log.info(`Uploaded the verified manifest as artifact '${name}' of this run, for the deploy jobs.`);
  return true;
}

/** When the gate next opens, in a sentence. */
export function nextOpening(decision: GateDecision, zone: string): string {
  if (decision.calendarOpen) return 'The calendar is open: the gate opens when the alarms leave ALARM.';
  if (decision.nextOpen === undefined) return 'The calendar does not open within the next year.';
  return `Next opening: ${formatInstant(decision.nextOpen, zone)}.`;
}
