import { runMain } from '../action-main.js';
import { actionInputs, optional } from '../inputs.js';
import { DEFAULT_CONFIG, readPipelineFile } from '../pipeline/file.js';

/** The pipeline file must be there and readable before the parser and planner load. */
export function check(): void {
  readPipelineFile(optional(actionInputs, 'config') ?? DEFAULT_CONFIG);
}

/** The reusable workflow's plan step: reads and plans the pipeline file, sets the stage outputs. */
export async function run(): Promise<void> {
  await runMain(async () => {
    check();
    const { runPlanStep } = await import('../pipeline/run.js');
    await runPlanStep(actionInputs);
  });
}
