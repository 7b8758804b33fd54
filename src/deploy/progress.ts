import type { AlarmStateValue } from '../aws/cloudwatch.js';
import { formatDuration } from '../duration.js';
import type { Phase } from '../report/model.js';

/** Where a hold (a traffic step, a bake, a wait for green) stands, after each poll of its alarms. */
export interface HoldProgress {
  /** When this was taken (epoch ms). */
  at: number;
  /** The deploy's phase and green's share of production traffic (0-100), as the timeline has them. */
  phase: Phase;
  traffic: number;
  /** What is being waited for: `step 1/3: 10%`, `bake`, `waiting for green to be steady`. */
  label: string;
  elapsedMs: number;
  /** How long the hold lasts at the least; undefined when it ends on a condition alone. */
  totalMs?: number;
  /** How many alarms are watched, and those not OK by the last read. */
  watched: number;
  notOk: Record<string, AlarmStateValue>;
  /** The green-versus-blue comparisons' last states (`error-rate pass`), when there are any. */
  comparisons?: string[];
  /** What else the hold waits for (requests served, a pause), as the engine's progress lines say. */
  note: string;
}

/** In a log that cannot redraw (the Actions log, a pipe), a progress line at least this often. */
export const PROGRESS_EVERY_MS = 30_000;
/** A wait reports where it stands at least this often (every poll, and between polls further apart). */
export const REPORT_EVERY_MS = 10_000;

/**
 * One line saying where a wait stands: phase and what is waited for, green's share, how long is left,
 * the alarms, the comparisons. The same text in the Actions log and on the terminal's progress line.
 */
export function describeHold(hold: HoldProgress): string {
  const parts = [hold.label.startsWith(hold.phase) ? hold.label : `${hold.phase}: ${hold.label}`];
  parts.push(`green ${hold.traffic}%`);
  if (hold.totalMs !== undefined) {
    // A hold begins a moment after its caller set its end (a 2 s bake lasts 1,999 ms from the hold's
    // start): its length is shown to the nearest second, the time left rounded up and the time spent
    // down, so a 2 s bake starts at "0s of 2s, 2s left" and ends at "2s of 2s, 0s left".
    const second = 1000;
    const left = Math.ceil(Math.max(0, hold.totalMs - hold.elapsedMs) / second) * second;
    const total = Math.round(hold.totalMs / second) * second;
    parts.push(`${formatDuration(hold.elapsedMs)} of ${formatDuration(total)}, ${formatDuration(left)} left`);
  } else {
    parts.push(`${formatDuration(hold.elapsedMs)} so far`);
  }
  parts.push(describeAlarms(hold));
  if (hold.comparisons?.length) parts.push(hold.comparisons.join(', '));
  const note = hold.note.replace(/^[\s;,:-]+/, '').trim();
  if (note) parts.push(note);
  return parts.join(' · ');
}

function describeAlarms(hold: HoldProgress): string {
  const notOk = Object.entries(hold.notOk);
  const count = `${hold.watched} alarm${hold.watched === 1 ? '' : 's'}`;
  if (hold.watched === 0) return 'no alarms watched';
  if (notOk.length === 0) return `${count} OK`;
  return `${count}: ${notOk.map(([name, state]) => `${name} ${state}`).join(', ')}`;
}

/**
 * When a log that cannot redraw prints a progress line: at the first report of a wait, whenever what it
 * says changes (phase, wait, green's share, an alarm, a comparison, the note), and otherwise so that no
 * two lines are more than `everyMs` apart, so a person reading the log can tell a healthy hold from a
 * hung job. Reports come at least every `reportEveryMs`: a line is due once `everyMs - reportEveryMs`
 * passed, so the next report never misses `everyMs` (lines at every 20 s poll rather than at 30 s and a
 * poll that came a moment early, then 40 s). Times alone changing is no change. Decides only.
 */
export class ProgressCadence {
  private last: { at: number; key: string } | undefined;

  constructor(
    private readonly everyMs = PROGRESS_EVERY_MS,
    private readonly reportEveryMs = REPORT_EVERY_MS,
  ) {}

  /** True when `hold` should be printed now (and remembers that it was). */
  due(hold: HoldProgress): boolean {
    const key = JSON.stringify([
      hold.phase,
      hold.label,
      hold.traffic,
      hold.totalMs,
      hold.watched,
      hold.notOk,
      hold.comparisons,
      hold.note,
    ]);
    const quiet = hold.at - (this.last?.at ?? -Infinity) < this.everyMs - this.reportEveryMs;
    if (this.last?.key === key && quiet) return false;
    this.last = { at: hold.at, key };
    return true;
  }
}

/** A `DeployLog.progress` for a log that cannot redraw: `print`s a line when the cadence says so. */
export function cadencedProgress(
  print: (line: string) => void,
  cadence = new ProgressCadence(),
): (hold: HoldProgress) => void {
  return (hold) => {
    if (cadence.due(hold)) print(describeHold(hold));
  };
}

/**
 * Progress lines for a wait with no alarm hold (a rollback waiting for ECS to start blue's tasks or
 * remove green): `rollback: <what it waits for> (<what AWS shows>) · <time> so far`, printed at the first
 * read, whenever what AWS shows changes, and otherwise at least every `everyMs`, so a person watching the
 * log can tell a slow rollback from a hung one. Returns the function each read calls.
 */
export function waitProgress(
  print: (line: string) => void,
  now: () => number,
  everyMs = PROGRESS_EVERY_MS,
): (waitingFor: string) => void {
  const began = now();
  let last: { at: number; text: string } | undefined;
  return (waitingFor) => {
    const at = now();
    if (last?.text === waitingFor && at - last.at < everyMs) return;
    last = { at, text: waitingFor };
    print(`rollback: ${waitingFor} · ${formatDuration(at - began)} so far`);
  };
}
