import * as core from '@actions/core';
import * as log from '../log.js';
import { systemClock, type Clock } from '../clock.js';
import { checkReviewed } from '../github/review.js';
import type { InputReader } from '../inputs.js';
import { neverJudged } from '../compare/model.js';
import { expectedSource, refuseForkBuild, verifyManifest, summarizeManifest } from '../manifest/manifest.js';
import {
  isPinned,
  readTaskDefinitionFile,
  renderTaskDefinition,
  unpinnedImageWarnings,
} from '../manifest/render.js';
import { readInputFile } from '../files.js';
import { recordFromId, startDeploymentRecord, type DeploymentRecord } from '../report/deployment-record.js';
import { renderPlanText, timelineOutput, writeSummary } from '../report/summary.js';
import { clientRegion } from './arns.js';
import { awsPorts, type AwsPorts } from './aws-ports.js';
import type { Release } from './context.js';
import { runHookCommand } from './hook.js';
import { runIdentity, type RunIdentity } from './leftovers.js';
import { runLifecycle } from './lifecycle.js';
import type { DeployLog } from './log.js';
import { cadencedProgress } from './progress.js';
import type { DeployReport } from '../report/model.js';
import type { SavedDeploy } from './saved.js';
import { parseDeploySettings, type DeploySettings } from './settings.js';
import { STATE_KEY } from './state.js';

/** The state key the post step reads (in its own module, so the post step reads it without the SDK). */
export { STATE_KEY, awsPorts, runIdentity, type AwsPorts };

/** Ports and hooks the deploy runs with; real AWS clients unless a caller (the benchmark) injects others. */
export interface DeployRuntime {
  ports?: AwsPorts;
  /** Where each hold stands after each poll (the CLI's redrawn progress line); else lines in the log. */
  progress?: DeployLog['progress'];
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  onTrafficRestored?(): void;
}

/**
 * Runs the deploy action: parse inputs, deploy, report (outputs, job summary, deployment record). Returns
 * the report; the action fails the step for a result other than deployed or dry-run (see `failureOf`).
 */
