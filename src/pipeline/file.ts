import { UserError } from '../errors.js';
import { readInputFile } from '../files.js';

/** Where the reusable workflow and the CLI look for the pipeline file by default. */
export const DEFAULT_CONFIG = '.github/safe-deploy.yml';

/**
 * The pipeline file's text. Only a regular file within the pipeline file's size limit is read (a
 * directory or FIFO is an error naming it, never a hang); a missing file says where to start.
 */
export function readPipelineFile(
  path: string,
  readFile: (path: string) => string = (p) =>
    readInputFile({ input: 'config', kind: 'pipeline file', path: p }),
): string {
  try {
    return readFile(path);
  } catch (error) {
    const missing = error instanceof UserError && error.message.endsWith(': no such file');
    if (missing || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        `Pipeline file ${path} not found (pass its path, or create it: see docs/pipeline.md)`,
      );
    }
    throw error;
  }
}
