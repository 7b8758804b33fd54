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
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr });
  for (const command of COMMANDS) command(program, context);
  // Each command's help ends with the exit codes too; `help <command>` works as `<command> --help`.
  for (const command of program.commands) command.addHelpText('after', EXIT_CODES);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with 0; everything else commander refuses is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UserError) {
      stderr(`safe-deploy: ${describeError(error)}\n`);
      return ExitCode.usage;
    }
    stderr(`safe-deploy: ${describeError(error)}\n`);
    if (error instanceof Error && error.stack && process.env.RUNNER_DEBUG === '1') stderr(`${error.stack}\n`);
    return ExitCode.failed;
  }
}

/** The `safe-deploy` executable: runs `main` and ends the process with its exit code. */
export async function cli(argv: readonly string[]): Promise<void> {
  // Captured before a command reroutes @actions/core's output (src/cli/terminal.ts).
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
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
