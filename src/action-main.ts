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

/**
 * An action's quick check, which its bundle entry runs before the rest of the action loads (see
 * scripts/build.mjs): the input parsing that needs neither AWS nor GitHub. A bad input is reported here,
 * at about the cost of a bare Node start, and the action ends; `false` from the check also ends it (the
 * post step with nothing to clean up). Any other error is left to the full run, which meets it again and
 * reports it with its stack. Returns whether the full run should start.
 */
export async function precheck(check: () => boolean | void | Promise<boolean | void>): Promise<boolean> {
  log.registerSecret(process.env['INPUT_GITHUB-TOKEN']);
  try {
    return (await check()) !== false;
  } catch (error) {
    if (!(error instanceof UserError)) return true;
    log.setFailed(describeError(error));
    return false;
  }
}
