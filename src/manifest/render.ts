import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { inputError, UserError } from '../errors.js';

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
];

/** A task definition as written by hand or by `aws ecs describe-task-definition`. */
export type TaskDefinitionDocument = Record<string, unknown> & { containerDefinitions?: unknown };

/** Reads a task definition JSON file; errors name the input and the path. */
export function readTaskDefinitionFile(path: string, input: string): TaskDefinitionDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw inputError(input, path, 'the task definition file cannot be read');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw inputError(input, path, `not valid JSON (${(error as Error).message})`);
  }
  // `aws ecs describe-task-definition` wraps the definition: accept its output as it is.
  const definition =
    isObject(parsed) && isObject(parsed.taskDefinition)
      ? (parsed.taskDefinition as TaskDefinitionDocument)
      : parsed;
  if (!isObject(definition) || !Array.isArray(definition.containerDefinitions)) {
    throw inputError(input, path, 'a task definition needs a "containerDefinitions" list');
  }
  if (typeof definition.family !== 'string' || !definition.family) {
    throw inputError(input, path, 'a task definition needs a "family"');
  }
  return definition as TaskDefinitionDocument;
}

/**
 * The task definition ready to register: read-only fields dropped and, when given, the image of
 * `containerName` replaced by `image`. An unknown container is an error naming the containers there are.
 */
export function renderTaskDefinition(
  definition: object,
  containerName?: string,
  image?: string,
): RegisterTaskDefinitionCommandInput {
  const rendered: Record<string, unknown> = structuredClone(definition) as Record<string, unknown>;
  for (const field of READ_ONLY) delete rendered[field];
  if (containerName && image) {
    const containers = (rendered.containerDefinitions ?? []) as { name?: string; image?: string }[];
    const container = containers.find((c) => c.name === containerName);
    if (!container) {
      const names = containers.map((c) => c.name).join(', ') || 'none';
      throw new UserError(
        `Input 'container-name': ${JSON.stringify(containerName)} is not a container of the task definition (it has: ${names})`,
      );
    }
    container.image = image;
  }
  return rendered as unknown as RegisterTaskDefinitionCommandInput;
}

/** True when an image reference is pinned by digest. */
export function isPinned(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(image);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
