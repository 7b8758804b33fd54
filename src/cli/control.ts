import type { Command } from 'commander';
import { ExitCode, type CliCommand } from './context.js';

/**
 * `safe-deploy status | promote | abort | rollback`: act on a live deploy of a service through AWS alone
 * (docs/operating.md). The work is in src/control/; this file only declares the options.
 */
type Name = 'status' | 'promote' | 'abort' | 'rollback';

const DESCRIPTIONS: Record<Name, string> = {
  status:
    'Show the live deploy of a service (run, commit, phase, step, traffic, alarms, time left) and the kept release, read from AWS',
  promote: "End the hold or N%:pause step the running deploy is in; waits for the job's answer",
  abort:
    'Roll the running deploy back now; when its job is dead (no heartbeat for 3 minutes) and does not answer, roll it back here',
  rollback:
    'Bring back the release kept by keep-previous: scale it up, wait until steady, move all traffic to it, remove the newer one',
};

function controlCommand(name: Name): CliCommand {
  return (program: Command, context) => {
    const command = program
      .command(name)
      .description(DESCRIPTIONS[name])
      .requiredOption('--cluster <name>', 'ECS cluster name or ARN')
      .requiredOption('--service <name>', 'ECS service name or ARN');
    if (name !== 'rollback') command.option('--json', 'print the result as JSON');
    if (name === 'promote' || name === 'abort') {
      command.option('--wait <duration>', "how long to wait for the job's answer (0s: do not wait)", '60s');
    }
    if (name === 'rollback') {
      command
        .option('--stabilize-timeout <duration>', 'how long the kept release may take to steady', '10m')
        .option('--poll-interval <duration>', 'how often to read it meanwhile', '5s')
        .option('--dry-run', 'check and say what would happen; change nothing');
    }
    command.action(async (options: Record<string, string | boolean | undefined>) => {
      const io = context.streams(Boolean(options.json));
      const flags: Record<string, string> = {};
      for (const [key, value] of Object.entries(options)) {
        if (value === undefined || value === false) continue;
        // commander camel-cases flags; the control commands take them as spelled on the command line.
        flags[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)] = String(value);
      }
      const { runControlCommand } = await import('../control/cli.js');
      const code = await runControlCommand(name, flags, (text) => io.out(text));
      context.exit(code === 0 ? ExitCode.ok : ExitCode.failed);
    });
  };
}

export const statusCommand = controlCommand('status');
export const promoteCommand = controlCommand('promote');
export const abortCommand = controlCommand('abort');
export const rollbackCommand = controlCommand('rollback');
