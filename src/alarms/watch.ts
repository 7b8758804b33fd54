import type { AlarmState, AlarmStateValue, CloudWatchPort } from '../aws/cloudwatch.js';

/** A watched alarm crossed into a state that ends the deploy. */
export interface Breach {
  alarm: string;
  state: AlarmStateValue;
  reason: string;
}

/**
 * Watches a fixed set of alarms: one batched read per poll, the last known state of each, and the
 * first breach. INSUFFICIENT_DATA is a breach only when the user asked for that.
 */
export class AlarmWatch {
  private readonly states = new Map<string, AlarmState>();
  private readonly missing = new Set<string>();

  constructor(
    private readonly cloudwatch: CloudWatchPort,
    private readonly insufficientDataIsBreach: boolean,
  ) {}

  /** Reads the alarms and returns those whose state changed since the last read. */
  async read(names: readonly string[]): Promise<AlarmState[]> {
    if (names.length === 0) return [];
    const current = await this.cloudwatch.describeAlarms(names);
    const returned = new Set(current.map((alarm) => alarm.name));
    for (const name of names) {
      if (returned.has(name)) this.missing.delete(name);
      else this.missing.add(name);
    }
    const changed: AlarmState[] = [];
    for (const alarm of current) {
      const before = this.states.get(alarm.name);
      if (!before || before.state !== alarm.state) changed.push(alarm);
      this.states.set(alarm.name, alarm);
    }
    return changed;
  }

  /** The first of `names` in a breaching state, by the last read. */
  breach(names: readonly string[]): Breach | undefined {
    for (const name of names) {
      const alarm = this.states.get(name);
      if (!alarm) continue;
      if (alarm.state === 'ALARM' || (alarm.state === 'INSUFFICIENT_DATA' && this.insufficientDataIsBreach)) {
        return { alarm: alarm.name, state: alarm.state, reason: alarm.reason };
      }
    }
    return undefined;
  }

  /**
   * The first of `names` that the last read did not return: deleted after the deploy resolved it. It can
   * never fire again, so the deploy would go on unwatched by it.
   */
  vanished(names: readonly string[]): string | undefined {
    return names.find((name) => this.missing.has(name));
  }

  /** Alarms that are not OK, by the last read, for the timeline. */
  notOk(names: readonly string[]): Record<string, AlarmStateValue> {
    const result: Record<string, AlarmStateValue> = {};
    for (const name of names) {
      const state = this.states.get(name)?.state;
      if (state && state !== 'OK') result[name] = state;
    }
    return result;
  }
}
