import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parse } from 'yaml';

/** One input of an action.yml, as the CLI offers it: `--<name>`. */
export interface ActionInput {
  name: string;
  description: string;
  default?: string;
  boolean: boolean;
}

/**
 * The package root (the folder with the root action.yml): the CLI takes each action's inputs from its
 * action.yml, so a flag is an input and a new input is a flag, with nothing to keep in step.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'action.yml')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`action.yml not found above ${from}`);
  }
}

/** The inputs of the action in `folder` ('' for the deploy action at the root). */
export function readActionInputs(folder: string, root: string = packageRoot()): ActionInput[] {
  const action = parse(readFileSync(join(root, folder, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { description?: string; default?: string | boolean }>;
  };
  return Object.entries(action.inputs ?? {}).map(([name, input]) => {
    const fallback = input.default === undefined ? undefined : String(input.default);
    return {
      name,
      // The whole description: cutting at the first full stop cut at "e.g." too.
      description: (input.description ?? '').replace(/\s+/g, ' ').trim(),
      ...(fallback !== undefined && !fallback.includes('${{') ? { default: fallback } : {}),
      boolean: fallback === 'true' || fallback === 'false',
    };
  });
}

/**
 * Adds every input as `--<name> <value>` (a true/false input also as a bare `--<name>`). Defaults are
 * shown, not applied: the action's own parser applies them, as on the runner.
 */
export function addInputOptions(command: Command, inputs: readonly ActionInput[]): Command {
  for (const input of inputs) {
    const option = new Option(`--${input.name} ${input.boolean ? '[value]' : '<value>'}`, input.description);
    if (input.default !== undefined) option.default(undefined, input.default || '""');
    // A second --alarms would silently replace the first: a deploy watching fewer alarms than meant.
    option.argParser((value: string, previous: unknown) => {
      if (previous !== undefined)
        throw new InvalidArgumentError('given twice: for a list, separate the items with commas');
      return value;
    });
    command.addOption(option);
  }
  return command;
}

/** The option values commander parsed, as action inputs by their action.yml names. */
export function inputValues(
  command: Command,
  inputs: readonly ActionInput[],
): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const input of inputs) {
    const option = command.options.find((o) => o.long === `--${input.name}`)!;
    const value: unknown = command.getOptionValue(option.attributeName());
    if (value !== undefined) values[input.name] = value === true ? 'true' : String(value);
  }
  return values;
}
