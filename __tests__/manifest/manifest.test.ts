import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalJson,
  checksumOf,
  createManifest,
  expectedSource,
  MAX_MANIFEST_BYTES,
  summarizeManifest,
  verifyManifest,
  type DeployManifest,
  type ManifestContent,
} from '../../src/manifest/manifest.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'f'.repeat(40);
const IMAGE = `111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${'a'.repeat(64)}`;
const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
let files = 0;
const write = (value: unknown): string => {
  const path = join(dir, `manifest-${++files}.json`);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
};

const content = (): ManifestContent => ({
  schemaVersion: 1,
  image: IMAGE,
  taskDefinition: {
    family: 'api',
    containerDefinitions: [
      {
        name: 'app',
        image: IMAGE,
        memory: 512,
        environment: [
          { name: 'MODE', value: 'production' },
          { name: 'REGION', value: 'us-east-1' },
        ],
      },
    ],
  },
  source: { repository: 'octo/shop', commit: SHA, runId: '4242', runAttempt: '1', ref: 'refs/heads/main' },
  createdAt: '2026-11-22T10:00:00.000Z',
});
const own = { repository: 'octo/shop', commit: SHA };

describe('canonical JSON', () => {
  test('sorts keys by UTF-16 code units at every depth and writes no whitespace (RFC 8785 order)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'] as const;
    const expected = order.map((key) => `${JSON.stringify(key)}:${JSON.stringify(value[key])}`).join(',');
    expect(canonicalJson(value)).toBe(`{${expected}}`);
    expect(canonicalJson({ b: [3, { d: 1, c: [true, null] }], a: 'x' })).toBe(
      '{"a":"x","b":[3,{"c":[true,null],"d":1}]}',
    );
  });

  test('numbers and strings are written the ECMAScript way RFC 8785 specifies', () => {
    expect(
      canonicalJson([1e30, Number('333333333.33333329'), 4.5, 2e-3, 0.000000000000000000000000001, -0]),
    ).toBe('[1e+30,333333333.3333333,4.5,0.002,1e-27,0]');
    expect(canonicalJson('\u20ac$\u000f\nA\'B"\\/')).toBe('"€$\\u000f\\nA\'B\\"\\\\/"');
  });

  test('JSON spellings of the same value canonicalise alike; different strings never do', () => {
    const spelled = '{ "n": [1.0, 8.0e1, -0, 1E2], "s": "\\u0061\\u00e9\\/", "a": [ [ ], [[ 2 ]] ] }';
    expect(canonicalJson(JSON.parse(spelled))).toBe('{"a":[[],[[2]]],"n":[1,80,0,100],"s":"aé/"}');
    // Unicode is not normalised (RFC 8785): composed and decomposed é are different content.
    expect(canonicalJson({ s: '\u00e9' })).not.toBe(canonicalJson({ s: 'e\u0301' }));
    // Nesting is content: [[1], 2] and [[1, 2]] differ.
    expect(canonicalJson([[1], 2])).not.toBe(canonicalJson([[1, 2]]));
  });

  test('a value and its written-and-read-back copy canonicalise alike', () => {
    const value = { a: undefined, b: [1, undefined], c: { d: 'e' } };
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
  });
});

