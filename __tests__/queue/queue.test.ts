import { mkdtempSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubReleaseApi } from '../../src/github/releases.js';
import { createManifest, type DeployManifest } from '../../src/manifest/manifest.js';
import { finishRelease, queueRelease, readQueue, takeRelease, type QueueRun } from '../../src/queue/queue.js';
import { claimWinner, RELEASE_TASK } from '../../src/queue/release.js';
import { queueMarkdown, queueRows, queueText } from '../../src/queue/summary.js';
import { FakeGitHub } from '../support/fake-github.js';
import { FakeRepository } from '../support/fake-github-releases.js';

// The release queue's moves over HTTP against the GitHub stand-in, with the real Octokit adapter; only
// the artifact download is short-cut (the end-to-end test in __tests__/e2e/queue.test.ts runs the real
// artifact client against the stand-in's zip).
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const MAIN = 'c'.repeat(40);
const image = (hex: string) => `111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${hex.repeat(64)}`;

let github: FakeGitHub;
let repo: FakeRepository;
let api: GitHubReleaseApi;

/** The adapter, reading artifacts straight from the stand-in's store instead of through the zip. */
class StandInApi extends GitHubReleaseApi {
  override async downloadArtifact(artifact: { id: number }, path: string): Promise<void> {
    const stored = repo.artifacts.get(artifact.id);
    if (!stored) throw new Error(`artifact ${artifact.id} not found`);
    mkdirSync(path, { recursive: true });
    for (const [name, content] of Object.entries(stored.files)) writeFileSync(join(path, name), content);
  }
}

beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
  repo = new FakeRepository(github);
  repo.tokens.set('ghp_mallory', 'mallory');
  api = new StandInApi({ token: 'ghs_workflow', baseUrl: github.url, repository: 'octo/shop' });
});
afterEach(async () => github.stop());

const pushRun = (sha: string, runId: number): QueueRun => ({
  repository: 'octo/shop',
  runId,
  runAttempt: 1,
  sha,
  branch: 'main',
  logUrl: `https://github.com/octo/shop/actions/runs/${runId}`,
});
const scheduled = (runId = 9000): QueueRun => pushRun(MAIN, runId);

function sealed(sha: string, runId: number, img = image(sha[0]!)): DeployManifest {
  return createManifest({
    schemaVersion: 1,
    image: img,
    taskDefinition: { family: 'api', containerDefinitions: [{ name: 'app', image: img, memory: 512 }] },
    source: { repository: 'octo/shop', commit: sha, runId: String(runId), runAttempt: '1' },
    createdAt: '2026-12-07T10:00:00.000Z',
  });
}

/** A merge's build: its run, and the manifest artifact the package action uploaded. */
function build(sha: string, runId: number, manifest: unknown = sealed(sha, runId)) {
  repo.addRun({ id: runId, head_sha: sha });
  return repo.addArtifact(runId, 'safe-deploy-manifest', {
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
  });
}

const queue = (sha: string, runId: number) =>
  queueRelease(api, pushRun(sha, runId), {
    environment: 'production',
    artifactName: 'safe-deploy-manifest',
    reason: 'Friday after 12:00 UTC',
  });
const take = (run = scheduled(), dir = mkdtempSync(join(tmpdir(), 'take-'))) =>
  takeRelease(api, run, { environment: 'production', dir });

