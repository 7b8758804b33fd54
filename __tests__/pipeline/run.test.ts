import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../src/pipeline/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-file-'));

describe('the pipeline file itself', () => {
  test('a directory is refused, naming it', () => {
    expect(() => loadPlan(dir)).toThrow(
      `Input 'config': ${JSON.stringify(dir)} is not valid: a directory, not a regular file`,
    );
  });

  test('a FIFO is refused at once', () => {
    const fifo = join(dir, 'pipeline.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => loadPlan(fifo)).toThrow('a named pipe (FIFO), not a regular file');
  });

  test('a file over the limit is refused before it is parsed', () => {
    const big = join(dir, 'big.yml');
    writeFileSync(big, `# ${'x'.repeat(1024 * 1024)}\n`);
    expect(() => loadPlan(big)).toThrow(
      `Input 'config': ${JSON.stringify(big)} is not valid: too large for a pipeline file: 1048579 bytes (at most 1 MiB)`,
    );
  });

  test('a missing file says how to make one', () => {
    expect(() => loadPlan(join(dir, 'nope.yml'))).toThrow(
      `Pipeline file ${join(dir, 'nope.yml')} not found (pass its path, or create it: see docs/pipeline.md)`,
    );
  });
});
