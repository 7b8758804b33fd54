import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inputError } from '../errors.js';

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
  let text: string;
  try {
    text = readFileSync(resolve(baseDir, path), 'utf8');
  } catch (error) {
    throw inputError(input, path, `the task definition file cannot be read (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw inputError(input, path, `not valid JSON (${(error as Error).message})`);
  }
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
  const unnamed = definition.containerDefinitions.findIndex(
    (c) => !isObject(c) || typeof c.name !== 'string',
  );
  if (unnamed >= 0) {
    throw inputError(input, path, `containerDefinitions[${unnamed}] needs a "name"`);
  }
  return definition as TaskDefinitionDocument;
}

/**
 * The task definition ready to register: read-only fields dropped and, when both are given, the image of
 * `containerName` replaced by `image`. An unknown container is an error naming the containers there are.
 */
export function renderTaskDefinition(
  definition: object,
  containerName?: string,
  image?: string,
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
  return rendered as unknown as RegisterTaskDefinitionCommandInput;
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
