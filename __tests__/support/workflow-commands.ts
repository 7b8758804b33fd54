/** A workflow command the runner would act on. */
export interface WorkflowCommand {
  name: string;
  data: string;
  /** The line of the output it was read from. */
  line?: number;
}

// The commands the runner registers (actions/runner ActionCommandManager and its extensions).
const REGISTERED = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
];

/**
 * Reads a step's output the way the GitHub runner does (actions/runner ActionCommand.TryParseV2 and
 * TryParse, ActionCommandManager.TryProcessCommand): line by line at CR, LF or CRLF; `::name ...::data`
 * after leading white space, or `##[name ...]data` anywhere in the line; `::stop-commands::token` ignores
 * every command until `::token::`. Returns the commands it would act on, stop and resume included.
 */
export function runnerCommands(stdout: string): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  for (const [index, line] of stdout.split(/\r\n|\r|\n/).entries()) {
    const parsed = parse(line, stopToken ? [...REGISTERED, stopToken] : REGISTERED);
    if (!parsed) continue;
    const command = { ...parsed, line: index };
    if (stopToken) {
      if (command.name.toLowerCase() === stopToken.toLowerCase()) {
        found.push(command);
        stopToken = undefined;
      }
      continue;
    }
    found.push(command);
    if (command.name === 'stop-commands') stopToken = command.data;
  }
  return found;
}

/** What the log shows: the output without the lines the runner took as stop and resume commands. */
export function shownText(stdout: string): string {
  const hidden = new Set(
    runnerCommands(stdout)
      .filter((c) => c.name === 'stop-commands' || c.name.startsWith('safe-deploy-'))
      .map((c) => c.line),
  );
  return stdout
    .split(/\r\n|\r|\n/)
    .filter((_, index) => !hidden.has(index))
    .join('\n');
}

function parse(line: string, registered: readonly string[]): WorkflowCommand | undefined {
  const known = (name: string) => registered.some((r) => r.toLowerCase() === name.toLowerCase());
  // .NET's TrimStart: Unicode white space, U+0085 included.
  const trimmed = line.replace(/^[\s\u0085]+/, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const name = info.split(' ')[0]!;
      if (known(name)) return { name, data: unescapeData(trimmed.slice(end + 2)) };
    }
  }
  const prefix = line.indexOf('##[');
  if (prefix >= 0) {
    const close = line.indexOf(']', prefix);
    if (close >= 0) {
      const name = line.slice(prefix + 3, close).split(' ')[0]!;
      if (known(name)) return { name, data: line.slice(close + 1) };
    }
  }
  return undefined;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
