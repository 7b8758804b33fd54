import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, UserError } from './errors.js';
import { plainOutput } from './log.js';
import { packageRoot } from './cli/action-inputs.js';
import { ExitCode, type CliCommand, type CliContext } from './cli/context.js';
import { deployCommand } from './cli/deploy.js';
import { gateCommand } from './cli/gate.js';
import { planCommand } from './cli/plan.js';
import { queueCommand } from './cli/queue.js';
import { schemaCommand } from './cli/schema.js';
import { abortCommand, promoteCommand, rollbackCommand, statusCommand } from './cli/control.js';
import type { CliIO } from './cli/terminal.js';

/**
 * The commands of `safe-deploy`, in the order `--help` lists them. A new command is a file in src/cli/
 * exporting a CliCommand, added here (status, promote, abort, rollback go after deploy).
 */
export const COMMANDS: readonly CliCommand[] = [
  planCommand,
  deployCommand,
  statusCommand,
  promoteCommand,
  abortCommand,
  rollbackCommand,
  gateCommand,
  queueCommand,
  schemaCommand,
];

const EXIT_CODES = `
Exit codes:
  0  deployed, dry run done, gate open, plan, queue or schema printed
  1  the deploy failed or rolled back; the gate is closed
  2  usage or bad input: an unknown flag, a missing or invalid value (nothing was changed)
  3  blocked: an alarm was already in ALARM, so the deploy did not start (nothing was changed)
`;

const USAGE = '  2  usage or bad input: an unknown flag, a missing or invalid value (nothing was changed)';

/** Each command's exit codes, under its own help; a command with none to tell (schema) has no footer. */
const COMMAND_EXIT_CODES: Record<string, readonly string[]> = {
  deploy: [
    '  0  deployed, or the dry run done',
    '  1  the deploy failed or rolled back (traffic is back on blue)',
    USAGE,
    '  3  blocked: an alarm was already in ALARM, so the deploy did not start (nothing was changed)',
  ],
  gate: ['  0  open (or closed with --on-closed skip)', '  1  closed', USAGE],
  plan: ['  0  the plan printed', '  2  usage, or a bad pipeline file (every problem is listed)'],
  status: ['  0  the state printed', '  1  AWS could not be read', USAGE],
  promote: [
    '  0  the job answered the request (or --wait 0s: the request was written)',
    '  1  no answer within --wait, or the job ignored it',
    USAGE,
  ],
  abort: [
    '  0  the job answered, or, its job being dead, the deploy was rolled back here',
    '  1  no answer within --wait, the job ignored it, or the takeover did not roll back',
    USAGE,
  ],
  rollback: ['  0  the kept release is back (or the dry run done)', '  1  it could not come back', USAGE],
  queue: ['  0  the queue printed', '  1  GitHub could not be read', USAGE],
};

/** Runs the CLI on `argv` (without `node` and the script); returns the exit code. */
export async function main(
  argv: readonly string[],
  stdout: (text: string) => void = (t) => void process.stdout.write(t),
  stderr: (text: string) => void = (t) => void process.stderr.write(t),
): Promise<number> {
  let code: number = ExitCode.ok;
  const context: CliContext = {
    streams: (json): CliIO => ({
      out: stdout,
      log: json ? stderr : stdout,
      logIsTerminal: Boolean(json ? process.stderr.isTTY : process.stdout.isTTY),
    }),
    exit: (value) => (code = value),
  };
  const program = new Command('safe-deploy')
    .description('Safe blue/green deploys to Amazon ECS, the same code as the GitHub actions')
    .version(packageVersion(), '-V, --version')
    .addHelpText('after', EXIT_CODES)
    // A mistake gets the error, commander's "did you mean", and one line pointing at --help: the whole
    // usage under it would scroll the error away.
    .showHelpAfterError("Run 'safe-deploy --help' for the commands.")
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr });
  for (const command of COMMANDS) command(program, context);
  // `help <command>` works as `<command> --help`; each help ends with the exit codes that command has.
  for (const command of program.commands) {
    command.showHelpAfterError(`Run 'safe-deploy ${command.name()} --help' for its options.`);
    const codes = COMMAND_EXIT_CODES[command.name()];
    if (codes) command.addHelpText('after', `\nExit codes:\n${codes.join('\n')}\n`);
  }
  // With --json, stdout is JSON whatever happens: an error too, as {"error", "exit-code"}.
  const json = argv.includes('--json');
  const fail = (exitCode: number, message: string): number => {
    if (json) stdout(`${JSON.stringify({ error: message, 'exit-code': exitCode }, null, 2)}\n`);
    return exitCode;
  };

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with 0; everything else commander refuses is a usage error.
      if (error.exitCode === 0) return ExitCode.ok;
      return fail(ExitCode.usage, error.message.replace(/^error: /, ''));
    }
    if (error instanceof UserError) {
      stderr(`safe-deploy: ${describeError(error)}\n`);
      return fail(ExitCode.usage, describeError(error));
    }
    stderr(`safe-deploy: ${describeError(error)}\n`);
    if (error instanceof Error && error.stack && process.env.RUNNER_DEBUG === '1') stderr(`${error.stack}\n`);
    return fail(ExitCode.failed, describeError(error));
  }
}

/** The `safe-deploy` executable: runs `main` and ends the process with its exit code. */
export async function cli(argv: readonly string[]): Promise<void> {
  // Captured before a command reroutes @actions/core's output (src/cli/terminal.ts).
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  // A reader that stops early (`safe-deploy gate --help | head`) closes the pipe: end quietly, as a
  // shell tool does, instead of crashing on EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  // In a workflow step the runner reads workflow commands from both streams: data never becomes one.
  process.exitCode = await main(
    argv,
    (t) => void stdout(plainOutput(t)),
    (t) => void stderr(plainOutput(t)),
  );
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}
