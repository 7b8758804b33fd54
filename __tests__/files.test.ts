import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInputFile, FILE_LIMITS, readInputFile } from '../src/files.js';

const dir = mkdtempSync(join(tmpdir(), 'files-'));
const workspace = join(dir, 'workspace');
mkdirSync(workspace);
const outside = join(dir, 'outside.json');
writeFileSync(outside, '{"secret":true}');
const fifo = join(dir, 'pipe.json');
execFileSync('mkfifo', [fifo]);

const read = (path: string, extra: object = {}) =>
  readInputFile({ input: 'task-definition', kind: 'task definition', path, ...extra });

describe('reading a file input', () => {
  test('a regular file is read, relative to the base folder', () => {
    writeFileSync(join(workspace, 'td.json'), '{"family":"api"}');
    expect(read('td.json', { baseDir: workspace })).toBe('{"family":"api"}');
  });

  test('a FIFO is refused at once, never waited on', () => {
    const started = Date.now();
    expect(() => read(fifo)).toThrow(
      `Input 'task-definition': ${JSON.stringify(fifo)} is not valid: a named pipe (FIFO), not a regular file`,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test.each([
    ['a directory', dir, 'a directory, not a regular file'],
    ['a device', '/dev/zero', 'a device, not a regular file'],
    ['a missing file', join(dir, 'nope.json'), 'no such file'],
  ])('%s is refused naming the input and the path', (_what, path, reason) => {
    expect(() => read(path)).toThrow(
      `Input 'task-definition': ${JSON.stringify(path)} is not valid: ${reason}`,
    );
  });

  test('a file over the limit is refused without being read whole', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, 'x'.repeat(2049));
    expect(() => read(big, { maxBytes: 2048 })).toThrow(
      `is not valid: too large for a task definition: 2049 bytes (at most 2 KiB)`,
    );
    writeFileSync(big, 'x'.repeat(2048));
    expect(read(big, { maxBytes: 2048 })).toHaveLength(2048);
  });

  test('each kind of file has its limit', () => {
    expect(FILE_LIMITS).toEqual({
      'task definition': 1024 * 1024,
      manifest: 1024 * 1024,
      'first task set': 64 * 1024,
      calendar: 10 * 1024 * 1024,
      template: 1024 * 1024,
      'pipeline file': 1024 * 1024,
      'event payload': 32 * 1024 * 1024,
    });
  });
});

test('a loop of symbolic links is refused in words, naming the input and the path as written', () => {
  symlinkSync('loop-b.json', join(dir, 'loop-a.json'));
  symlinkSync('loop-a.json', join(dir, 'loop-b.json'));
  const message =
    'is not valid: cannot be read (a loop of symbolic links: a link on the path leads back to itself)';
  expect(() => read('loop-a.json', { baseDir: dir })).toThrow(
    `Input 'task-definition': "loop-a.json" ${message}`,
  );
  expect(() =>
    checkInputFile({ input: 'manifest', kind: 'manifest', path: 'loop-b.json', baseDir: dir }),
  ).toThrow(`Input 'manifest': "loop-b.json" ${message}`);
});

describe('symbolic links and the workspace', () => {
  test('a link that leads outside the workspace is refused, naming the link and where it leads', () => {
    const link = join(workspace, 'manifest.json');
    symlinkSync(outside, link);
    expect(() =>
      checkInputFile({
        input: 'manifest',
        kind: 'manifest',
        path: 'manifest.json',
        baseDir: workspace,
        within: workspace,
      }),
    ).toThrow(
      `Input 'manifest': "manifest.json" is not valid: it leads through the symbolic link ${link} to ${outside}, outside the workspace`,
    );
  });

  test('a folder link that leads outside is refused too', () => {
    const linkedDir = join(workspace, 'artifact');
    symlinkSync(dir, linkedDir);
    expect(() =>
      readInputFile({
        input: 'manifest',
        kind: 'manifest',
        path: 'artifact/outside.json',
        baseDir: workspace,
        within: workspace,
      }),
    ).toThrow(/leads through the symbolic link .*artifact to .*outside the workspace/);
  });

  test('a link inside the workspace, and a plain file outside it, are read', () => {
    writeFileSync(join(workspace, 'real.json'), '{"inside":true}');
    symlinkSync(join(workspace, 'real.json'), join(workspace, 'alias.json'));
    const within = { baseDir: workspace, within: workspace };
    expect(readInputFile({ input: 'manifest', kind: 'manifest', path: 'alias.json', ...within })).toBe(
      '{"inside":true}',
    );
    // The package action writes the manifest to RUNNER_TEMP, outside the workspace: no link, no refusal.
    expect(readInputFile({ input: 'manifest', kind: 'manifest', path: outside, within: workspace })).toBe(
      '{"secret":true}',
    );
  });

  test('a link outside the workspace that points elsewhere is refused', () => {
    const link = join(dir, 'tmp-link.json');
    symlinkSync('/etc/hostname', link);
    expect(() =>
      checkInputFile({ input: 'manifest', kind: 'manifest', path: link, within: workspace }),
    ).toThrow('outside the workspace');
  });
});
