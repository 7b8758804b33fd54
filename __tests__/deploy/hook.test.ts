import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOOK_PASS_ENV, hookEnvironment, runHookCommand } from '../../src/deploy/hook.js';

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

describe('the hook environment', () => {
  const step = {
    PATH: '/usr/bin',
    AWS_REGION: 'us-east-1',
    'INPUT_GITHUB-TOKEN': 'ghs_action',
    INPUT_CLUSTER: 'web',
    GITHUB_TOKEN: 'ghs_step',
    ACTIONS_RUNTIME_TOKEN: 'runtime',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc',
    ACTIONS_RESULTS_URL: 'https://results',
    GITHUB_OUTPUT: '/tmp/out',
    GITHUB_STATE: '/tmp/state',
    GITHUB_ENV: '/tmp/env',
    GITHUB_SHA: 'abc',
  };

  test("leaves out the action's inputs, the tokens and the output and state files", () => {
    expect(hookEnvironment(step, { SAFE_DEPLOY_SERVICE: 'api' })).toEqual({
      PATH: '/usr/bin',
      AWS_REGION: 'us-east-1',
      GITHUB_ENV: '/tmp/env',
      GITHUB_SHA: 'abc',
      SAFE_DEPLOY_SERVICE: 'api',
    });
  });

  test(`passes the withheld variables that ${HOOK_PASS_ENV} names`, () => {
    const env = hookEnvironment(
      {
        ...step,
        [HOOK_PASS_ENV]: 'GITHUB_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL',
      },
      {},
    );
    expect(env).toMatchObject({
      GITHUB_TOKEN: 'ghs_step',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc',
    });
    expect(env).not.toHaveProperty('INPUT_GITHUB-TOKEN');
    expect(env).not.toHaveProperty('ACTIONS_RUNTIME_TOKEN');
  });

  test('a real hook sees none of them', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      'INPUT_GITHUB-TOKEN': 'ghs_action',
      GITHUB_TOKEN: 'ghs_step',
      ACTIONS_RUNTIME_TOKEN: 'rt',
    });
    try {
      const code = await runHookCommand(
        'test -z "${GITHUB_TOKEN:-}" && test -z "${ACTIONS_RUNTIME_TOKEN:-}" && ! env | grep -q "^INPUT_"',
        {},
      );
      expect(code).toBe(0);
    } finally {
      for (const name of ['INPUT_GITHUB-TOKEN', 'GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});
