import * as core from '@actions/core';
import { GitHubReleaseApi, type ReleaseApi } from '../github/releases.js';
import type { InputReader } from '../inputs.js';
import { finishRelease, queueRun } from './queue.js';
import { parseQueueSettings } from './settings.js';

/** The queue action: records how a taken release's deploy ended on its GitHub deployment. */
export async function runQueueAction(
  read: InputReader,
  deps: { releases?: ReleaseApi; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const settings = parseQueueSettings(read);
  const run = queueRun(deps.env ?? process.env);
  const api =
    deps.releases ?? new GitHubReleaseApi({ token: settings.githubToken, repository: run.repository });
  const state = await finishRelease(api, run, settings.release, settings.result);
  core.setOutput('state', state);
  return state;
}
