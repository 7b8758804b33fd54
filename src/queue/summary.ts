import type { QueueEntry } from './release.js';
import { queuedEntries, ReleasePayload, short } from './release.js';

/** What the gate's job summary and `safe-deploy queue` show of the queue. */

/** One queued release, as a person reads it. */
export interface QueueRow {
  environment: string;
  deployment: number;
  commit: string;
  since: string;
  run: string;
  /** The newest is the one that ships when the window opens; the others are superseded then. */
  next: boolean;
}

/** The queued releases, per environment, newest first; the first of each environment ships next. */
export function queueRows(entries: readonly QueueEntry[]): QueueRow[] {
  const seen = new Set<string>();
  return queuedEntries(entries).map((entry) => {
    const { deployment } = entry;
    const payload = ReleasePayload.safeParse(deployment.payload);
    const next = !seen.has(deployment.environment);
    seen.add(deployment.environment);
    return {
      environment: deployment.environment,
      deployment: deployment.id,
      commit: deployment.sha,
      since: entry.since,
      run: payload.success ? String(payload.data.runId) : '?',
      next,
    };
  });
}

/**
 * Markdown for a job summary: a table of what is queued, or a line saying nothing is. `time` writes an
 * ISO-8601 instant as the reader expects it (the gate: in its zone).
 */
export function queueMarkdown(
  rows: readonly QueueRow[],
  environment?: string,
  time: (iso: string) => string = (iso) => iso,
): string[] {
  const where = environment ? ` for ${environment}` : '';
  if (!rows.length) return [`Nothing is queued${where}.`];
  return [
    '| Environment | Release | Commit | Queued since | Run |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.environment} | ${r.deployment}${r.next ? ' (next)' : ''} | \`${short(r.commit)}\` | ${time(r.since)} | ${r.run} |`,
    ),
  ];
}

/** Plain text for a terminal: aligned columns, or a line saying nothing is queued. */
export function queueText(rows: readonly QueueRow[], environment?: string): string {
  const where = environment ? ` for ${environment}` : '';
  if (!rows.length) return `Nothing is queued${where}.\n`;
  const table = [
    ['environment', 'release', 'commit', 'queued since', 'run'],
    ...rows.map((r) => [
      r.environment,
      `${r.deployment}${r.next ? ' (next)' : ''}`,
      short(r.commit),
      r.since,
      r.run,
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return `${table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
