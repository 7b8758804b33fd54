import * as core from '@actions/core';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { readFileSync } from 'node:fs';
import { clientConfig } from '../aws/clients.js';
import { SdkCloudWatch } from '../aws/cloudwatch.js';
import { SdkEcs } from '../aws/ecs.js';
import { SdkLoadBalancer } from '../aws/load-balancer.js';
import { systemClock, type Clock } from '../clock.js';
import { checkReviewed } from '../github/review.js';
import type { InputReader } from '../inputs.js';
import { expectedSource, verifyManifest, summarizeManifest } from '../manifest/manifest.js';
import { isPinned, readTaskDefinitionFile, renderTaskDefinition } from '../manifest/render.js';
import { startDeploymentRecord } from '../report/deployment-record.js';
import { timelineOutput, writeSummary } from '../report/summary.js';
import { runHookCommand } from './hook.js';
import { DeployEngine, type DeployLog, type EngineDeps, type Release, type RunIdentity } from './engine.js';
import type { DeployReport } from './model.js';
import { parseDeploySettings, type DeploySettings } from './settings.js';
import { STATE_KEY } from './state.js';

/** The state key the post step reads (in its own module, so the post step reads it without the SDK). */
export { STATE_KEY };

/** Ports and hooks the deploy runs with; real AWS clients unless a caller (the benchmark) injects others. */
export interface DeployRuntime {
  ports?: Pick<EngineDeps, 'ecs' | 'lb' | 'cloudwatch'>;
  /** Where each hold stands after each poll (the CLI's progress line). */
  progress?: DeployLog['progress'];
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  onTrafficRestored?(): void;
}

/** Runs the deploy action: parse inputs, deploy, report. Fails the step unless the result is deployed or dry-run. */
export async function runDeploy(read: InputReader, runtime: DeployRuntime = {}): Promise<DeployReport> {
  const env = runtime.env ?? process.env;
  const settings = parseDeploySettings(read);
  const identity = runIdentity(env);
  const release = loadRelease(settings, env);

  const ports = runtime.ports ?? awsPorts();
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    core.warning(`Received ${signal}: the job was cancelled, rolling back`);
    cancel.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const [owner = '', repo = ''] = identity.repository.split('/');
  const record = settings.dryRun
    ? undefined
    : await startDeploymentRecord({
        token: settings.githubToken,
        owner,
        repo,
        ref: identity.commit,
        environment: settings.environment,
        description: `safe-deploy ${settings.cluster}/${settings.service}`,
        logUrl: runUrl(env, identity),
      });

  const engine = new DeployEngine(settings, release, {
    ...ports,
    clock: runtime.clock ?? systemClock,
    log: runtime.progress ? { ...actionLog, progress: runtime.progress } : actionLog,
    identity,
    signal: cancel.signal,
    runHook: (name, command, hookEnv, signal) => {
      core.info(`${name}: bash -eo pipefail -c ${JSON.stringify(command)}`);
      return runHookCommand(command, hookEnv, signal);
    },
    checkReview: () => checkReviewed({ token: settings.githubToken, owner, repo, sha: identity.commit }),
    saveState: (state) => core.saveState(STATE_KEY, JSON.stringify(state)),
    ...(runtime.onTrafficRestored ? { onTrafficRestored: runtime.onTrafficRestored } : {}),
  });
  engine.setDeploymentId(record?.id);

  try {
    const report = await engine.run();
    report.reason = report.reason || report.result;
    setOutputs(report);
    await writeSummary(report);
    await record?.finish(report.result === 'deployed', `${report.result}: ${report.reason}`);
    if (report.result === 'deployed') core.info(`Deployed: ${report.reason}`);
    else if (report.result === 'dry-run') core.info(report.reason);
    else core.setFailed(`${report.result === 'blocked' ? 'Blocked' : 'Rolled back'}: ${report.reason}`);
    return report;
  } catch (error) {
    await record?.finish(false, 'safe-deploy stopped before deploying');
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The SDK-backed ports, configured from the environment with adaptive retries. */
export function awsPorts(): Pick<EngineDeps, 'ecs' | 'lb' | 'cloudwatch'> {
  const config = clientConfig();
  return {
    ecs: new SdkEcs(new ECSClient(config)),
    lb: new SdkLoadBalancer(new ElasticLoadBalancingV2Client(config)),
    cloudwatch: new SdkCloudWatch(new CloudWatchClient(config)),
  };
}

/** Reads the version to deploy from files only; a manifest is verified here, before any AWS call. */
function loadRelease(settings: DeploySettings, env: NodeJS.ProcessEnv): Release {
  const source = settings.taskDefinition;
  switch (source.kind) {
    case 'manifest': {
      const event = env.GITHUB_EVENT_PATH ? safeReadJson(env.GITHUB_EVENT_PATH) : {};
      const manifest = verifyManifest(source.path, expectedSource(env, event, source.commit));
      core.info(`Manifest ${source.path} verified: ${manifest.checksum}, image ${manifest.image}`);
      warnIfUnpinned(manifest.image);
      return {
        register: manifest.taskDefinition,
        image: manifest.image,
        manifestLines: summarizeManifest(manifest),
      };
    }
    case 'file': {
      const definition = readTaskDefinitionFile(source.path, 'task-definition');
      warnIfUnpinned(source.image);
      return {
        register: renderTaskDefinition(definition, source.containerName, source.image),
        ...(source.image ? { image: source.image } : {}),
      };
    }
    case 'existing':
      warnIfUnpinned(source.image);
      return {
        existing: source.reference,
        ...(source.containerName && source.image
          ? {
              revise: (existing) => renderTaskDefinition(existing, source.containerName, source.image),
              image: source.image,
            }
          : {}),
      };
  }
}

function warnIfUnpinned(image: string | undefined): void {
  if (image && !isPinned(image)) {
    core.warning(
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

function runUrl(env: NodeJS.ProcessEnv, identity: RunIdentity): string {
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${identity.repository}/actions/runs/${identity.runId}`;
}

function safeReadJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}

/** Grouped action logs. */
export const actionLog: DeployLog = {
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  debug: (m) => core.debug(m),
  group: (name, run) => core.group(name, run),
};