describe('checksums', () => {
  test('key order and whitespace do not change the checksum', () => {
    const manifest = createManifest(content());
    const reordered = {
      createdAt: manifest.createdAt,
      source: {
        runAttempt: '1',
        ref: 'refs/heads/main',
        runId: '4242',
        commit: SHA,
        repository: 'octo/shop',
      },
      taskDefinition: {
        containerDefinitions: [
          {
            environment: [
              { value: 'production', name: 'MODE' },
              { value: 'us-east-1', name: 'REGION' },
            ],
            memory: 512,
            image: IMAGE,
            name: 'app',
          },
        ],
        family: 'api',
      },
      checksum: manifest.checksum,
      image: IMAGE,
      schemaVersion: 1,
    };
    expect(checksumOf(reordered)).toBe(manifest.checksum);
    // Reordered, re-indented with tabs and blank lines: still the same manifest.
    const path = write(JSON.stringify(reordered, null, '\t').replace(/\n/g, '\n\n'));
    expect(verifyManifest(path, own)).toEqual(manifest);
  });

  test('the checksum field itself is not part of what is hashed', () => {
    const manifest = createManifest(content());
    expect(checksumOf({ ...manifest, checksum: 'anything' })).toBe(manifest.checksum);
    expect(checksumOf(content())).toBe(manifest.checksum);
  });

  test.each<[string, (m: ManifestContent) => void]>([
    ['the image', (m) => (m.image = m.image.replace(/a$/, 'b'))],
    ['a container setting', (m) => (m.taskDefinition.containerDefinitions![0]!.memory = 1024)],
    [
      'a nested environment value',
      (m) => (m.taskDefinition.containerDefinitions![0]!.environment![0]!.value = 'x'),
    ],
    ['a new field', (m) => (m.taskDefinition.cpu = '256')],
    ['the order of a list', (m) => m.taskDefinition.containerDefinitions![0]!.environment!.reverse()],
    ['the commit', (m) => (m.source.commit = OTHER)],
    ['the repository', (m) => (m.source.repository = 'octo/shop-fork')],
    ['the run id', (m) => (m.source.runId = '4243')],
    ['the run attempt', (m) => (m.source.runAttempt = '2')],
    ['the time', (m) => (m.createdAt = '2026-11-22T10:00:01.000Z')],
    [
      'a number into a string',
      (m) => ((m.taskDefinition.containerDefinitions![0]!.memory as unknown) = '512'),
    ],
  ])('any change of %s changes the checksum', (_what, change) => {
    const changed = content();
    change(changed);
    expect(checksumOf(changed)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(checksumOf(changed)).not.toBe(checksumOf(content()));
  });
});

describe('verifying a manifest', () => {
  test('a good manifest verifies, from its file or from the folder download-artifact put it in', () => {
    const manifest = createManifest(content());
    expect(verifyManifest(write(manifest), own)).toEqual(manifest);
    const folder = join(dir, 'downloaded');
    mkdirSync(folder);
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
    expect(verifyManifest(folder, own)).toEqual(manifest);
  });

  test.each<[string, (m: DeployManifest) => void]>([
    [
      'the image of the container',
      (m) => (m.taskDefinition.containerDefinitions![0]!.image = 'attacker/api:latest'),
    ],
    ['the commit', (m) => (m.source.commit = OTHER)],
    ['the image outside the task definition', (m) => (m.image = m.image.replace(/a$/, 'b'))],
    ['an added setting', (m) => (m.taskDefinition.containerDefinitions![0]!.privileged = true)],
    ['the checksum', (m) => (m.checksum = `sha256:${'0'.repeat(64)}`)],
  ])('a manifest whose %s was changed is refused', (_what, tamper) => {
    const manifest = createManifest(content());
    tamper(manifest);
    expect(() => verifyManifest(write(manifest), own)).toThrow(
      /^Manifest .* was changed after it was written: its checksum is sha256:[0-9a-f]{64} but its content hashes to sha256:[0-9a-f]{64}$/,
    );
  });

  test('a manifest from another repository is refused', () => {
    const other = content();
    other.source.repository = 'evil/fork';
    expect(() => verifyManifest(write(createManifest(other)), own)).toThrow(
      'was built in evil/fork, not in this repository (octo/shop)',
    );
  });

  test('repository names compare case-insensitively, as GitHub does', () => {
    expect(verifyManifest(write(createManifest(content())), { ...own, repository: 'Octo/Shop' }).image).toBe(
      IMAGE,
    );
  });

  test('a manifest from another commit is refused, naming both commits', () => {
    const other = content();
    other.source.commit = OTHER;
    expect(() => verifyManifest(write(createManifest(other)), own)).toThrow(
      `Manifest commit ${OTHER} does not match the workflow's commit (GITHUB_SHA) ${SHA}: the manifest was built by run 4242`,
    );
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['an older schema', { schemaVersion: 0 }, 'schemaVersion: Invalid input: expected 1'],
    [
      'a missing commit',
      { source: { repository: 'octo/shop', runId: '1', runAttempt: '1' } },
      'source.commit',
    ],
    [
      'a short commit',
      { source: { ...content().source, commit: 'abc1234' } },
      'source.commit: expected a full commit SHA',
    ],
    ['an unknown field', { signedBy: 'me' }, 'Unrecognized key: "signedBy"'],
    ['a time that is not ISO 8601', { createdAt: 'yesterday' }, 'createdAt'],
    ['a checksum of another kind', { checksum: 'md5:abc' }, 'checksum: expected sha256:<64 hex digits>'],
    [
      'no containers',
      { taskDefinition: { family: 'api', containerDefinitions: [] } },
      'taskDefinition.containerDefinitions',
    ],
    [
      'an image no container runs',
      { image: 'api:other' },
      'image: no container of taskDefinition runs this image',
    ],
  ])('%s is a schema error naming the field', (_what, change, field) => {
    // A consistent checksum, so what is reported is the schema.
    const value = { ...content(), ...change };
    const path = write({ checksum: checksumOf(value), ...value });
    const verify = () => verifyManifest(path, own);
    expect(verify).toThrow(
      `Input 'manifest': ${JSON.stringify(path)} is not valid: not a safe-deploy manifest: `,
    );
    expect(verify).toThrow(field);
  });

  test('a task definition passed as the manifest is a schema error, not a changed manifest', () => {
    const path = write(content().taskDefinition);
    expect(() => verifyManifest(path, own)).toThrow(
      `Input 'manifest': ${JSON.stringify(path)} is not valid: not a safe-deploy manifest: schemaVersion: Invalid input: expected 1`,
    );
  });

  test('a newer schema version says which versions are involved', () => {
    const path = write({ ...createManifest(content()), schemaVersion: 2 });
    expect(() => verifyManifest(path, own)).toThrow(
      'it has schemaVersion 2, written by a newer safe-deploy package action; this deploy reads schemaVersion 1',
    );
  });

  test('an edit that only re-spells the same JSON (1.0 for 1, \\u escapes, other spacing) still verifies', () => {
    const manifest = createManifest(content());
    const text = JSON.stringify(manifest, null, 3)
      .replace('"memory": 512', '"memory": 512.0')
      .replace('"family": "api"', '"family": "\\u0061pi"');
    expect(verifyManifest(write(text), own)).toEqual(manifest);
  });

  test('a folder without the manifest, a device and a huge file are refused without being read', () => {
    const empty = join(dir, 'empty-download');
    mkdirSync(empty);
    expect(() => verifyManifest(empty, own)).toThrow(
      `Input 'manifest': ${JSON.stringify(empty)} is not valid: a folder with no manifest.json in it`,
    );
    expect(() => verifyManifest('/dev/zero', own)).toThrow(
      `Input 'manifest': "/dev/zero" is not valid: a device, not a regular file`,
    );
    const huge = write(' '.repeat(MAX_MANIFEST_BYTES + 1));
    expect(() => verifyManifest(huge, own)).toThrow(
      `is not valid: too large for a manifest: ${MAX_MANIFEST_BYTES + 1} bytes (at most 1 MiB)`,
    );
  });

  test('JSON with no canonical form (a lone surrogate) is refused naming the input', () => {
    const text = JSON.stringify(createManifest(content())).replace('"family":"api"', '"family":"api\\ud800"');
    expect(() => verifyManifest(write(text), own)).toThrow(
      /^Input 'manifest': .* is not valid: has no canonical form to checksum \(Lone surrogate is not allowed\)$/,
    );
  });

  test('a file that is not JSON, or no file, is refused naming the input', () => {
    expect(() => verifyManifest(write('hello'), own)).toThrow(
      /^Input 'manifest': .* is not valid: not valid JSON/,
    );
    expect(() => verifyManifest(join(dir, 'nothing-here'), own)).toThrow(
      /^Input 'manifest': .*nothing-here" is not valid: no such file$/,
    );
  });
});

describe('which commit a deploy accepts', () => {
  const env = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'octo/shop', GITHUB_SHA: SHA };
  const RUN_HEAD = 'b'.repeat(40);
  const runEvent = { workflow_run: { head_sha: RUN_HEAD, head_repository: { full_name: 'octo/shop' } } };
  const built = (commit: string) => {
    const c = content();
    c.source.commit = commit;
    return write(createManifest(c));
  };

  test('a push deploys its own commit, and naming that same commit is fine', () => {
    const push = { ...env, GITHUB_EVENT_NAME: 'push' };
    expect(expectedSource(push, {})).toEqual({
      repository: 'octo/shop',
      commit: SHA,
      commitFrom: "the workflow's commit (GITHUB_SHA)",
    });
    expect(expectedSource(push, {}, SHA.toUpperCase()).commit).toBe(SHA);
  });

  test('a push may not name another commit', () => {
    expect(() => expectedSource({ ...env, GITHUB_EVENT_NAME: 'push' }, {}, OTHER)).toThrow(
      `Input 'manifest-commit': "${OTHER}" is not valid: only a deploy started by workflow_run or workflow_dispatch (or schedule, for a queued release) may deploy another commit than its own (this run was started by push, for commit ${SHA})`,
    );
  });

  test('workflow_run accepts the manifest of the triggering run, not one of GITHUB_SHA', () => {
    const expected = expectedSource({ ...env, GITHUB_EVENT_NAME: 'workflow_run' }, runEvent);
    expect(expected.commit).toBe(RUN_HEAD);
    expect(verifyManifest(built(RUN_HEAD), expected).source.commit).toBe(RUN_HEAD);
    expect(() => verifyManifest(built(SHA), expected)).toThrow(
      `Manifest commit ${SHA} does not match the triggering run's commit (workflow_run.head_sha) ${RUN_HEAD}`,
    );
  });

  test('workflow_run may name the commit explicitly, which wins over the event', () => {
    const expected = expectedSource({ ...env, GITHUB_EVENT_NAME: 'workflow_run' }, runEvent, OTHER);
    expect(expected).toMatchObject({ commit: OTHER, commitFrom: "input 'manifest-commit'" });
    expect(verifyManifest(built(OTHER), expected).source.commit).toBe(OTHER);
  });

  test('workflow_run from a fork is refused', () => {
    const fork = { workflow_run: { head_sha: RUN_HEAD, head_repository: { full_name: 'mallory/shop' } } };
    expect(() => expectedSource({ ...env, GITHUB_EVENT_NAME: 'workflow_run' }, fork)).toThrow(
      `The triggering workflow run built mallory/shop@${RUN_HEAD}, a fork's commit, not a commit of octo/shop`,
    );
  });

  test('workflow_run without a head commit in the event asks for the commit', () => {
    expect(() => expectedSource({ ...env, GITHUB_EVENT_NAME: 'workflow_run' }, {})).toThrow(
      "no workflow_run.head_sha to check the manifest against: name the commit with 'manifest-commit'",
    );
  });

  test('workflow_dispatch deploys its own commit unless one is named', () => {
    const dispatch = { ...env, GITHUB_EVENT_NAME: 'workflow_dispatch' };
    expect(expectedSource(dispatch, {}).commit).toBe(SHA);
    const named = expectedSource(dispatch, {}, ` ${OTHER.toUpperCase()} `);
    expect(named).toEqual({ repository: 'octo/shop', commit: OTHER, commitFrom: "input 'manifest-commit'" });
    expect(() => verifyManifest(built(SHA), named)).toThrow(
      `Manifest commit ${SHA} does not match input 'manifest-commit' ${OTHER}`,
    );
  });

  test('a named commit must be a full SHA', () => {
    expect(() => expectedSource({ ...env, GITHUB_EVENT_NAME: 'workflow_dispatch' }, {}, 'abc1234')).toThrow(
      `Input 'manifest-commit': "abc1234" is not valid: expected a full commit SHA (40 hex digits)`,
    );
  });

  test('outside GitHub Actions the commit is named, or there is nothing to check against', () => {
    expect(expectedSource({}, {}, OTHER)).toEqual({
      repository: '',
      commit: OTHER,
      commitFrom: "input 'manifest-commit'",
    });
    expect(() => expectedSource({}, {})).toThrow('GITHUB_SHA is not set');
  });
});

