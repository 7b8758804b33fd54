import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  imageDigest,
  isPinned,
  readTaskDefinitionFile,
  renderTaskDefinition,
  unpinnedImageWarnings,
} from '../../src/manifest/render.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const IMAGE = `111111111111.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${'a'.repeat(64)}`;
const dir = mkdtempSync(join(tmpdir(), 'render-'));

describe('reading a task definition file', () => {
  test('describe-task-definition output: read-only fields dropped, tags kept, one image replaced', () => {
    const described = readTaskDefinitionFile('described-task-definition.json', 'task-definition', FIXTURES);
    expect(renderTaskDefinition(described, 'app', IMAGE)).toEqual({
      family: 'api',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'app',
          image: IMAGE,
          essential: true,
          portMappings: [{ containerPort: 8080 }],
          environment: [{ name: 'MODE', value: 'production' }],
        },
        { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29', essential: true },
      ],
      tags: [{ key: 'team', value: 'checkout' }],
    });
  });

  test('a hand-written file is read relative to the base folder', () => {
    const definition = readTaskDefinitionFile('task-definition.json', 'task-definition', FIXTURES);
    expect(definition.family).toBe('api');
    expect(renderTaskDefinition(definition, 'app', IMAGE).containerDefinitions).toEqual([
      { name: 'app', image: IMAGE, memory: 512, essential: true },
    ]);
  });

  test.each([
    ['missing.json', undefined, 'no such file'],
    ['truncated.json', '{ "family": ', 'not valid JSON (it ends before the JSON does)'],
    [
      'passwd',
      'root:x:0:0:root:/root:/bin/bash\n',
      'not valid JSON (an unexpected character at line 1, column 1)',
    ],
    [
      'trailing-comma.json',
      '{\n  "family": "api",\n  "containerDefinitions": [],\n}',
      'not valid JSON (Expected double-quoted property name at line 4, column 1)',
    ],
    [
      'bad-token.json',
      '{\n  "family": "api",\n  "secret": s3cr3t\n}',
      'not valid JSON (an unexpected character at line 3, column 13)',
    ],
    ['list.json', '[]', 'a task definition needs a "containerDefinitions" list'],
    ['no-containers.json', '{ "family": "api" }', 'a task definition needs a "containerDefinitions" list'],
    ['no-family.json', '{ "containerDefinitions": [] }', 'a task definition needs a "family"'],
    [
      'unnamed.json',
      '{ "family": "api", "containerDefinitions": [{ "name": "app" }, { "image": "x" }] }',
      'containerDefinitions[1] needs a "name"',
    ],
  ])('%s is refused, naming the input and the path as written', (name, text, message) => {
    if (text !== undefined) writeFileSync(join(dir, name), text);
    const read = () => readTaskDefinitionFile(name, 'task-definition', dir);
    expect(read).toThrow(`Input 'task-definition': "${name}" is not valid: ${message}`);
  });
});

describe('rendering', () => {
  const definition = {
    family: 'api',
    revision: 3,
    containerDefinitions: [
      { name: 'app', image: 'api:old' },
      { name: 'worker', image: 'worker:old' },
    ],
  };

  test('only the named container changes, and the input is left as it was', () => {
    const rendered = renderTaskDefinition(definition, 'worker', IMAGE);
    expect(rendered.containerDefinitions).toEqual([
      { name: 'app', image: 'api:old' },
      { name: 'worker', image: IMAGE },
    ]);
    expect(rendered).not.toHaveProperty('revision');
    expect(definition.containerDefinitions[1]!.image).toBe('worker:old');
    expect(definition.revision).toBe(3);
  });

  test('without a container and image only the read-only fields go', () => {
    expect(renderTaskDefinition(definition)).toEqual({
      family: 'api',
      containerDefinitions: definition.containerDefinitions,
    });
  });

  test('an unknown container is an error naming the input and listing the containers', () => {
    expect(() => renderTaskDefinition(definition, 'web', IMAGE)).toThrow(
      `Input 'container-name': "web" is not valid: the task definition has no such container (its containers: app, worker)`,
    );
  });
});

describe('image digests', () => {
  test.each([
    [IMAGE, `sha256:${'a'.repeat(64)}`],
    [`api:1.2@sha256:${'b'.repeat(64)}`, `sha256:${'b'.repeat(64)}`],
    ['api:latest', undefined],
    [`api@sha256:${'a'.repeat(63)}`, undefined],
    [`api@sha256:${'A'.repeat(64)}`, undefined],
    [`api@sha512:${'a'.repeat(64)}`, undefined],
  ])('%s is pinned to %s', (image, digest) => {
    expect(imageDigest(image)).toBe(digest);
    expect(isPinned(image)).toBe(digest !== undefined);
  });
});

