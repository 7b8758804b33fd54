import {
  ALARM_BATCH,
  type AlarmState,
  type AlarmStateValue,
  type AlarmTransition,
  type CloudWatchPort,
} from '../aws/cloudwatch.js';
import { isThrottling } from '../aws/transient.js';
import { isAccessDenied } from '../aws/access.js';
import { FULL_READ_EVERY_MS, planReads, underPrefix, type ReadPlan } from './plan.js';

/** A watched alarm crossed into a state that ends the deploy. */
export interface Breach {
  alarm: string;
  state: AlarmStateValue;
  reason: string;
  /**
   * Set when the alarm was in `state` between two reads and had left it by the next one: its state
   * now, and when it entered `state` (CloudWatch's clock), if known.
   */
  recovered?: { state: AlarmStateValue; at?: number; unseen?: boolean };
}

/** What the caller of `AlarmWatch.read` says about this poll. */
export interface WatchReadOptions {
  /** The `alarm-prefixes`: an alarm under one is read through its prefix; new matches are watched too. */
  prefixes?: readonly string[];
  /** This poll's time on the deploy's clock. Without it every read is a full read. */
  now?: number;
  /** Says what the user should know (the alarm history cannot be read, a full read failed). */
  warn?: (message: string) => void;
}

/** History reads overlap the previous one by this much, for clock skew and late history items. */
export const HISTORY_OVERLAP_MS = 30_000;
/**
 * The alarm history is read at least this often, and also at once when a poll's state reads may have
 * missed a round trip: the gap since the last answered read (plus READ_MARGIN_MS) reached the least time a
 * watched alarm stays in a state, or a full read saw an alarm's state-change time move on an unchanged
 * state. Between those, the history can tell nothing the state reads did not: an alarm cannot enter ALARM
 * and leave it within its own evaluation period. Each read covers everything since the last one, so a
 * slower cadence loses nothing; it only tells a missed round trip up to this much later.
 */
export const HISTORY_EVERY_MS = 60_000;
/** The shortest alarm period CloudWatch has (a high-resolution alarm): used when an alarm's is unknown. */
export const SHORTEST_HOLD_MS = 10_000;
/** A poll's state read lands somewhere within its own duration: the gap between two is taken this much longer. */
export const READ_MARGIN_MS = 2_000;
/** A poll waits at most this long (real time) for its history read; a later answer counts next poll. */
export const HISTORY_WAIT_MS = 1_000;
const HISTORY_UNREADABLE = 'Could not read the alarm history';
const HISTORY_FALLBACK =
  ': an alarm that enters ALARM and recovers between two polls is told only by its state-change time, ' +
  'and any such round trip counts as a breach';
/** Said only when CloudWatch denied the read: a 5xx or a hang is not a missing permission. */
const HISTORY_PERMISSION = '. Allow cloudwatch:DescribeAlarmHistory to tell them apart';

interface FullRead {
  at: number;
  names: readonly string[];
  plan: ReadPlan;
  alarms?: AlarmState[];
  error?: unknown;
}

/** The prefixes of a read that names none: one array, so the read plan kept for a list stays kept. */
const NO_PREFIXES: readonly string[] = [];

/**
 * Watches alarms at a cost that does not grow with their number. A steady poll reads only the alarms in
 * a breaching state (DescribeAlarms `StateValue`), by name batch and by prefix; every minute a full read
 * of every watched alarm runs beside the polls and notices deleted alarms and new prefix matches. Each
 * poll also reads the account's alarm history since the last one, so an alarm that entered ALARM and
 * recovered between two polls is still a breach. INSUFFICIENT_DATA is a breach only when the user asked.
 */
