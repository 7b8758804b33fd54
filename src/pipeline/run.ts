import * as core from '@actions/core';
import { optional, type InputReader } from '../inputs.js';
import { parsePipeline } from './config.js';
import { DEFAULT_CONFIG, readPipelineFile } from './file.js';
import { planPipeline, workflowOutputs, type Plan } from './plan.js';
import { renderPlanMarkdown, renderPlanTable } from './render.js';
import * as log from '../log.js';

export { DEFAULT_CONFIG } from './file.js';

/** Reads, validates and plans a pipeline file (see readPipelineFile for what is read). */
export function loadPlan(path: string, readFile?: (path: string) => string): Plan {
  return planPipeline(parsePipeline(readPipelineFile(path, readFile), path));
}

/**
 * The plan step of the reusable workflow (the `plan` action, and `safe-deploy plan --github-output`): sets
 * the outputs the stage jobs read, logs the table and writes it to the job summary.
 */
export async function runPlanStep(read: InputReader): Promise<Plan> {
  const plan = loadPlan(optional(read, 'config') ?? DEFAULT_CONFIG);
  for (const [name, value] of Object.entries(workflowOutputs(plan))) core.setOutput(name, value);
  log.info(renderPlanTable(plan));
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderPlanMarkdown(plan)).write();
  return plan;
}
