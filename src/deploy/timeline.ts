import type { AlarmStateValue } from '../aws/cloudwatch.js';
import type { Phase, ReleaseTaskOutcome, TimelineEntry } from '../report/model.js';

/**
 * Appends a timeline entry. A bare phase entry followed within a second by what happened in that phase
 * reads as one row, so the table does not fill with "entered phase" lines.
 */
export function appendEntry(entries: TimelineEntry[], entry: TimelineEntry): void {
  const last = entries.at(-1);
  if (
    last &&
    last.note === undefined &&
    last.phase === entry.phase &&
    Date.parse(entry.at) - Date.parse(last.at) < 1000
  ) {
    entries.pop();
  }
  entries.push(entry);
}

/**
 * The deploy's moments: each phase entered, each traffic move, each alarm change, with green's share. A
 * record for the report only: no decision reads it back.
 */
export class Timeline {
  readonly entries: TimelineEntry[] = [];
  /** How the release task ended, when one ran (the summary shows its exit code). */
  releaseTask: ReleaseTaskOutcome | undefined;
  private current: Phase = 'validate';
  private share = 0;

  constructor(
    private readonly now: () => number,
    /** The watched alarms that are not OK right now. */
    private readonly alarms: () => Record<string, AlarmStateValue>,
  ) {}

  get phase(): Phase {
    return this.current;
  }

  enter(phase: Phase): void {
    this.current = phase;
    this.mark();
  }

  /** Records green's new share of production traffic (the lifecycle's `GreenShare` decides with it). */
  moved(percent: number, note: string): void {
    this.share = percent;
    this.mark(note);
  }

  /** Records a moment; `extra` carries what the report marks on it (a failed comparison). */
  mark(note?: string, extra: Pick<TimelineEntry, 'comparison'> = {}): void {
    appendEntry(this.entries, {
      at: new Date(this.now()).toISOString(),
      phase: this.current,
      traffic: this.share,
      alarms: this.alarms(),
      ...(note ? { note } : {}),
      ...extra,
    });
  }
}
