import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..', '..');

/** The Node 24 binary from the `node` npm package (the runtime the actions declare), else this Node. */
export function node24(): string {
  try {
    const bin = join(resolve(require.resolve('node/package.json'), '..'), 'bin', 'node');
    if (existsSync(bin)) return bin;
  } catch {
    // fall through
  }
  return process.execPath;
}

/** What a step run produced, read back the way the runner reads it. */
export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** State saved with `core.saveState`, as the post step receives it (`STATE_<name>`). */
  state: Record<string, string>;
  summary: string;
  /** `::error::` and `::warning::` annotations. */
  errors: string[];
  warnings: string[];
}

export interface RunOptions {
  /** Action inputs by name (`task-definition`), passed as `INPUT_TASK-DEFINITION` like the runner. */
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** State from an earlier step, for post steps. */
  state?: Record<string, string>;
  /** The webhook event payload written to `GITHUB_EVENT_PATH`. */
  event?: unknown;
  cwd?: string;
  /** Signal to send once stdout contains this text (e.g. to cancel mid-step). */
  signalWhen?: { text: string; signal: NodeJS.Signals };
  timeoutMs?: number;
}

/**
 * Runs a built bundle under `dist/` as the GitHub runner runs a JavaScript action: inputs as `INPUT_*`
 * variables, file commands for outputs, state and the step summary, and the event payload on disk.
 */
export async function runAction(bundle: string, options: RunOptions = {}): Promise<ActionRun> {
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
  const env: Record<string, string> = {
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
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(node24(), [join(root, 'dist', bundle, 'index.js')], {
    cwd: options.cwd ?? dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.signalWhen && !signalled && stdout.includes(options.signalWhen.text)) {
      signalled = true;
      child.kill(options.signalWhen.signal);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolveExit) => child.on('close', (c) => resolveExit(c)));
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
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i]!);
      values[name!] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

function annotations(stdout: string, kind: 'error' | 'warning'): string[] {
  const prefix = `::${kind}`;
  return (
    stdout
      .split(/\r?\n/)
      .filter((line) => line.startsWith(prefix))
      // @actions/core escapes only %, CR and LF, so URI decoding restores the message exactly.
      .map((line) => decodeURIComponent(line.slice(line.indexOf('::', 2) + 2)))
  );
}
