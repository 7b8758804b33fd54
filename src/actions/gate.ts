import { runMain } from '../action-main.js';
import { runGate } from '../gate/run.js';
import { actionInputs } from '../inputs.js';

await runMain(async () => {
  await runGate(actionInputs);
});
