import { runMain } from '../action-main.js';
import { actionInputs } from '../inputs.js';
import { parsePackageSettings } from '../manifest/package-settings.js';

/** The package action's inputs, checked before the manifest code and the artifact client load. */
export function check(): void {
  parsePackageSettings(actionInputs, process.env);
}

/** The package action: writes, checksums and uploads the deploy manifest. */
export async function run(): Promise<void> {
  await runMain(async () => {
    check();
    const { runPackage } = await import('../manifest/package.js');
    await runPackage(actionInputs);
  });
}
