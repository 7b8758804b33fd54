import type { EcsControlPort } from '../aws/ecs.js';
import type { Clock } from '../clock.js';
import { LATER, type AwsCalls } from './calls.js';
import type { RunIdentity } from './leftovers.js';
import type { DeployLog } from './log.js';
import {
  CONTROL_TAG,
  decideRequest,
  encodeAnswer,
  encodeState,
  runKey,
  type Hold,
  type LiveState,
} from '../control-protocol/channel.js';
import { decodeValue, roomFor } from '../control-protocol/tag-text.js';

/**
 * The running job's end of the control channel. Once a poll (a check of the deploy's one wait loop) it
 * publishes what changed in its state as tags on its resource, whether or not the tags could be read;
 * every CONTROL_READ_EVERY_MS (and at every poll after a read that failed) it reads the tags and acts on
 * a request it has not answered: a promote ends the hold it names, an abort stops the deploy. It answers
 * in the tags, and says in the log and timeline who asked and when.
 */

/**
 * The control tags are read this often (ListTagsForResource), or once a poll when polls are further
 * apart: a request waits at most this long (plus a poll) to be answered. A read that fails (throttling)
 * is tried again at the next poll, so a request is answered within a poll or two of the throttling easing.
 */
export const CONTROL_READ_EVERY_MS = 5_000;

/**
 * The live state's `updated` is written again at least this often, even when nothing else in it changed:
 * `safe-deploy status`, `promote` and `abort` take a deploy whose state is older than 5 minutes
 * (LIVE_WITHIN_MS) for one that is no longer running. A task set's heartbeat tag counts too, but an
 * ECS-controller service has none: without this, its deploy vanished from them in a long bake.
 */
export const KEEP_ALIVE_MS = 60_000;

/** What the job is doing now, read at every poll. */
export interface JobProgress {
  phase: string;
  step: string | undefined;
  traffic: number;
  hold: Hold | undefined;
  deadline: number;
  alarms: Record<string, string>;
}

export interface JobControlDeps {
  ecs: EcsControlPort;
  calls: AwsCalls;
  clock: Clock;
  log: DeployLog;
  identity: RunIdentity;
  runUrl: string | undefined;
  /** When the run began: requests written before it are not for it. */
  startedAt: number;
  progress(): JobProgress;
  /** Ends the hold named; false when the deploy is no longer in it. */
  promote(key: string): boolean;
  /** Records a moment in the deploy's timeline (and so the summary). */
  mark(note: string): void;
}

/** What a poll asks of the deploy. */
export type JobAction = { kind: 'continue' } | { kind: 'abort'; reason: string };

export class JobControl {
  private written: Record<string, string> = {};
  private disabled = false;
  /**
   * When the tags were last read successfully (the deploy's clock). It starts when the job does: no
   * request can be meant for this run before it published its state.
   */
  private lastReadAt: number;

  constructor(
    private readonly deps: JobControlDeps,
    /** Green's task set, or the service of an ECS-controller deploy. */
    readonly arn: string,
  ) {
    this.lastReadAt = deps.clock.now();
  }

  /** Publishes the state if it changed, then reads and acts on a request. Never fails the deploy itself. */
  async poll(): Promise<JobAction> {
    if (this.disabled) return { kind: 'continue' };
    const { ecs, calls, clock } = this.deps;
    // What `status` shows never waits for a successful read: it is written from what this run wrote.
    await this.publish();
    if (clock.now() - this.lastReadAt < CONTROL_READ_EVERY_MS) return { kind: 'continue' };
    const tags = await calls.once('read the control tags', () => ecs.resourceTags(this.arn));
    if (tags === LATER) return { kind: 'continue' };
    this.lastReadAt = clock.now();
    // Tags that differ from what this run wrote (a write that did not stick, or someone else's) are written again.
    await this.publish({}, tags);
    const run = runKey(this.deps.identity.runId, this.deps.identity.runAttempt);
    const decision = decideRequest(tags, run, this.deps.startedAt, this.deps.progress().hold);
    switch (decision.kind) {
      case 'none':
        return { kind: 'continue' };
      case 'ignore':
        this.deps.log.info(
          `A ${decision.request.action} request by ${decision.request.by} at ${decision.request.at} was ${decision.answer}`,
        );
        await this.answer(decision.request.at, decision.answer);
        return { kind: 'continue' };
      case 'promote': {
        const { request } = decision;
        const hold = request.hold ?? '';
        if (!this.deps.promote(hold)) {
          await this.answer(request.at, `ignored: the deploy had left ${hold}`);
          return { kind: 'continue' };
        }
        const note = `promoted by ${request.by} (asked at ${request.at})`;
        this.deps.log.info(`${hold}: ${note}`);
        this.deps.mark(`${hold} ${note}`);
        await this.answer(request.at, `promoted ${hold} at ${new Date(this.deps.clock.now()).toISOString()}`);
        return { kind: 'continue' };
      }
      case 'abort': {
        const { request } = decision;
        await this.answer(
          request.at,
          `aborted at ${new Date(this.deps.clock.now()).toISOString()}: rolling back`,
        );
        return { kind: 'abort', reason: `aborted by ${request.by} at ${request.at} (safe-deploy abort)` };
      }
    }
  }

  /**
   * Writes the state tags that differ from `current` (the tags just read; else what this run last wrote),
   * so a write that failed is made again at the next poll.
   */
  async publish(
    { promoting = false }: { promoting?: boolean } = {},
    current: Record<string, string> = this.written,
  ): Promise<void> {
    if (this.disabled) return;
    const state = encodeState({
      ...this.state(),
      ...(promoting ? { phase: 'promote', hold: undefined } : {}),
    });
    const changed = Object.fromEntries(
      Object.entries(state).filter(([key, value]) => key !== CONTROL_TAG.updated && current[key] !== value),
    );
    // `updated` as last written successfully (NaN before the first write: then it is due).
    const aliveAt = Date.parse(decodeValue(this.written[CONTROL_TAG.updated] ?? ''));
    if (Object.keys(changed).length === 0 && this.deps.clock.now() - aliveAt < KEEP_ALIVE_MS) return;
    if (!roomFor(current, state)) {
      this.disabled = true;
      this.deps.log.warn(
        `${this.arn} has too many tags (ECS allows 50) for safe-deploy's live state: ` +
          '`safe-deploy status`, `promote` and `abort` cannot reach this run',
      );
      return;
    }
    const write = { ...changed, [CONTROL_TAG.updated]: state[CONTROL_TAG.updated]! };
    const written = await this.deps.calls.bestEffort('publish the live state', () =>
      this.deps.ecs.tagResource(this.arn, write),
    );
    // A write that failed is made again at the next poll.
    if (written) this.written = { ...this.written, ...write };
  }

  private state(): LiveState {
    const p = this.deps.progress();
    const { identity } = this.deps;
    return {
      repository: identity.repository,
      commit: identity.commit,
      runId: identity.runId,
      runAttempt: identity.runAttempt,
      runUrl: this.deps.runUrl,
      phase: p.phase,
      step: p.step,
      traffic: p.traffic,
      hold: p.hold,
      deadline: new Date(p.deadline).toISOString(),
      alarms: p.alarms,
      moreAlarms: 0,
      updated: new Date(this.deps.clock.now()).toISOString(),
    };
  }

  private async answer(requestAt: string, text: string): Promise<void> {
    await this.deps.calls.bestEffort('answer the control request', () =>
      this.deps.ecs.tagResource(this.arn, encodeAnswer({ requestAt, text })),
    );
  }
}
