import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  readDeployState,
  seedService,
  setAlarm,
  startMoto,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { cliBin, node24 } from '../support/run-action.js';

// `safe-deploy` (bin/safe-deploy.js, built from the current sources by jest's global setup) runs the same
// deploy and gate code outside GitHub: inputs as --flags, AWS from the environment, plain output.
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

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, terminal = false): Promise<CliRun> {
  const command = [node24(), cliBin(), ...args];
  // `script` gives the CLI a pseudo-terminal, as a person's shell would.
  const quoted = command.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
  const [file, argv] = terminal
    ? ['script', ['-qfec', quoted, '/dev/null']]
    : [command[0]!, command.slice(1)];
  const child = spawn(file as string, argv as string[], {
    cwd: root,
    // Outside a runner: no GITHUB_ACTIONS, no GITHUB_OUTPUT.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...moto.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** Lines that a runner would read as workflow commands: none may reach a terminal. */
function workflowCommands(run: CliRun): string[] {
  return `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => /^::[a-z-]+/.test(line));
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

test('deploy --dry-run validates, prints the plan and changes nothing', async () => {
  const run = await cli(['deploy', ...flags(), '--dry-run']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('1. 10% for 5m');
  expect(run.stdout).toContain('result: dry-run');
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('deploy runs a whole deploy in plain text: phases as headings, no workflow commands', async () => {
  const run = await cli(['deploy', ...flags(), '--steps', 'AllAtOnce', '--bake-time=1s']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('\n== Shift traffic\n');
  expect(run.stdout).toContain('result: deployed');
  expect(workflowCommands(run)).toEqual([]);
  // Not at a terminal: each wait's progress as plain lines, never redrawn.
  expect(run.stdout).toMatch(/^bake · green 100% · \S+ of 1s, \S+ left · 1 alarm OK/m);
  expect(run.stdout).not.toContain('\x1b[K');
  const state = await readDeployState(moto, seeded);
  expect(state.greenWeight).toBe(100);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', targetGroup: seeded.greenTargetGroup }),
  ]);
});

test('at a terminal, a progress line says what each hold waits for, the time left and the alarms', async () => {
  const run = await cli(['deploy', ...flags(), '--steps', '50%:3s, 100%', '--bake-time', '2s'], {}, true);
  expect(run.code).toBe(0);
  // Redrawn in place (carriage return, erase line) after each poll of the 3 s step and the bake.
  // A log line printed under the progress line shares its segment: split at line ends too.
  const redrawn = run.stdout.split('\r\x1b[K').flatMap((segment) => segment.split(/\r?\n/));
  expect(
    redrawn.filter((line) =>
      /^shift: step 1\/2: 50% · green 50% · \ds of 3s, \ds left · 1 alarm OK$/.test(line),
    ),
  ).not.toEqual([]);
  const bake = redrawn.filter((line) => /^bake · green 100% · \ds of 2s, \ds left · 1 alarm OK/.test(line));
  // On failure, the lines the terminal showed (a bake line once read "0s of 1s" when its hold began late).
  if (bake.length === 0) throw new Error(`no bake progress line in:\n${JSON.stringify(redrawn, null, 1)}`);
  expect(run.stdout).toContain('result: deployed');
});

test('deploy --json prints only the result on stdout; the log goes to stderr', async () => {
  const run = await cli(['deploy', ...flags(), '--steps', 'AllAtOnce', '--bake-time', '1s', '--json']);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(result).toMatchObject({
    result: 'deployed',
    'task-set-arn': expect.stringMatching(/^arn:aws:ecs:/),
  });
  expect((result.timeline as { phase: string }[]).at(-1)).toMatchObject({ phase: 'finished' });
  expect(run.stderr).toContain('== Promote');
  expect(workflowCommands(run)).toEqual([]);
});

test('a bad flag value is bad input: exit 2, the input named, nothing changed', async () => {
  const run = await cli(['deploy', ...flags(), '--steps', 'Sideways']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`Input 'steps': "Sideways" is not valid`);
  expect(run.stderr).not.toContain('    at ');
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('a deploy blocked by an alarm already in ALARM exits 3 and changes nothing', async () => {
  await setAlarm(moto, 'api-5xx', 'ALARM');
  const run = await cli(['deploy', ...flags(), '--steps', 'AllAtOnce', '--bake-time', '1s']);
  expect(run.code).toBe(3);
  expect(run.stdout).toContain('result: blocked');
  expect(run.stdout).toMatch(/^error: Blocked: .*api-5xx/m);
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('gate previews a window: exit 0 open, 1 closed with the next opening', async () => {
  const gate = ['gate', '--windows', 'Mon-Thu 09:00-16:00', '--timezone', 'Asia/Seoul', '--at'];
  const open = await cli([...gate, '2026-11-23T10:00:00+09:00']);
  expect(open.code).toBe(0);
  expect(open.stdout).toContain('open: true');
  expect(workflowCommands(open)).toEqual([]);

  const closed = await cli([...gate, '2026-11-27T10:00:00+09:00']);
  expect(closed.code).toBe(1);
  expect(closed.stdout).toContain('open: false');
  expect(closed.stderr).toMatch(/^safe-deploy: Deploy gate closed: /m);
  expect(closed.stderr).toContain('2026-11-30T09:00'); // next opening: Monday 09:00 in Seoul

  const json = await cli([...gate, '2026-11-27T10:00:00+09:00', '--json']);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toEqual({
    open: false,
    reason: expect.stringContaining('Friday'),
    'next-open': '2026-11-30T09:00:00+09:00',
    'closes-at': null,
    overridden: false,
  });
});

describe.each(['plan', 'deploy', 'gate', 'schema'])('%s', (command) => {
  test('refuses a mistyped flag with exit 2: the error, a suggestion, one line pointing at --help', async () => {
    const run = await cli([command, '--stepz', '10%', '--cluster', 'web']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: unknown option '--stepz'");
    if (command === 'deploy') expect(run.stderr).toContain('(Did you mean --steps?)');
    expect(run.stderr).toContain(`Run 'safe-deploy ${command} --help' for its options.`);
    expect(run.stderr).not.toContain('Usage:');
    expect(`${run.stdout}${run.stderr}`.trimEnd().split('\n').length).toBeLessThanOrEqual(8);
    expect(run.stdout).toBe('');
  });

  test('--help describes it, with the exit codes only where they apply', async () => {
    const run = await cli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: safe-deploy ${command}`);
    if (command === 'deploy') expect(run.stdout).toContain('3  blocked');
    if (command === 'gate') expect(run.stdout).toContain('1  closed');
    if (command === 'schema') expect(run.stdout).not.toContain('Exit codes');
  });
});