export class AlarmWatch {
  private readonly states = new Map<string, AlarmState>();
  private readonly missing = new Set<string>();
  /** Alarms a prefix read returned; those the caller did not name were created under a prefix since. */
  private readonly matched = new Set<string>();
  /** Each alarm's state-change time when first read: history up to then is already in its state. */
  private readonly baseline = new Map<string, number>();
  private lastFullAt: number | undefined;
  /** When the watch first read (the deploy's clock): an alarm first seen in the history counts from then. */
  private startedAt: number | undefined;
  private fullInFlight = false;
  private fullFailing = false;
  private settledFull: FullRead | undefined;
  /** When the history read in flight started, if one is. */
  private historyInFlight: number | undefined;
  /** A history read's answer, weighed after the poll's state reads. */
  private pendingHistory: {
    transitions: AlarmTransition[];
    readAt: number;
    named: ReadonlySet<string>;
    plan: ReadPlan;
  }[] = [];
  private historyFrom: number | undefined;
  private historyOff: boolean;
  /** When the last history read started (the deploy's clock). */
  private lastHistoryAt: number | undefined;
  /** When the last poll whose state reads answered started. */
  private lastStateReadAt: number | undefined;
  /**
   * Per breaching state, the calls an account-wide read (`StateValue` alone) took last time; Infinity once
   * it cannot be used (not allowed, or a port without it). Read that way while it costs fewer calls than
   * one per name batch and prefix: 5,000 named alarms are then one call a poll, not 50.
   */
  private readonly accountWideCalls = new Map<AlarmStateValue, number>();
  /**
   * Each list of names the caller passes, as a set. The deploy passes two lists (the alarms a hold
   * watches, and every alarm for the status line), each the same array for the whole deploy; keeping one
   * set per list means none is rebuilt per poll (5,000 names are a 160 KB set, promoted to the old
   * generation when a scavenge catches it, so rebuilding them grew the heap by megabytes a minute).
   */
  private readonly named = new WeakMap<readonly string[], ReadonlySet<string>>();
  private plan: { names: readonly string[]; prefixes: readonly string[]; plan: ReadPlan } | undefined;
  /** Round trips seen only by a newer state-change time, while the history has not yet explained them. */
  private unexplained: { alarm: AlarmState; seenAt: number }[] = [];
  private recoveredBreach: Breach | undefined;
  private warn: (message: string) => void = () => undefined;

  constructor(
    private readonly cloudwatch: CloudWatchPort,
    private readonly insufficientDataIsBreach: boolean,
  ) {
    this.historyOff = !cloudwatch.stateChangesSince;
  }

  /** Reads the alarms and returns those whose state changed since the last read. */
  async read(names: readonly string[], options: WatchReadOptions = {}): Promise<AlarmState[]> {
    if (names.length === 0) return [];
    if (options.warn) this.warn = options.warn;
    const plan = this.planOf(names, options.prefixes ?? NO_PREFIXES);
    const changed: AlarmState[] = [];
    const now = options.now;
    this.startedAt ??= now;
    if (now === undefined) {
      this.applyFull(await this.fullRead(names, plan, 0), changed, true);
      return changed;
    }
    if (this.settledFull) this.applyFull(this.takeSettledFull(), changed, false);
    const unknown = names.some((name) => !this.states.has(name) && !this.missing.has(name));
    if (this.lastFullAt === undefined || unknown) {
      // The first read of an alarm is a full one: it must exist, and its state is the baseline. The
      // first history read comes with it, so a role without DescribeAlarmHistory is told at the start.
      this.applyFull(await this.fullRead(names, plan, now), changed, true);
      await this.readHistory(names, plan, now, this.lastHistoryAt === undefined);
    } else {
      const history = this.historyDue(names, now);
      await Promise.all([
        this.steadyRead(names, plan, now, changed),
        this.readHistory(names, plan, now, history),
      ]);
      if (now - this.lastFullAt >= FULL_READ_EVERY_MS && !this.fullInFlight) {
        // Beside the polls, so a full read of thousands of alarms never delays a breach.
        void this.fullRead(names, plan, now).then((result) => (this.settledFull = result));
      }
    }
    // The history is weighed against the states just read, so an alarm still in ALARM is reported as such.
    this.explainHistory(changed);
    this.lastStateReadAt = now;
    return changed;
  }

