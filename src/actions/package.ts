import { runMain } from '../action-main.js';
import { actionInputs } from '../inputs.js';

/** The package action: writes, checksums and uploads the deploy manifest. */
export async function run(): Promise<void> {
  await runMain(async () => {
    const { runPackage } = await import('../manifest/package.js');
    await runPackage(actionInputs);
  });
}
