import type { Command } from 'commander';
import type { CliIO } from './terminal.js';

/**
 * Exit codes, the same for every command (docs/cli.md, "The command line"):
 * 0 deployed, dry run done, gate open; 1 failed or rolled back, gate closed; 2 usage or bad input,
 * nothing changed; 3 blocked: an alarm was already in ALARM, nothing changed (try again later).
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, blocked: 3 } as const;

/** What a command gets from the program: where to write, and how to end. */
export interface CliContext {
  /** Output for one run: the result on `out`, logs on `log` (stderr when `json`, so stdout stays JSON). */
  streams(json: boolean): CliIO;
  /** Sets the exit code the process ends with. */
  exit(code: number): void;
}

/** A command: adds itself (name, arguments, options, help, action) to the program. */
export type CliCommand = (program: Command, context: CliContext) => void;
