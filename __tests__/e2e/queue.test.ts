import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeRepository, storedZip } from '../support/fake-github-releases.js';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { runAction, type ActionRun } from '../support/run-action.js';

// Scheduled releases end to end, with the built package, gate, deploy and queue bundles run as the
// runner runs them, against moto and the GitHub stand-in: merges at a closed window queue their sealed
// manifests as GitHub deployments; a scheduled run ships the newest one when the window opens.
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const MAIN = 'c'.repeat(40);
const image = (hex: string) => `111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${hex.repeat(64)}`;

// The gate reads the real clock: a blackout from yesterday to tomorrow (UTC) is closed now, and opens at
// the start of the day after tomorrow whenever the test runs.
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const ALWAYS = 'Mon-Sun 00:00-24:00';
const CLOSED = { windows: ALWAYS, blackout: `${day(-1)}..${day(1)}` };
const OPEN = { windows: ALWAYS };

let moto: Moto;
let github: FakeGitHub;
let repo: FakeRepository;
let seeded: SeededService;
let workspace: string;

beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
  github = new FakeGitHub();
  await github.start();
  repo = new FakeRepository(github);
  workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  writeFileSync(join(workspace, 'task-definition.json'), JSON.stringify(taskDefinitionJson('placeholder')));
});
afterEach(async () => github.stop());

/** A run's variables: a push run of `sha`, or a scheduled run on main's head. */
const runEnv = (sha: string, runId: number, event = 'push') => ({
  GITHUB_SHA: sha,
  GITHUB_RUN_ID: String(runId),
  GITHUB_EVENT_NAME: event,
  GITHUB_API_URL: github.url,
});

/** A merge's build job: package seals the manifest; the artifact service keeps it for the run. */
async function merge(sha: string, runId: number, hex: string): Promise<string> {
  const packaged = await runAction('package', {
    cwd: workspace,
    inputs: { 'task-definition': 'task-definition.json', 'container-name': 'app', image: image(hex) },
    env: runEnv(sha, runId),
  });
  expect(packaged.code).toBe(0);
  repo.addRun({ id: runId, head_sha: sha });
  const text = readFileSync(packaged.outputs.manifest!, 'utf8');
  repo.addArtifact(runId, 'safe-deploy-manifest', { 'manifest.json': text });
  return text;
}

const gate = (inputs: Record<string, string>, env: Record<string, string>): Promise<ActionRun> =>
  runAction('gate', {
    inputs: { environment: 'production', 'github-token': 'ghs_workflow', ...inputs },
    env,
  });
const queueGate = (sha: string, runId: number, window: Record<string, string> = CLOSED) =>
  gate({ ...window, 'on-closed': 'queue' }, runEnv(sha, runId));
const scheduledGate = (runId: number, window: Record<string, string>, inputs: Record<string, string> = {}) =>
  gate({ ...window, 'release-queued': 'true', ...inputs }, runEnv(MAIN, runId, 'schedule'));

test('merges at a closed window queue; a scheduled run at the open window ships the newest, exactly as packaged', async () => {
  // A merge at a closed window is queued with its manifest.
  await merge(A, 101, 'a');
  const first = await queueGate(A, 101);
  expect(first.code).toBe(0);
  expect(first.outputs.open).toBe('false');
  const firstId = Number(first.outputs.queued);
  const firstDeployment = repo.deployments.find((d) => d.id === firstId)!;
  expect(firstDeployment).toMatchObject({
    sha: A,
    environment: 'production',
    payload: { commit: A, runId: 101, artifact: { name: 'safe-deploy-manifest' } },
  });
  expect(repo.states(firstId)).toEqual(['queued']);
  expect(first.summary).toContain(`Queued aaaaaaa for production as deployment ${firstId}`);

  // A second merge supersedes it.
  await merge(B, 102, 'b');
  const second = await queueGate(B, 102);
  const secondId = Number(second.outputs.queued);
  expect(repo.states(firstId)).toEqual(['queued', 'inactive']);
  expect(repo.latest(firstId)!.description).toBe(`Superseded by bbbbbbb (deployment ${secondId}, run 102)`);
  expect(second.summary).toMatch(new RegExp(`\\| production \\| ${secondId} \\(next\\) \\| \`bbbbbbb\` \\|`));

  // A scheduled run at a closed window deploys nothing, says what is queued and when the window opens.
  const closed = await scheduledGate(5000, CLOSED);
  expect(closed.code).toBe(0);
  expect(closed.outputs.open).toBe('false');
  expect(closed.outputs.release).toBeUndefined();
  expect(closed.summary).toContain(`Nothing deployed: the gate is closed. Next opening: ${day(2)}T00:00:00`);
  expect(closed.summary).toContain(`| production | ${secondId} (next) | \`bbbbbbb\` |`);
  expect(repo.states(secondId)).toEqual(['queued']);

  // One at an open window takes the newest queued release and verifies its manifest.
  const open = await scheduledGate(5001, OPEN);
  expect(open.errors).toEqual([]);
  expect(open.outputs).toMatchObject({
    open: 'true',
    release: String(secondId),
    'release-commit': B,
    image: image('b'),
  });
  expect(repo.states(secondId)).toEqual(['queued', 'in_progress']);
  // Downloaded by the artifact client from the run that packaged it: the zip GitHub redirects to.
  const artifactId = (
    repo.deployments.find((d) => d.id === secondId)!.payload as { artifact: { id: number } }
  ).artifact.id;
  expect(github.calls('GET', `/repos/octo/shop/actions/artifacts/${artifactId}/zip`)).toHaveLength(1);
  expect(github.calls('GET', `/blob/artifact-${artifactId}.zip`)).toHaveLength(1);
  expect(open.summary).toContain(`Releasing deployment ${secondId}: commit \`${B}\``);

  // The deploy ships exactly that manifest (a scheduled run names the queued commit), not main's head.
  const deployed = await runAction('deploy', {
    inputs: {
      cluster: seeded.cluster,
      service: seeded.service,
      manifest: open.outputs.manifest!,
      'manifest-commit': open.outputs['release-commit']!,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      steps: 'AllAtOnce',
      'bake-time': '1s',
      'poll-interval': '1s',
      'github-token': '',
      // The emulator holds no pushed image for the digest; what is under test is that it is the one shipped.
      verify: 'false',
    },
    env: { ...moto.env, ...runEnv(MAIN, 5001, 'schedule') },
  });
  expect(deployed.errors).toEqual([]);
  expect(deployed.outputs.result).toBe('deployed');
  const registered = await new ECSClient(motoClientConfig(moto)).send(
    new DescribeTaskDefinitionCommand({ taskDefinition: deployed.outputs['task-definition-arn'] }),
  );
  expect(registered.taskDefinition!.containerDefinitions![0]!.image).toBe(image('b'));
  expect((await readDeployState(moto, seeded)).greenWeight).toBe(100);

  // The queue action records the outcome on the release's deployment.
  const finished = await runAction('queue', {
    inputs: { release: open.outputs.release!, result: 'success', 'github-token': 'ghs_workflow' },
    env: runEnv(MAIN, 5001, 'schedule'),
  });
  expect(finished.errors).toEqual([]);
  expect(finished.outputs.state).toBe('success');
  expect(repo.states(secondId)).toEqual(['queued', 'in_progress', 'success']);
  expect(repo.latest(secondId)!.log_url).toBe('https://github.com/octo/shop/actions/runs/5001');

  // Nothing is left to ship: the next scheduled run says so.
  const again = await scheduledGate(5002, OPEN);
  expect(again.code).toBe(0);
  expect(again.outputs.open).toBe('false');
  expect(again.summary).toContain(
    'Nothing deployed: the gate is open, but nothing is queued for production.',
  );
}, 120_000);

