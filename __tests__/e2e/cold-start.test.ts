import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distDir, entryFile, node24 } from '../support/run-action.js';

// What each entry loads before it can fail on a bad input, or before the post step knows there is
// nothing to do: the modules are counted (not timed, so a busy machine cannot fail or pass it), through
// Node's module hooks. It is the entry file alone (each module Node loads costs about half a
// millisecond), and the AWS SDK, the GitHub client and the artifact client are not in it.
const recorder = join(mkdtempSync(join(tmpdir(), 'safe-deploy-loads-')), 'record.mjs');
writeFileSync(
  recorder,
  // node:fs through getBuiltinModule: an ESM import of it would load fs.promises, counted below.
  `import { registerHooks } from 'node:module';
const { writeSync } = process.getBuiltinModule('node:fs');
registerHooks({
  load(url, context, next) {
    if (url.startsWith('file:')) writeSync(2, 'LOADED ' + url + '\\n');
    return next(url, context);
  },
});
`,
);

// And which of Node's own modules it loaded: an ESM import of node:crypto (about 9 ms) or of node:fs
// (which loads fs.promises) is a start-up cost an input check must not pay.
const builtinRecorder = join(dirname(recorder), 'builtins.cjs');
writeFileSync(
  builtinRecorder,
  // To a file: spawnSync stops reading a child's output once its timeout stops it.
  `const dump = () => {
  require('node:fs').writeFileSync(process.env.BUILTINS_OUT, process.moduleLoadList.join('\\n'));
};
process.on('exit', dump);
// The valid deploy below is stopped while it retries its first call.
process.on('SIGTERM', () => process.exit(143));
`,
);

let runs = 0;

/** Runs an entry with INPUT_* variables; returns the bundle files it loaded and its output. */
function loads(
  entry: string,
  env: Record<string, string>,
): { files: string[]; builtins: string[]; stdout: string; code: number | null } {
  const builtinsOut = join(dirname(recorder), `builtins-${++runs}.txt`);
  const spawn = (recorderArgs: string[]) =>
    spawnSync(node24(), [...recorderArgs, entryFile(entry)], {
      env: { PATH: process.env.PATH ?? '', BUILTINS_OUT: builtinsOut, ...env },
      encoding: 'utf8',
      // What loads is known long before: the valid deploy below is stopped retrying its first call.
      timeout: 7_000,
    });
  const run = spawn(['--import', recorder]);
  // Apart: module hooks make Node's ESM loader read files through fs.promises itself.
  const natives = spawn(['--require', builtinRecorder]);
  const files = run.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => fileURLToPath(line.slice('LOADED '.length)))
    .filter((file) => file.startsWith(distDir()));
  expect(natives.status).not.toBeNull();
  const builtins = readFileSync(builtinsOut, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('NativeModule '))
    .map((line) => line.slice('NativeModule '.length));
  // The hooks saw the entry: an empty list would make every check below pass.
  expect(files).toContain(entryFile(entry));
  expect(builtins).toContain('fs');
  return { files, builtins, stdout: run.stdout, code: run.status };
}

/** Node's modules that only a full run needs: crypto, and what fs.promises brings. */
const costly = (builtins: string[]): string[] =>
  builtins.filter((name) => name === 'crypto' || name === 'internal/fs/promises');

const bytes = (files: string[]): number => files.reduce((sum, file) => sum + readFileSync(file).length, 0);
const heavy = (files: string[]): string[] =>
  files.filter((file) =>
    /ECSClient|CloudWatchClient|getOctokit|DefaultArtifactClient/.test(readFileSync(file, 'utf8')),
  );

test('a deploy input error fails before the engine or the AWS SDK loads', () => {
  const run = loads('deploy', { INPUT_CLUSTER: 'web', INPUT_SERVICE: 'api', INPUT_STEPS: 'Sideways' });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`::error::Input 'steps': "Sideways" is not valid`);
  expect(run.files).toEqual([entryFile('deploy')]);
  expect(costly(run.builtins)).toEqual([]);
  expect(heavy(run.files)).toEqual([]);
  expect(bytes(run.files)).toBeLessThan(64 * 1024);
});

test.each([
  ['no saved state', {}, 'the deploy changed nothing in AWS'],
  ['a finished deploy', { STATE_deploy: JSON.stringify({ stage: 'finished' }) }, 'the deploy finished'],
])('the post step with %s says so without loading the AWS SDK', (_, env, message) => {
  const run = loads('deploy/post', env);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`safe-deploy post: ${message}; nothing to clean up`);
  expect(run.files).toEqual([entryFile('deploy/post')]);
  expect(costly(run.builtins)).toEqual([]);
  expect(heavy(run.files)).toEqual([]);
  expect(bytes(run.files)).toBeLessThan(64 * 1024);
});

test('a checklist input error fails before the GitHub client loads', () => {
  const run = loads('checklist', { INPUT_MODE: 'sometimes', 'INPUT_GITHUB-TOKEN': 'x' });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain("::error::Input 'mode'");
  expect(run.files).toEqual([entryFile('checklist')]);
  expect(costly(run.builtins)).toEqual([]);
  expect(heavy(run.files)).toEqual([]);
});

test('the check sees the SDK when it does load: a valid deploy reaches for AWS', () => {
  const run = loads('deploy', {
    INPUT_CLUSTER: 'web',
    INPUT_SERVICE: 'api',
    'INPUT_TASK-DEFINITION': 'web:1',
    'INPUT_DRY-RUN': 'true',
    // Nowhere to connect: the deploy fails at its first call, after loading the SDK.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
  });
  expect(run.files.length).toBeGreaterThan(1);
  expect(heavy(run.files)).not.toEqual([]);
  expect(costly(run.builtins)).toContain('crypto');
});

test('a gate input error fails before the CloudWatch client loads', () => {
  const run = loads('gate', { INPUT_WINDOWS: 'Funday 09:00-17:00' });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain("::error::Input 'windows'");
  expect(run.files).toEqual([entryFile('gate')]);
  expect(costly(run.builtins)).toEqual([]);
  // Nor the holiday and calendar libraries: those load with the calendars they read.
  expect(run.files.filter((file) => /date-holidays|ICAL/.test(readFileSync(file, 'utf8')))).toEqual([]);
});

test('a gate release-queue input error fails before the GitHub and artifact clients load', () => {
  const run = loads('gate', { 'INPUT_ON-CLOSED': 'queue', 'INPUT_GITHUB-TOKEN': '' });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain("::error::Input 'github-token'");
  expect(run.files).toEqual([entryFile('gate')]);
  expect(costly(run.builtins)).toEqual([]);
  expect(heavy(run.files)).toEqual([]);
});

test.each([
  ['package', { 'INPUT_CONTAINER-NAME': 'app' }, "::error::Input 'task-definition'"],
  ['plan', { INPUT_CONFIG: 'no-such-pipeline.yml' }, '::error::Pipeline file no-such-pipeline.yml not found'],
  ['queue', { INPUT_RELEASE: 'latest', INPUT_RESULT: 'success' }, "::error::Input 'release'"],
])('a %s input error is its entry file alone', (entry, env, error) => {
  const run = loads(entry, env);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(error);
  expect(run.files).toEqual([entryFile(entry)]);
  expect(costly(run.builtins)).toEqual([]);
  expect(bytes(run.files)).toBeLessThan(64 * 1024);
});
