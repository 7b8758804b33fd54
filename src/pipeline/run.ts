import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { UserError } from '../errors.js';
import { optional, type InputReader } from '../inputs.js';
import { parsePipeline } from './config.js';
import { planPipeline, workflowOutputs, type Plan } from './plan.js';
import { renderPlanMarkdown, renderPlanTable } from './render.js';
import * as log from '../log.js';

/** Where the reusable workflow and the CLI look for the pipeline file by default. */
export const DEFAULT_CONFIG = '.github/safe-deploy.yml';

/** Reads, validates and plans a pipeline file. */
export function loadPlan(
  path: string,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Plan {
  let source: string;
  try {
    source = readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
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
