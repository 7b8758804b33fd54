import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordInputs } from '../../src/inputs.js';
import { expectedSource, verifyManifest } from '../../src/manifest/manifest.js';
import { runPackage, type ArtifactUpload } from '../../src/manifest/package.js';

// runPackage with the artifact upload injected; the built bundle is run as the runner runs it in action.test.ts.
const IMAGE = `shop/api@sha256:${'e'.repeat(64)}`;
const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const FIXTURES = join(import.meta.dirname, 'fixtures');

let workspace: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'package-'));
  copyFileSync(join(FIXTURES, 'task-definition.json'), join(workspace, 'td.json'));
  env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(workspace, 'tmp'),
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '77',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_REF: 'refs/heads/main',
  };
});

const inputs = (extra: Record<string, string> = {}) =>
  recordInputs({ 'task-definition': 'td.json', 'container-name': 'app', image: IMAGE, ...extra });

const recorder = () => {
  const uploads: { name: string; files: string[]; root: string; content: string }[] = [];
  const upload: ArtifactUpload = async (name, files, root) => {
    uploads.push({ name, files, root, content: readFileSync(files[0]!, 'utf8') });
    return { id: 9 };
  };
  return { uploads, upload };
};

test('writes a manifest that deploy verifies, and uploads it under the artifact name from its own folder', async () => {
  const { uploads, upload } = recorder();
  const manifest = await runPackage(inputs({ name: 'api-manifest' }), {
    env,
    upload,
    now: () => new Date('2026-11-22T12:00:00Z'),
  });
  const folder = join(workspace, 'tmp', 'safe-deploy', 'api-manifest');
  const path = join(folder, 'manifest.json');
  expect(uploads).toEqual([
    { name: 'api-manifest', files: [path], root: folder, content: readFileSync(path, 'utf8') },
  ]);
  expect(manifest).toMatchObject({
    schemaVersion: 1,
    image: IMAGE,
    createdAt: '2026-11-22T12:00:00.000Z',
    source: { repository: 'octo/shop', commit: SHA, runId: '77', runAttempt: '2', ref: 'refs/heads/main' },
    taskDefinition: { family: 'api', containerDefinitions: [{ name: 'app', image: IMAGE, memory: 512 }] },
  });
  expect(verifyManifest(path, expectedSource({ ...env, GITHUB_EVENT_NAME: 'push' }, {}))).toEqual(manifest);
});

test('two package steps with different names write two manifests', async () => {
  const { uploads, upload } = recorder();
  await runPackage(inputs({ name: 'api' }), { env, upload });
  await runPackage(inputs({ name: 'worker', image: `shop/worker@sha256:${'f'.repeat(64)}` }), {
    env,
    upload,
  });
  expect(uploads.map((u) => [u.name, JSON.parse(u.content).image])).toEqual([
    ['api', IMAGE],
    ['worker', `shop/worker@sha256:${'f'.repeat(64)}`],
  ]);
  expect(uploads[0]!.files[0]).not.toBe(uploads[1]!.files[0]);
});

test('a path input is read from the workspace, and upload: false uploads nothing', async () => {
  const { uploads, upload } = recorder();
  await runPackage(inputs({ path: 'out/release.json', upload: 'false' }), { env, upload });
  expect(uploads).toEqual([]);
  expect(JSON.parse(readFileSync(join(workspace, 'out', 'release.json'), 'utf8')).image).toBe(IMAGE);
});

test('a failed upload fails the step, naming the artifact, with the manifest still on disk', async () => {
  const upload: ArtifactUpload = async () => {
    throw new Error(
      'Failed request: (409) Conflict: an artifact with this name already exists on the workflow run',
    );
  };
  await expect(runPackage(inputs(), { env, upload })).rejects.toThrow(
    "Uploading the manifest as artifact 'safe-deploy-manifest' failed: Failed request: (409) Conflict",
  );
  expect(existsSync(join(workspace, 'tmp', 'safe-deploy', 'safe-deploy-manifest', 'manifest.json'))).toBe(
    true,
  );
});

