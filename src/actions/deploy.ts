import * as core from '@actions/core';
import { runMain } from '../action-main.js';
import { runDeployPost } from '../deploy/post.js';
import { runDeploy } from '../deploy/run.js';
import { actionInputs } from '../inputs.js';

// One bundle serves both the main and the post step: the main step marks the state, the post step reads it.
if (core.getState('isPost') === 'true') {
  await runMain(() => runDeployPost());
} else {
  core.saveState('isPost', 'true');
  await runMain(async () => {
    await runDeploy(actionInputs);
  });
}
