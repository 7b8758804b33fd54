import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describeError, inputError, UserError } from '../errors.js';
import { readInputFile, statInput } from '../files.js';
import { artifactService, type ArtifactUpload } from '../github/artifacts.js';
import type { InputReader } from '../inputs.js';
import { parsePackageSettings, type PackageSettings } from './package-settings.js';
import {
  checkManifest,
  createManifest,
  MANIFEST_FILE,
  refuseForkBuild,
  SCHEMA_VERSION,
  summarizeManifest,
  type DeployManifest,
} from './manifest.js';
import { isPinned, readTaskDefinitionFile, renderTaskDefinition, unpinnedImageWarnings } from './render.js';
import * as log from '../log.js';

export { DEFAULT_ARTIFACT, parsePackageSettings, type PackageSettings } from './package-settings.js';

export type { ArtifactUpload } from '../github/artifacts.js';

/** The package action: render, checksum and write the manifest, then upload it as an artifact. */
export async function runPackage(
  read: InputReader,
  deps: { upload?: ArtifactUpload; env?: NodeJS.ProcessEnv; now?: () => Date } = {},
): Promise<DeployManifest> {
  const env = deps.env ?? process.env;
  const settings = parsePackageSettings(read, env);
  refuseForkBuild(env, readEvent(env), 'package');
  const source = buildSource(env);
  if (!isPinned(settings.image)) {
    log.warning(
      `Input 'image': ${settings.image} is a tag, not a digest; a tag can point elsewhere by the time a later stage deploys`,
    );
  }
  const definition = readTaskDefinitionFile(
    settings.taskDefinition,
    'task-definition',
    env.GITHUB_WORKSPACE ?? process.cwd(),
  );
  const from = { input: 'task-definition', path: settings.taskDefinition };
  for (const warning of unpinnedImageWarnings(definition, from, settings.containerName))
    core.warning(warning);
  let manifest: DeployManifest;
  try {
    manifest = createManifest({
      schemaVersion: SCHEMA_VERSION,
      image: settings.image,
      taskDefinition: renderTaskDefinition(definition, settings.containerName, settings.image, from),
      source,
      createdAt: (deps.now?.() ?? new Date()).toISOString(),
    });
  } catch (error) {
    if (error instanceof UserError) throw error;
    // RFC 8785 has no form for some JSON (a lone surrogate such as "\ud800"), so it cannot be checksummed.
    throw inputError(
      'task-definition',
      settings.taskDefinition,
      `has no canonical JSON form to checksum (${describeError(error)})`,
    );
  }
  // What a deploy checks before any AWS call is checked here too: a manifest it would refuse is not written.
  checkManifest(
    JSON.parse(JSON.stringify(manifest)),
    from,
    (problems) =>
      new UserError(`The manifest would be refused by every deploy, so it was not written: ${problems}`),
  );
  if (statInput('path', settings.path)?.isDirectory()) {
    throw inputError(
      'path',
      settings.path,
      `a folder; give the file to write, such as ${MANIFEST_FILE} in it`,
    );
  }
  mkdirSync(dirname(settings.path), { recursive: true });
  writeFileSync(settings.path, `${JSON.stringify(manifest, null, 2)}\n`);
  log.info(`Wrote the manifest to ${settings.path}`);
  log.info(`  image:    ${manifest.image}`);
  log.info(`  checksum: ${manifest.checksum}`);
  log.info(`  commit:   ${source.repository}@${source.commit}`);
  core.setOutput('manifest', settings.path);
  core.setOutput('checksum', manifest.checksum);
  core.setOutput('image', manifest.image);

  const artifact = settings.upload
    ? await upload(settings, deps.upload ?? artifactService(env), env)
    : 'not uploaded (`upload: false`)';
  await core.summary
    .addHeading('safe-deploy package', 2)
    .addRaw([...summarizeManifest(manifest), `- Artifact: ${artifact}`].join('\n'), true)
    .write()
    .catch((error: unknown) => log.debug(`no job summary: ${describeError(error)}`));
  return manifest;
}

/** The event payload, read only on `pull_request_target` (the one event whose payload package checks). */
function readEvent(env: NodeJS.ProcessEnv): unknown {
  if (env.GITHUB_EVENT_NAME !== 'pull_request_target' || !env.GITHUB_EVENT_PATH) return {};
  try {
    return JSON.parse(
      readInputFile({ input: 'GITHUB_EVENT_PATH', kind: 'event payload', path: env.GITHUB_EVENT_PATH }),
    );
  } catch {
    return {}; // refused below as a pull request from an unnamed head
  }
}

/** Where the image was built; a manifest without it could not be checked by a deploy. */
function buildSource(env: NodeJS.ProcessEnv): DeployManifest['source'] {
  const missing = ['GITHUB_REPOSITORY', 'GITHUB_SHA', 'GITHUB_RUN_ID'].filter((name) => !env[name]);
  if (missing.length) {
    throw new UserError(
      `The manifest records the repository, commit and run that built the image, but ${missing.join(', ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} not set: run package in a GitHub Actions job`,
    );
  }
  return {
    repository: env.GITHUB_REPOSITORY!,
    commit: env.GITHUB_SHA!.toLowerCase(),
    runId: env.GITHUB_RUN_ID!,
    runAttempt: env.GITHUB_RUN_ATTEMPT || '1',
    ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}),
  };
}

/** Uploads the manifest; returns the summary's description of the artifact. */
async function upload(
  settings: PackageSettings,
  send: ArtifactUpload | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (!send) {
    log.info(
      `The workflow artifact service is not available here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL ` +
        `are not set, as when running outside a GitHub runner), so the manifest was not uploaded; it is ` +
        `written to ${settings.path}.`,
    );
    return `not uploaded (no artifact service here); written to \`${settings.path}\``;
  }
  let id: number | undefined;
  try {
    ({ id } = await send(settings.name, [settings.path], dirname(settings.path)));
  } catch (error) {
    const message = `Uploading the manifest as artifact '${settings.name}' failed: ${describeError(error)}`;
    // GitHub Enterprise Server has no artifact service this client can use: the user can route around it.
    if (error instanceof Error && error.name === 'GHESNotSupportedError') {
      throw new UserError(
        `${message} (on GitHub Enterprise Server, set upload: false and upload ${settings.path} with actions/upload-artifact@v3)`,
      );
    }
    throw new Error(message, { cause: error });
  }
  log.info(
    `Uploaded the manifest as workflow artifact '${settings.name}' (${basename(settings.path)}` +
      `${id ? `, artifact id ${id}` : ''}); later jobs download it with actions/download-artifact`,
  );
  const url =
    id && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${id}`
      : undefined;
  return url ? `[\`${settings.name}\`](${url})` : `\`${settings.name}\``;
}
