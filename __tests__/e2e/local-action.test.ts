import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readDeployState, seedService, startMoto, type Moto, type SeededService } from '../support/moto.js';
import { node24 } from '../support/run-action.js';

// GitHub's local action runner (`npx local-action run <action dir> <entry> <.env>`) imports an entry's
// source, calls the run() it exports, with its own @actions/core standing in for the runner, and prints
// the outputs. These run it as docs/cli.md says, against moto.
const root = resolve(import.meta.dirname, '..', '..');
let moto: Moto;
let seeded: SeededService;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

interface LocalRun {
  stdout: string;
  summary: string;
}

/** Writes the .env file (inputs as INPUT_<NAME>) and runs local-action on Node 24. */
function localAction(action: string, entry: string, env: Record<string, string>): Promise<LocalRun> {
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-local-action-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const dotenv = join(dir, '.env');
  const lines = Object.entries({ ...env, GITHUB_STEP_SUMMARY: summary }).map(
    ([name, value]) => `${name}=${JSON.stringify(value)}`,
  );
  writeFileSync(dotenv, `${lines.join('\n')}\n`);
  const bin = join(root, 'node_modules/.bin');
  const child = spawn(node24(), [join(bin, 'local-action'), 'run', action, entry, dotenv], {
    cwd: root,
    // local-action starts `npm exec tsx`: Node 24 first on PATH for that too.
    env: { PATH: `${dirname(node24())}:${bin}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? dir },
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  return new Promise((done) =>
    child.on('close', () => done({ stdout, summary: readFileSync(summary, 'utf8') })),
  );
}

/** The "Action Outputs" table local-action prints, as name → value. */
function outputsTable(stdout: string): Record<string, string> {
  const table = stdout.slice(stdout.indexOf('Action Outputs'));
  const outputs: Record<string, string> = {};
  for (const match of table.matchAll(/│ \d+\s+│ '([^']+)'\s+│ '(.*?)'\s+│/g)) outputs[match[1]!] = match[2]!;
  return outputs;
}

test('the deploy entry runs under local-action against moto: traffic moves, outputs and summary show', async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
  const run = await localAction('.', 'src/actions/deploy.ts', {
    ...moto.env,
    INPUT_CLUSTER: seeded.cluster,
    INPUT_SERVICE: seeded.service,
    'INPUT_TASK-DEFINITION': seeded.taskDefinitionFile,
    'INPUT_LISTENER-ARN': seeded.listenerArn,
    INPUT_ALARMS: 'api-5xx',
    INPUT_STEPS: 'AllAtOnce',
    'INPUT_BAKE-TIME': '1s',
    'INPUT_POLL-INTERVAL': '1s',
  });
  expect(outputsTable(run.stdout)).toMatchObject({
    result: 'deployed',
    'task-set-arn': expect.stringMatching(/^arn:aws:ecs:/),
  });
  expect(run.summary).toMatch(/deployed/i);
  const state = await readDeployState(moto, seeded);
  expect(state.greenWeight).toBe(100);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', targetGroup: seeded.greenTargetGroup }),
  ]);
}, 120_000);

test('a sub-action runs from its folder, and its failure shows as an error', async () => {
  const run = await localAction('gate', '../src/actions/gate.ts', {
    INPUT_WINDOWS: 'Mon-Thu 09:00-16:00',
    INPUT_TIMEZONE: 'Asia/Seoul',
    INPUT_AT: '2026-11-27T10:00:00+09:00',
  });
  expect(run.stdout).toContain('::error::Deploy gate closed: Friday');
  expect(outputsTable(run.stdout)).toMatchObject({ open: 'false', 'next-open': '2026-11-30T09:00:00+09:00' });
  expect(run.summary).toContain('Deploy gate closed');
}, 120_000);
