import type { ChildProcess } from 'node:child_process';

/** What a step run produced, read back the way the runner reads it. */
export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** State saved with `core.saveState`, as the post step receives it (`STATE_<name>`). */
  state: Record<string, string>;
  summary: string;
  /** `::error::` and `::warning::` annotations. */
  errors: string[];
  warnings: string[];
}

export interface RunOptions {
  /** Action inputs by name (`task-definition`), passed as `INPUT_TASK-DEFINITION` like the runner. */
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** State from an earlier step, for post steps. */
  state?: Record<string, string>;
  /** The webhook event payload written to `GITHUB_EVENT_PATH`. */
  event?: unknown;
  cwd?: string;
  /** Signal to send once stdout contains this text (e.g. to cancel mid-step). */
  signalWhen?: { text: string; signal: NodeJS.Signals };
  /** Called with each chunk of stdout as it arrives. */
  onStdout?(chunk: string): void;
  /** Called with the child process once it started. */
  onStart?(child: ChildProcess): void;
  timeoutMs?: number;
}

export function node24(): string;
export function distDir(): string;
export function cliBin(): string;
export function entryFile(bundle: string): string;
export function runAction(bundle: string, options?: RunOptions): Promise<ActionRun>;
export function parseFileCommand(text: string): Record<string, string>;
