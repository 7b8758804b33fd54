import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The step's variable that names, space or comma separated, withheld variables a hook should get after all. */
export const HOOK_PASS_ENV = 'SAFE_DEPLOY_HOOK_PASS_ENV';

/**
 * Variables a hook does not get unless HOOK_PASS_ENV names them: the action's own inputs (INPUT_*, the
 * GitHub token among them), the tokens the runner gives the action itself (results and cache service, OIDC
 * token requests), a GITHUB_TOKEN set on the step, and the action's output and state files, through which a
 * hook could rewrite the deploy's outputs or what the post step rolls back.
 */
const WITHHELD = [
  /^INPUT_/,
  /^ACTIONS_RUNTIME_(TOKEN|URL)$/,
  /^ACTIONS_ID_TOKEN_REQUEST_(TOKEN|URL)$/,
  /^ACTIONS_(RESULTS|CACHE)_URL$/,
  /^GITHUB_TOKEN$/,
  /^GH_TOKEN$/,
  /^GITHUB_(OUTPUT|STATE)$/,
];

/**
 * A hook's environment: the step's, without the withheld variables (unless the step's HOOK_PASS_ENV names
 * them), plus the deploy's SAFE_DEPLOY_* values.
 */
export function hookEnvironment(
  parent: NodeJS.ProcessEnv,
  extra: Record<string, string>,
): Record<string, string> {
  const asked = new Set((parent[HOOK_PASS_ENV] ?? '').split(/[\s,]+/).filter(Boolean));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (WITHHELD.some((pattern) => pattern.test(name)) && !asked.has(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** After SIGTERM, how long a hook has to exit before its processes are killed. */
export const HOOK_KILL_AFTER_MS = 5000;

/**
 * Runs a `before-traffic` / `after-traffic` command with `bash -eo pipefail -c`, its output going
 * straight to the job log, and resolves to its exit code (128 + the signal's number when a signal ended
 * it). Aborting `signal` stops the command and everything it started: SIGTERM to its process group, then
 * SIGKILL after HOOK_KILL_AFTER_MS.
 *
 * Written on node:child_process rather than @actions/exec because @actions/exec cannot stop a command it
 * started: a hook still running when the deploy rolls back (a breach, the timeout, a cancelled job) would
 * hold the step open after the rollback, for as long as the hook hangs.
 */
export function runHookCommand(
  command: string,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', command], {
      env: hookEnvironment(process.env, env),
      stdio: ['ignore', 'inherit', 'inherit'],
      // Its own process group, so a stop reaches what the command started too.
      detached: true,
    });
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), HOOK_KILL_AFTER_MS);
      killTimer.unref();
    };
    child.on('error', (error) => {
      signal?.removeEventListener('abort', stop);
      reject(error);
    });
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', stop);
      clearTimeout(killTimer);
      resolve(code ?? 128 + signalNumber(killedBy));
    });
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone: nothing left to stop.
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal && constants.signals[signal]) || 1;
}
