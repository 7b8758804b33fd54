// Runs a built action bundle the way the GitHub runner does: inputs as INPUT_* variables, file
// commands for outputs, state and the step summary, and the event payload on disk. Shared by the
// end-to-end tests, the demo and the benchmark.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..', '..');

/** The Node 24 binary from the `node` npm package (the runtime the actions declare), else this Node. */
export function node24() {
  try {
    const bin = join(resolve(require.resolve('node/package.json'), '..'), 'bin', 'node');
    if (existsSync(bin)) return bin;
  } catch {
    // fall through
  }
  return process.execPath;
}

/**
 * The built bundles: `SAFE_DEPLOY_DIST` when set (the tests' global setup builds the current sources
 * there, so they never run a stale dist/), else the committed dist/.
 */
export function distDir() {
  return process.env.SAFE_DEPLOY_DIST || join(root, 'dist');
}

/** The `safe-deploy` executable beside those bundles (bin/safe-deploy.js). */
export function cliBin() {
  return join(distDir(), '..', 'bin', 'safe-deploy.js');
}

/** The file of an entry: `deploy` is dist/deploy/index.js, `deploy/post` is dist/deploy/post.js. */
export function entryFile(bundle) {
  return join(distDir(), bundle.includes('/') ? `${bundle}.js` : join(bundle, 'index.js'));
}

/** The action.yml an entry belongs to: the root one for `deploy` and `deploy/post`, else `<name>/action.yml`. */
export function actionFile(bundle) {
  const name = bundle.split('/')[0];
  return join(root, name === 'deploy' ? 'action.yml' : join(name, 'action.yml'));
}

/**
 * The inputs the runner gives a step that sets none: every input of its action.yml, at its `default`, or
 * empty when it has none (actions/runner sets `INPUT_<NAME>` for each). An entry can never tell a default
 * from the same text written by hand, and a `with:` value that evaluates to empty replaces the default
 * (GitHub's docs, inputs.<input_id>.default); the tests must see exactly that.
 */
export function actionDefaults(bundle) {
  const file = actionFile(bundle);
  const known = defaultsByFile.get(file);
  if (known) return known;
  const metadata = parseYaml(readFileSync(file, 'utf8'));
  const defaults = {};
  for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
    const text = input?.default === undefined ? '' : String(input.default);
    // The runner evaluates `${{ github.token }}` to the job's token; these runs have none to give.
    defaults[name] = /^\$\{\{\s*github\.token\s*\}\}$/.test(text) ? '' : text;
  }
  defaultsByFile.set(file, defaults);
  return defaults;
}

/** Each action.yml's inputs as actionDefaults read them, once per process. */
const defaultsByFile = new Map();

/**
 * Runs a built entry (`deploy`, `deploy/post`, `gate`…) as the GitHub runner runs a JavaScript action:
 * inputs as `INPUT_*` variables (the action.yml defaults first, as the runner gives them, then
 * `options.inputs`), file commands for outputs, state and the step summary, and the event payload on disk.
 */
export async function runAction(bundle, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-run-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(options.event ?? {}));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? dir,
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SERVER_URL: 'https://github.com',
    ...files,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(bundle), ...(options.inputs ?? {}) })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(node24(), [entryFile(bundle)], {
    cwd: options.cwd ?? dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (chunk) => {
    stdout += chunk.toString();
    if (options.signalWhen && !signalled && stdout.includes(options.signalWhen.text)) {
      signalled = true;
      child.kill(options.signalWhen.signal);
    }
    options.onStdout?.(chunk.toString());
  });
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
  options.onStart?.(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise((resolveExit) => child.on('close', (c) => resolveExit(c)));
  clearTimeout(timer);
  return {
    code,
    stdout,
    stderr,
    outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommand(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    errors: annotations(stdout, 'error'),
    warnings: annotations(stdout, 'warning'),
  };
}

/** Parses the `name<<delimiter` heredoc format that `@actions/core` writes to file commands. */
export function parseFileCommand(text) {
  const values = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body = [];
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i]);
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

function annotations(stdout, kind) {
  const prefix = `::${kind}`;
  return (
    stdout
      .split(/\r?\n/)
      .filter((line) => line.startsWith(prefix))
      // @actions/core escapes only %, CR and LF, so URI decoding restores the message exactly.
      .map((line) => decodeURIComponent(line.slice(line.indexOf('::', 2) + 2)))
  );
}
