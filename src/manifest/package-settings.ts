import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inputError } from '../errors.js';
import { artifactName, boolean, optional, required, type InputReader } from '../inputs.js';
import { MANIFEST_FILE } from './location.js';
import { imageProblem, isPinned } from './image.js';

/** The package action's settings, parsed once. */
export interface PackageSettings {
  taskDefinition: string;
  containerName: string;
  image: string;
  name: string;
  upload: boolean;
  allowTags: boolean;
  /** Absolute path the manifest is written to. */
  path: string;
}

/** The default artifact name. */
export const DEFAULT_ARTIFACT = 'safe-deploy-manifest';

/** Reads and checks the package action's inputs. */
export function parsePackageSettings(read: InputReader, env: NodeJS.ProcessEnv): PackageSettings {
  const taskDefinition = required(read, 'task-definition');
  const containerName = required(read, 'container-name');
  const image = required(read, 'image');
  const allowTags = boolean(read, 'allow-tags', false);
  const problem = imageProblem(image);
  if (problem) throw inputError('image', image, problem);
  if (!isPinned(image) && !allowTags) {
    throw inputError(
      'image',
      image,
      'pin the image by digest (name@sha256:<64 hex digits>) so every stage deploys exactly what was built, or set allow-tags: true',
    );
  }
  const name = artifactName(read, 'name', DEFAULT_ARTIFACT);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const path = optional(read, 'path');
  return {
    taskDefinition,
    containerName,
    image,
    name,
    upload: boolean(read, 'upload', true),
    allowTags,
    // One folder per artifact name, so two package steps in one job do not overwrite each other.
    path: path
      ? resolve(workspace, path)
      : join(env.RUNNER_TEMP ?? tmpdir(), 'safe-deploy', name, MANIFEST_FILE),
  };
}
