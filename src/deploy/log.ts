import type { HoldProgress } from './progress.js';

/** Where a deploy writes what a user follows: grouped per phase in the action, plain on the CLI. */
export interface DeployLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  group<T>(name: string, run: () => Promise<T>): Promise<T>;
  /** After each poll of a hold, where it stands (the CLI's progress line); optional. */
  progress?(hold: HoldProgress): void;
}
