import { runMain } from '../action-main.js';
import { actionInputs } from '../inputs.js';
import { runPlanStep } from '../pipeline/run.js';

await runMain(async () => {
  await runPlanStep(actionInputs);
});
