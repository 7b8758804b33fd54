import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { checksumOf, expectedSource, verifyManifest } from '../../src/manifest/manifest.js';
import { runAction } from '../support/run-action.js';

// The built dist/package bundle, run on Node 24 as the runner runs it.
const IMAGE = `111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${'d'.repeat(64)}`;
const SHA = '0123456789abcdef0123456789abcdef01234567'; // run-action's GITHUB_SHA
const FIXTURES = join(import.meta.dirname, 'fixtures');

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'package-action-'));
  copyFileSync(join(FIXTURES, 'task-definition.json'), join(workspace, 'task-definition.json'));
  copyFileSync(join(FIXTURES, 'described-task-definition.json'), join(workspace, 'described.json'));
});

const packageIt = (inputs: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction('package', {
    cwd: workspace,
    inputs: { 'task-definition': 'task-definition.json', 'container-name': 'app', image: IMAGE, ...inputs },
    env,
  });

test('writes a manifest with the right outputs and checksum, and says plainly it could not upload', async () => {
  const run = await packageIt();
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  expect(run.outputs.manifest).toMatch(/\/safe-deploy\/safe-deploy-manifest\/manifest\.json$/);
  expect(run.outputs.image).toBe(IMAGE);
  const written = JSON.parse(readFileSync(run.outputs.manifest!, 'utf8'));
  expect(run.outputs.checksum).toBe(written.checksum);
  expect(checksumOf(written)).toBe(written.checksum);
  expect(written).toEqual({
    schemaVersion: 1,
    image: IMAGE,
    taskDefinition: {
      family: 'api',
      containerDefinitions: [{ name: 'app', image: IMAGE, memory: 512, essential: true }],
    },
    source: { repository: 'octo/shop', commit: SHA, runId: '4242', runAttempt: '1', ref: 'refs/heads/main' },
    createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
  });
  // What the deploy action does with it, before any AWS call.
  const deployEnv = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'octo/shop', GITHUB_SHA: SHA };
  expect(verifyManifest(run.outputs.manifest!, expectedSource(deployEnv, {})).checksum).toBe(
    run.outputs.checksum,
  );

  expect(run.stdout).toContain(
    'The workflow artifact service is not available here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set, as when running outside a GitHub runner), so the manifest was not uploaded',
  );
  expect(run.summary).toContain(`- Image digest: \`sha256:${'d'.repeat(64)}\``);
  expect(run.summary).toContain(`- Manifest checksum: \`${run.outputs.checksum}\``);
  expect(run.summary).toContain(`at commit \`${SHA}\``);
  expect(run.summary).toContain('- Artifact: not uploaded (no artifact service here)');
});

test('takes describe-task-definition output as it is', async () => {
  const run = await packageIt({ 'task-definition': 'described.json', path: 'release/manifest.json' });
  expect(run.code).toBe(0);
  expect(run.outputs.manifest).toBe(join(workspace, 'release', 'manifest.json'));
  const { taskDefinition } = JSON.parse(readFileSync(run.outputs.manifest!, 'utf8'));
  expect(taskDefinition).not.toHaveProperty('taskDefinitionArn');
  expect(taskDefinition).not.toHaveProperty('revision');
  expect(taskDefinition.tags).toEqual([{ key: 'team', value: 'checkout' }]);
  expect(taskDefinition.containerDefinitions.map((c: { image: string }) => c.image)).toEqual([
    IMAGE,
    'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29',
  ]);
});

test('refuses a tag-only image, naming the input, and writes nothing', async () => {
  const run = await packageIt({ image: 'shop/api:latest' });
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([
    `Input 'image': "shop/api:latest" is not valid: pin the image by digest (name@sha256:<64 hex digits>) so every stage deploys exactly what was built, or set allow-tags: true`,
  ]);
  expect(run.outputs).toEqual({});
  expect(existsSync(join(workspace, 'safe-deploy'))).toBe(false);
});

test('allow-tags accepts a tag with a warning, and the summary says there is no digest', async () => {
  const run = await packageIt({ image: 'shop/api:1.4.2', 'allow-tags': 'true', upload: 'false' });
  expect(run.code).toBe(0);
  expect(run.outputs.image).toBe('shop/api:1.4.2');
  expect(run.warnings).toEqual([
    "Input 'image': shop/api:1.4.2 is a tag, not a digest; a tag can point elsewhere by the time a later stage deploys",
  ]);
  expect(run.summary).toContain('- Image digest: **none**');
  expect(run.summary).toContain('- Artifact: not uploaded (`upload: false`)');
});

test('an unknown container fails the step, listing the containers', async () => {
  const run = await packageIt({ 'container-name': 'web' });
  expect(run.code).toBe(1);
  expect(run.errors).toEqual([
    `Input 'container-name': "web" is not valid: the task definition has no such container (its containers: app)`,
  ]);
});