test.each([
  [
    'tampered',
    (text: string) => text.replace(image('a'), image('e')),
    () => undefined,
    'was changed after it was written',
  ],
  [
    'fork-built',
    (text: string) => text,
    () => (repo.runs.get(101)!.head_repository = { full_name: 'mallory/shop' }),
    "a fork's commit: a fork's build is never deployed",
  ],
])('a %s queued release is refused and nothing is deployed', async (_what, tamper, alter, message) => {
  const text = await merge(A, 101, 'a');
  const queued = await queueGate(A, 101);
  const id = Number(queued.outputs.queued);
  const artifact = [...repo.artifacts.values()][0]!;
  artifact.files = { 'manifest.json': tamper(text) };
  artifact.zip = storedZip(artifact.files);
  alter();
  const run = await scheduledGate(5000, OPEN);
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(`Queued release ${id} (aaaaaaa, production) refused`);
  expect(run.errors.join('\n')).toContain(message);
  expect(run.outputs.open).toBeUndefined();
  expect(run.outputs.manifest).toBeUndefined();
  expect(repo.latest(id)!.state).toBe('error');
  expect((await readDeployState(moto, seeded)).taskSets).toHaveLength(1);
});

test('two scheduled runs at once ship one release once', async () => {
  await merge(B, 102, 'b');
  const id = Number((await queueGate(B, 102)).outputs.queued);
  const runs = await Promise.all([scheduledGate(6001, OPEN), scheduledGate(6002, OPEN)]);
  expect(runs.map((r) => r.code)).toEqual([0, 0]);
  expect(runs.filter((r) => r.outputs.release === String(id))).toHaveLength(1);
  expect(runs.filter((r) => r.outputs.open === 'false')).toHaveLength(1);
});

test('an override ships a queued release at once, with its reason recorded', async () => {
  await merge(B, 102, 'b');
  const id = Number((await queueGate(B, 102)).outputs.queued);
  const run = await gate(
    { ...CLOSED, 'release-queued': 'true', override: 'hotfix INC-1234' },
    runEnv(MAIN, 7000, 'workflow_dispatch'),
  );
  expect(run.outputs).toMatchObject({ open: 'true', overridden: 'true', release: String(id) });
  expect(repo.latest(id)).toMatchObject({
    state: 'in_progress',
    description: 'Taken by run 7000 (override: hotfix INC-1234)',
  });
  expect(run.summary).toContain('| Override | hotfix INC-1234 |');
  expect(run.summary).toContain('shipped by override: hotfix INC-1234');
});

test('a merge at an open window retires what was queued before it', async () => {
  await merge(A, 101, 'a');
  const id = Number((await queueGate(A, 101)).outputs.queued);
  await merge(B, 102, 'b');
  const run = await queueGate(B, 102, OPEN);
  expect(run.outputs.open).toBe('true');
  expect(run.outputs.queued).toBeUndefined();
  expect(repo.latest(id)).toMatchObject({
    state: 'inactive',
    description: 'Superseded by bbbbbbb, deployed directly by run 102',
  });
});

test('queueing needs a token, and a preview cannot queue', async () => {
  const run = await gate({ ...CLOSED, 'on-closed': 'queue', 'github-token': '' }, runEnv(A, 101));
  expect(run.code).toBe(1);
  expect(run.errors.join('\n')).toContain(
    'Input \'github-token\': "" is not valid: `on-closed: queue` needs a token',
  );
  const preview = await gate({ ...CLOSED, 'on-closed': 'queue', at: '2026-12-07T10:00' }, runEnv(A, 101));
  expect(preview.errors.join('\n')).toContain(
    'Input \'on-closed\': "queue" is not valid: cannot be combined with `at`',
  );
  expect(repo.deployments).toEqual([]);
});
