import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { inputError, UserError } from '../errors.js';
import { formatBytes, readInputFile } from '../files.js';
import { parseJsonFile } from './json.js';

/** Fields `describe-task-definition` returns that RegisterTaskDefinition does not accept. */
const READ_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
];

/** A task definition as written by hand or by `aws ecs describe-task-definition`. */
export type TaskDefinitionDocument = Record<string, unknown> & { containerDefinitions: unknown[] };

/**
 * Reads a task definition JSON file (hand-written, or `aws ecs describe-task-definition` output as it is).
 * A relative path is read from `baseDir`; errors name the input and the path as the user wrote it.
 */
export function readTaskDefinitionFile(
  path: string,
  input: string,
  baseDir: string = process.cwd(),
): TaskDefinitionDocument {
  const text = readInputFile({ input, kind: 'task definition', path, baseDir });
  const parsed = parseJsonFile(text, input, path);
  let definition = parsed;
  // describe-task-definition wraps the definition, and with `--include TAGS` puts the tags beside it.
  if (isObject(parsed) && isObject(parsed.taskDefinition)) {
    definition = { ...parsed.taskDefinition };
    const tags = parsed.tags;
    if (Array.isArray(tags) && tags.length && !(definition as Record<string, unknown>).tags) {
      (definition as Record<string, unknown>).tags = tags;
    }
  }
  if (!isObject(definition) || !Array.isArray(definition.containerDefinitions)) {
    throw inputError(input, path, 'a task definition needs a "containerDefinitions" list');
  }
  if (typeof definition.family !== 'string' || !definition.family) {
    throw inputError(input, path, 'a task definition needs a "family"');
  }
  if (!definition.containerDefinitions.length) {
    throw inputError(input, path, 'its "containerDefinitions" list is empty: a task needs a container');
  }
  const unnamed = definition.containerDefinitions.findIndex(
    (c) => !isObject(c) || typeof c.name !== 'string',
  );
  if (unnamed >= 0) {
    throw inputError(input, path, `containerDefinitions[${unnamed}] needs a "name"`);
  }
  return definition as TaskDefinitionDocument;
}

/** Where a task definition came from, for the errors about it: the input and the path or ARN. */
export interface DefinitionSource {
  input: string;
  path: string;
}

/**
 * The task definition ready to register: read-only fields dropped and, when both are given, the image of
 * `containerName` replaced by `image`. An unknown container is an error naming the containers there are;
 * a result ECS would refuse (see checkTaskDefinition) is an error naming `from`.
 */
export function renderTaskDefinition(
  definition: object,
  containerName?: string,
  image?: string,
  from: DefinitionSource = { input: 'task-definition', path: 'the task definition' },
): RegisterTaskDefinitionCommandInput {
  const rendered = structuredClone(definition) as Record<string, unknown>;
  for (const field of READ_ONLY) delete rendered[field];
  if (containerName && image) {
    const containers = (
      Array.isArray(rendered.containerDefinitions) ? rendered.containerDefinitions : []
    ) as {
      name?: string;
      image?: string;
    }[];
    const container = containers.find((c) => c?.name === containerName);
    if (!container) {
      const names = containers.map((c) => c?.name).filter(Boolean);
      throw inputError(
        'container-name',
        containerName,
        `the task definition has no such container (its containers: ${names.join(', ') || 'none'})`,
      );
    }
    container.image = image;
  }
  checkTaskDefinition(rendered, from);
  return rendered as unknown as RegisterTaskDefinitionCommandInput;
}

/** ECS refuses a task definition larger than this (its quota "Task definition size", 64 KiB). */
export const MAX_TASK_DEFINITION_BYTES = 64 * 1024;

/**
 * Refuses what RegisterTaskDefinition would refuse, so it fails before anything changes (and so the
 * package action never writes a manifest the deploy would reject): over ECS's size limit, no
 * containers, a container without a name or with a malformed image.
 */
export function checkTaskDefinition(definition: object, from: DefinitionSource): void {
  const { input, path } = from;
  const bytes = Buffer.byteLength(JSON.stringify(definition), 'utf8');
  if (bytes > MAX_TASK_DEFINITION_BYTES) {
    throw inputError(
      input,
      path,
      `the task definition is ${formatBytes(bytes)} as JSON, more than the ${formatBytes(MAX_TASK_DEFINITION_BYTES)} ` +
        'ECS accepts (long environment values belong in SSM parameters or secrets)',
    );
  }
  const containers = (definition as { containerDefinitions?: unknown }).containerDefinitions;
  if (!Array.isArray(containers) || !containers.length) {
    throw inputError(input, path, 'a task definition needs at least one entry in "containerDefinitions"');
  }
  containers.forEach((container: unknown, i) => {
    const { name, image } = (isObject(container) ? container : {}) as { name?: unknown; image?: unknown };
    if (typeof name !== 'string' || !name) {
      throw inputError(input, path, `containerDefinitions[${i}] needs a "name"`);
    }
    if (typeof image !== 'string') {
      throw inputError(input, path, `container ${JSON.stringify(name)} needs an "image"`);
    }
    const problem = imageProblem(image);
    if (problem) {
      throw new UserError(
        `Input '${input}': container ${JSON.stringify(name)} of ${JSON.stringify(path)} has the image ` +
          `${JSON.stringify(image)}, which is not valid: ${problem}`,
      );
    }
  });
}

/**
 * What is wrong with an image reference, or `undefined`: ECS allows letters, digits, `-_:./#` and a
 * digest after `@`, up to 255 characters; a digest must be `sha256:` and 64 lowercase hex digits.
 */
export function imageProblem(image: string): string | undefined {
  if (!image) return 'an image reference cannot be empty';
  if (/\s/.test(image)) return 'an image reference has no spaces';
  if (image.length > 255) return `an image reference has at most 255 characters (this one ${image.length})`;
  const at = image.indexOf('@');
  const name = at < 0 ? image : image.slice(0, at);
  if (at >= 0) {
    const digest = image.slice(at + 1);
    if (!name) return 'the image name before "@" is missing';
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
      return `the digest ${JSON.stringify(digest)} is not sha256: followed by 64 lowercase hex digits`;
    }
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_\-:./#]*$/.test(name)) {
    return 'an image reference has only letters, digits and - _ : . / # (and @sha256:<digest>)';
  }
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon >= 0 && !/^[\w][\w.-]{0,127}$/.test(last.slice(colon + 1))) {
    return `the tag ${JSON.stringify(last.slice(colon + 1))} is not valid (letters, digits, _ . -, up to 128)`;
  }
  return undefined;
}

/**
 * The warning for each container whose image is a tag rather than a digest, the same one the `image`
 * input gets; `except` is the container whose image an input replaced (warned about as that input).
 */
export function unpinnedImageWarnings(definition: object, from: DefinitionSource, except?: string): string[] {
  const containers = (definition as { containerDefinitions?: unknown }).containerDefinitions;
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((container: unknown) => {
    const { name, image } = (isObject(container) ? container : {}) as { name?: unknown; image?: unknown };
    if (typeof image !== 'string' || isPinned(image) || name === except) return [];
    return [
      `Input '${from.input}': container ${JSON.stringify(name)} of ${JSON.stringify(from.path)} runs ` +
        `${image}, which is not pinned by digest (@sha256:...); a tag can move between stages.`,
    ];
  });
}

/** True when an image reference is pinned by digest (`name@sha256:<64 hex>`). */
export function isPinned(image: string): boolean {
  return imageDigest(image) !== undefined;
}

/** The `sha256:<hex>` digest an image reference is pinned to, if it is. */
export function imageDigest(image: string): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
