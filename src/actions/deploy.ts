import * as core from '@actions/core';
import { runMain } from '../action-main.js';
import { runDeployPost } from '../deploy/post.js';
import { failureOf, runDeploy } from '../deploy/run.js';
import { UserError } from '../errors.js';
import { actionInputs, boolean } from '../inputs.js';
import { runRollbackAction } from '../control/action.js';

// One bundle serves both the main and the post step: the main step marks the state, the post step reads it.
if (core.getState('isPost') === 'true') {
  await runMain(() => runDeployPost());
} else {
  core.saveState('isPost', 'true');
  await runMain(async () => {
    // `rollback: true` brings back the release kept by keep-previous instead of deploying.
    if (boolean(actionInputs, 'rollback', false)) {
      const outcome = await runRollbackAction(actionInputs);
      if (outcome.result === 'failed') throw new UserError(`Rollback failed: ${outcome.reason}`);
      return;
    }
    const failure = failureOf(await runDeploy(actionInputs));
    // The report is written; the step fails in one place, runMain.
    if (failure) throw new UserError(failure);
  });
}
