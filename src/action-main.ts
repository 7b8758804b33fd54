import { UserError, describeError } from './errors.js';
import * as log from './log.js';

/**
 * Runs an action's one function and reports its failure once, at the top: a `UserError` as its plain
 * message, anything else with its stack in the debug log.
 */
export async function runMain(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof UserError) && error instanceof Error && error.stack) log.debug(error.stack);
    log.setFailed(describeError(error));
  }
}
