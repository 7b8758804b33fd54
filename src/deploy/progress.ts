import type { AlarmStateValue } from '../aws/cloudwatch.js';

/** Where a hold (a traffic step, a bake, a wait for green) stands, after each poll of its alarms. */
export interface HoldProgress {
  /** What is being waited for: `step 1/3: 10%`, `bake`, `waiting for green to be steady`. */
  label: string;
  elapsedMs: number;
  /** How long the hold lasts at the least; undefined when it ends on a condition alone. */
  totalMs?: number;
  /** How many alarms are watched, and those not OK by the last read. */
  watched: number;
  notOk: Record<string, AlarmStateValue>;
  /** What else the hold waits for (requests served, a pause), as the engine's progress lines say. */
  note: string;
}