test('deploy --json prints JSON on stdout for a bad input and for a mistyped flag', async () => {
  for (const args of [
    [
      'deploy',
      '--json',
      '--cluster',
      'web',
      '--service',
      'api',
      '--task-definition',
      'api:1',
      '--steps',
      '10%:xyz',
    ],
    ['deploy', '--json', '--stepz', '1%'],
  ]) {
    const run = await cli(args);
    expect(run.code).toBe(2);
    const printed = JSON.parse(run.stdout) as { error: string; 'exit-code': number };
    expect(printed['exit-code']).toBe(2);
    expect(printed.error).toMatch(args.includes('--stepz') ? /unknown option '--stepz'/ : /^Input 'steps'/);
  }
});

test('no command is a usage error, not a success', async () => {
  const run = await cli([]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('Usage: safe-deploy [options] [command]');
  for (const command of ['plan', 'deploy', 'gate', 'schema']) expect(run.stderr).toContain(`  ${command}`);
});

test('an unknown command is a usage error', async () => {
  const run = await cli(['deplyo']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("unknown command 'deplyo'");
});

test('deploy with no flags names the missing input', async () => {
  const run = await cli(['deploy']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("Input 'cluster'");
});

test('the gate flags are the inputs of gate/action.yml; deploy flags are not gate flags', async () => {
  const run = await cli(['gate', '--listener-arn', seeded.listenerArn]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("unknown option '--listener-arn'");
});

test('npx safe-deploy runs the same file as node bin/safe-deploy.js', async () => {
  const direct = await cli(['--help']);
  const npx = await new Promise<CliRun>((done) => {
    // Where the build is laid out as the repository (package.json with its bin, dist/, bin/).
    const child = spawn('npx', ['--no-install', 'safe-deploy', '--help'], {
      cwd: resolve(cliBin(), '..', '..'),
      env: { PATH: `${resolve(node24(), '..')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/tmp' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
  expect(npx).toEqual({ code: 0, stdout: direct.stdout, stderr: '' });
  expect(direct.stdout).toContain('Usage: safe-deploy [options] [command]');
});
