// Jest global teardown of the end-to-end tests: removes the build that build-dist.mjs made, and stops
// the moto zygote it started.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

export default function removeDist() {
  globalThis.safeDeployMotoZygote?.stop();
  const dist = process.env.SAFE_DEPLOY_DIST;
  if (dist) rmSync(dirname(dist), { recursive: true, force: true });
}
