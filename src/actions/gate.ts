import { runMain } from '../action-main.js';
import { parseGateSettings } from '../gate/settings.js';
import { actionInputs } from '../inputs.js';

/** The gate action: inputs are parsed before the evaluation and the CloudWatch client load. */
export async function run(): Promise<void> {
  await runMain(async () => {
    parseGateSettings(actionInputs);
    const { runGate } = await import('../gate/run.js');
    await runGate(actionInputs);
  });
}
