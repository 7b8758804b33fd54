import { runMain } from '../action-main.js';
import { actionInputs } from '../inputs.js';

/** The reusable workflow's plan step: reads and plans the pipeline file, sets the stage outputs. */
export async function run(): Promise<void> {
  await runMain(async () => {
    const { runPlanStep } = await import('../pipeline/run.js');
    await runPlanStep(actionInputs);
  });
}
