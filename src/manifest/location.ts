import { join } from 'node:path';
import { inputError } from '../errors.js';
import { checkInputFile, statInput, type InputFile } from '../files.js';

/** The manifest's file name inside the artifact folder. */
export const MANIFEST_FILE = 'manifest.json';

/**
 * Checks the `manifest` input before anything else runs (see manifestFile). Throws a UserError naming
 * the input.
 */
export function checkManifestPath(
  path: string,
  workspace: string = process.env.GITHUB_WORKSPACE || process.cwd(),
): void {
  checkInputFile(manifestFile(path, workspace));
}

/**
 * The manifest file to read: a folder (as download-artifact leaves it) stands for the manifest file
 * inside it. Only a regular file of at most MAX_MANIFEST_BYTES is read (a FIFO or device could block or
 * never end), and a symbolic link that leads outside the workspace is refused: an artifact or checkout
 * could hold a link to any file the runner can read.
 */
export function manifestFile(path: string, workspace: string): InputFile {
  const stats = statInput('manifest', path);
  if (stats?.isDirectory()) {
    const file = join(path, MANIFEST_FILE);
    if (!statInput('manifest', file)) {
      throw inputError('manifest', path, `a folder with no ${MANIFEST_FILE} in it`);
    }
    return { input: 'manifest', kind: 'manifest', path: file, within: workspace };
  }
  return { input: 'manifest', kind: 'manifest', path, within: workspace };
}