  /** The names as a set, built once per list (see `named`). */
  private namedSet(names: readonly string[]): ReadonlySet<string> {
    let set = this.named.get(names);
    if (!set) this.named.set(names, (set = new Set(names)));
    return set;
  }

  private planOf(names: readonly string[], prefixes: readonly string[]): ReadPlan {
    const cached = this.plan;
    if (cached?.names === names && cached.prefixes === prefixes) return cached.plan;
    const plan = planReads(names, prefixes);
    this.plan = { names, prefixes, plan };
    return plan;
  }

  /** Whether this poll reads the alarm history (see HISTORY_EVERY_MS). */
  private historyDue(names: readonly string[], now: number): boolean {
    if (this.historyOff) return false;
    if (this.unexplained.length > 0) return true;
    if (this.lastHistoryAt === undefined || now - this.lastHistoryAt >= HISTORY_EVERY_MS) return true;
    const gap = now - (this.lastStateReadAt ?? -Infinity) + READ_MARGIN_MS;
    return gap >= this.shortestHold(names);
  }

  /** The least time any watched alarm stays in a state it enters. */
  private shortestHold(names: readonly string[]): number {
    let shortest = Infinity;
    const consider = (name: string): void => {
      shortest = Math.min(shortest, this.states.get(name)?.holdsStateMs ?? SHORTEST_HOLD_MS);
    };
    for (const name of names) consider(name);
    for (const name of this.matched) consider(name);
    return shortest;
  }

  /**
   * Takes a full read made elsewhere as this watch's first (validation resolved every watched alarm
   * `at`): the first poll is then a steady one, and the history is read from `at` on.
   */
  seed(
    names: readonly string[],
    states: readonly AlarmState[],
    { prefixes = [], at }: { prefixes?: readonly string[]; at: number },
  ): void {
    if (names.length === 0 || this.lastFullAt !== undefined) return;
    this.startedAt ??= at;
    this.applyFull({ at, names, plan: planReads(names, prefixes), alarms: [...states] }, [], false);
    this.historyFrom ??= at - HISTORY_OVERLAP_MS;
    this.lastStateReadAt = at;
  }

  /** The first of `names` (or of the alarms created under a prefix since) in a breaching state. */
  breach(names: readonly string[]): Breach | undefined {
    const named = this.namedSet(names);
    for (const list of [names, this.extras(named)]) {
      for (const name of list) {
        const alarm = this.states.get(name);
        if (alarm && this.breaching(alarm.state, !named.has(name))) {
          return { alarm: alarm.name, state: alarm.state, reason: alarm.reason };
        }
      }
    }
    const recovered = this.recoveredBreach;
    if (recovered && (named.has(recovered.alarm) || this.matched.has(recovered.alarm))) return recovered;
    return undefined;
  }

  /**
   * The first of `names` that the last full read did not return: deleted after the deploy resolved it.
   * It can never fire again, so the deploy would go on unwatched by it.
   */
  vanished(names: readonly string[]): string | undefined {
    return names.find((name) => this.missing.has(name));
  }

  /** Alarms that are not OK, by the last read, for the timeline. */
  notOk(names: readonly string[]): Record<string, AlarmStateValue> {
    const result: Record<string, AlarmStateValue> = {};
    for (const list of [names, this.extras(this.namedSet(names))]) {
      for (const name of list) {
        const state = this.states.get(name)?.state;
        if (state && state !== 'OK') result[name] = state;
      }
    }
    return result;
  }

  /** Alarms created under a prefix during the watch, which the caller did not name. */
  created(names: readonly string[]): string[] {
    return this.extras(this.namedSet(names));
  }

  private extras(named: ReadonlySet<string>): string[] {
    return [...this.matched].filter((name) => !named.has(name));
  }

