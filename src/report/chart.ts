import { formatDuration } from '../duration.js';
import type { AlarmStateValue, TimelineEntry } from './model.js';

/**
 * Green's traffic share over time, drawn two ways: a fixed-width text chart (renders in any summary,
 * log or terminal) and a Mermaid `xychart-beta` (drawn by GitHub where Mermaid renders). Both mark when
 * a watched alarm left or returned to OK.
 */

/** A watched alarm changing state, `offsetMs` after the deploy started. */
export interface AlarmChange {
  offsetMs: number;
  alarm: string;
  from: AlarmStateValue;
  to: AlarmStateValue;
  /** Already in this state when the deploy started (the first timeline entry). */
  atStart: boolean;
}

/** The time span the charts cover: from the deploy's start to its end (or its last event). */
export interface ChartSpan {
  startMs: number;
  endMs: number;
}

const WIDTH = 60;
/** Columns before the plot: the percent label and the axis. */
const PREFIX = 5;
const LEVELS = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10];
const MERMAID_SAMPLES = 30;

/** Alarm state changes, read from consecutive timeline entries (an alarm absent from `alarms` is OK). */
export function alarmChanges(timeline: readonly TimelineEntry[], startMs: number): AlarmChange[] {
  const changes: AlarmChange[] = [];
  let previous: Record<string, AlarmStateValue> = {};
  for (const [index, entry] of ordered(timeline).entries()) {
    const names = new Set([...Object.keys(previous), ...Object.keys(entry.alarms)]);
    for (const alarm of [...names].sort()) {
      const from = previous[alarm] ?? 'OK';
      const to = entry.alarms[alarm] ?? 'OK';
      if (from !== to) {
        changes.push({ offsetMs: Date.parse(entry.at) - startMs, alarm, from, to, atStart: index === 0 });
      }
    }
    previous = entry.alarms;
  }
  return changes;
}

/** The marker drawn under the chart where a green-versus-blue comparison failed. */
export const COMPARISON_MARK = 'x';

/** Green-versus-blue comparisons that failed, `offsetMs` after the start, from the timeline. */
export function comparisonFailures(
  timeline: readonly TimelineEntry[],
  startMs: number,
): { offsetMs: number; comparison: string }[] {
  return ordered(timeline)
    .filter((e) => e.comparison !== undefined)
    .map((e) => ({ offsetMs: Date.parse(e.at) - startMs, comparison: e.comparison! }));
}

/** The marker drawn under the chart for a change: `!` into ALARM, `?` into INSUFFICIENT_DATA, `o` back to OK. */
export function changeMarker(change: AlarmChange): string {
  if (change.to === 'ALARM') return '!';
  if (change.to === 'INSUFFICIENT_DATA') return '?';
  return 'o';
}

/** One line per alarm change: "! +6m12s  api-5xx OK → ALARM", or "! +0s  api-5xx already ALARM at start". */
export function describeAlarmChanges(changes: readonly AlarmChange[]): string[] {
  return changes.map((c) => {
    const what = c.atStart ? `already ${c.to} at start` : `${c.from} → ${c.to}`;
    return `${changeMarker(c)} +${formatDuration(c.offsetMs)}  ${c.alarm} ${what}`;
  });
}

/**
 * A fixed-width area chart of green's traffic share: rows are 10% bands drawn in eighths, so 1%, 5% and
 * 10% stand at their own heights; columns are equal slices of the deploy, and the line under the axis
 * marks alarm changes. Hand-drawn because a chart library would
 * add a heavy dependency to the bundle for sixty columns of text.
 */
export function textTrafficChart(timeline: readonly TimelineEntry[], span: ChartSpan): string {
  const entries = ordered(timeline);
  const duration = spanMs(entries, span);
  const columnAt = (i: number): number => span.startMs + (duration * i) / (WIDTH - 1);
  const values = Array.from({ length: WIDTH }, (_, i) =>
    i === WIDTH - 1
      ? valueAt(entries, columnAt(i), (e) => e.traffic)
      : windowMax(entries, i === 0 ? -Infinity : columnAt(i - 1), columnAt(i), (e) => e.traffic),
  );

  const lines: string[] = [];
  for (const level of LEVELS) {
    const row = values.map((v) => cellAt(v, level)).join('');
    lines.push(`${String(level).padStart(3)} ┤${row}`.trimEnd());
  }
  lines.push(`  0 └${'─'.repeat(WIDTH)}`);

  const changes = alarmChanges(entries, span.startMs);
  const failures = comparisonFailures(entries, span.startMs);
  const rollback = rollbackStart(entries, span.startMs);
  if (changes.length > 0 || failures.length > 0 || rollback !== undefined) {
    const marks = Array.from({ length: WIDTH }, () => ' ');
    for (const change of changes) {
      const column = columnOf(change.offsetMs, duration);
      // Where two changes share a column, an alarm firing matters more than one clearing.
      if (marks[column] !== '!') marks[column] = changeMarker(change);
    }
    // A failed comparison is the reason for the rollback that follows: its mark wins its column.
    for (const failure of failures) marks[columnOf(failure.offsetMs, duration)] = COMPARISON_MARK;
    // The rollback follows its cause: beside the cause's mark when they share a column.
    if (rollback !== undefined) {
      const free = marks.indexOf(' ', columnOf(rollback, duration));
      if (free >= 0) marks[free] = ROLLBACK_MARK;
    }
    lines.push(`${' '.repeat(PREFIX)}${marks.join('')}`.trimEnd());
  }
  lines.push(axisLabels(duration));
  return lines.join('\n');
}