describe('with the artifact service', () => {
  let service: FakeArtifactService;
  beforeAll(async () => {
    service = await FakeArtifactService.start();
  });
  afterAll(async () => service.stop());

  test('uploads the manifest as the named artifact, and the summary links to it', async () => {
    const run = await packageIt({ name: 'api-manifest' }, service.env);
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(service.created).toEqual([
      expect.objectContaining({ name: 'api-manifest', workflow_run_backend_id: 'run-backend' }),
    ]);
    expect(service.finalized).toEqual([expect.objectContaining({ name: 'api-manifest' })]);
    // The uploaded zip holds exactly the manifest the step wrote.
    expect(unzip(service.blob())).toEqual({ 'manifest.json': readFileSync(run.outputs.manifest!, 'utf8') });
    expect(run.stdout).toContain("Uploaded the manifest as workflow artifact 'api-manifest'");
    expect(run.summary).toContain(
      '- Artifact: [`api-manifest`](https://github.com/octo/shop/actions/runs/4242/artifacts/31)',
    );
  });

  test('a refused upload fails the step, naming the artifact', async () => {
    service.refuseNext = true;
    const run = await packageIt({}, service.env);
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toContain(
      "Uploading the manifest as artifact 'safe-deploy-manifest' failed: Failed to CreateArtifact: Received non-retryable error: Failed request: (409)",
    );
  });
});

/**
 * A stand-in for the runner's artifact service as @actions/artifact talks to it: the results service's
 * twirp CreateArtifact / FinalizeArtifact calls and the blob storage block upload between them.
 */
class FakeArtifactService {
  created: Record<string, unknown>[] = [];
  finalized: Record<string, unknown>[] = [];
  refuseNext = false;
  private blocks = new Map<string, Buffer>();
  private committed: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeArtifactService> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const service = new FakeArtifactService(server, url);
    server.on('request', (req, res) => {
      void body(req).then((data) => {
        const { status, json, text } = service.handle(req, data);
        res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/xml' });
        res.end(json ? JSON.stringify(json) : (text ?? ''));
      });
    });
    return service;
  }

  /** The environment the runner gives a JavaScript action for the artifact service. */
  get env(): Record<string, string> {
    // The client reads the backend ids from the token's `scp` claim; it does not check the signature.
    const claims = Buffer.from(JSON.stringify({ scp: 'Actions.Results:run-backend:job-backend' })).toString(
      'base64url',
    );
    return { ACTIONS_RUNTIME_TOKEN: `e30.${claims}.sig`, ACTIONS_RESULTS_URL: `${this.url}/` };
  }

  /** The uploaded blob: its committed blocks in order. */
  blob(): Buffer {
    return Buffer.concat(this.committed.map((id) => this.blocks.get(id)!));
  }

  async stop(): Promise<void> {
    await new Promise((done) => this.server.close(done));
  }

  private handle(
    req: IncomingMessage,
    data: Buffer,
  ): { status: number; json?: Record<string, unknown>; text?: string } {
    const url = new URL(req.url!, this.url);
    if (url.pathname.endsWith('.ArtifactService/CreateArtifact')) {
      if (this.refuseNext) {
        this.refuseNext = false;
        return {
          status: 409,
          json: { code: 'already_exists', msg: 'an artifact with this name already exists' },
        };
      }
      this.created.push(JSON.parse(data.toString()));
      this.blocks.clear();
      this.committed = [];
      return {
        status: 200,
        json: { ok: true, signedUploadUrl: `${this.url}/devstoreaccount1/artifacts/blob?sig=x` },
      };
    }
    if (url.pathname.endsWith('.ArtifactService/FinalizeArtifact')) {
      this.finalized.push(JSON.parse(data.toString()));
      return { status: 200, json: { ok: true, artifactId: '31' } };
    }
    if (req.method === 'PUT' && url.searchParams.get('comp') === 'block') {
      this.blocks.set(url.searchParams.get('blockid')!, data);
      return { status: 201 };
    }
    if (req.method === 'PUT' && url.searchParams.get('comp') === 'blocklist') {
      this.committed = [...data.toString().matchAll(/<(?:Latest|Uncommitted)>([^<]+)</g)].map((m) => m[1]!);
      return { status: 201 };
    }
    return { status: 404, json: { msg: `no route for ${req.method} ${url.pathname}` } };
  }
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
  });
}

/** The files of a zip archive, read through its central directory (enough for the artifact's zip). */
function unzip(zip: Buffer): Record<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const files: Record<string, string> = {};
  let entry = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const method = zip.readUInt16LE(entry + 10);
    const size = zip.readUInt32LE(entry + 20);
    const nameLength = zip.readUInt16LE(entry + 28);
    const skip = nameLength + zip.readUInt16LE(entry + 30) + zip.readUInt16LE(entry + 32);
    const name = zip.toString('utf8', entry + 46, entry + 46 + nameLength);
    const local = zip.readUInt32LE(entry + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    entry += 46 + skip;
  }
  return files;
}
