import type { AlarmState } from '../aws/cloudwatch.js';
import { isThrottling, isTransient } from '../aws/transient.js';
import { breachReason, type AlarmWatch } from '../alarms/watch.js';
import type { Clock } from '../clock.js';
import { formatDuration } from '../duration.js';
import { describeError } from '../errors.js';
import { realTimer } from './calls.js';
import type { DeployLog } from './log.js';
import { REPORT_EVERY_MS, type HoldProgress } from './progress.js';
import type { Timeline } from './timeline.js';

/** Ends the deploy after changes began: the result is `rolled-back`, the message is the reason. */
export class Stop extends Error {}

/** Green did not run (or its targets were not healthy) in time: the rollback shows ECS's reasons. */
export class NotSteady extends Stop {}

/** Something checked on every poll while it is registered (traffic still as set, a comparison, a request). */
export type PollCheck = () => Promise<void>;

export interface DeployWatchOptions {
  clock: Clock;
  log: DeployLog;
  alarms: AlarmWatch;
  /** `alarm-prefixes`: a poll reads alarms under them by prefix, and notices new ones. */
  prefixes: readonly string[];
  timeline: Timeline;
  pollIntervalMs: number;
  /** When the deploy's own `timeout` runs out (epoch ms), and the input's value for the reason. */
  deadline: number;
  timeoutMs: number;
  /** Aborted when the job is cancelled. */
  signal: AbortSignal | undefined;
  /** Real-time bound of one alarm read; the watch goes on checking the timeout meanwhile. */
  alarmReadLimitMs: number;
  timer?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A wait that `safe-deploy promote` can end early (a pause waits for nothing else). */
export interface PromotableHold {
  kind: 'pause' | 'step' | 'one-box' | 'bake';
  /** Names the wait, so a promote meant for it ends no other: `step-2`, `bake`. */
  key: string;
}

/** How a hold ended. */
export type HoldEnd = 'elapsed' | 'promoted';

export interface HoldOptions {
  /** What the deploy is waiting for, for progress lines and a timeout's reason. */
  label: string;
  /** `promote` may end this hold; a pause's time does not count toward the deploy's `timeout`. */
  promotable?: PromotableHold;
  /** Watch the one-box alarms too during this hold. */
  oneBoxAlarms?: boolean;
  /** The hold ends only once this is true (and `until` has passed). */
  done?: () => boolean | Promise<boolean>;
  /** Resolves when `done` may have become true, to wake the hold early. */
  wake?: Promise<unknown>;
  /** Appended to progress lines and the timeout reason (", 2/4 running"). */
  progressNote?: () => string;
}

/**
 * When CloudWatch throttles the alarm read, the next one waits twice as long each time (from one poll
 * interval), up to this: many deploys in one account then share the DescribeAlarms quota instead of all
 * retrying into it every poll. A hold never ends without a fresh read, so waiting longer is never unsafe;
 * it only delays a rollback by at most this much while CloudWatch refuses reads anyway.
 */
export const MAX_ALARM_BACKOFF_MS = 30_000;
/**
 * How long (real time) a poll waits for its checks (drift, the control channel, a heartbeat, a
 * comparison). A check still running after that finishes beside the next polls (never two of one at
 * once) and what it found counts at the poll after it ends: a hanging or retried call in a check never
 * holds the alarm reads.
 */
export const CHECK_WAIT_MS = 1_000;

/**
 * The one wait loop of a deploy. Every wait (a step's hold, the bake, green stabilising, a hook running,
 * a retry after a passing fault) goes through `hold`, which once per poll interval reads the alarms,
 * checks the overall timeout and cancellation, and runs the registered poll checks. A breach, the timeout
 * or cancellation ends the wait with a Stop. A wait never ends on a stale alarm read: the last read that
 * answered must have started at or after the wait's end.
 */
export class DeployWatch {
  private readonly checks = new Set<PollCheck>();
  private readonly statuses = new Set<() => string[]>();
  /** Checks still running from an earlier poll, and the error one ended with that the next poll throws. */
  private readonly running = new Map<PollCheck, Promise<void>>();
  private checkFailure: { error: unknown } | undefined;
  private watched: readonly string[] = [];
  private oneBoxOnly: readonly string[] = [];
  private all: readonly string[] | undefined;
  private lastAlarmRead = -Infinity;
  /** When the last poll (of any hold) started. */
  private lastPollAt = -Infinity;
  private inflight: Promise<void> | undefined;
  private readResult: { startedAt: number; changed: AlarmState[] } | { error: unknown } | undefined;
  /** Alarm reads CloudWatch throttled in a row, and when the next one may start. */
  private throttled = { reads: 0, nextReadAt: -Infinity };
  private holding: (PromotableHold & { until: number; began: number }) | undefined;
  private promotedKey: string | undefined;
  /** Time spent in pauses, which extends the deadline: a person deciding is not the deploy being slow. */
  private pausedMs = 0;