  /** An alarm created under a prefix during the deploy starts without data: only ALARM counts for it. */
  private breaching(state: AlarmStateValue, created: boolean): boolean {
    return state === 'ALARM' || (state === 'INSUFFICIENT_DATA' && this.insufficientDataIsBreach && !created);
  }

  private breachingStates(): AlarmStateValue[] {
    return this.insufficientDataIsBreach ? ['ALARM', 'INSUFFICIENT_DATA'] : ['ALARM'];
  }

  /** Only the alarms in a breaching state: one call per name batch and per prefix, whatever their number. */
  private async steadyRead(names: readonly string[], plan: ReadPlan, now: number, changed: AlarmState[]) {
    const states = this.breachingStates();
    const reads = await Promise.all(states.map((state) => this.readInState(state, names, plan)));
    const returned = new Set<string>();
    for (const alarms of reads) {
      for (const alarm of alarms) {
        returned.add(alarm.name);
        if (underPrefix(alarm.name, plan.prefixes)) this.matched.add(alarm.name);
        this.merge(alarm, now, changed);
      }
    }
    // An alarm we knew in a breaching state that no read returned has left it, for a state these reads
    // cannot tell: read everything now.
    const leftState = (name: string): boolean => {
      const state = this.states.get(name)?.state;
      return state !== undefined && states.includes(state) && !returned.has(name);
    };
    const named = this.namedSet(names);
    const left = names.some(leftState) || [...this.matched].some((n) => !named.has(n) && leftState(n));
    if (left) this.applyFull(await this.fullRead(names, plan, now), changed, true);
  }

  /**
   * The watched alarms in `state`: by one account-wide read when that costs fewer calls than a call per
   * name batch and per prefix, else by name and prefix.
   */
  private async readInState(
    state: AlarmStateValue,
    names: readonly string[],
    plan: ReadPlan,
  ): Promise<AlarmState[]> {
    const byNameCalls = Math.ceil(plan.byName.length / ALARM_BATCH) + plan.prefixes.length;
    const wide = this.cloudwatch.alarmsInState;
    const lastWide = wide ? (this.accountWideCalls.get(state) ?? 1) : Infinity;
    if (wide && lastWide < byNameCalls) {
      try {
        const { alarms, calls } = await wide.call(this.cloudwatch, state);
        this.accountWideCalls.set(state, calls);
        const named = this.namedSet(names);
        return alarms.filter((a) => named.has(a.name) || underPrefix(a.name, plan.prefixes));
      } catch (error) {
        if (isThrottling(error)) throw error;
        // Not allowed to list the account's alarms (a policy naming alarm ARNs): by name from now on.
        this.accountWideCalls.set(state, Infinity);
      }
    }
    const [byName, ...byPrefix] = await Promise.all([
      plan.byName.length ? this.cloudwatch.describeAlarms(plan.byName, { state }) : [],
      ...plan.prefixes.map((prefix) => this.cloudwatch.alarmsWithPrefix(prefix, { state })),
    ]);
    return [...(byName ?? []), ...byPrefix.flat()];
  }

  /** Every watched alarm, whatever its state; a failure is kept in the result, not thrown. */
  private async fullRead(names: readonly string[], plan: ReadPlan, now: number): Promise<FullRead> {
    this.fullInFlight = true;
    try {
      // The port bounds the name batches in flight; each prefix pages on its own, side by side.
      const [byName, ...byPrefix] = await Promise.all([
        plan.byName.length ? this.cloudwatch.describeAlarms(plan.byName) : [],
        ...plan.prefixes.map((prefix) => this.cloudwatch.alarmsWithPrefix(prefix)),
      ]);
      return { at: now, names, plan, alarms: [...(byName ?? []), ...byPrefix.flat()] };
    } catch (error) {
      return { at: now, names, plan, error };
    } finally {
      this.fullInFlight = false;
    }
  }

