import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readDeployState,
  seedService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { runAction } from '../support/run-action.js';

// The built package and deploy bundles, run as the runner runs them: one artifact from build to deploy.
const IMAGE = `111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${'d'.repeat(64)}`;
let moto: Moto;
let seeded: SeededService;
let workspace: string;

beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
  workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  writeFileSync(join(workspace, 'task-definition.json'), JSON.stringify(taskDefinitionJson('placeholder')));
});

const packageIt = (inputs: Record<string, string> = {}) =>
  runAction('package', {
    cwd: workspace,
    inputs: { 'task-definition': 'task-definition.json', 'container-name': 'app', image: IMAGE, ...inputs },
  });

const deployFrom = (manifest: string, env: Record<string, string> = {}) =>
  runAction('deploy', {
    inputs: {
      cluster: seeded.cluster,
      service: seeded.service,
      manifest,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      steps: 'AllAtOnce',
      'bake-time': '1s',
      'poll-interval': '1s',
      'github-token': '',
    },
    env: { ...moto.env, ...env },
  });

test('package writes a checksummed manifest, and deploy deploys exactly it', async () => {
  const packaged = await packageIt();
  expect(packaged.code).toBe(0);
  expect(packaged.outputs.image).toBe(IMAGE);
  expect(packaged.outputs.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  const manifest = JSON.parse(readFileSync(packaged.outputs.manifest!, 'utf8'));
  expect(manifest).toMatchObject({
    schemaVersion: 1,
    image: IMAGE,
    checksum: packaged.outputs.checksum,
    source: {
      repository: 'octo/shop',
      commit: '0123456789abcdef0123456789abcdef01234567',
      runId: '4242',
      runAttempt: '1',
    },
    taskDefinition: {
      family: 'api',
      containerDefinitions: [expect.objectContaining({ name: 'app', image: IMAGE })],
    },
  });
  // Locally there is no artifact service: said plainly, and the file is still written.
  expect(packaged.stdout).toContain('The workflow artifact service is not available here');
  expect(packaged.summary).toContain(packaged.outputs.checksum);

  const deployed = await deployFrom(packaged.outputs.manifest!);
  expect(deployed.code).toBe(0);
  expect(deployed.outputs.result).toBe('deployed');
  expect(deployed.summary).toContain(packaged.outputs.checksum);
  const state = await readDeployState(moto, seeded);
  expect(state.greenWeight).toBe(100);
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', taskDefinition: deployed.outputs['task-definition-arn'] }),
  ]);
});

test('a tampered manifest is refused before any AWS call', async () => {
  const packaged = await packageIt();
  const manifest = JSON.parse(readFileSync(packaged.outputs.manifest!, 'utf8'));
  manifest.taskDefinition.containerDefinitions[0].image = 'attacker/api:latest';
  writeFileSync(packaged.outputs.manifest!, JSON.stringify(manifest));
  // No emulator address: any AWS call would fail differently from the manifest check.
  const run = await deployFrom(packaged.outputs.manifest!, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toMatch(/was changed after it was written/);
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('a manifest built from another commit is refused', async () => {
  const packaged = await packageIt();
  const run = await deployFrom(packaged.outputs.manifest!, { GITHUB_SHA: 'f'.repeat(40) });
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(
    "Manifest commit 0123456789abcdef0123456789abcdef01234567 does not match the workflow's commit (GITHUB_SHA) " +
      'f'.repeat(40),
  );
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('a tag-only image is refused, naming the input', async () => {
  const run = await packageIt({ image: 'shop/api:latest' });
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(
    `Input 'image': "shop/api:latest" is not valid: pin the image by digest`,
  );
  expect(run.outputs.manifest).toBeUndefined();
});

test('allow-tags accepts a tag with a warning', async () => {
  const run = await packageIt({ image: 'shop/api:1.4.2', 'allow-tags': 'true', upload: 'false' });
  expect(run.code).toBe(0);
  expect(run.outputs.image).toBe('shop/api:1.4.2');
  expect(run.warnings.join('\n')).toContain('is a tag, not a digest');
});
