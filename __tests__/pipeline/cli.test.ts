import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliBin, runAction } from '../support/run-action.js';

// These run bin/safe-deploy.js and dist/plan as built from the current sources by jest's global setup.
function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cliBin(), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'safe-deploy-plan-')), name);
  writeFileSync(path, text);
  return path;
}

/** The first yaml block under a heading of docs/pipeline.md: what users copy. */
function docsYaml(heading: string): string {
  const docs = readFileSync('docs/pipeline.md', 'utf8');
  const section = docs.slice(docs.indexOf(`\n## ${heading}\n`));
  return /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
}

describe('safe-deploy plan', () => {
  it('prints the example pipeline as a table', () => {
    const { code, stdout, stderr } = cli(['plan', 'examples/safe-deploy.yml']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('4 stages, 8 targets');
    expect(stdout).toMatch(
      /1\. gamma\s+us-west-2 web\/api @111111111111\s+Canary10Percent5Minutes\s+30m\s+yes, 10m/,
    );
    expect(stdout).toMatch(/4\. wave-3 \(4 at once\)\s+us-east-2/);
  });

  it('prints the matrices with --json', () => {
    const { code, stdout } = cli(['plan', 'examples/safe-deploy.yml', '--json']);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.stages.map((stage: { name: string }) => stage.name)).toEqual([
      'gamma',
      'wave-1',
      'wave-2',
      'wave-3',
    ]);
    expect(plan.stages[3]['max-parallel']).toBe(4);
    expect(plan.stages[3].matrix.include.map((entry: { region: string }) => entry.region)).toEqual([
      'us-east-2',
      'eu-central-1',
      'ap-southeast-1',
      'ap-southeast-2',
    ]);
    expect(plan.gate).toEqual({ windows: 'Mon-Thu 09:00-16:00', timezone: 'Asia/Seoul', holidays: 'KR' });
  });

  it('plans the pipeline file that docs/pipeline.md tells users to copy', () => {
    const { code, stdout, stderr } = cli(['plan', tempFile('safe-deploy.yml', docsYaml('Pipeline file'))]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/3 stages, 4 targets/);
  });

  it('fails with the path of each problem and no stack trace', () => {
    const file = tempFile(
      'bad.yml',
      'defaults: { cluster: web, service: api }\nstages:\n  - name: a\n    targets: [{ region: moon, role: x }]\n',
    );
    const { code, stdout, stderr } = cli(['plan', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'stages[0].targets[0].region (line 4): expected an AWS region such as us-east-1',
    );
    expect(stderr).not.toContain('    at ');
  });

  it('says which file is missing', () => {
    const { code, stderr } = cli(['plan', 'nope/safe-deploy.yml']);
    expect(code).toBe(2);
    expect(stderr).toContain('Pipeline file nope/safe-deploy.yml not found');
  });

  it('writes the workflow outputs with --github-output', () => {
    const output = tempFile('output', '');
    const { code } = cli(['plan', 'examples/safe-deploy.yml', '--github-output'], { GITHUB_OUTPUT: output });
    expect(code).toBe(0);
    const written = readFileSync(output, 'utf8');
    expect(written).toMatch(/has-stage-4<<ghadelimiter_[\w-]+\ntrue\n/);
    expect(written).toMatch(/has-stage-5<<ghadelimiter_[\w-]+\nfalse\n/);
    expect(written).toMatch(/matrix-8<<ghadelimiter_[\w-]+\n\{"include":\[\]\}\n/);
  });
});

describe('plan action (dist/plan, as the workflow plan job runs it)', () => {
  it('sets the matrices, has-stage flags and the summary from the config input', async () => {
    const run = await runAction('plan', {
      inputs: { config: 'examples/safe-deploy.yml' },
      cwd: process.cwd(),
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs['stage-count']).toBe('4');
    expect(run.outputs['has-stage-3']).toBe('true');
    expect(run.outputs['has-stage-5']).toBe('false');
    expect(
      JSON.parse(run.outputs['matrix-3']!).include.map((entry: { region: string }) => entry.region),
    ).toEqual(['us-east-1', 'eu-west-1']);
    expect(JSON.parse(run.outputs['matrix-6']!)).toEqual({ include: [] });
    expect(run.outputs['max-parallel-4']).toBe('4');
    expect(JSON.parse(run.outputs.gate!).timezone).toBe('Asia/Seoul');
    expect(run.summary).toContain('| 2. wave-1 | ap-northeast-2 web/api @222222222222 |');
  });

  it('fails the step with the file problem when the pipeline file is invalid', async () => {
    const file = tempFile('bad.yml', 'stages:\n  - name: a\n    bake-time: soon\n    targets: []\n');
    const run = await runAction('plan', { inputs: { config: file }, cwd: process.cwd() });
    expect(run.code).not.toBe(0);
    expect(run.errors.join('\n')).toContain('stages[0].bake-time (line 3): expected a duration');
  });
});
