import { main } from '../../src/cli.js';
import { deployExitCode } from '../../src/cli/deploy.js';
import { ExitCode } from '../../src/cli/context.js';

// The CLI in-process, for what needs no AWS: parsing, help, usage errors, exit codes.
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    (t) => (stdout += t),
    (t) => (stderr += t),
  );
  return { code, stdout, stderr };
}

test('each result has its documented exit code', () => {
  expect(['deployed', 'dry-run', 'rolled-back', 'blocked'].map(deployExitCode)).toEqual([
    ExitCode.ok,
    ExitCode.ok,
    ExitCode.failed,
    ExitCode.blocked,
  ]);
  expect(ExitCode).toEqual({ ok: 0, failed: 1, usage: 2, blocked: 3 });
});

test('every flag of deploy is an input of action.yml, and every input a flag', async () => {
  const { stdout } = await run(['deploy', '--help']);
  for (const input of [
    'cluster',
    'service',
    'task-definition',
    'steps',
    'alarms',
    'dry-run',
    'require-review',
  ])
    expect(stdout).toContain(`--${input} `);
  expect(stdout).toMatch(/--dry-run \[value\]/);
});

test('a mistyped input is refused before anything runs, with a suggestion', async () => {
  const result = await run(['deploy', '--cluster', 'web', '--servcie', 'api']);
  expect(result.code).toBe(ExitCode.usage);
  expect(result.stderr).toContain("error: unknown option '--servcie'");
  expect(result.stderr).toContain('(Did you mean --service?)');
});

test('an input given twice is refused, not silently replaced', async () => {
  const result = await run(['deploy', '--alarms', 'api-5xx', '--alarms', 'api-latency']);
  expect(result.code).toBe(ExitCode.usage);
  expect(result.stderr).toContain("option '--alarms <value>' argument 'api-latency' is invalid. given twice");
});

test('a flag without its value is refused', async () => {
  const result = await run(['deploy', '--cluster']);
  expect(result.code).toBe(ExitCode.usage);
  expect(result.stderr).toContain("option '--cluster <value>' argument missing");
});

test('a stray argument is refused too', async () => {
  const result = await run(['deploy', 'web']);
  expect(result.code).toBe(ExitCode.usage);
  expect(result.stderr).toContain('too many arguments');
});

test('--version prints the package version', async () => {
  const result = await run(['--version']);
  expect(result).toEqual({ code: 0, stdout: '1.0.0\n', stderr: '' });
});

test('help <command> is the command help', async () => {
  const result = await run(['help', 'gate']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Usage: safe-deploy gate [options]');
  expect(result.stdout).toContain('--windows <value>');
});

test('schema prints the pipeline file schema as JSON', async () => {
  const result = await run(['schema']);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toHaveProperty('$defs');
});

test('option help is whole: a description with "e.g." is not cut there', async () => {
  const { stdout } = await run(['gate', '--help']);
  // gate/action.yml: "When deploys may start, `;`-separated rules of days and time ranges, e.g. ..."
  const windows = stdout.slice(stdout.indexOf('--windows <value>'), stdout.indexOf('--timezone <value>'));
  expect(windows.replace(/\s+/g, ' ')).toMatch(/e\.g\. \S+/);
});

test('the exit codes follow each command they apply to, and not schema', async () => {
  expect((await run(['deploy', '--help'])).stdout).toContain('3  blocked: an alarm was already in ALARM');
  expect((await run(['gate', '--help'])).stdout).toContain('1  closed');
  expect((await run(['gate', '--help'])).stdout).not.toContain('3  blocked');
  expect((await run(['schema', '--help'])).stdout).not.toContain('Exit codes');
  expect((await run(['--help'])).stdout).toContain('Exit codes:');
});

test('a mistyped flag: the error, a suggestion and one line pointing at --help, within 8 lines', async () => {
  const result = await run(['deploy', '--stepz', '1%', '--cluster', 'web', '--service', 'api']);
  expect(result.code).toBe(ExitCode.usage);
  expect(result.stderr.trimEnd().split('\n')).toEqual([
    "error: unknown option '--stepz'",
    '(Did you mean --steps?)',
    "Run 'safe-deploy deploy --help' for its options.",
  ]);
  expect(result.stdout).toBe('');
});

test('--json prints JSON for errors too: a usage error, and a bad input', async () => {
  const mistyped = await run(['gate', '--json', '--windowz', 'Mon 09:00-10:00']);
  expect(mistyped.code).toBe(ExitCode.usage);
  expect(JSON.parse(mistyped.stdout)).toEqual({
    error: expect.stringContaining("unknown option '--windowz'"),
    'exit-code': 2,
  });
  const bad = await run(['deploy', '--json', '--cluster', 'web', '--service', 'api', '--steps', '10%:soon']);
  expect(bad.code).toBe(ExitCode.usage);
  expect(JSON.parse(bad.stdout)).toEqual({ error: expect.stringMatching(/^Input '/), 'exit-code': 2 });
  expect(bad.stderr).toMatch(/^safe-deploy: Input '/);
});
