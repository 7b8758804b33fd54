import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { readDeployState, seedService, startMoto, type Moto, type SeededService } from '../support/moto.js';
import { node24 } from '../support/run-action.js';

// `npx safe-deploy deploy` runs the same deploy code outside GitHub: inputs as --flags, AWS from the env.
const root = resolve(import.meta.dirname, '..', '..');
let moto: Moto;
let seeded: SeededService;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...moto.env,
  };
  const child = spawn(node24(), [resolve(root, 'bin/safe-deploy.js'), ...args], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const flags = (): string[] => [
  '--cluster',
  seeded.cluster,
  '--service',
  seeded.service,
  '--task-definition',
  seeded.taskDefinitionFile,
  '--listener-arn',
  seeded.listenerArn,
  '--alarms',
  'api-5xx',
  '--poll-interval',
  '1s',
];

test('deploy --dry-run true validates, prints the plan and changes nothing', async () => {
  const run = await cli(['deploy', ...flags(), '--dry-run', 'true']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('1. 10% for 5m');
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('deploy runs a whole deploy from the command line', async () => {
  const run = await cli(['deploy', ...flags(), '--steps', 'AllAtOnce', '--bake-time=1s']);
  expect(run.code).toBe(0);
  const state = await readDeployState(moto, seeded);
  expect(state.greenWeight).toBe(100);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', targetGroup: seeded.greenTargetGroup }),
  ]);
});

test('a bad flag value fails with the input named and exit code 1', async () => {
  const run = await cli(['deploy', ...flags(), '--steps', 'Sideways']);
  expect(run.code).toBe(1);
  expect(`${run.stdout}${run.stderr}`).toContain(`Input 'steps': "Sideways" is not valid`);
});

test('gate previews a window from the command line', async () => {
  const open = await cli([
    'gate',
    '--windows',
    'Mon-Thu 09:00-16:00',
    '--timezone',
    'Asia/Seoul',
    '--at',
    '2026-11-23T10:00:00+09:00',
  ]);
  expect(open.code).toBe(0);
  expect(open.stdout).toContain('open: true');
  expect(open.stdout).not.toContain('::set-output');

  const closed = await cli([
    'gate',
    '--windows',
    'Mon-Thu 09:00-16:00',
    '--timezone',
    'Asia/Seoul',
    '--at',
    '2026-11-27T10:00:00+09:00',
  ]);
  expect(closed.code).toBe(1);
  expect(closed.stderr).toMatch(/^safe-deploy: Deploy gate closed: /);
  expect(closed.stderr).toContain('2026-11-30T09:00'); // next opening: Monday 09:00 in Seoul
});