  constructor(private readonly options: DeployWatchOptions) {}

  /** The promotable hold the deploy is in now, with when it ends by itself (epoch ms). */
  get currentHold(): (PromotableHold & { until: number }) | undefined {
    return this.holding;
  }

  /** When the deploy's `timeout` runs out (epoch ms), time paused (so far) not counted. */
  get deadline(): number {
    const pausing = this.holding?.kind === 'pause' ? this.options.clock.now() - this.holding.began : 0;
    return this.options.deadline + this.pausedMs + pausing;
  }

  /** Ends the current hold at its next check if it is the one named; false when it is not. */
  promote(key: string): boolean {
    if (this.holding?.key !== key) return false;
    this.promotedKey = key;
    return true;
  }

  /** The alarms validation resolved: watched for the whole deploy, and during the one-box stage only. */
  watchAlarms(alarms: { watched: readonly string[]; oneBoxOnly: readonly string[] }): void {
    this.watched = alarms.watched;
    this.oneBoxOnly = alarms.oneBoxOnly;
    this.all = undefined;
  }

  /** Every alarm the deploy watches at some point, for the timeline. */
  allAlarms(): readonly string[] {
    // One list for the whole deploy: the alarm watch keeps what it derives from it while it is the same.
    this.all ??= [...this.watched, ...this.oneBoxOnly];
    return this.all;
  }

  /** Runs `check` on every poll until the returned function is called (a check keeps its own cadence). */
  addCheck(check: PollCheck): () => void {
    this.checks.add(check);
    return () => {
      this.checks.delete(check);
      this.running.delete(check);
    };
  }

  /** Adds what `status` says to every progress line (the comparisons' states) until the returned function is called. */
  addStatus(status: () => string[]): () => void {
    this.statuses.add(status);
    return () => this.statuses.delete(status);
  }

  /**
   * Waits until `until` (epoch ms) has passed and `done` is true, watching as it goes; a promotable hold
   * also ends when promoted. Says which.
   */
  async hold(until: number, options: HoldOptions): Promise<HoldEnd> {
    const outer = this.holding;
    const promotable = options.promotable;
    const began = this.options.clock.now();
    if (promotable) this.holding = { ...promotable, until, began };
    try {
      return await this.loop(until, options, began);
    } finally {
      this.holding = outer;
      if (promotable?.key === this.promotedKey) this.promotedKey = undefined;
      if (promotable?.kind === 'pause') this.pausedMs += this.options.clock.now() - began;
    }
  }

