import { runMain } from '../action-main.js';
import { readChecklistSettings } from '../checklist/settings.js';
import { actionInputs } from '../inputs.js';

/** The checklist action: inputs (and the template) are read before the GitHub client loads. */
export async function run(): Promise<void> {
  await runMain(async () => {
    readChecklistSettings(actionInputs, process.env.GITHUB_WORKSPACE ?? process.cwd());
    const { runChecklist } = await import('../checklist/run.js');
    await runChecklist(actionInputs);
  });
}
