import type { Clock } from '../../src/clock.js';

/**
 * A clock whose time moves only when the code under test sleeps, so an hour-long bake takes
 * milliseconds. Callbacks scheduled with `at` fire when time passes their moment (an alarm entering
 * ALARM mid-step, a task set becoming steady); an async callback is awaited before time moves on.
 */
export class FakeClock implements Clock {
  private current: number;
  private readonly scheduled: { at: number; run: () => void | Promise<void> }[] = [];
  sleeps = 0;

  constructor(start = Date.parse('2026-11-23T10:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Runs `run` once time reaches `at` (milliseconds since the epoch). */
  at(at: number, run: () => void | Promise<void>): void {
    this.scheduled.push({ at, run });
    this.scheduled.sort((a, b) => a.at - b.at);
  }

  /** Runs `run` once `ms` from now has passed. */
  after(ms: number, run: () => void | Promise<void>): void {
    this.at(this.current + ms, run);
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps++;
    if (this.sleeps > 1_000_000) throw new Error('FakeClock: runaway sleep loop');
    await Promise.resolve();
    if (signal?.aborted) return;
    const target = this.current + Math.max(0, ms);
    while (this.scheduled.length && this.scheduled[0]!.at <= target) {
      const next = this.scheduled.shift()!;
      this.current = Math.max(this.current, next.at);
      await next.run();
      if (signal?.aborted) return;
    }
    this.current = target;
  }
}
