import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TEMPLATE } from '../../src/checklist/default-template.js';
import { readChecklistSettings } from '../../src/checklist/settings.js';
import { recordInputs } from '../../src/inputs.js';

const workspace = mkdtempSync(join(tmpdir(), 'checklist-settings-'));
writeFileSync(join(workspace, 'review.md'), '# Ours\n- [ ] Feature flag is off by default\n');
writeFileSync(join(workspace, 'empty.md'), '# Nothing to tick\n```\n- [ ] only in a fence\n```\n');

test('defaults: the built-in template in comment mode', () => {
  expect(readChecklistSettings(recordInputs({ 'github-token': 't' }), workspace)).toEqual({
    template: DEFAULT_TEMPLATE,
    templateSource: 'built-in',
    mode: 'comment',
    token: 't',
  });
});

test('a template path is read relative to the workspace', () => {
  const settings = readChecklistSettings(
    recordInputs({ 'github-token': 't', template: 'review.md', mode: 'require' }),
    workspace,
  );
  expect(settings).toMatchObject({ templateSource: 'review.md', mode: 'require' });
  expect(settings.template).toContain('Feature flag is off by default');
});

test('a missing template file is an error naming the input and the path', () => {
  expect(() =>
    readChecklistSettings(recordInputs({ 'github-token': 't', template: '.github/nope.md' }), workspace),
  ).toThrow(
    `Input 'template': ".github/nope.md" is not valid: no such file at ${join(workspace, '.github/nope.md')}`,
  );
});

test('a template without any item is an error', () => {
  expect(() =>
    readChecklistSettings(recordInputs({ 'github-token': 't', template: 'empty.md' }), workspace),
  ).toThrow(/Input 'template': "empty.md" is not valid: the file has no task-list items/);
});

test('a bad mode and a missing token are errors naming the input', () => {
  expect(() =>
    readChecklistSettings(recordInputs({ 'github-token': 't', mode: 'enforce' }), workspace),
  ).toThrow(`Input 'mode': "enforce" is not valid: expected one of comment, require`);
  expect(() => readChecklistSettings(recordInputs({}), workspace)).toThrow(/Input 'github-token'/);
});