describe('the summary', () => {
  test('names the image digest, the checksum and where it was built', () => {
    const manifest = createManifest(content());
    const text = summarizeManifest(manifest).join('\n');
    expect(text).toContain(`- Image digest: \`sha256:${'a'.repeat(64)}\``);
    expect(text).toContain(`- Manifest checksum: \`${manifest.checksum}\``);
    expect(text).toContain(`\`octo/shop\` at commit \`${SHA}\` (\`refs/heads/main\`) by run 4242, attempt 1`);
  });

  test('says plainly when the image has no digest', () => {
    const c = content();
    c.image = 'api:latest';
    expect(summarizeManifest(createManifest(c)).join('\n')).toContain(
      '- Image digest: **none**: the image is a tag, which can move',
    );
  });
});

describe('bad manifests the deploy refuses before any AWS call', () => {
  test('a duplicate key is an error, not "the last one wins"', () => {
    const manifest = createManifest(content());
    // A second "image" after the checksummed one: JSON.parse would keep it and the checksum would still hold.
    const text = JSON.stringify(manifest, null, 2).replace(
      `"image": "${IMAGE}",`,
      `"image": "${IMAGE}",\n  "image": "${IMAGE}",`,
    );
    expect(() => verifyManifest(write(text), own)).toThrow(
      /^Input 'manifest': ".*" is not valid: the key "image" appears twice in one object \(again at line 4, column 3\)/,
    );
  });

  test('a symbolic link out of the workspace is refused', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
    const target = write(createManifest(content()));
    symlinkSync(target, join(workspace, 'manifest.json'));
    expect(() => verifyManifest(join(workspace, 'manifest.json'), own, workspace)).toThrow(
      `it leads through the symbolic link ${join(workspace, 'manifest.json')} to ${target}, outside the workspace`,
    );
    // The folder a download put it in, linked from elsewhere, is refused the same way.
    const folder = join(dir, 'artifact-folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify(createManifest(content())));
    symlinkSync(folder, join(workspace, 'artifact'));
    expect(() => verifyManifest(join(workspace, 'artifact'), own, workspace)).toThrow(
      'outside the workspace',
    );
  });

  test('a FIFO is refused without waiting for a writer', () => {
    const fifo = join(dir, 'manifest.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => verifyManifest(fifo, own)).toThrow(
      `Input 'manifest': ${JSON.stringify(fifo)} is not valid: a named pipe (FIFO), not a regular file`,
    );
  });

  test('a task definition ECS would refuse is refused even with a good checksum', () => {
    const bad = content();
    bad.taskDefinition.containerDefinitions!.push({ name: 'sidecar', image: 'envoy@sha256:xyz' });
    expect(() => verifyManifest(write(createManifest(bad)), own)).toThrow('container "sidecar" of ');
    expect(() => verifyManifest(write(createManifest(bad)), own)).toThrow(
      'has the image "envoy@sha256:xyz", which is not valid: the digest "sha256:xyz" is not sha256:',
    );
  });
});
