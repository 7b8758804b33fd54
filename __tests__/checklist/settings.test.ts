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
    authorsMayTick: false,
  });
});

test('authors may answer when the input or the template says so', () => {
  writeFileSync(join(workspace, 'authors.md'), '<!-- safe-deploy:authors-may-tick -->\n- [ ] Docs updated\n');
  const read = (inputs: Record<string, string>) =>
    readChecklistSettings(recordInputs({ 'github-token': 't', ...inputs }), workspace).authorsMayTick;
  expect(read({ 'authors-may-tick': 'true' })).toBe(true);
  expect(read({ template: 'authors.md' })).toBe(true);
  expect(read({ template: 'review.md' })).toBe(false);
  expect(() => read({ 'authors-may-tick': 'sometimes' })).toThrow(/Input 'authors-may-tick'/);
});

test("a template whose comment would pass GitHub's 65,536-character limit is refused, naming the input", () => {
  // Long enough with its answers recorded, though the template itself is under the limit.
  const items = Array.from({ length: 400 }, (_, i) => `- [ ] Item ${i} ${'x'.repeat(60)}`).join('\n');
  writeFileSync(join(workspace, 'huge.md'), items);
  expect(items.length).toBeLessThan(65_536);
  expect(() =>
    readChecklistSettings(recordInputs({ 'github-token': 't', template: 'huge.md' }), workspace),
  ).toThrow(
    /^Input 'template': "huge.md" is not valid: the checklist comment would be up to [\d,]+ characters with every item answered; GitHub allows 65,536: shorten the template$/,
  );
  writeFileSync(join(workspace, 'fits.md'), items.split('\n').slice(0, 100).join('\n'));
  expect(
    readChecklistSettings(recordInputs({ 'github-token': 't', template: 'fits.md' }), workspace)
      .templateSource,
  ).toBe('fits.md');
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
