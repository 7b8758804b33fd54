import { runMain } from '../action-main.js';
import { runChecklist } from '../checklist/run.js';
import { actionInputs } from '../inputs.js';

await runMain(async () => {
  await runChecklist(actionInputs);
});