export async function runDeploy(read: InputReader, runtime: DeployRuntime = {}): Promise<DeployReport> {
  const env = runtime.env ?? process.env;
  const settings = parseDeploySettings(read);
  const identity = runIdentity(env);
  const release = loadRelease(settings, env);
  // Loaded only once the inputs are known to be good: a bad input fails without paying for the SDK.
  const ports = runtime.ports ?? (await awsPorts());

  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    log.warning(`Received ${signal}: the job was cancelled, rolling back`);
    cancel.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const [owner = '', repo = ''] = identity.repository.split('/');
  const region = clientRegion(env)?.region;
  const state = new SavedState();
  // The record is created once validation passed, beside the deploy: the first AWS call never waits for
  // GitHub, a GitHub stall never delays a rollback, and a deploy blocked in validation leaves no record.
  let record: Promise<DeploymentRecord> | undefined;
  let changed = false;
  try {
    const report = await runLifecycle(settings, release, {
      ...ports,
      clock: runtime.clock ?? systemClock,
      // Where each wait stands: redrawn at a terminal (the CLI), else a line on change and every 30 s.
      log: { ...actionLog, progress: runtime.progress ?? cadencedProgress((line) => log.info(line)) },
      identity,
      runUrl: runUrl(env, identity),
      signal: cancel.signal,
      runHook: (name, command, hookEnv, signal) => {
        log.info(`${name}: bash -eo pipefail -c ${JSON.stringify(command)}`);
        return runHookCommand(command, hookEnv, signal);
      },
      checkReview: () => checkReviewed({ token: settings.githubToken, owner, repo, sha: identity.commit }),
      saveState: (saved) => state.save(saved),
      saveReleaseTask: (arn) => state.setReleaseTask(arn),
      describePlan: renderPlanText,
      onChangesBegin: () => {
        changed = true;
        record = startRecord(settings, identity, owner, repo, env).then((started) => {
          if (started.id !== undefined) state.setDeploymentId(started.id);
          return started;
        });
      },
      closeAbandonedRecord: (id, description) =>
        settings.githubToken
          ? recordFromId(settings.githubToken, owner, repo, id, { warn: log.warning }).finish(
              'error',
              description,
            )
          : Promise.resolve(),
      deploymentId: () => state.deploymentId,
      ...(region ? { region } : {}),
      ...(runtime.onTrafficRestored ? { onTrafficRestored: runtime.onTrafficRestored } : {}),
    });
    report.reason = report.reason || report.result;
    setOutputs(report);
    await writeSummary(report);
    if (record) {
      const outcome = report.result === 'deployed' ? true : report.result === 'rolled-back' ? false : 'error';
      await (await record).finish(outcome, `${report.result}: ${report.reason}`);
      state.recordFinished();
    }
    if (report.result === 'deployed') log.info(`Deployed: ${report.reason}`);
    else if (report.result === 'dry-run') log.info(report.reason);
    return report;
  } catch (error) {
    // Only errors the user must fix before any change reach here; a record exists only if changes began.
    if (record) {
      await (
        await record
      ).finish(false, changed ? 'safe-deploy failed after it began changing AWS' : 'safe-deploy failed');
      state.recordFinished();
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The message the step fails with, or undefined when the result is a success (deployed, dry-run). */
export function failureOf(report: DeployReport): string | undefined {
  if (report.result === 'deployed' || report.result === 'dry-run') return undefined;
  return `${report.result === 'blocked' ? 'Blocked' : 'Rolled back'}: ${report.reason}`;
}

/**
 * The saved state, the post step's only input: the lifecycle's latest state plus the deployment record's
 * id (which arrives on its own time) and whether the main step already gave the record its final status.
 */
class SavedState {
  private last: SavedDeploy | undefined;
  private id: number | undefined;
  private finished = false;
  private releaseTask: string | undefined;

  get deploymentId(): number | undefined {
    return this.id;
  }

  save(state: SavedDeploy): void {
    this.last = state;
    this.write();
  }

  setDeploymentId(id: number): void {
    this.id = id;
    this.write();
  }

  recordFinished(): void {
    this.finished = true;
    this.write();
  }

  setReleaseTask(arn: string | undefined): void {
    this.releaseTask = arn;
    this.write();
  }

  private write(): void {
    if (!this.last) return;
    core.saveState(
      STATE_KEY,
      JSON.stringify({
        ...this.last,
        ...(this.id !== undefined ? { deploymentId: this.id } : {}),
        ...(this.finished ? { recordFinished: true } : {}),
        ...(this.releaseTask ? { releaseTaskArn: this.releaseTask } : {}),
      } satisfies SavedDeploy),
    );
  }
}

function startRecord(
  settings: DeploySettings,
  identity: RunIdentity,
  owner: string,
  repo: string,
  env: NodeJS.ProcessEnv,
): Promise<DeploymentRecord> {
  return startDeploymentRecord({
    token: settings.githubToken,
    owner,
    repo,
    ref: identity.commit,
    environment: settings.environment,
    description: `safe-deploy ${settings.cluster}/${settings.service}`,
    logUrl: runUrl(env, identity),
  });
}

/** Reads the version to deploy from files only; a manifest is verified here, before any AWS call. */
function loadRelease(settings: DeploySettings, env: NodeJS.ProcessEnv): Release {
  const source = settings.taskDefinition;
  const event = env.GITHUB_EVENT_PATH ? safeReadJson(env.GITHUB_EVENT_PATH) : {};
  // Whatever names the version (a manifest, a file, an image), in a fork's pull_request_target run it is the
  // fork's: refused before any AWS call.
  refuseForkBuild(env, event, 'deploy');
  switch (source.kind) {
    case 'manifest': {
      const manifest = verifyManifest(source.path, expectedSource(env, event, source.commit));
      log.info(`Manifest ${source.path} verified: ${manifest.checksum}, image ${manifest.image}`);
      warnIfUnpinned(manifest.image);
      return {
        register: manifest.taskDefinition,
        image: manifest.image,
        manifestLines: summarizeManifest(manifest),
      };
    }
    case 'file': {
      const definition = readTaskDefinitionFile(source.path, 'task-definition');
      const from = { input: 'task-definition', path: source.path };
      warnIfUnpinned(source.image);
      for (const warning of unpinnedImageWarnings(definition, from, source.image && source.containerName))
        core.warning(warning);
      return {
        register: renderTaskDefinition(definition, source.containerName, source.image, from),
        ...(source.image ? { image: source.image } : {}),
      };
    }
    case 'existing': {
      warnIfUnpinned(source.image);
      const { containerName, image } = source;
      return {
        existing: source.reference,
        ...(containerName && image
          ? { revise: (existing) => renderTaskDefinition(existing, containerName, image), image }
          : {}),
      };
    }
  }
}

function warnIfUnpinned(image: string | undefined): void {
  if (image && !isPinned(image)) {
    log.warning(
      `Input 'image': ${image} is not pinned by digest (@sha256:...); a tag can move between stages. ` +
        'Use the package action to deploy the exact image that was built.',
    );
  }
}

function setOutputs(report: DeployReport): void {
  core.setOutput('result', report.result);
  core.setOutput('reason', report.reason);
  core.setOutput('task-definition-arn', report.taskDefinitionArn ?? '');
  core.setOutput('task-set-arn', report.taskSetArn ?? '');
  core.setOutput('previous-task-set-arn', report.previousTaskSetArn ?? '');
  core.setOutput('timeline', timelineOutput(report.timeline));
  core.setOutput(
    'inconclusive',
    neverJudged(report.comparisons ?? [])
      .map((c) => c.name)
      .join(','),
  );
}

function runUrl(env: NodeJS.ProcessEnv, identity: RunIdentity): string {
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${identity.repository}/actions/runs/${identity.runId}`;
}

function safeReadJson(path: string): unknown {
  try {
    return JSON.parse(readInputFile({ input: 'GITHUB_EVENT_PATH', kind: 'event payload', path }));
  } catch {
    return {};
  }
}

/** Grouped action logs. */
export const actionLog: DeployLog = {
  info: (m) => log.info(m),
  warn: (m) => log.warning(m),
  debug: (m) => log.debug(m),
  group: (name, run) => log.group(name, run),
};
