import { inputError, UserError } from '../../errors.js';
import { duration, optional, type InputReader } from '../../inputs.js';
import type { TaskDefinitionSource } from '../settings.js';

/** The release task's inputs: one task run with green's task definition before production traffic. */
export interface ReleaseTaskSettings {
  /** `release-task` as given, for the log and the summary. */
  text: string;
  /** The command that replaces the container's, as ECS runs it: no shell. */
  command: string[];
  /** `release-task-container`, when given; otherwise resolved from the task definition. */
  container: string | undefined;
  /** `release-task-timeout`: how long it may run before it is stopped and the deploy rolls back. */
  timeoutMs: number;
}

export const RELEASE_TASK = 'release-task';

// ECS starts the command without a shell (the container's ENTRYPOINT and this CMD): text that a shell would
// read otherwise is refused rather than passed on as literal arguments.
const SHELL_SYNTAX = /["'`\\$|&;<>(){}*?~#]/;

/** Parses `release-task`, `release-task-container` and `release-task-timeout`; undefined without a task. */
export function parseReleaseTask(read: InputReader): ReleaseTaskSettings | undefined {
  const text = optional(read, RELEASE_TASK);
  const container = optional(read, 'release-task-container');
  const timeoutText = optional(read, 'release-task-timeout');
  if (!text) {
    for (const [input, value] of [
      ['release-task-container', container],
      ['release-task-timeout', timeoutText],
    ] as const) {
      if (value) throw inputError(input, value, `it sets up the release task: give '${RELEASE_TASK}' too`);
    }
    return undefined;
  }
  const timeoutMs = duration(read, 'release-task-timeout', '10m');
  if (timeoutMs <= 0) throw inputError('release-task-timeout', timeoutText ?? '', 'must be longer than 0s');
  return { text, command: parseCommand(text), container, timeoutMs };
}

/** A JSON array of strings (`["bin/migrate", "--yes"]`), or words separated by spaces (`bin/migrate --yes`). */
function parseCommand(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string' && p)) {
      throw inputError(
        RELEASE_TASK,
        text,
        'expected a JSON array of strings such as ["bin/migrate", "--yes"]',
      );
    }
    return parsed as string[];
  }
  if (SHELL_SYNTAX.test(trimmed)) {
    throw inputError(
      RELEASE_TASK,
      text,
      'ECS runs the command without a shell, so quotes, variables, pipes and the like would not be read; ' +
        'give it as a JSON array (["bin/migrate", "--to", "latest"]), or ["sh", "-c", "…"] for a shell',
    );
  }
  return trimmed.split(/\s+/);
}

/**
 * The container whose command the release task replaces: `release-task-container`, else `container-name`,
 * else the task definition's only container. Throws a UserError naming the input otherwise.
 */
export function releaseContainer(
  release: ReleaseTaskSettings,
  source: TaskDefinitionSource,
  containers: { name?: string | undefined }[],
): string {
  const containerName = 'containerName' in source ? source.containerName : undefined;
  const names = containers.map((c) => c.name ?? '');
  const chosen = release.container ?? containerName ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw new UserError(
      `Input 'release-task-container' is needed: the task definition has ${names.length} containers ` +
        `(${names.join(', ')}); name the one whose command '${RELEASE_TASK}' replaces`,
    );
  }
  if (!names.includes(chosen)) {
    const input = release.container ? 'release-task-container' : 'container-name';
    throw inputError(input, chosen, `the task definition has no such container (it has ${names.join(', ')})`);
  }
  return chosen;
}

/** Refuses, before any change, a release task whose container the task definition does not settle. */
export function checkReleaseContainer(
  release: ReleaseTaskSettings | undefined,
  source: TaskDefinitionSource,
  definition: { containerDefinitions?: { name?: string | undefined }[] | undefined },
): void {
  if (release) releaseContainer(release, source, definition.containerDefinitions ?? []);
}
