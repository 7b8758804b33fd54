import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checksumOf,
  createManifest,
  expectedSource,
  summarizeManifest,
  verifyManifest,
  type DeployManifest,
  type ManifestContent,
} from '../../src/manifest/manifest.js';
import { readTaskDefinitionFile, renderTaskDefinition } from '../../src/manifest/render.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const IMAGE = `111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${'a'.repeat(64)}`;
const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
const write = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
};

const content = (): ManifestContent => ({
  schemaVersion: 1,
  image: IMAGE,
  taskDefinition: { family: 'api', containerDefinitions: [{ name: 'app', image: IMAGE, memory: 512 }] },
  source: { repository: 'octo/shop', commit: SHA, runId: '4242', runAttempt: '1' },
  createdAt: '2026-11-22T10:00:00.000Z',
});
const expected = { repository: 'octo/shop', commit: SHA, commitFrom: "the workflow's commit (GITHUB_SHA)" };

describe('rendering a task definition', () => {
  test('replaces one container image and drops the fields describe-task-definition adds', () => {
    const path = write('described.json', {
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/api:3',
        revision: 3,
        status: 'ACTIVE',
        requiresAttributes: [{ name: 'x' }],
        compatibilities: ['FARGATE'],
        registeredAt: '2026-01-01',
        registeredBy: 'me',
        family: 'api',
        containerDefinitions: [
          { name: 'app', image: 'api:old' },
          { name: 'sidecar', image: 'envoy:1' },
        ],
      },
    });
    const rendered = renderTaskDefinition(readTaskDefinitionFile(path, 'task-definition'), 'app', IMAGE);
    expect(rendered).toEqual({
      family: 'api',
      containerDefinitions: [
        { name: 'app', image: IMAGE },
        { name: 'sidecar', image: 'envoy:1' },
      ],
    });
  });

  test('an unknown container is an error listing the containers', () => {
    expect(() =>
      renderTaskDefinition({ family: 'api', containerDefinitions: [{ name: 'app' }] }, 'web', IMAGE),
    ).toThrow(`Input 'container-name': "web" is not a container of the task definition (it has: app)`);
  });

  test.each([
    ['nope.json', undefined, 'the task definition file cannot be read'],
    ['bad.json', '{ "family": ', 'not valid JSON'],
    ['empty.json', {}, 'a task definition needs a "containerDefinitions" list'],
    ['nofamily.json', { containerDefinitions: [] }, 'a task definition needs a "family"'],
  ])('%s is refused, naming the input', (name, value, message) => {
    const path = value === undefined ? join(dir, name) : write(name, value);
    expect(() => readTaskDefinitionFile(path, 'task-definition')).toThrow(
      `Input 'task-definition': ${JSON.stringify(path)}`,
    );
    expect(() => readTaskDefinitionFile(path, 'task-definition')).toThrow(message);
  });
});

