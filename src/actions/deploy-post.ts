import * as core from '@actions/core';
import { runMain } from '../action-main.js';
import { STATE_KEY } from '../deploy/state.js';

/**
 * The deploy action's post step (`post-if: always()`). Most jobs end with nothing to clean up: that is
 * decided from saved state alone, and only a deploy that did not finish loads the AWS SDK to roll back.
 */
export async function run(): Promise<void> {
  await runMain(async () => {
    const saved = core.getState(STATE_KEY);
    if (!saved) {
      core.info('safe-deploy post: the deploy changed nothing in AWS; nothing to clean up');
      return;
    }
    if ((JSON.parse(saved) as { stage?: string }).stage === 'finished') {
      core.info('safe-deploy post: the deploy finished; nothing to clean up');
      return;
    }
    const { runDeployPost } = await import('../deploy/post.js');
    await runDeployPost();
  });
}
