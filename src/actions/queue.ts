import { runMain } from '../action-main.js';
import { actionInputs } from '../inputs.js';
import { parseQueueSettings } from '../queue/settings.js';

/** The queue action's inputs, checked before the GitHub client loads. */
export function check(): void {
  parseQueueSettings(actionInputs);
}

/** The queue action: marks a taken release success or failure. */
export async function run(): Promise<void> {
  await runMain(async () => {
    check();
    const { runQueueAction } = await import('../queue/action.js');
    await runQueueAction(actionInputs);
  });
}