describe('queueing', () => {
  test('a release is a deployment in state queued carrying its commit, run and artifact', async () => {
    const artifact = build(A, 101);
    const queued = await queue(A, 101);
    const deployment = repo.deployments.find((d) => d.id === queued.deployment.id)!;
    expect(deployment).toMatchObject({
      sha: A,
      environment: 'production',
      task: RELEASE_TASK,
      payload: {
        queuedRelease: 1,
        repository: 'octo/shop',
        commit: A,
        runId: 101,
        runAttempt: 1,
        artifact: { name: 'safe-deploy-manifest', id: artifact.id },
      },
    });
    expect(repo.states(deployment.id)).toEqual(['queued']);
    expect(repo.latest(deployment.id)!.description).toContain('Friday after 12:00 UTC');
  });

  test('a newer release supersedes the older one, saying what replaced it', async () => {
    build(A, 101);
    build(B, 102);
    const first = await queue(A, 101);
    const second = await queue(B, 102);
    expect(second.superseded.map((d) => d.id)).toEqual([first.deployment.id]);
    expect(repo.states(first.deployment.id)).toEqual(['queued', 'inactive']);
    expect(repo.latest(first.deployment.id)!.description).toBe(
      `Superseded by bbbbbbb (deployment ${second.deployment.id}, run 102)`,
    );
    const rows = queueRows(await readQueue(api, 'production'));
    expect(rows).toEqual([
      expect.objectContaining({ deployment: second.deployment.id, commit: B, run: '102', next: true }),
    ]);
    // The gate writes the time in its own zone.
    expect(queueMarkdown(rows, 'production', (iso) => `<${iso.slice(0, 4)} in Seoul>`)[2]).toMatch(
      /^\| production \| \d+ \(next\) \| `bbbbbbb` \| <\d{4} in Seoul> \| 102 \|$/,
    );
    expect(queueText(rows)).toMatch(
      new RegExp(`production\\s+${second.deployment.id} \\(next\\)\\s+bbbbbbb`),
    );
  });

  test('a run without the manifest artifact queues nothing and says which input names it', async () => {
    repo.addRun({ id: 101, head_sha: A });
    await expect(queue(A, 101)).rejects.toThrow(
      `run 101 has no artifact named "safe-deploy-manifest" ('manifest-artifact')`,
    );
    expect(repo.deployments).toEqual([]);
  });
});

describe('taking', () => {
  test('the newest queued release is taken, its manifest verified, older ones retired', async () => {
    build(A, 101);
    build(B, 102);
    const first = await queue(A, 101);
    // Queued concurrently: the first was not superseded by the second's run.
    repo.statuses.get(first.deployment.id)!.pop();
    const second = await queue(B, 102);
    repo.createStatus(first.deployment.id, { state: 'queued' });
    const outcome = await take();
    expect(outcome.taken).toBeDefined();
    expect(outcome.taken!.deployment.id).toBe(second.deployment.id);
    expect(outcome.taken!.manifest.image).toBe(image('b'));
    expect(outcome.taken!.manifest.source).toMatchObject({ commit: B, runId: '102' });
    expect(repo.states(second.deployment.id)).toEqual(['queued', 'in_progress']);
    expect(repo.latest(first.deployment.id)).toMatchObject({
      state: 'inactive',
      description: `Superseded by bbbbbbb (deployment ${second.deployment.id}), taken by run 9000`,
    });
  });

  test('a payload kept as a JSON string, and an artifact record without its run, are read all the same', async () => {
    const artifact = build(B, 102);
    const queued = await queue(B, 102);
    const deployment = repo.deployments.find((d) => d.id === queued.deployment.id)!;
    deployment.payload = JSON.stringify(deployment.payload);
    // An artifact record without its run: the run's own artifact list still holds it.
    github.on('GET', `/repos/octo/shop/actions/artifacts/${artifact.id}`, () => ({
      body: { id: artifact.id, name: artifact.name, expired: false, expires_at: null, workflow_run: null },
    }));
    const outcome = await take();
    expect(outcome.taken?.deployment.id).toBe(queued.deployment.id);
  });

  test('ids as decimal text, and a run GitHub gives no branch, are taken all the same', async () => {
    build(B, 102);
    const queued = await queue(B, 102);
    const payload = repo.deployments.find((d) => d.id === queued.deployment.id)!.payload as {
      runId: unknown;
      artifact: { id: unknown };
    };
    payload.runId = '102';
    payload.artifact.id = String(payload.artifact.id);
    repo.runs.get(102)!.head_branch = null;
    expect((await take()).taken?.payload).toMatchObject({ runId: 102, artifact: { id: expect.any(Number) } });
  });

  test('nothing queued: nothing taken, nothing written', async () => {
    const before = github.requests.filter((r) => r.method === 'POST').length;
    expect(await take()).toEqual({});
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(before);
  });

  test('two runs taking at once: one takes it, the other deploys nothing', async () => {
    build(B, 102);
    const queued = await queue(B, 102);
    const [one, two] = await Promise.all([take(scheduled(9001)), take(scheduled(9002))]);
    const taken = [one, two].filter((o) => o.taken);
    expect(taken).toHaveLength(1);
    expect([one, two].filter((o) => o.claimedBy)).toHaveLength(1);
    // Both claims are recorded; the first one after `queued` is the winner's.
    const states = repo.states(queued.deployment.id);
    expect(states.filter((s) => s === 'in_progress')).toHaveLength(2);
  });

  test('a release already taken is not taken again', async () => {
    build(B, 102);
    await queue(B, 102);
    expect((await take(scheduled(9001))).taken).toBeDefined();
    expect(await take(scheduled(9002))).toEqual({});
  });

  test('finishing records success, and refuses a deployment that is not a taken release', async () => {
    build(B, 102);
    const queued = await queue(B, 102);
    await expect(finishRelease(api, scheduled(), queued.deployment.id, 'success')).rejects.toThrow(
      `deployment ${queued.deployment.id} is queued, not in_progress`,
    );
    await take();
    expect(await finishRelease(api, scheduled(), queued.deployment.id, 'success')).toBe('success');
    expect(repo.states(queued.deployment.id)).toEqual(['queued', 'in_progress', 'success']);
    const other = repo.createDeployment({ ref: A, environment: 'production' });
    await expect(finishRelease(api, scheduled(), other.id, 'failure')).rejects.toThrow(
      `deployment ${other.id} is not a queued release of octo/shop`,
    );
  });
});