test('on GitHub Enterprise Server the upload error says how to upload another way', async () => {
  const upload: ArtifactUpload = async () => {
    const error = new Error(
      '@actions/artifact v2.0.0+, upload-artifact@v4+ are not currently supported on GHES.',
    );
    error.name = 'GHESNotSupportedError';
    throw error;
  };
  await expect(runPackage(inputs(), { env, upload })).rejects.toThrow(
    'on GitHub Enterprise Server, set upload: false and upload',
  );
});

test('a path input that is a folder is refused, naming the input', async () => {
  mkdirSync(join(workspace, 'out'));
  await expect(runPackage(inputs({ path: 'out', upload: 'false' }), { env })).rejects.toThrow(
    `Input 'path': ${JSON.stringify(join(workspace, 'out'))} is not valid: a folder; give the file to write, such as manifest.json in it`,
  );
});

test('a task definition with no canonical JSON form (a lone surrogate) is refused, naming the input', async () => {
  writeFileSync(
    join(workspace, 'lone.json'),
    '{ "family": "api\\ud800", "containerDefinitions": [{ "name": "app", "image": "x" }] }',
  );
  await expect(runPackage(inputs({ 'task-definition': 'lone.json' }), { env })).rejects.toThrow(
    `Input 'task-definition': "lone.json" is not valid: has no canonical JSON form to checksum (Lone surrogate is not allowed)`,
  );
  expect(existsSync(join(workspace, 'tmp'))).toBe(false);
});

test('outside a workflow there is no commit to record, which is an error', async () => {
  const { GITHUB_SHA: _sha, GITHUB_RUN_ID: _run, ...partial } = env;
  await expect(runPackage(inputs(), { env: partial })).rejects.toThrow(
    'but GITHUB_SHA, GITHUB_RUN_ID are not set: run package in a GitHub Actions job',
  );
});

test.each([
  [{ name: 'bad/name' }, `Input 'name': "bad/name" is not valid: an artifact name cannot contain`],
  [{ upload: 'maybe' }, `Input 'upload': "maybe" is not valid: expected true or false`],
  [{ 'allow-tags': 'yes' }, `Input 'allow-tags': "yes" is not valid: expected true or false`],
  [{ 'container-name': '' }, `Input 'container-name': "" is not valid: a value is required`],
  [{ 'task-definition': '' }, `Input 'task-definition': "" is not valid: a value is required`],
  [{ image: 'shop/api:latest' }, `Input 'image': "shop/api:latest" is not valid: pin the image by digest`],
  [
    { image: 'shop/api@sha256:abc' },
    `Input 'image': "shop/api@sha256:abc" is not valid: the digest "sha256:abc" is not sha256: followed by 64 lowercase hex digits`,
  ],
  [{ image: 'shop/api latest', 'allow-tags': 'true' }, `Input 'image': "shop/api latest" is not valid`],
  [
    { 'container-name': 'web' },
    `Input 'container-name': "web" is not valid: the task definition has no such container (its containers: app)`,
  ],
  [{ 'task-definition': 'nope.json' }, `Input 'task-definition': "nope.json" is not valid: no such file`],
])('bad input %j is refused and nothing is written', async (extra, message) => {
  const { uploads, upload } = recorder();
  await expect(runPackage(inputs(extra), { env, upload })).rejects.toThrow(message);
  expect(uploads).toEqual([]);
  expect(existsSync(join(workspace, 'tmp'))).toBe(false);
});

