import * as core from '@actions/core';
import { runMain } from '../action-main.js';
import { STATE_KEY } from '../deploy/state.js';

/**
 * Whether the post step has anything to do, from saved state alone: most jobs end with nothing to clean
 * up, and say so without loading the AWS SDK.
 */
export function check(): boolean {
  const saved = core.getState(STATE_KEY);
  if (!saved) {
    core.info('safe-deploy post: the deploy changed nothing in AWS; nothing to clean up');
    return false;
  }
  if ((JSON.parse(saved) as { stage?: string }).stage === 'finished') {
    core.info('safe-deploy post: the deploy finished; nothing to clean up');
    return false;
  }
  return true;
}

/**
 * The deploy action's post step (`post-if: always()`): only a deploy that did not finish loads the AWS
 * SDK to roll back.
 */
export async function run(): Promise<void> {
  await runMain(async () => {
    if (!check()) return;
    const { runDeployPost } = await import('../deploy/post.js');
    await runDeployPost();
  });
}
