import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { readDeployState, seedService, startMoto, type Moto, type SeededService } from './moto.js';
import { cliBin, node24, runAction, type ActionRun, type RunOptions } from './run-action.js';

// Operating a live deploy end to end (the operate*.test.ts files): the built deploy bundle runs as the
// runner runs it, and the built CLI runs in another process, as a person on a laptop would, both against
// moto. `useOperateMoto()` at a file's top level starts its moto and seeds a fresh service before each
// test; `moto` and `seeded` are live bindings to them.
export const root = resolve(import.meta.dirname, '..', '..');
export const DIGEST = `shop/api@sha256:${'c'.repeat(64)}`;
export const MOTO_CALLER = 'arn:aws:sts::123456789012:user/moto';
export let moto: Moto;
export let seeded: SeededService;

/** Starts this file's moto, and seeds a fresh service before each test. */
export function useOperateMoto(): void {
  beforeAll(async () => {
    moto = await startMoto();
  }, 30_000);
  afterAll(async () => moto?.stop());
  beforeEach(async () => {
    await moto.reset();
    seeded = await seedService(moto, { alarms: ['api-5xx'] });
  });
}

export function deploy(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  return runAction('deploy', {
    ...options,
    inputs: {
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'container-name': 'app',
      image: DIGEST,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      'bake-time': '1s',
      'poll-interval': '1s',
      'github-token': '',
      ...inputs,
    },
    env: { ...moto.env, ...options.env },
  });
}

export function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliWith({}, ...args);
}

export function cliWith(
  extraEnv: Record<string, string>,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...moto.env, ...extraEnv };
  // The CLI of the fresh build, not the committed dist/.
  const child = spawn(node24(), [cliBin(), ...args], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

export const target = (): string[] => ['--cluster', seeded.cluster, '--service', seeded.service];

/** Runs `status` until it shows the deploy holding (as a person watching it would), then `command`. */
export async function whenHolding(
  command: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  for (let i = 0; i < 40; i++) {
    const status = await cli('status', ...target());
    if (/holding: {2}\w/.test(status.stdout)) return cli(command, ...target(), ...args);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the deploy never showed a hold');
}

export const kept = (state: Awaited<ReturnType<typeof readDeployState>>) =>
  state.taskSets.map((t) => [t.status, t.scale, t.tags['safe-deploy:kept-by'] ?? null]);
