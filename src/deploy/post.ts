import * as core from '@actions/core';
import { systemClock, type Clock } from '../clock.js';
import { describeError } from '../errors.js';
import * as log from '../log.js';
import { recordFromId } from '../report/deployment-record.js';
import type { EngineDeps, SavedDeploy } from './engine.js';
import { rollBack } from './rollback.js';
import { awsPorts, runIdentity, STATE_KEY } from './run.js';

/**
 * The action's post step (`post-if: always()`): when the main step did not finish (the job was
 * cancelled, or the runner stopped it), it finds the deployment from saved state and rolls it back.
 */
export async function runDeployPost(
  ports: Pick<EngineDeps, 'ecs' | 'lb'> = awsPorts(),
  clock: Clock = systemClock,
): Promise<void> {
  const saved = core.getState(STATE_KEY);
  if (!saved) {
    core.info('safe-deploy post: the deploy changed nothing in AWS; nothing to clean up');
    return;
  }
  const state = JSON.parse(saved) as SavedDeploy;
  if (state.finished) {
    core.info('safe-deploy post: the deploy finished; nothing to clean up');
    return;
  }
  log.warning(
    `safe-deploy post: the deploy of ${state.cluster}/${state.service} did not finish (cancelled or stopped); rolling back`,
  );
  const outcome = await rollBack(state, {
    ...ports,
    clock,
    info: (m) => log.info(m),
    warn: (m) => log.warning(m),
  });
  const token = core.getInput('github-token');
  if (state.deploymentId !== undefined && token) {
    const [owner = '', repo = ''] = runIdentity(process.env).repository.split('/');
    try {
      await recordFromId(token, owner, repo, state.deploymentId).finish(
        false,
        'cancelled: rolled back to blue',
      );
    } catch (error) {
      log.warning(`Could not mark the deployment record failed: ${describeError(error)}`);
    }
  }
  core.setOutput('result', 'rolled-back');
  core.setOutput('reason', 'the job was cancelled');
  if (!outcome.verified) {
    log.setFailed(`Rollback after cancellation NOT confirmed by AWS: ${outcome.problems.join('; ')}`);
    return;
  }
  core.info(
    `Rolled back after cancellation: all traffic on blue ${state.blueArn}; green ${outcome.greenArn ?? '(none)'} deleted`,
  );
}
