import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Plain output for a person at a terminal. @actions/core prints workflow commands (`::group::`,
 * `::warning::`, `::save-state::`…) whatever it runs in and has no switch to print plainly, so outside a
 * runner the CLI reads them back off its own stdout and writes what they mean in words.
 */

/** Where the CLI writes: results on `out`, logs on `log` (stderr with `--json`, so stdout stays JSON). */
export interface CliIO {
  out(text: string): void;
  log(text: string): void;
  /** True when `log` goes to a terminal (a progress line can be redrawn in place there). */
  logIsTerminal?: boolean;
}

/** True inside a GitHub Actions step, where workflow commands are what the runner reads. */
export function inRunner(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** Turns a stream of @actions/core output into plain lines; `debug` lines only when asked for. */
export class PlainCommands {
  private buffer = '';
  private stopToken: string | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly debug = false,
  ) {}

  /** Takes any chunk of output; whole lines are translated, a partial line waits for its end. */
  push(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      const text = this.translate(line);
      if (text !== undefined) this.write(`${text}\n`);
    }
  }

  /** Writes out a last line that had no newline. */
  flush(): void {
    if (this.buffer) this.push('\n');
  }

  private translate(line: string): string | undefined {
    if (this.stopToken !== undefined) {
      // Between ::stop-commands::T and ::T:: nothing is a command (as on the runner).
      if (line === `::${this.stopToken}::`) {
        this.stopToken = undefined;
        return undefined;
      }
      return line;
    }
    const match = /^::([a-z][a-z-]*)(?: ([^:]*))?::(.*)$/s.exec(line);
    if (!match) return line;
    const [, command, , data = ''] = match;
    const message = unescape(data);
    switch (command) {
      case 'group':
        return `\n== ${message}`;
      case 'endgroup':
        return undefined;
      case 'warning':
      case 'error':
      case 'notice':
        return `${command}: ${message}`;
      case 'debug':
        return this.debug ? `debug: ${message}` : undefined;
      case 'stop-commands':
        this.stopToken = data;
        return undefined;
      // Masks, state and outputs mean nothing at a terminal (and a mask must not print its secret).
      case 'add-mask':
      case 'save-state':
      case 'set-output':
      case 'echo':
        return undefined;
      default:
        return line;
    }
  }
}

/** @actions/core's escaping of command data (%, CR, LF), undone. */
function unescape(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/**
 * Routes @actions/core's output for one command run outside a runner: workflow commands become plain
 * text on `io.log`, and outputs and state go to scratch files (read back with `readOutputs`) instead of
 * being printed. Returns a function that undoes it.
 */
export function plainTerminal(io: CliIO, env: NodeJS.ProcessEnv = process.env): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-cli-'));
  const saved: Record<string, string | undefined> = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE']) {
    saved[name] = env[name];
    const file = join(dir, name.toLowerCase());
    writeFileSync(file, '');
    env[name] = file;
  }
  const plain = new PlainCommands((text) => io.log(text), env.RUNNER_DEBUG === '1');
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    plain.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    plain.flush();
    process.stdout.write = original;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  };
}

/** The outputs a step set (`core.setOutput`) when GITHUB_OUTPUT is a file, by name. */
export function readOutputs(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = env.GITHUB_OUTPUT;
  if (!file) return {};
  const values: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (!heredoc) continue;
    const body: string[] = [];
    while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
    values[heredoc[1]!] = body.join('\n');
  }
  return values;
}