describe('refusing', () => {
  /** Queues a release, lets `tamper` change GitHub's records, and takes: refused, marked error. */
  async function refused(tamper: (id: number) => void, message: string, run = scheduled()) {
    build(A, 101);
    const queued = await queue(A, 101);
    tamper(queued.deployment.id);
    const dir = mkdtempSync(join(tmpdir(), 'take-'));
    await expect(take(run, dir)).rejects.toThrow(message);
    expect(repo.latest(queued.deployment.id)).toMatchObject({
      state: 'error',
      description: expect.stringContaining('Refused by run'),
    });
    return { id: queued.deployment.id, dir };
  }
  const payloadOf = (id: number) =>
    repo.deployments.find((d) => d.id === id)!.payload as Record<string, unknown>;

  test('a payload pointing at a run of another repository', async () => {
    await refused(
      (id) => (payloadOf(id).repository = 'mallory/shop'),
      'its payload points at a run of mallory/shop, not of this repository (octo/shop)',
    );
  });

  test("a fork's run", async () => {
    await refused(
      () => (repo.runs.get(101)!.head_repository = { full_name: 'mallory/shop' }),
      "run 101 built mallory/shop@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, a fork's commit",
    );
  });

  test('a pull request run', async () => {
    await refused(
      () => (repo.runs.get(101)!.event = 'pull_request_target'),
      'run 101 was started by pull_request_target',
    );
  });

  test('a run whose head commit differs from the deployment', async () => {
    await refused(
      () => (repo.runs.get(101)!.head_sha = B),
      `run 101 built commit ${B}, not the deployment's commit ${A}`,
    );
  });

  test('a run of another branch', async () => {
    await refused(
      () => (repo.runs.get(101)!.head_branch = 'mallory-hotfix'),
      'run 101 ran on branch mallory-hotfix, not on main',
    );
  });

  test('a run that does not exist', async () => {
    await refused(
      (id) => (payloadOf(id).runId = 555),
      'run 555 named by its payload is not a run of octo/shop',
    );
  });

  test('an artifact of another run', async () => {
    const other = build(B, 102);
    await refused(
      (id) => ((payloadOf(id).artifact as { id: number }).id = other.id),
      `artifact ${other.id} was uploaded by run 102, not by run 101`,
    );
  });

  test('an expired artifact', async () => {
    await refused(
      (id) => (repo.artifacts.get((payloadOf(id).artifact as { id: number }).id)!.expired = true),
      'has expired',
    );
  });

  test('a malformed payload', async () => {
    await refused(
      (id) => (payloadOf(id).runId = 'latest'),
      'its payload is not a queued release (runId: expected a GitHub id (a positive whole number))',
    );
  });

  test('a deployment created by someone other than the workflow', async () => {
    build(A, 101);
    // Mallory has write access: she can create a deployment with a payload pointing at a real build.
    const artifact = [...repo.artifacts.values()][0]!;
    const forged = repo.createDeployment(
      {
        ref: A,
        environment: 'production',
        task: RELEASE_TASK,
        payload: {
          queuedRelease: 1,
          repository: 'octo/shop',
          commit: A,
          runId: 101,
          runAttempt: 1,
          artifact: { name: artifact.name, id: artifact.id },
        },
      },
      'mallory',
    );
    repo.createStatus(forged.id, { state: 'queued' }, 'mallory');
    await expect(take()).rejects.toThrow(
      `Queued release ${forged.id} (aaaaaaa, production) refused: it was created by mallory, not by github-actions[bot]`,
    );
    expect(repo.latest(forged.id)!.state).toBe('error');
  });

  test('a manifest whose checksum does not match', async () => {
    const manifest = sealed(A, 101);
    manifest.image = image('e');
    manifest.taskDefinition.containerDefinitions![0]!.image = image('e');
    build(A, 101, manifest);
    const queued = await queue(A, 101);
    await expect(take()).rejects.toThrow('was changed after it was written');
    expect(repo.states(queued.deployment.id)).toEqual(['queued', 'in_progress', 'error']);
  });

  test('a manifest built by another run than the one recorded', async () => {
    build(A, 101, sealed(A, 77));
    await queue(A, 101);
    await expect(take()).rejects.toThrow('its manifest was built by run 77, not by run 101');
  });

  test('a manifest of an image without a digest', async () => {
    build(A, 101, sealed(A, 101, 'shop/api:latest'));
    await queue(A, 101);
    await expect(take()).rejects.toThrow("its manifest's image shop/api:latest is not pinned by digest");
  });

  test('a refusal leaves nothing behind to deploy', async () => {
    const { dir } = await refused(() => (repo.runs.get(101)!.head_sha = B), 'not the deployment');
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
  });
});

