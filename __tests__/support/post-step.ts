import { afterEach, beforeEach, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SavedDeploy } from '../../src/deploy/saved.js';
import { parseFileCommand } from './run-action.js';

/**
 * The deploy's post step run in-process, as the runner would after the main step was killed: its saved
 * state in STATE_deploy, its outputs in a GITHUB_OUTPUT file, and stdout (workflow commands such as
 * warnings) kept for the assertions and out of the test log. Call once at a test file's top level.
 */
export function postStepHarness(): {
  save(state: SavedDeploy): void;
  outputs(): Record<string, string>;
  /** Everything the post step wrote to stdout. */
  out(): string;
} {
  let written: string[] = [];
  let outputFile = '';
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    outputFile = join(mkdtempSync(join(tmpdir(), 'post-')), 'output');
    writeFileSync(outputFile, '');
    process.env.GITHUB_OUTPUT = outputFile;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.STATE_deploy;
    delete process.env.GITHUB_OUTPUT;
  });
  return {
    save: (state) => {
      process.env.STATE_deploy = JSON.stringify(state);
    },
    outputs: () => parseFileCommand(readFileSync(outputFile, 'utf8')),
    out: () => written.join(''),
  };
}