describe('checksums', () => {
  test('key order and whitespace do not change the checksum', () => {
    const a = content();
    const reordered = JSON.parse(
      JSON.stringify({
        createdAt: a.createdAt,
        source: a.source,
        taskDefinition: a.taskDefinition,
        image: a.image,
        schemaVersion: 1,
      }),
    ) as ManifestContent;
    expect(checksumOf(reordered)).toBe(checksumOf(a));
    const manifest = createManifest(a);
    const path = write('spaced.json', JSON.stringify(manifest, null, 8).replace(/\n/g, '\n\n'));
    expect(verifyManifest(path, expected).checksum).toBe(manifest.checksum);
  });

  test.each<[string, (m: ManifestContent) => void]>([
    ['the image', (m) => (m.image = m.image.replace('aaaa', 'aaab'))],
    [
      'a container setting',
      (m) => ((m.taskDefinition.containerDefinitions![0] as { memory: number }).memory = 1024),
    ],
    ['the commit', (m) => (m.source.commit = 'f'.repeat(40))],
    ['the time', (m) => (m.createdAt = '2026-11-22T10:00:01.000Z')],
  ])('any change of %s changes the checksum', (_what, change) => {
    const changed = content();
    change(changed);
    expect(checksumOf(changed)).not.toBe(checksumOf(content()));
    expect(checksumOf(changed)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('verifying a manifest', () => {
  test('a good manifest verifies and its summary names the digest and checksum', () => {
    const manifest = createManifest(content());
    const verified = verifyManifest(write('good.json', manifest), expected);
    expect(verified).toEqual(manifest);
    expect(summarizeManifest(verified).join('\n')).toContain(IMAGE);
    expect(summarizeManifest(verified).join('\n')).toContain(manifest.checksum);
  });

  test('a tampered manifest is refused', () => {
    const manifest = createManifest(content()) as DeployManifest;
    manifest.image = manifest.image.replace(/a{64}$/, 'b'.repeat(64));
    expect(() => verifyManifest(write('tampered.json', manifest), expected)).toThrow(
      /was changed after it was written: its checksum is sha256:/,
    );
  });

  test('a manifest from another repository is refused', () => {
    const other = content();
    other.source.repository = 'evil/fork';
    expect(() => verifyManifest(write('foreign.json', createManifest(other)), expected)).toThrow(
      'was built in evil/fork, not in this repository (octo/shop)',
    );
  });

  test('a manifest from another commit is refused', () => {
    const other = content();
    other.source.commit = 'f'.repeat(40);
    expect(() => verifyManifest(write('old.json', createManifest(other)), expected)).toThrow(
      `Manifest commit ${'f'.repeat(40)} does not match the workflow's commit (GITHUB_SHA) ${SHA}`,
    );
  });

  test.each([
    [{ ...content(), schemaVersion: 2 }, 'schemaVersion'],
    [{ ...content(), source: { repository: 'octo/shop' } }, 'source.commit'],
    [{ ...content(), extra: true }, 'extra'],
    [{ ...content(), checksum: 'md5:abc' }, 'checksum: expected sha256:<64 hex digits>'],
  ])('a schema error names the field (%#)', (value, field) => {
    const path = write(`schema-${field}.json`, { checksum: `sha256:${'0'.repeat(64)}`, ...value });
    expect(() => verifyManifest(path, expected)).toThrow(
      `Input 'manifest': ${JSON.stringify(path)} is not valid: not a safe-deploy manifest`,
    );
    expect(() => verifyManifest(path, expected)).toThrow(field);
  });

  test('a file that is not JSON is refused', () => {
    expect(() => verifyManifest(write('text.json', 'hello'), expected)).toThrow('cannot be read as JSON');
  });
});

describe('which commit a deploy accepts', () => {
  const env = { GITHUB_REPOSITORY: 'octo/shop', GITHUB_SHA: SHA };

  test('a push deploys its own commit', () => {
    expect(expectedSource({ ...env, GITHUB_EVENT_NAME: 'push' }, {})).toMatchObject({ commit: SHA });
  });

  test('a workflow_run deploy accepts the triggering run’s head commit', () => {
    const event = { workflow_run: { head_sha: 'b'.repeat(40) } };
    expect(expectedSource({ ...env, GITHUB_EVENT_NAME: 'workflow_run' }, event)).toMatchObject({
      commit: 'b'.repeat(40),
      commitFrom: 'the triggering workflow run',
    });
  });

  test('workflow_dispatch may name the commit explicitly', () => {
    expect(
      expectedSource({ ...env, GITHUB_EVENT_NAME: 'workflow_dispatch' }, {}, 'c'.repeat(40)),
    ).toMatchObject({
      commit: 'c'.repeat(40),
    });
  });

  test('a push may not name another commit', () => {
    expect(() => expectedSource({ ...env, GITHUB_EVENT_NAME: 'push' }, {}, 'c'.repeat(40))).toThrow(
      `Input 'manifest-commit'`,
    );
  });
});