describe('claimWinner', () => {
  const s = (id: number, state: string) => ({
    id,
    state,
    description: '',
    creator: 'x',
    createdAt: '',
    logUrl: undefined,
  });
  test('is the first in_progress after the newest queued, in whatever order they are listed', () => {
    expect(claimWinner([s(5, 'in_progress'), s(4, 'in_progress'), s(3, 'queued')])).toBe(4);
    expect(claimWinner([s(3, 'queued'), s(4, 'in_progress'), s(5, 'in_progress')])).toBe(4);
    // Queued again after an earlier attempt: only claims after that count.
    expect(claimWinner([s(1, 'queued'), s(2, 'in_progress'), s(3, 'queued'), s(6, 'in_progress')])).toBe(6);
    expect(claimWinner([s(1, 'queued')])).toBeUndefined();
  });
});

describe('safe-deploy queue', () => {
  async function cli(argv: string[], token = 'ghs_workflow') {
    const { main } = await import('../../src/cli.js');
    let stdout = '';
    let stderr = '';
    const saved = { GITHUB_TOKEN: process.env.GITHUB_TOKEN, GH_TOKEN: process.env.GH_TOKEN };
    process.env.GITHUB_TOKEN = token;
    delete process.env.GH_TOKEN;
    try {
      const code = await main(
        argv,
        (t) => (stdout += t),
        (t) => (stderr += t),
      );
      return { code, stdout, stderr };
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  test('lists what is queued per environment, since when, and which ships next', async () => {
    build(A, 101);
    const queued = await queue(A, 101);
    build(B, 102);
    const other = await queueRelease(api, pushRun(B, 102), {
      environment: 'staging',
      artifactName: 'safe-deploy-manifest',
      reason: 'closed',
    });
    const run = await cli(['queue', '--repository', 'octo/shop', '--api-url', github.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const since = repo.latest(queued.deployment.id)!.created_at;
    expect(run.stdout).toMatch(
      new RegExp(`production\\s+${queued.deployment.id} \\(next\\)\\s+aaaaaaa\\s+${since}\\s+101`),
    );
    expect(run.stdout).toMatch(new RegExp(`staging\\s+${other.deployment.id} \\(next\\)\\s+bbbbbbb`));
    const json = await cli([
      'queue',
      '--repository',
      'octo/shop',
      '--api-url',
      github.url,
      '--environment',
      'staging',
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        environment: 'staging',
        deployment: other.deployment.id,
        commit: B,
        next: true,
      }),
    ]);
  });

  test('an empty queue says so; a bad repository is a usage error naming the flag', async () => {
    const empty = await cli(['queue', '--repository', 'octo/shop', '--api-url', github.url]);
    expect(empty.stdout).toBe('Nothing is queued.\n');
    const bad = await cli(['queue', '--repository', 'shop', '--api-url', github.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--repository: "shop" is not valid: expected owner/name');
  });
});
