import * as core from '@actions/core';
import { UserError } from '../errors.js';
import { readInputFile } from '../files.js';
import { optional, type InputReader } from '../inputs.js';
import { parsePipeline } from './config.js';
import { planPipeline, workflowOutputs, type Plan } from './plan.js';
import { renderPlanMarkdown, renderPlanTable } from './render.js';
import * as log from '../log.js';

/** Where the reusable workflow and the CLI look for the pipeline file by default. */
export const DEFAULT_CONFIG = '.github/safe-deploy.yml';

/**
 * Reads, validates and plans a pipeline file. Only a regular file within the pipeline file's size limit
 * is read (a directory or FIFO is an error naming it, never a hang).
 */
export function loadPlan(
  path: string,
  readFile: (path: string) => string = (p) =>
    readInputFile({ input: 'config', kind: 'pipeline file', path: p }),
): Plan {
  let source: string;
  try {
    source = readFile(path);
  } catch (error) {
    const missing = error instanceof UserError && error.message.endsWith(': no such file');
    if (missing || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        `Pipeline file ${path} not found (pass its path, or create it: see docs/pipeline.md)`,
      );
    }
    throw error;
  }
  return planPipeline(parsePipeline(source, path));
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
