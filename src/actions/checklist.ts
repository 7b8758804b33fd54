import { runMain } from '../action-main.js';
import { readChecklistSettings } from '../checklist/settings.js';
import { actionInputs } from '../inputs.js';

/** The checklist's inputs and template, read before the GitHub client loads. */
export function check(): void {
  readChecklistSettings(actionInputs, process.env.GITHUB_WORKSPACE ?? process.cwd());
}

/** The checklist action. */
export async function run(): Promise<void> {
  await runMain(async () => {
    check();
    const { runChecklist } = await import('../checklist/run.js');
    await runChecklist(actionInputs);
  });
}