/**
 * The same chart as a Mermaid `xychart-beta`: a line for green's share and, when any alarm left OK,
 * bars at 100 for the moments a watched alarm was not OK. The x-axis labels are the times of day (UTC)
 * of the samples, at least a second apart so no two read the same; the last sample is the share at the
 * end, so a rollback shows as the line dropping to 0.
 */
export function mermaidTrafficChart(timeline: readonly TimelineEntry[], span: ChartSpan): string {
  const entries = ordered(timeline);
  const duration = spanMs(entries, span);
  const samples = Math.max(2, Math.min(MERMAID_SAMPLES, Math.floor(duration / 1000) + 1));
  const at = (i: number): number => span.startMs + (duration * i) / (samples - 1);
  const labels: string[] = [];
  const traffic: number[] = [];
  const alarms: number[] = [];
  const notOk = (e: TimelineEntry): number => (Object.keys(e.alarms).length > 0 ? 100 : 0);
  for (let i = 0; i < samples; i++) {
    const from = i === 0 ? -Infinity : at(i - 1);
    labels.push(clockTime(at(i)));
    const last = i === samples - 1;
    traffic.push(
      last ? valueAt(entries, at(i), (e) => e.traffic) : windowMax(entries, from, at(i), (e) => e.traffic),
    );
    alarms.push(last ? valueAt(entries, at(i), notOk) : windowMax(entries, from, at(i), notOk));
  }
  const lines = [
    'xychart-beta',
    `    title "Green's share of production traffic"`,
    `    x-axis "time (UTC)" [${labels.map((l) => `"${l}"`).join(', ')}]`,
    '    y-axis "green %" 0 --> 100',
  ];
  if (alarms.some((a) => a > 0)) lines.push(`    bar [${alarms.join(', ')}]`);
  lines.push(`    line [${traffic.join(', ')}]`);
  return lines.join('\n');
}

/** The marker drawn under the chart where the rollback began. */
export const ROLLBACK_MARK = 'R';

/** When the deploy entered its rollback, `offsetMs` after the start; undefined when it did not. */
export function rollbackStart(timeline: readonly TimelineEntry[], startMs: number): number | undefined {
  const entry = ordered(timeline).find((e) => e.phase === 'rollback');
  return entry ? Date.parse(entry.at) - startMs : undefined;
}

/** True when green took any production traffic, i.e. there is something to chart. */
export function trafficMoved(timeline: readonly TimelineEntry[]): boolean {
  return timeline.some((e) => e.traffic > 0);
}

function ordered(timeline: readonly TimelineEntry[]): TimelineEntry[] {
  return [...timeline].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function spanMs(entries: readonly TimelineEntry[], span: ChartSpan): number {
  const last = entries.at(-1);
  const end = Math.max(span.endMs, last ? Date.parse(last.at) : span.endMs);
  return Math.max(1, end - span.startMs);
}

/**
 * The highest value in effect during (from, to]: the value holding at `to`, and every value set inside
 * the window, so a short canary step or an alarm blip shows up even when it falls between two columns.
 */
/** The value in effect at `to`: the last entry's at or before it (0 before the first). */
function valueAt(
  entries: readonly TimelineEntry[],
  to: number,
  value: (entry: TimelineEntry) => number,
): number {
  let atEnd = 0;
  for (const entry of entries) if (Date.parse(entry.at) <= to) atEnd = value(entry);
  return atEnd;
}

/** HH:MM:SS of a moment, in UTC (the time the runner's log shows beside each line). */
function clockTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(11, 19);
}

function windowMax(
  entries: readonly TimelineEntry[],
  from: number,
  to: number,
  value: (entry: TimelineEntry) => number,
): number {
  let atEnd = 0;
  let max = 0;
  for (const entry of entries) {
    const t = Date.parse(entry.at);
    if (t <= to) atEnd = value(entry);
    if (t > from && t <= to) max = Math.max(max, value(entry));
  }
  return Math.max(max, atEnd);
}

/** Eighths of a cell, from the bottom: a band holds 10%, so each step is 1.25%. */
const EIGHTHS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * The cell of the band (level-10, level] for a share: full when the share fills the band, a partial block
 * as high as the part of the band it fills (1% is the lowest eighth, 5% half a band), blank below it.
 */
function cellAt(value: number, level: number): string {
  const fraction = (value - (level - 10)) / 10;
  if (fraction <= 0) return ' ';
  return EIGHTHS[Math.min(EIGHTHS.length, Math.ceil(fraction * EIGHTHS.length)) - 1]!;
}

function columnOf(offsetMs: number, duration: number): number {
  return Math.min(WIDTH - 1, Math.max(0, Math.round((offsetMs / duration) * (WIDTH - 1))));
}

/** Offsets under the axis at the start, quarters and end, skipping any that would overlap. */
function axisLabels(duration: number): string {
  const line = Array.from({ length: PREFIX + WIDTH + 4 }, () => ' ');
  let free = 0;
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const label = formatDuration(duration * fraction);
    const centre = PREFIX + columnOf(duration * fraction, duration);
    const start = Math.min(
      Math.max(centre - Math.floor(label.length / 2), PREFIX),
      line.length - label.length,
    );
    if (start < free) continue;
    for (let i = 0; i < label.length; i++) line[start + i] = label[i]!;
    free = start + label.length + 1;
  }
  return line.join('').trimEnd();
}
