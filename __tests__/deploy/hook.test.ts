import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHookCommand } from '../../src/deploy/hook.js';

// Real bash processes: each test takes well under two seconds.
test('resolves to the exit code, with the hook environment and pipefail', async () => {
  expect(await runHookCommand('test "$SAFE_DEPLOY_SERVICE" = api', { SAFE_DEPLOY_SERVICE: 'api' })).toBe(0);
  expect(await runHookCommand('exit 3', {})).toBe(3);
  expect(await runHookCommand('false | true', {})).toBe(1);
});

test('aborting stops the command and what it started, and resolves at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hook-'));
  const marker = join(dir, 'still-running');
  const stop = new AbortController();
  const started = Date.now();
  // A child of the shell (sleep) that would write the marker if it outlived the stop.
  const run = runHookCommand(`sleep 1 && touch ${marker}; sleep 30`, {}, stop.signal);
  setTimeout(() => stop.abort(), 200);
  expect(await run).toBe(143); // 128 + SIGTERM
  expect(Date.now() - started).toBeLessThan(1000);
  await new Promise((resolve) => setTimeout(resolve, 1300));
  expect(existsSync(marker)).toBe(false);
});

test('a signal already aborted never lets the command run', async () => {
  const stop = new AbortController();
  stop.abort();
  expect(await runHookCommand('sleep 30', {}, stop.signal)).toBeGreaterThan(128);
});
