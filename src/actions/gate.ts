import { runMain } from '../action-main.js';
import { readGateInputs } from '../gate/inputs.js';
import { actionInputs } from '../inputs.js';

/**
 * The gate's inputs, checked before the calendars (date-holidays, ical.js), the evaluation and the
 * CloudWatch client load; holiday codes and the .ics file are checked when they load.
 */
export function check(): void {
  readGateInputs(actionInputs);
}

/** The gate action. */
export async function run(): Promise<void> {
  await runMain(async () => {
    check();
    const { runGate } = await import('../gate/run.js');
    await runGate(actionInputs);
  });
}
