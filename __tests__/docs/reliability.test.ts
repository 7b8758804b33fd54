import { readFileSync } from 'node:fs';
import { FILE_LIMITS, formatBytes, type FileKind } from '../../src/files.js';
import { MAX_TASK_DEFINITION_BYTES } from '../../src/manifest/render.js';

// docs/reliability.md's bad-input section states the limits the code enforces; a change to one must show in the other.
const readme = readFileSync('docs/reliability.md', 'utf8');
const section = readme.slice(readme.indexOf('## Bad input'));
const rows = section
  .split('\n')
  .filter((line) => line.startsWith('| '))
  .map((line) => line.split('|').map((cell) => cell.trim()));

test('docs/reliability.md states each file limit the code enforces', () => {
  const label: Record<FileKind, string> = {
    'task definition': 'task definition',
    manifest: 'manifest',
    'first task set': 'first task set',
    calendar: '`.ics` calendar',
    template: 'checklist template',
    'pipeline file': 'pipeline file',
    'event payload': 'event payload',
  };
  for (const [kind, limit] of Object.entries(FILE_LIMITS) as [FileKind, number][]) {
    const row = rows.find((cells) => cells[1] === label[kind] && cells.length === 5);
    expect([kind, row?.[3]?.startsWith(formatBytes(limit))]).toEqual([kind, true]);
  }
  expect(rows.find((cells) => cells[1] === 'task definition' && cells.length === 5)?.[3]).toContain(
    `at most ${formatBytes(MAX_TASK_DEFINITION_BYTES)} (ECS)`,
  );
});

test('docs/reliability.md lists each class of bad input', () => {
  expect(rows.map((cells) => cells[1])).toEqual(
    expect.arrayContaining([
      'a list with an empty item',
      'an ARN of the wrong kind',
      'an ARN of another region',
      'an input that would be unused',
      'the test listener',
      'an image reference',
      'a task definition',
      'a file',
      'a manifest',
      'a pipeline file',
    ]),
  );
});
