import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { describeError, inputError } from '../errors.js';
import { boolean, required, optional, type InputReader } from '../inputs.js';
import { createManifest, summarizeManifest, type DeployManifest } from './manifest.js';
import { isPinned, readTaskDefinitionFile, renderTaskDefinition } from './render.js';

/** Uploads files as a workflow artifact; injected so tests and local runs need no artifact service. */
export type ArtifactUpload = (name: string, files: string[], rootDirectory: string) => Promise<void>;

/** The package action's settings, parsed once. */
export interface PackageSettings {
  taskDefinition: string;
  containerName: string;
  image: string;
  name: string;
  upload: boolean;
  allowTags: boolean;
  path: string;
}

/** Reads and checks the package action's inputs. */
export function parsePackageSettings(read: InputReader, env: NodeJS.ProcessEnv): PackageSettings {
  const image = required(read, 'image');
  const allowTags = boolean(read, 'allow-tags', false);
  if (!isPinned(image) && !allowTags) {
    throw inputError(
      'image',
      image,
      'pin the image by digest (name@sha256:<64 hex digits>) so every stage deploys exactly what was built, or set allow-tags: true',
    );
  }
  const name = read('name') || 'safe-deploy-manifest';
  if (!/^[^"<>|*?\\/:\r\n]+$/.test(name)) throw inputError('name', name, 'not a valid artifact name');
  return {
    taskDefinition: required(read, 'task-definition'),
    containerName: required(read, 'container-name'),
    image,
    name,
    upload: boolean(read, 'upload', true),
    allowTags,
    path: optional(read, 'path') ?? join(env.RUNNER_TEMP ?? tmpdir(), 'safe-deploy', 'manifest.json'),
  };
}

/** The package action: render, checksum and write the manifest, then upload it as an artifact. */
export async function runPackage(
  read: InputReader,
  deps: { upload?: ArtifactUpload; env?: NodeJS.ProcessEnv; now?: () => Date } = {},
): Promise<DeployManifest> {
  const env = deps.env ?? process.env;
  const settings = parsePackageSettings(read, env);
  if (!isPinned(settings.image)) {
    core.warning(
      `Input 'image': ${settings.image} is a tag, not a digest; a tag can point elsewhere by the time a later stage deploys`,
    );
  }
  const definition = readTaskDefinitionFile(
    resolve(env.GITHUB_WORKSPACE ?? '.', settings.taskDefinition),
    'task-definition',
  );
  const manifest = createManifest({
    schemaVersion: 1,
    image: settings.image,
    taskDefinition: renderTaskDefinition(definition, settings.containerName, settings.image),
    source: {
      repository: env.GITHUB_REPOSITORY ?? 'local/local',
      commit: env.GITHUB_SHA ?? '0000000',
      runId: env.GITHUB_RUN_ID ?? 'local',
      runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
      ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}),
    },
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
  });
  mkdirSync(dirname(settings.path), { recursive: true });
  writeFileSync(settings.path, `${JSON.stringify(manifest, null, 2)}\n`);
  core.info(`Wrote ${settings.path}: ${manifest.checksum}, image ${manifest.image}`);
  core.setOutput('manifest', settings.path);
  core.setOutput('checksum', manifest.checksum);
  core.setOutput('image', manifest.image);

  let uploaded = 'not uploaded (upload: false)';
  if (settings.upload) uploaded = await upload(settings, deps.upload, env);
  await core.summary
    .addHeading('safe-deploy package', 2)
    .addRaw([...summarizeManifest(manifest), `- Artifact: ${uploaded}`].join('\n'), true)
    .write()
    .catch((error: unknown) => core.debug(`no job summary: ${describeError(error)}`));
  return manifest;
}

async function upload(
  settings: PackageSettings,
  injected: ArtifactUpload | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (!injected && !(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL)) {
    core.info(
      'The workflow artifact service is not available here (no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL: ' +
        `not running on a GitHub runner), so the manifest was written to ${settings.path} but not uploaded`,
    );
    return `not uploaded (no artifact service); written to \`${settings.path}\``;
  }
  const send: ArtifactUpload =
    injected ??
    (async (name, files, root) => {
      const { DefaultArtifactClient } = await import('@actions/artifact');
      await new DefaultArtifactClient().uploadArtifact(name, files, root);
    });
  await send(settings.name, [settings.path], dirname(settings.path));
  core.info(`Uploaded the manifest as workflow artifact '${settings.name}'`);
  return `\`${settings.name}\``;
}
