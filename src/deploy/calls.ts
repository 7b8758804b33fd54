import { isTransient } from '../aws/transient.js';
import type { Clock } from '../clock.js';
import { describeError } from '../errors.js';
import type { DeployLog } from './log.js';

/** What `once` answers when a call met throttling, a passing fault or its time limit. */
export const LATER = Symbol('try again later');

/** A call that did not answer within its time limit; transient, like throttling. */
export class CallTimeout extends Error {
  override readonly name = 'TimeoutError';
}

export interface CallPolicyOptions {
  clock: Clock;
  log: DeployLog;
  /** How long one call (with the SDK's own retries) may take before it counts as a passing fault. */
  callTimeoutMs: number;
  /**
   * Waits about one poll interval while alarms, the deploy's timeout and cancellation are watched; throws
   * when one of them ends the deploy. Between two tries of a call, the deploy is never blind.
   */
  pause(what: string): Promise<void>;
  /**
   * Resolves after `ms` of real time unless `signal` aborts first. A hanging request hangs in real time
   * whatever clock the deploy runs on, so the time limit is real time too (tests inject a short one).
   */
  timer?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The real-time timer; cleared as soon as the call it bounds has answered. */
export function realTimer(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const handle = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(handle);
      resolve();
    });
  });
}

/** How long a rollback keeps trying one call that meets passing faults before it reports it. */
export const ROLLBACK_PERSIST_MS = 5 * 60_000;
/** A rollback call that fails for another reason (permissions, a bad request) is tried this often. */
const ROLLBACK_OTHER_ATTEMPTS = 3;

/**
 * The one call policy of a deploy. The SDK's adaptive retries are the first layer; this is the second, and
 * every AWS call of a deploy goes through one of its methods:
 * - `once`: one bounded try; throttling, a passing fault or the time limit answer LATER (a poll's reads).
 * - `retry`: reads and idempotent changes, tried again once a poll until they succeed: a passing fault
 *   never by itself rolls a deploy back, and the deploy's own timeout bounds the waiting.
 * - `create`: a create that must not be sent twice; after a passing fault it asks `find` whether the first
 *   one landed before it tries again.
 * - `bestEffort`: what the deploy can do without (a heartbeat): any error is logged and ignored.
 * - `persist`: a rollback's calls: tried again with backoff, not watched (the deploy is already stopping).
 */
export class AwsCalls {
  constructor(private readonly options: CallPolicyOptions) {}

  /** One try, bounded by the call time limit. Transient errors answer LATER; any other error is thrown. */
  async once<T>(what: string, call: () => Promise<T>): Promise<T | typeof LATER> {
    try {
      return await this.bounded(call, this.options.callTimeoutMs);
    } catch (error) {
      if (!isTransient(error)) throw error;
      this.options.log.warn(`Could not ${what} (${describeError(error)}); trying again`);
      return LATER;
    }
  }

  /** Tries again one poll interval after each transient failure, watched meanwhile, until it succeeds. */
  async retry<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (;;) {
      const result = await this.once(what, call);
      if (result !== LATER) return result;
      await this.options.pause(`retrying: ${what}`);
    }
  }

  /**
   * A create that must not land twice (CreateTaskSet: a new try carries a new client token). After a
   * transient failure, `find` tells whether the earlier try created it after all.
   */
  async create<T>(what: string, call: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const result = await this.once(what, call);
      if (result !== LATER) return result;
      await this.options.pause(`retrying: ${what}`);
      const landed = await this.retry(`check whether the earlier try to ${what} landed`, find);
      if (landed !== undefined) return landed;
    }
  }

  /** Runs a call the deploy can do without; failures are logged at debug level. Says whether it succeeded. */
  async bestEffort(what: string, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.bounded(call, this.options.callTimeoutMs);
      return true;
    } catch (error) {
      this.options.log.debug(`${what} failed: ${describeError(error)}`);
      return false;
    }
  }

  /**
   * A rollback's call: passing faults are tried again with backoff for up to ROLLBACK_PERSIST_MS, other
   * errors a few times, then it throws naming what could not be done.
   */
  async persist<T>(what: string, call: () => Promise<T>): Promise<T> {
    const { clock, log } = this.options;
    const giveUpAt = clock.now() + ROLLBACK_PERSIST_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bounded(call, this.options.callTimeoutMs);
      } catch (error) {
        const transient = isTransient(error);
        if ((transient && clock.now() >= giveUpAt) || (!transient && attempt >= ROLLBACK_OTHER_ATTEMPTS)) {
          throw new Error(`Rollback could not ${what}: ${describeError(error)}`, { cause: error });
        }
        log.warn(`Rollback: ${what} failed (${describeError(error)}); trying again`);
        await clock.sleep(Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /** A call that has not answered within `ms` counts as a passing fault; its late answer is ignored. */
  private bounded<T>(call: () => Promise<T>, ms: number): Promise<T> {
    const timer = this.options.timer ?? realTimer;
    const stop = new AbortController();
    const timeout = timer(ms, stop.signal).then(() => {
      if (!stop.signal.aborted) throw new CallTimeout(`no answer within ${Math.round(ms / 1000)}s`);
      return undefined as never;
    });
    const run = call();
    // The abandoned call may still fail later; that failure has no one left to tell.
    run.catch(() => undefined);
    return Promise.race([run, timeout]).finally(() => stop.abort());
  }
}
