import { runMain } from '../action-main.js';
import { parseDeploySettings } from '../deploy/settings.js';
import { UserError } from '../errors.js';
import { holdYoungGeneration } from '../heap.js';
import { actionInputs, boolean } from '../inputs.js';

/** The deploy's inputs, checked before the engine and the AWS SDK load (`rollback: true` has its own). */
export function check(): void {
  if (!boolean(actionInputs, 'rollback', false)) parseDeploySettings(actionInputs);
}

/**
 * The deploy action's main step. Its inputs are parsed before the engine and the AWS SDK load, so a bad
 * input fails at the cost of a bare Node start.
 */
export async function run(): Promise<void> {
  await runMain(async () => {
    // `rollback: true` brings back the release kept by keep-previous instead of deploying.
    if (boolean(actionInputs, 'rollback', false)) {
      const { runRollbackAction } = await import('../control/action.js');
      const outcome = await runRollbackAction(actionInputs);
      if (outcome.result === 'failed') throw new UserError(`Rollback failed: ${outcome.reason}`);
      return;
    }
    check();
    holdYoungGeneration();
    const { failureOf, runDeploy } = await import('../deploy/run.js');
    const failure = failureOf(await runDeploy(actionInputs));
    // The report is written; the step fails in one place, runMain.
    if (failure) throw new UserError(failure);
  });
}
