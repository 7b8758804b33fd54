// Jest global setup of the end-to-end tests: builds the current sources into a temp dir, laid out as the
// repository is (dist/ and bin/), and points the tests at it through SAFE_DEPLOY_DIST, so an end-to-end
// test never runs a stale committed dist/. It also starts the moto zygote (scripts/lib/emulator.mjs), so
// each test file's startMoto forks a warmed-up moto_server instead of paying its two seconds of start-up.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startMotoZygote, ZYGOTE_ENV } from '../../scripts/lib/emulator.mjs';

const root = resolve(import.meta.dirname, '..', '..');

/** The sub-actions' action.yml files (gate/action.yml, …). */
function actionFiles() {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'action.yml')))
    .map((entry) => `${entry.name}/action.yml`);
}

export default async function buildDist() {
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-build-'));
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--outdir', join(dir, 'dist')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The CLI reads each action's inputs from its action.yml, found above the bundle.
  for (const file of ['package.json', 'bin/safe-deploy.js', 'action.yml', ...actionFiles()]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(root, file), join(dir, file));
  }
  process.env.SAFE_DEPLOY_DIST = join(dir, 'dist');
  // A missing emulator fails here, before any test: never a skip.
  const zygote = await startMotoZygote();
  process.env[ZYGOTE_ENV] = zygote.socketPath;
  globalThis.safeDeployMotoZygote = zygote;
}