  private takeSettledFull(): FullRead {
    const result = this.settledFull!;
    this.settledFull = undefined;
    return result;
  }

  private applyFull(result: FullRead, changed: AlarmState[], foreground: boolean): void {
    if (!result.alarms) {
      // A full read the poll waits for fails the poll (the caller says it could not read alarms); one
      // beside the polls is tried again later.
      if (foreground) throw result.error;
      if (!this.fullFailing) {
        this.warn(`Could not read every watched alarm (${describe(result.error)}); trying again next poll`);
      }
      this.fullFailing = true;
      return;
    }
    this.fullFailing = false;
    const returned = new Map(result.alarms.map((alarm) => [alarm.name, alarm]));
    for (const name of result.names) {
      if (returned.has(name)) this.missing.delete(name);
      else this.missing.add(name);
    }
    const named = this.namedSet(result.names);
    for (const name of [...this.matched]) {
      // A breach already found for it stands.
      if (this.recoveredBreach?.alarm === name) continue;
      if (!returned.has(name) && underPrefix(name, result.plan.prefixes) && !named.has(name)) {
        // Created under a prefix during the deploy and deleted again: no longer watched.
        this.matched.delete(name);
        this.states.delete(name);
      }
    }
    for (const alarm of result.alarms) {
      if (underPrefix(alarm.name, result.plan.prefixes)) this.matched.add(alarm.name);
      this.merge(alarm, result.at, changed);
    }
    this.lastFullAt = result.at;
  }

  /** Takes a read alarm's state, unless an earlier read than one already taken. */
  private merge(alarm: AlarmState, now: number, changed: AlarmState[]): void {
    const before = this.states.get(alarm.name);
    if (
      before?.changedAt !== undefined &&
      alarm.changedAt !== undefined &&
      alarm.changedAt < before.changedAt
    ) {
      return;
    }
    if (!this.baseline.has(alarm.name)) this.baseline.set(alarm.name, alarm.changedAt ?? now);
    if (
      before &&
      before.state === alarm.state &&
      before.changedAt !== undefined &&
      alarm.changedAt !== undefined &&
      alarm.changedAt > before.changedAt
    ) {
      // Same state, newer change: it left this state and came back between two reads. The history says
      // to which state; without it, that round trip counts as a breach.
      this.unexplained.push({ alarm, seenAt: now });
    }
    if (!before || before.state !== alarm.state) changed.push(alarm);
    this.states.set(alarm.name, alarm);
  }

