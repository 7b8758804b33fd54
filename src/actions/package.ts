import { runMain } from '../action-main.js';
import { actionInputs } from '../inputs.js';
import { runPackage } from '../manifest/package.js';

await runMain(async () => {
  await runPackage(actionInputs);
});
