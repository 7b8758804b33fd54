import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordInputs } from '../../src/inputs.js';
import { runPackage } from '../../src/manifest/package.js';

const IMAGE = `shop/api@sha256:${'e'.repeat(64)}`;

test('with upload, the manifest is uploaded under the artifact name from its own folder', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'pkg-'));
  writeFileSync(
    join(workspace, 'td.json'),
    JSON.stringify({ family: 'api', containerDefinitions: [{ name: 'app', image: 'x' }] }),
  );
  const uploads: { name: string; files: string[]; root: string }[] = [];
  const manifest = await runPackage(
    recordInputs({
      'task-definition': 'td.json',
      'container-name': 'app',
      image: IMAGE,
      name: 'api-manifest',
    }),
    {
      env: {
        GITHUB_WORKSPACE: workspace,
        RUNNER_TEMP: workspace,
        GITHUB_REPOSITORY: 'octo/shop',
        GITHUB_SHA: 'abc1234',
      },
      upload: async (name, files, root) => {
        uploads.push({ name, files, root });
      },
      now: () => new Date('2026-11-22T12:00:00Z'),
    },
  );
  const path = join(workspace, 'safe-deploy', 'manifest.json');
  expect(uploads).toEqual([{ name: 'api-manifest', files: [path], root: join(workspace, 'safe-deploy') }]);
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(manifest);
  expect(manifest.createdAt).toBe('2026-11-22T12:00:00.000Z');
});

test.each([
  [{ name: 'bad/name' }, `Input 'name': "bad/name" is not valid`],
  [{ upload: 'maybe' }, `Input 'upload': "maybe" is not valid: expected true or false`],
  [{ 'container-name': '' }, `Input 'container-name': "" is not valid: a value is required`],
])('bad input %j is refused', async (inputs, message) => {
  await expect(
    runPackage(
      recordInputs({ 'task-definition': 'td.json', 'container-name': 'app', image: IMAGE, ...inputs }),
      { env: {} },
    ),
  ).rejects.toThrow(message);
});
