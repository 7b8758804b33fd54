import * as core from '@actions/core';
import { crypto } from './builtins.js';

/**
 * The one sink for every action's log lines. Text in them comes from data (an `.ics` event's summary,
 * stage and target names, pull request text, alarm reasons, AWS error messages), so it must never be read
 * by the runner as a workflow command (`::add-mask::`, `::stop-commands::`, `##[set-output]`...).
 *
 * How the runner reads a step's output (actions/runner ActionCommandManager and ActionCommand): line by
 * line, split at CR, LF or CRLF; a line is a command when, after .NET's TrimStart, it starts with `::` and
 * a registered command name (the V2 form), or when it contains `##[` followed by a registered name anywhere
 * (the V1 form). Commands issued by @actions/core (`::warning::`, `::error::`, `::debug::`, `::group::`)
 * escape their data (`%`, CR and LF become `%25`, `%0D`, `%0A`), so their text stays one line and is never
 * parsed again. Only plain lines (`core.info`, stdout) can carry a command; those that could are written
 * between `::stop-commands::<random token>` and `::<token>::`, the runner's own mechanism for printing
 * untrusted text, so the text appears exactly as it is.
 */

/** Line breaks as the runner splits output, plus the Unicode ones, so no line is missed. */
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/;
/** What .NET's TrimStart removes (Unicode white space, including U+0085 that JS's `\s` lacks), and more. */
const LEADING_SPACE = /^[\s\u0085\u180e\u200b\ufeff]*/;

/** Whether the runner could read any line of `text` as a workflow command. */
export function couldBeCommand(text: string): boolean {
  return text.split(LINE_BREAK).some((line) => {
    return line.replace(LEADING_SPACE, '').startsWith('::') || line.includes('##[');
  });
}

/**
 * `text` ready to print as plain output: unchanged when no line could be a command, else wrapped in
 * stop-commands with a fresh token that the text does not contain.
 */
export function commandSafe(text: string): string {
  if (!couldBeCommand(text)) return text;
  let token: string;
  do token = `safe-deploy-${crypto().randomBytes(16).toString('hex')}`;
  while (text.includes(token));
  // The resume command must be a line of its own: text that ends a line keeps ending one after it.
  const ends = text.endsWith('\n');
  return `::stop-commands::${token}\n${ends ? text : `${text}\n`}::${token}::${ends ? '\n' : ''}`;
}

/** A line a person follows in the log. */
export function info(message: string): void {
  core.info(commandSafe(String(message)));
}

/** An annotation-level warning; @actions/core escapes its text into one command line. */
export function warning(message: string): void {
  core.warning(String(message));
}

/** An error annotation (not failing the step). */
export function error(message: string): void {
  core.error(String(message));
}

/** A notice annotation. */
export function notice(message: string): void {
  core.notice(String(message));
}

/** Detail shown with RUNNER_DEBUG=1 (never a secret: see `redact`). */
export function debug(message: string): void {
  core.debug(String(message));
}

/** Runs `run` inside a collapsible log group titled `name`. */
export function group<T>(name: string, run: () => Promise<T>): Promise<T> {
  return core.group(String(name), run);
}

/** Fails the step with `message`. */
export function setFailed(message: string): void {
  core.setFailed(String(message));
}

/**
 * For output that is not a GitHub Actions log (the CLI): plain text outside a runner, made command-safe
 * inside one (`GITHUB_ACTIONS=true`, as when a workflow step runs `npx safe-deploy plan`).
 */
export function plainOutput(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.GITHUB_ACTIONS === 'true' ? commandSafe(text) : text;
}

/** Masks `value` in the job log from now on (the runner prints `***` instead); empty values are skipped. */
export function registerSecret(value: string | undefined): void {
  if (!value || !value.trim() || registered.has(value)) return;
  registered.add(value);
  core.setSecret(value);
}

// One set per process, not per copy of this module: an action's start file and its full run each bundle
// their own copy (scripts/build.mjs), and a secret registered by the first is not registered again.
const REGISTERED = Symbol.for('safe-deploy.registered-secrets');
const registered: Set<string> = ((globalThis as { [REGISTERED]?: Set<string> })[REGISTERED] ??=
  new Set<string>());