describe('what ECS would refuse is refused first', () => {
  const file = (name: string, value: unknown): string => {
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
    return name;
  };
  const render = (name: string) =>
    renderTaskDefinition(readTaskDefinitionFile(name, 'task-definition', dir), undefined, undefined, {
      input: 'task-definition',
      path: name,
    });

  test('a task definition over 64 KiB as JSON', () => {
    const name = file('huge.json', {
      family: 'api',
      containerDefinitions: [
        { name: 'app', image: 'api:1', environment: [{ name: 'BLOB', value: 'x'.repeat(70_000) }] },
      ],
    });
    expect(() => render(name)).toThrow(
      /^Input 'task-definition': "huge.json" is not valid: the task definition is \d+ bytes as JSON, more than the 64 KiB ECS accepts/,
    );
  });

  test('an empty containerDefinitions list', () => {
    const name = file('empty.json', { family: 'api', containerDefinitions: [] });
    expect(() => readTaskDefinitionFile(name, 'task-definition', dir)).toThrow(
      `Input 'task-definition': "empty.json" is not valid: its "containerDefinitions" list is empty: a task needs a container`,
    );
  });

  test.each([
    ['nginx latest', 'an image reference has no spaces'],
    ['nginx@sha256:xyz', 'the digest "sha256:xyz" is not sha256: followed by 64 lowercase hex digits'],
    [`nginx@sha256:${'A'.repeat(64)}`, `the digest "sha256:${'A'.repeat(64)}" is not sha256:`],
    ['nginx:', 'the tag "" is not valid'],
    ['<IMAGE>', 'an image reference has only letters, digits and - _ : . / #'],
    ['', 'an image reference cannot be empty'],
  ])('a container image %j', (image, reason) => {
    const name = file('bad-image.json', {
      family: 'api',
      containerDefinitions: [
        { name: 'app', image: 'api:1' },
        { name: 'sidecar', image },
      ],
    });
    expect(() => render(name)).toThrow(
      `Input 'task-definition': container "sidecar" of "bad-image.json" has the image ${JSON.stringify(image)}, which is not valid: ${reason}`,
    );
  });

  test('an image an input replaces is checked after the replacement, not before', () => {
    const name = file('placeholder.json', {
      family: 'api',
      containerDefinitions: [{ name: 'app', image: '<IMAGE>' }],
    });
    const definition = readTaskDefinitionFile(name, 'task-definition', dir);
    expect(renderTaskDefinition(definition, 'app', IMAGE).containerDefinitions).toEqual([
      { name: 'app', image: IMAGE },
    ]);
  });

  test('valid references of every shape pass', () => {
    for (const image of [
      'nginx',
      'nginx:1.27-alpine',
      'public.ecr.aws/nginx/nginx:latest',
      'localhost:5000/team/api:v1.2.3',
      IMAGE,
      `api:1.2@sha256:${'b'.repeat(64)}`,
    ]) {
      expect(() =>
        renderTaskDefinition({ family: 'api', containerDefinitions: [{ name: 'app', image }] }),
      ).not.toThrow();
    }
  });

  test('a duplicate key is an error naming the key and its line, not "the last one wins"', () => {
    const name = file(
      'duplicate.json',
      '{\n  "family": "api",\n  "containerDefinitions": [\n    { "name": "app", "image": "api:1", "image": "evil:1" }\n  ]\n}',
    );
    expect(() => readTaskDefinitionFile(name, 'task-definition', dir)).toThrow(
      `Input 'task-definition': "duplicate.json" is not valid: the key "image" appears twice in one object (again at line 4, column 40)`,
    );
  });

  test('a tag-only image inside the file gets the warning the image input gets', () => {
    const definition = {
      family: 'api',
      containerDefinitions: [
        { name: 'app', image: 'api:old' },
        { name: 'envoy', image: 'envoy:v1.29' },
        { name: 'log', image: IMAGE },
      ],
    };
    expect(unpinnedImageWarnings(definition, { input: 'task-definition', path: 'td.json' }, 'app')).toEqual([
      `Input 'task-definition': container "envoy" of "td.json" runs envoy:v1.29, which is not pinned by digest (@sha256:...); a tag can move between stages.`,
    ]);
  });
});