  /**
   * Reads the account's state changes since the last history read, overlapping it. Waits at most
   * HISTORY_WAIT_MS; an answer that comes later is weighed at the next poll.
   */
  private async readHistory(
    names: readonly string[],
    plan: ReadPlan,
    now: number,
    due: boolean,
  ): Promise<void> {
    const read = this.cloudwatch.stateChangesSince;
    if (this.historyOff || !read) return;
    if (this.historyInFlight !== undefined) {
      // A history read that never answers must not leave round trips unexplained for the whole deploy.
      if (now - this.historyInFlight > FULL_READ_EVERY_MS) {
        this.historyOff = true;
        this.warn(`${HISTORY_UNREADABLE} (no answer in ${FULL_READ_EVERY_MS / 1000} s)${HISTORY_FALLBACK}`);
      }
      return;
    }
    if (!due) return;
    this.historyInFlight = now;
    this.lastHistoryAt = now;
    const from = this.historyFrom ?? now - HISTORY_OVERLAP_MS;
    const named = this.namedSet(names);
    const history = read
      .call(this.cloudwatch, new Date(from))
      .then((transitions) => {
        this.historyFrom = now - HISTORY_OVERLAP_MS;
        this.pendingHistory.push({ transitions, readAt: now, named, plan });
      })
      .catch((error: unknown) => {
        if (isThrottling(error)) return;
        if (this.historyOff) return;
        this.historyOff = true;
        const permission = isAccessDenied(error) ? HISTORY_PERMISSION : '';
        this.warn(`${HISTORY_UNREADABLE} (${describe(error)})${HISTORY_FALLBACK}${permission}`);
      })
      .finally(() => (this.historyInFlight = undefined));
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, HISTORY_WAIT_MS);
      timer.unref?.();
    });
    await Promise.race([history, wait]);
    clearTimeout(timer);
  }

  /**
   * Keeps the first watched alarm that entered a breaching state after its baseline and left it before a
   * state read could see it. Round trips told only by a newer state-change time are explained by a history
   * read made after they were seen; without history, each counts as a breach.
   */
  private explainHistory(changed: AlarmState[]): void {
    const before = this.recoveredBreach;
    for (const { transitions, readAt, named, plan } of this.pendingHistory.splice(0)) {
      this.unexplained = this.unexplained.filter((entry) => entry.seenAt > readAt);
      for (const change of [...transitions].sort((a, b) => a.at - b.at)) {
        const created = !named.has(change.name);
        if (created && !this.matched.has(change.name) && !underPrefix(change.name, plan.prefixes)) continue;
        // History up to an alarm's first read is in the state read; one never read counts from the start.
        const base = this.baseline.get(change.name) ?? this.startedAt ?? -Infinity;
        if (change.at <= base) continue;
        if (!this.breaching(change.to, created)) continue;
        const current = this.states.get(change.name);
        if (current?.state === change.to && (current.changedAt ?? -Infinity) <= change.at) continue;
        this.recoveredBreach ??= {
          alarm: change.name,
          state: change.to,
          reason: change.reason,
          recovered: { state: current?.state ?? 'OK', at: change.at },
        };
        if (created) this.matched.add(change.name);
      }
    }
    if (this.historyOff) {
      for (const { alarm } of this.unexplained.splice(0)) {
        if (this.breaching(alarm.state, false)) continue;
        this.recoveredBreach ??= {
          alarm: alarm.name,
          state: 'ALARM',
          reason: alarm.reason,
          recovered: {
            state: alarm.state,
            ...(alarm.changedAt ? { at: alarm.changedAt } : {}),
            unseen: true,
          },
        };
      }
    }
    this.reportRecovered(before, changed);
  }

  /** A round trip found now is a change of this poll too, so the timeline shows the state it passed. */
  private reportRecovered(before: Breach | undefined, changed: AlarmState[]): void {
    const found = this.recoveredBreach;
    if (!found || found === before) return;
    const alarm = this.states.get(found.alarm);
    changed.push({
      name: found.alarm,
      type: alarm?.type ?? 'metric',
      state: found.state,
      reason: found.reason,
      ...(found.recovered?.at ? { changedAt: found.recovered.at } : {}),
    });
  }
}

/** The deploy's reason for a breach: the alarm's state now, or the state it passed through. */
export function breachReason(breach: Breach): string {
  const reason = breach.reason ? `: ${breach.reason}` : '';
  const recovered = breach.recovered;
  if (!recovered) return `alarm ${breach.alarm} is in ${breach.state}${reason}`;
  const at = recovered.at ? ` at ${new Date(recovered.at).toISOString()}` : '';
  if (recovered.unseen) {
    return (
      `alarm ${breach.alarm} changed state${at} and was back in ${recovered.state} by the next read; its history ` +
      `could not be read to tell whether it was in ALARM, so it counts as a breach (it already recovered)${reason}`
    );
  }
  return (
    `alarm ${breach.alarm} entered ${breach.state}${at} between two reads and already recovered ` +
    `(${recovered.state} now)${reason}`
  );
}

/** One line for the log: an SDK error's message can run over several lines (a body it could not parse). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const first = (error.message || error.name).split('\n')[0]!.trim();
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status && status >= 500 ? `${first}, HTTP ${status}` : first;
}
