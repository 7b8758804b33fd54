import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function actionlint(args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/actionlint.mjs', ...args], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

describe('scripts/actionlint.mjs', () => {
  it('passes every workflow in .github/workflows', () => {
    const { code, output } = actionlint([]);
    expect(output).toMatch(/actionlint: \d+ files?, 0 findings/);
    expect(code).toBe(0);
  });

  it('passes the example caller workflow', () => {
    expect(actionlint(['examples/deploy.yml']).code).toBe(0);
  });

  it('passes the caller workflow of docs/pipeline.md', () => {
    const docs = readFileSync('docs/pipeline.md', 'utf8');
    const workflow = /```yaml\n([\s\S]*?)```/.exec(docs.slice(docs.indexOf('\n## Caller workflow\n')))![1]!;
    expect(workflow).toContain('uses: org/safe-deploy/.github/workflows/pipeline.yml@v1');
    const file = join(mkdtempSync(join(tmpdir(), 'safe-deploy-lint-')), 'deploy.yml');
    writeFileSync(file, workflow);
    const { code, output } = actionlint([file]);
    expect(output).toContain('0 findings');
    expect(code).toBe(0);
  });

  it('fails on a workflow that reads plan outputs its plan job never declared', () => {
    const { code, output } = actionlint(['__tests__/pipeline/fixtures/broken-workflow.yml']);
    expect(code).toBe(1);
    expect(output).toContain('broken-workflow.yml:10:9: property "has-stage-1" is not defined');
    expect(output).toContain('2 findings');
  });
});
