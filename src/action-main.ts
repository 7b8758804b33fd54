import { UserError, describeError } from './errors.js';
import * as log from './log.js';

/**
 * Runs an action's one function and reports its failure once, at the top: a `UserError` as its plain
 * message, anything else with its stack in the debug log. The `github-token` input is registered as a
 * secret first, so the runner masks it in everything the action prints.
 */
export async function runMain(run: () => Promise<void>): Promise<void> {
  // Masked before anything runs, in every action that takes a token (deploy, its post step, checklist).
  log.registerSecret(process.env['INPUT_GITHUB-TOKEN']);
  try {
    await run();
  } catch (error) {
    if (!(error instanceof UserError) && error instanceof Error && error.stack) log.debug(error.stack);
    log.setFailed(describeError(error));
  }
}
