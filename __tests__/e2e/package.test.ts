import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { runAction } from '../support/run-action.js';

// The built package and deploy bundles, run as the runner runs them: one artifact from build to deploy.
// The image is pushed to moto's ECR (account 123456789012, moto's default) at that digest, as a build
// pushes it, so the deploy's verify finds it.
const DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/api@${DIGEST}`;
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
  const ecr = new ECRClient(motoClientConfig(moto));
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'api' }));
  await ecr.send(
    new PutImageCommand({
      repositoryName: 'api',
      imageTag: 'build-4242',
      imageDigest: DIGEST,
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      }),
    }),
  );
  workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  writeFileSync(join(workspace, 'task-definition.json'), JSON.stringify(taskDefinitionJson('placeholder')));
});

const packageIt = (inputs: Record<string, string> = {}) =>
  runAction('package', {
    cwd: workspace,
    inputs: { 'task-definition': 'task-definition.json', 'container-name': 'app', image: IMAGE, ...inputs },
  });

const deployFrom = (
  manifest: string,
  env: Record<string, string> = {},
  options: { inputs?: Record<string, string>; event?: unknown } = {},
) =>
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
      ...options.inputs,
    },
    env: { ...moto.env, ...env },
    ...(options.event ? { event: options.event } : {}),
  });

// No emulator address: any AWS call would fail differently from the manifest check.
const NO_AWS = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
const taskDefinitionArns = async () =>
  (await new ECSClient(motoClientConfig(moto)).send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns;

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

  expect(packaged.summary).toContain(`- Image digest: \`sha256:${'d'.repeat(64)}\``);

  const deployed = await deployFrom(packaged.outputs.manifest!);
  expect(deployed.code).toBe(0);
  expect(deployed.outputs.result).toBe('deployed');
  expect(deployed.summary).toContain(`- Manifest checksum: \`${packaged.outputs.checksum}\``);
  expect(deployed.summary).toContain(`- Image digest: \`sha256:${'d'.repeat(64)}\``);
  // What ECS registered is the manifest's task definition, every field as written.
  const registered = await new ECSClient(motoClientConfig(moto)).send(
    new DescribeTaskDefinitionCommand({ taskDefinition: deployed.outputs['task-definition-arn'] }),
  );
  expect(registered.taskDefinition).toMatchObject(manifest.taskDefinition);
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
  const before = await taskDefinitionArns();
  const run = await deployFrom(packaged.outputs.manifest!, NO_AWS);
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toMatch(/was changed after it was written/);
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
  expect(await taskDefinitionArns()).toEqual(before);
});

const BUILT = '0123456789abcdef0123456789abcdef01234567'; // run-action's GITHUB_SHA, as package records it
const LATER = 'f'.repeat(40);

test.each<[string, Record<string, string>, Record<string, string>, string]>([
  [
    'from another commit',
    { GITHUB_SHA: LATER },
    {},
    `Manifest commit ${BUILT} does not match the workflow's commit (GITHUB_SHA) ${LATER}`,
  ],
  [
    'from another repository',
    { GITHUB_REPOSITORY: 'octo/other' },
    {},
    'was built in octo/shop, not in this repository (octo/other)',
  ],
  [
    'named by a push for another commit',
    { GITHUB_SHA: LATER },
    { 'manifest-commit': BUILT },
    `Input 'manifest-commit': "${BUILT}" is not valid: only a deploy started by workflow_run or workflow_dispatch`,
  ],
])('a manifest %s is refused before any AWS call', async (_what, env, inputs, message) => {
  const packaged = await packageIt();
  const before = await taskDefinitionArns();
  const run = await deployFrom(packaged.outputs.manifest!, { ...NO_AWS, ...env }, { inputs });
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(message);
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
  expect(await taskDefinitionArns()).toEqual(before);
});

test.each<[string, Record<string, string>, Record<string, string>, unknown]>([
  [
    'workflow_dispatch naming the commit',
    { GITHUB_EVENT_NAME: 'workflow_dispatch' },
    { 'manifest-commit': BUILT },
    {},
  ],
  [
    "workflow_run, from the triggering run's commit",
    { GITHUB_EVENT_NAME: 'workflow_run' },
    {},
    { workflow_run: { head_sha: BUILT, head_repository: { full_name: 'octo/shop' } } },
  ],
])('%s accepts the manifest of an earlier commit', async (_what, env, inputs, event) => {
  const packaged = await packageIt();
  const run = await deployFrom(
    packaged.outputs.manifest!,
    { GITHUB_SHA: LATER, ...env },
    { inputs: { ...inputs, 'dry-run': 'true' }, event },
  );
  expect(run.errors).toEqual([]);
  expect(run.outputs.result).toBe('dry-run');
  expect(run.stdout).toContain(
    `Manifest ${packaged.outputs.manifest} verified: ${packaged.outputs.checksum}`,
  );
});

describe("pull_request_target for a fork's pull request", () => {
  const forkEvent = {
    action: 'synchronize',
    pull_request: { number: 31, head: { sha: 'c'.repeat(40), repo: { full_name: 'mallory/shop' } } },
  };
  const target = { GITHUB_EVENT_NAME: 'pull_request_target' };

  test('package refuses to seal the build, naming the event and the fork, and writes no manifest', async () => {
    const run = await runAction('package', {
      cwd: workspace,
      inputs: { 'task-definition': 'task-definition.json', 'container-name': 'app', image: IMAGE },
      env: target,
      event: forkEvent,
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringContaining(
        'This run was started by pull_request_target for pull request #31 from the fork mallory/shop@cccccccccccc: ' +
          'package does not seal its build',
      ),
    ]);
    expect(run.outputs.manifest).toBeUndefined();
  });

  test('deploy refuses a manifest sealed for the base commit, before any AWS call', async () => {
    // What package wrote there before it refused: the base commit recorded for the fork's build.
    const packaged = await packageIt();
    const before = await taskDefinitionArns();
    const run = await deployFrom(packaged.outputs.manifest!, { ...NO_AWS, ...target }, { event: forkEvent });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      expect.stringContaining(
        'This run was started by pull_request_target for pull request #31 from the fork mallory/shop@cccccccccccc: ' +
          'deploy does not deploy a build of untrusted code',
      ),
    ]);
    expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
    expect(await taskDefinitionArns()).toEqual(before);
  });
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