  private async loop(until: number, options: HoldOptions, began: number): Promise<HoldEnd> {
    const { clock, log, pollIntervalMs } = this.options;
    const alarms = options.oneBoxAlarms ? this.allAlarms() : this.watched;
    let woken = false;
    void options.wake?.then(() => (woken = true));
    const where = (): string => `${options.label}${options.progressNote?.() ?? ''}`;
    // Polls stay one interval apart across holds too: a hold that begins right after another's poll (a
    // step's move between two holds) waits for the next poll time instead of reading the alarms again.
    const report = (): void => log.progress?.(this.progressOf(options, alarms, began, until));
    /** Sleeps until `wakeAt`, reporting progress meanwhile; a wake or cancellation ends it early. */
    const waitUntil = async (wakeAt: number): Promise<void> => {
      // Polls further apart than REPORT_EVERY_MS still report (without polling) in between.
      for (;;) {
        const from = clock.now();
        await this.sleep(Math.max(0, Math.min(wakeAt, from + REPORT_EVERY_MS) - from), options.wake);
        if (woken || this.options.signal?.aborted || clock.now() >= wakeAt) return;
        report();
      }
    };
    if (clock.now() - this.lastPollAt < pollIntervalMs) {
      report();
      // A hold shorter than what is left of the interval (a 5 s bake at a 10 s poll) ends on time: its
      // first read is at its end, not at the next poll time.
      const nextPoll = this.lastPollAt + pollIntervalMs;
      await waitUntil(until > clock.now() ? Math.min(nextPoll, until) : nextPoll);
    }
    for (;;) {
      // Polls start one interval apart, however long the reads take, so "once per poll interval" holds.
      const polledAt = clock.now();
      this.lastPollAt = polledAt;
      await this.pollAlarms(alarms);
      // While paused the deploy waits for a person: the timeout counts again once the pause ends.
      const paused = options.promotable?.kind === 'pause';
      this.checkTimeAndCancellation(where, paused);
      await this.runChecks();
      const now = clock.now();
      report();
      const promoted = options.promotable !== undefined && this.promotedKey === options.promotable.key;
      const finished = promoted || ((options.done ? await options.done() : true) && now >= until);
      // Promoted early: this poll's alarm read must have answered, as an elapsed hold needs its last one.
      const freshFrom = promoted ? polledAt : Math.min(until, now);
      if (finished && this.lastAlarmRead >= freshFrom) return promoted ? 'promoted' : 'elapsed';
      if (woken) {
        // What the wake announced is checked at once, but only once: a wake is no reason to poll hot.
        woken = false;
        options.wake = undefined;
        continue;
      }
      // A hold ends only on a read made at or after its end. When that end falls just after the next
      // poll time (a hold that began a move's moment after a poll), the poll waits for it — at most a
      // quarter interval late — rather than reading twice a moment apart.
      const nextPoll = polledAt + pollIntervalMs;
      const end = until > now ? until : Infinity;
      await waitUntil(end - nextPoll <= pollIntervalMs / 4 ? end : nextPoll);
    }
  }

  private progressOf(
    options: HoldOptions,
    alarms: readonly string[],
    began: number,
    until: number,
  ): HoldProgress {
    const now = this.options.clock.now();
    const comparisons = [...this.statuses].flatMap((status) => status());
    return {
      at: now,
      phase: this.options.timeline.phase,
      // As last recorded: a progress line reports, it decides nothing.
      traffic: this.options.timeline.entries.at(-1)?.traffic ?? 0,
      label: options.label,
      elapsedMs: now - began,
      ...(until > began ? { totalMs: until - began } : {}),
      watched: alarms.length,
      notOk: this.options.alarms.notOk(alarms),
      ...(comparisons.length ? { comparisons } : {}),
      note: options.progressNote?.() ?? '',
    };
  }

  /**
   * Runs every registered check not still running from an earlier poll, and waits for them at most
   * CHECK_WAIT_MS; throws what a check threw, now or since the last poll.
   */
  private async runChecks(): Promise<void> {
    for (const check of this.checks) {
      if (this.running.has(check)) continue;
      const run = check()
        .catch((error: unknown) => {
          if (this.checks.has(check)) this.checkFailure ??= { error };
        })
        .finally(() => this.running.delete(check));
      this.running.set(check, run);
    }
    if (this.running.size > 0) {
      const stop = new AbortController();
      await Promise.race([
        Promise.all(this.running.values()),
        (this.options.timer ?? realTimer)(CHECK_WAIT_MS, stop.signal),
      ]);
      stop.abort();
    }
    const failure = this.checkFailure;
    this.checkFailure = undefined;
    if (failure) throw failure.error;
  }

  /** Waits about one poll interval, watched: the pause between two tries of a call. */
  async pause(label: string): Promise<void> {
    await this.hold(this.options.clock.now() + this.options.pollIntervalMs, { label });
  }