test.each([
  [
    'a sidecar image with an invalid digest',
    {
      family: 'api',
      containerDefinitions: [
        { name: 'app', image: 'x' },
        { name: 'envoy', image: 'envoy@sha256:xyz' },
      ],
    },
    'Input \'task-definition\': container "envoy" of "td.json" has the image "envoy@sha256:xyz", which is not valid',
  ],
  [
    'a task definition over the size ECS accepts',
    {
      family: 'api',
      containerDefinitions: [
        { name: 'app', image: 'x', environment: [{ name: 'BLOB', value: 'x'.repeat(66_000) }] },
      ],
    },
    'more than the 64 KiB ECS accepts',
  ],
  ['no containers', { family: 'api', containerDefinitions: [] }, 'its "containerDefinitions" list is empty'],
  [
    'a duplicate key',
    '{"family":"api","family":"web","containerDefinitions":[{"name":"app","image":"x"}]}',
    'the key "family" appears twice',
  ],
])('%s: the manifest a deploy would refuse is never written', async (_what, definition, message) => {
  writeFileSync(
    join(workspace, 'td.json'),
    typeof definition === 'string' ? definition : JSON.stringify(definition),
  );
  const { uploads, upload } = recorder();
  await expect(runPackage(inputs(), { env, upload })).rejects.toThrow(message);
  expect(uploads).toEqual([]);
  expect(existsSync(join(workspace, 'tmp'))).toBe(false);
});

test('a tag-only image in another container of the file gets the warning the image input gets', async () => {
  writeFileSync(
    join(workspace, 'td.json'),
    JSON.stringify({
      family: 'api',
      containerDefinitions: [
        { name: 'app', image: 'x' },
        { name: 'envoy', image: 'envoy:v1' },
      ],
    }),
  );
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (
    written.push(String(chunk)),
    true
  )) as typeof process.stdout.write;
  try {
    await runPackage(inputs({ upload: 'false' }), { env });
  } finally {
    process.stdout.write = write;
  }
  expect(written.join('')).toContain(
    '::warning::Input \'task-definition\': container "envoy" of "td.json" runs envoy:v1, which is not pinned by digest',
  );
});

test('a manifest whose source a deploy would refuse (a short GITHUB_SHA) is not written', async () => {
  const { uploads, upload } = recorder();
  await expect(runPackage(inputs(), { env: { ...env, GITHUB_SHA: 'abc123' }, upload })).rejects.toThrow(
    'The manifest would be refused by every deploy, so it was not written: source.commit: expected a full commit SHA',
  );
  expect(uploads).toEqual([]);
  expect(existsSync(join(workspace, 'tmp'))).toBe(false);
});

describe("on pull_request_target, a fork's build is not sealed", () => {
  const event = (head: unknown) => {
    const path = join(workspace, 'event.json');
    writeFileSync(path, JSON.stringify({ pull_request: { number: 12, head } }));
    return { ...env, GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: path };
  };

  test.each<[string, unknown, string]>([
    [
      "a fork's pull request",
      { sha: 'c'.repeat(40), repo: { full_name: 'mallory/shop' } },
      'from the fork mallory/shop@cccccccccccc',
    ],
    [
      'a deleted fork',
      { sha: 'c'.repeat(40), repo: null },
      'from a head repository the event does not name (a deleted fork, or an unreadable event)',
    ],
  ])('%s is refused, naming the event and the fork, and nothing is written', async (_what, head, from) => {
    const { uploads, upload } = recorder();
    const run = runPackage(inputs({ path: 'out/manifest.json' }), { env: event(head), upload });
    await expect(run).rejects.toThrow(
      `This run was started by pull_request_target for pull request #12 ${from}: package does not seal its ` +
        `build: GITHUB_SHA is octo/shop's base commit ${SHA.slice(0, 12)}, not the fork's code the job built`,
    );
    expect(uploads).toEqual([]);
    expect(existsSync(join(workspace, 'out', 'manifest.json'))).toBe(false);
  });

  test('a pull request from a branch of this repository is packaged as on any other event', async () => {
    const { upload } = recorder();
    const manifest = await runPackage(inputs(), {
      env: event({ sha: 'c'.repeat(40), repo: { full_name: 'Octo/Shop' } }),
      upload,
    });
    expect(manifest.source.commit).toBe(SHA);
  });
});
