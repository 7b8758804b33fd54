import { spawn } from 'node:child_process';
import { constants } from 'node:os';

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
      env: { ...process.env, ...env },
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