  /** Throws a Stop when the job was cancelled or (unless paused) the deploy's timeout has run out. */
  checkTimeAndCancellation(where: () => string, paused = false): void {
    if (this.options.signal?.aborted) throw new Stop('the job was cancelled');
    if (!paused && this.options.clock.now() >= this.deadline) {
      throw new Stop(
        `the deploy did not finish within timeout ${formatDuration(this.options.timeoutMs)} (${where()})`,
      );
    }
  }

  private async sleep(ms: number, wake?: Promise<unknown>): Promise<void> {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    this.options.signal?.addEventListener('abort', abort, { once: true });
    void wake?.then(abort);
    try {
      await this.options.clock.sleep(ms, controller.signal);
    } finally {
      this.options.signal?.removeEventListener('abort', abort);
    }
  }

  /**
   * Reads the alarms, bounded in real time: a read that hangs is left to finish on its own (never two at
   * once) while the loop goes on checking the timeout and cancellation, and its answer is used when it
   * comes. A passing fault leaves the alarms unread for this poll; the hold then cannot end on it.
   */
  private async pollAlarms(names: readonly string[]): Promise<void> {
    const { clock, log, alarms } = this.options;
    if (names.length === 0) {
      this.lastAlarmRead = clock.now();
      return;
    }
    if (!this.inflight) {
      // Backing off: this poll goes on (timeout, cancellation, checks) without reading the alarms.
      if (clock.now() < this.throttled.nextReadAt) return;
      const startedAt = clock.now();
      this.inflight = alarms
        .read(names, { prefixes: this.options.prefixes, now: startedAt, warn: (m) => log.warn(m) })
        .then(
          (changed) => void (this.readResult = { startedAt, changed }),
          (error: unknown) => void (this.readResult = { error }),
        )
        .finally(() => (this.inflight = undefined));
    }
    const stop = new AbortController();
    await Promise.race([
      this.inflight,
      (this.options.timer ?? realTimer)(this.options.alarmReadLimitMs, stop.signal),
    ]);
    stop.abort();
    const result = this.readResult;
    this.readResult = undefined;
    if (!result) {
      log.warn(
        `Alarms did not answer within ${formatDuration(this.options.alarmReadLimitMs)}; still waiting for them`,
      );
      return;
    }
    if ('error' in result) {
      if (!isTransient(result.error)) throw result.error;
      if (isThrottling(result.error)) {
        this.backOff(result.error);
        return;
      }
      log.warn(`Could not read alarms (${describeError(result.error)}); holding until they can be read`);
      return;
    }
    if (this.throttled.reads > 0) {
      log.info(`CloudWatch answers the alarm reads again (after ${this.throttled.reads} throttled)`);
      this.throttled = { reads: 0, nextReadAt: -Infinity };
    }
    this.lastAlarmRead = Math.max(this.lastAlarmRead, result.startedAt);
    const { timeline } = this.options;
    for (const alarm of result.changed) {
      if (alarm.state !== 'OK' || timeline.entries.some((e) => alarm.name in e.alarms)) {
        timeline.mark(`alarm ${alarm.name} ${alarm.state}`);
      }
    }
    const vanished = alarms.vanished(names);
    if (vanished) {
      throw new Stop(
        `alarm ${vanished} no longer exists in CloudWatch: the deploy would go on unwatched by it`,
      );
    }
    const breach = alarms.breach(names);
    if (breach) throw new Stop(breachReason(breach));
  }

  /** A throttled alarm read: the next waits twice as long as the last, up to MAX_ALARM_BACKOFF_MS. */
  private backOff(error: unknown): void {
    const { clock, log, pollIntervalMs } = this.options;
    const reads = this.throttled.reads + 1;
    const waitMs = Math.min(MAX_ALARM_BACKOFF_MS, pollIntervalMs * 2 ** reads);
    this.throttled = { reads, nextReadAt: clock.now() + waitMs };
    log.warn(
      `CloudWatch throttled the alarm read (${describeError(error)}); backing off: next read in ` +
        `${formatDuration(waitMs)}, holding until alarms can be read`,
    );
  }
}
