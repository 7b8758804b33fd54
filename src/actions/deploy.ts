import * as core from '@actions/core';
import { runMain } from '../action-main.js';
import { runDeployPost } from '../deploy/post.js';
import { failureOf, runDeploy } from '../deploy/run.js';
import { UserError } from '../errors.js';
import { actionInputs } from '../inputs.js';

// One bundle serves both the main and the post step: the main step marks the state, the post step reads it.
if (core.getState('isPost') === 'true') {
  await runMain(() => runDeployPost());
} else {
  core.saveState('isPost', 'true');
  await runMain(async () => {
    const failure = failureOf(await runDeploy(actionInputs));
    // The report is written; the step fails in one place, runMain.
    if (failure) throw new UserError(failure);
  });
}
