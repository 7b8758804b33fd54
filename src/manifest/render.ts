import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { inputError, UserError } from '../errors.js';
import { formatBytes, readInputFile } from '../files.js';
import { imageProblem, isPinned } from './image.js';
import { parseJsonFile } from './json.js';

export { imageDigest, imageProblem, isPinned } from './image.js';

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
