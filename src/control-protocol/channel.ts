import { formatDuration } from '../duration.js';
import { UserError } from '../errors.js';
import { decodeValue, encodeValue, fitValue, isPlainValue, MAX_VALUE_LENGTH } from './tag-text.js';

/**
 * The control channel between a running deploy and `safe-deploy status | promote | abort`, through AWS
 * alone: tags on the resource the job deploys (green's task set; the service for ECS-controller services).
 * The job writes its live state there when it changes; a command writes a request there; the job reads
 * the tags once a poll and answers in them. Nothing else (no queue, no table) is needed, and the IAM
 * actions are the ECS tag calls. This module decides; it reads and writes no AWS itself.
 */

/** Tags a deploy writes (the first four identify the run; see TAG in the engine). */
export const CONTROL_TAG = {
  repository: 'safe-deploy:repository',
  commit: 'safe-deploy:commit',
  runId: 'safe-deploy:run-id',
  runAttempt: 'safe-deploy:run-attempt',
  heartbeat: 'safe-deploy:heartbeat',
  runUrl: 'safe-deploy:run-url',
  phase: 'safe-deploy:phase',
  step: 'safe-deploy:step',
  traffic: 'safe-deploy:traffic',
  hold: 'safe-deploy:hold',
  holdUntil: 'safe-deploy:hold-until',
  deadline: 'safe-deploy:deadline',
  alarms: 'safe-deploy:alarms',
  updated: 'safe-deploy:updated',
  request: 'safe-deploy:request',
  requestBy: 'safe-deploy:request-by',
  requestAt: 'safe-deploy:request-at',
  requestRun: 'safe-deploy:request-run',
  requestHold: 'safe-deploy:request-hold',
  answeredAt: 'safe-deploy:answered-at',
  answer: 'safe-deploy:answer',
  keptBy: 'safe-deploy:kept-by',
  keptAt: 'safe-deploy:kept-at',
  keptRoute: 'safe-deploy:kept-route',
  keptTestListener: 'safe-deploy:kept-test-listener',
} as const;

/** A wait that `promote` can end: a timed step hold, a pause, the one-box bake or the bake. */
export interface Hold {
  /** Names this wait, so a promote meant for it does not end the next one: `step-2`, `bake`. */
  key: string;
  /** `pause` waits for a promotion; the others end by themselves at `until`. */
  kind: 'pause' | 'step' | 'one-box' | 'bake';
  until: string | undefined;
}

/** What a running deploy publishes about itself. */
export interface LiveState {
  repository: string;
  commit: string;
  runId: string;
  runAttempt: string;
  runUrl: string | undefined;
  /** A lifecycle phase (`stabilize`, `shift`, `bake`, `rollback`, `finished`, ...). */
  phase: string;
  /** `2/4`: the traffic step being taken or held, of how many. */
  step: string | undefined;
  /** Green's share of production traffic, 0-100. */
  traffic: number;
  hold: Hold | undefined;
  /** ISO time past which the deploy rolls back (the `timeout`). */
  deadline: string | undefined;
  /** Watched alarms that are not OK, by name. */
  alarms: Record<string, string>;
  /** How many more alarms were not OK than fit in the tag. */
  moreAlarms: number;
  /** ISO time of the last publication or heartbeat. */
  updated: string | undefined;
}

/** Who asked for what, as written by `safe-deploy promote | abort`. */
export interface ControlRequest {
  action: 'promote' | 'abort';
  /** The IAM identity (STS GetCallerIdentity ARN) that asked. */
  by: string;
  /** ISO time it was asked; also what the job's answer refers to. */
  at: string;
  /** `runId/attempt` of the deploy it is meant for: a request never reaches a later run. */
  run: string;
  /** For promote: the hold it ends. */
  hold: string | undefined;
}

/** The job's answer to the last request it saw. */
export interface ControlAnswer {
  /** The `at` of the request answered. */
  requestAt: string;
  text: string;
}

const HOLD_KINDS = ['pause', 'step', 'one-box', 'bake'] as const;
/** How far the asker's clock may be behind the job's. */
const CLOCK_SKEW_MS = 10 * 60_000;

/** `runId/attempt`: the identity of one job attempt. */
export function runKey(runId: string, runAttempt: string): string {
  return `${runId}/${runAttempt}`;
}

/** The state as tags. Alarms that do not fit in one value are counted in a trailing `+N` item. */
export function encodeState(state: LiveState): Record<string, string> {
  const hold = state.hold;
  return {
    [CONTROL_TAG.repository]: fitValue(state.repository),
    [CONTROL_TAG.commit]: fitValue(state.commit),
    [CONTROL_TAG.runId]: fitValue(state.runId),
    [CONTROL_TAG.runAttempt]: fitValue(state.runAttempt),
    [CONTROL_TAG.runUrl]: fitValue(state.runUrl ?? ''),
    [CONTROL_TAG.phase]: fitValue(state.phase),
    [CONTROL_TAG.step]: fitValue(state.step ?? ''),
    [CONTROL_TAG.traffic]: String(Math.round(state.traffic)),
    [CONTROL_TAG.hold]: hold ? fitValue(`${hold.kind} ${hold.key}`) : '',
    [CONTROL_TAG.holdUntil]: fitValue(hold?.until ?? ''),
    [CONTROL_TAG.deadline]: fitValue(state.deadline ?? ''),
    [CONTROL_TAG.alarms]: encodeAlarms(state.alarms, state.moreAlarms),
    [CONTROL_TAG.updated]: fitValue(state.updated ?? ''),
  };
}

/** The state in a resource's tags, or undefined when no deploy published one there. */
export function decodeState(tags: Record<string, string>): LiveState | undefined {
  const read = (key: string): string => decodeValue(tags[key] ?? '');
  const phase = read(CONTROL_TAG.phase);
  const runId = read(CONTROL_TAG.runId);
  if (!phase || !runId) return undefined;
  const [kind, key] = read(CONTROL_TAG.hold).split(' ');
  const hold =
    kind && key && (HOLD_KINDS as readonly string[]).includes(kind)
      ? { kind: kind as Hold['kind'], key, until: read(CONTROL_TAG.holdUntil) || undefined }
      : undefined;
  const { alarms, more } = decodeAlarms(tags[CONTROL_TAG.alarms] ?? '');
  return {
    repository: read(CONTROL_TAG.repository),
    commit: read(CONTROL_TAG.commit),
    runId,
    runAttempt: read(CONTROL_TAG.runAttempt),
    runUrl: read(CONTROL_TAG.runUrl) || undefined,
    phase,
    step: read(CONTROL_TAG.step) || undefined,
    traffic: Number(read(CONTROL_TAG.traffic)) || 0,
    hold,
    deadline: read(CONTROL_TAG.deadline) || undefined,
    alarms,
    moreAlarms: more,
    // The heartbeat is written more often than the state: the later of the two says the job lives.
    updated: latest(read(CONTROL_TAG.updated), read(CONTROL_TAG.heartbeat)),
  };
}

/**
 * Alarms as `name=STATE name=STATE +N` when every name is plain text without spaces, else encoded
 * one a line. As many as fit, the rest counted in `+N`.
 */
function encodeAlarms(alarms: Record<string, string>, more: number): string {
  const items = Object.entries(alarms).map(([name, state]) => `${name}=${state}`);
  const plain = items.every((item) => isPlainValue(item) && !item.includes(' '));
  const join = (list: string[], rest: number): string => {
    const all = rest > 0 ? [...list, `+${rest}`] : list;
    return encodeValue(all.join(plain ? ' ' : '\n'));
  };
  for (let kept = items.length; kept >= 0; kept--) {
    const value = join(items.slice(0, kept), more + items.length - kept);
    if (value.length <= MAX_VALUE_LENGTH) return value;
  }
  return `+${more + items.length}`;
}

function decodeAlarms(value: string): { alarms: Record<string, string>; more: number } {
  const text = decodeValue(value);
  const items = value.startsWith('b64:') ? text.split('\n') : text.split(' ');
  const alarms: Record<string, string> = {};
  let more = 0;
  for (const item of items.filter(Boolean)) {
    const cut = item.lastIndexOf('=');
    if (cut > 0) alarms[item.slice(0, cut)] = item.slice(cut + 1);
    else if (/^\+\d+$/.test(item)) more = Number(item.slice(1));
  }
  return { alarms, more };
}

/** A request as tags. */
export function encodeRequest(request: ControlRequest): Record<string, string> {
  return {
    [CONTROL_TAG.request]: request.action,
    [CONTROL_TAG.requestBy]: fitValue(request.by),
    [CONTROL_TAG.requestAt]: request.at,
    [CONTROL_TAG.requestRun]: fitValue(request.run),
    [CONTROL_TAG.requestHold]: fitValue(request.hold ?? ''),
  };
}

/** The request in a resource's tags, or undefined when none (or an unreadable one) is there. */
export function decodeRequest(tags: Record<string, string>): ControlRequest | undefined {
  const action = tags[CONTROL_TAG.request];
  const at = tags[CONTROL_TAG.requestAt] ?? '';
  if ((action !== 'promote' && action !== 'abort') || Number.isNaN(Date.parse(at))) return undefined;
  return {
    action,
    by: decodeValue(tags[CONTROL_TAG.requestBy] ?? '') || 'an unknown identity',
    at,
    run: decodeValue(tags[CONTROL_TAG.requestRun] ?? ''),
    hold: decodeValue(tags[CONTROL_TAG.requestHold] ?? '') || undefined,
  };
}

/** The job's answer as tags. */
export function encodeAnswer(answer: ControlAnswer): Record<string, string> {
  return { [CONTROL_TAG.answeredAt]: answer.requestAt, [CONTROL_TAG.answer]: fitValue(answer.text) };
}

/** The job's answer in a resource's tags, if it answered one. */
export function decodeAnswer(tags: Record<string, string>): ControlAnswer | undefined {
  const requestAt = tags[CONTROL_TAG.answeredAt];
  if (!requestAt) return undefined;
  return { requestAt, text: decodeValue(tags[CONTROL_TAG.answer] ?? '') };
}

/** What the job does about the tags it read at a poll. */
export type RequestDecision =
  | { kind: 'none' }
  | { kind: 'ignore'; request: ControlRequest; answer: string }
  | { kind: 'promote'; request: ControlRequest }
  | { kind: 'abort'; request: ControlRequest };

/**
 * Decides what a running job does with the request in its tags: nothing when there is none or it was
 * answered; ignore one meant for another run, or written before this run began; end the hold a promote
 * names (and only that one); abort at any point.
 */
export function decideRequest(
  tags: Record<string, string>,
  run: string,
  startedAt: number,
  hold: Hold | undefined,
): RequestDecision {
  const request = decodeRequest(tags);
  if (!request || decodeAnswer(tags)?.requestAt === request.at) return { kind: 'none' };
  // Written before this run began (beyond clock skew between the asker and the job): not for it.
  if (request.run !== run || Date.parse(request.at) < startedAt - CLOCK_SKEW_MS) {
    return {
      kind: 'ignore',
      request,
      answer: `ignored: meant for run ${request.run || 'unknown'}, not ${run}`,
    };
  }
  if (request.action === 'abort') return { kind: 'abort', request };
  if (!hold) return { kind: 'ignore', request, answer: 'ignored: the deploy was not holding' };
  if (request.hold !== hold.key) {
    return {
      kind: 'ignore',
      request,
      answer: `ignored: meant for ${request.hold ?? 'no hold'}, the deploy is at ${hold.key}`,
    };
  }
  return { kind: 'promote', request };
}

/** How long after its last sign of life a deploy counts as gone (the engine's STALE_AFTER_MS). */
export const LIVE_WITHIN_MS = 5 * 60_000;

/** Whether the state shows a deploy still running at `now`. */
export function isLive(state: LiveState, now: number): boolean {
  if (state.phase === 'finished') return false;
  const updated = Date.parse(state.updated ?? '');
  return !Number.isNaN(updated) && now - updated < LIVE_WITHIN_MS;
}

/**
 * How long a task-set deploy may be silent before its job looks dead: green's heartbeat is written every
 * minute, so three missed in a row. `abort` then rolls the deploy back itself instead of waiting for the
 * 5 minutes after which a deploy no longer counts as running.
 */
export const DEAD_AFTER_MS = 3 * 60_000;

/** Whether an unfinished deploy has been silent for DEAD_AFTER_MS or more (its job is gone). */
export function looksDead(state: LiveState, now: number): boolean {
  if (state.phase === 'finished') return false;
  const updated = Date.parse(state.updated ?? '');
  return Number.isNaN(updated) || now - updated >= DEAD_AFTER_MS;
}

/**
 * Checks a promote or abort against the live state before anything is written, and returns the
 * request to write. Throws a UserError saying why when there is nothing to act on.
 */
export function requestFor(
  action: ControlRequest['action'],
  state: LiveState | undefined,
  where: string,
  by: string,
  now: number,
): ControlRequest {
  if (!state || !isLive(state, now)) {
    const last = state
      ? ` (the last one, run ${state.runId}, is ${state.phase === 'finished' ? 'finished' : `silent since ${state.updated ?? 'its start'}`})`
      : '';
    throw new UserError(`No deploy is running on ${where}${last}: nothing to ${action}`);
  }
  if (state.phase === 'promote') {
    throw new UserError(
      `The deploy on ${where} (run ${state.runId}) is promoting green: too late to ${action}` +
        (action === 'abort'
          ? '; once it finished, `safe-deploy rollback` brings back a release kept by keep-previous'
          : ''),
    );
  }
  if (state.phase === 'rollback') {
    throw new UserError(
      `The deploy on ${where} (run ${state.runId}) is already rolling back: nothing to ${action}`,
    );
  }
  if (action === 'promote' && !state.hold) {
    throw new UserError(
      `The deploy on ${where} (run ${state.runId}) is in ${state.phase}, not holding a step or the bake: ` +
        'nothing to promote yet; try again when `safe-deploy status` shows a hold',
    );
  }
  return {
    action,
    by,
    at: new Date(now).toISOString(),
    run: runKey(state.runId, state.runAttempt),
    hold: action === 'promote' ? state.hold?.key : undefined,
  };
}

/** The state as a few lines for a person: run, commit, phase, step, traffic, alarms, time left. */
export function renderState(state: LiveState, now: number): string {
  const left = (iso: string | undefined): string => {
    const at = Date.parse(iso ?? '');
    return Number.isNaN(at) ? '' : `${formatDuration(Math.max(0, at - now))} left (${iso})`;
  };
  const alarms = Object.entries(state.alarms).map(([name, value]) => `${name} ${value}`);
  if (state.moreAlarms) alarms.push(`${state.moreAlarms} more`);
  // A finished deploy, or one whose job is gone, has no time left and holds nothing.
  const running = state.phase !== 'finished' && isLive(state, now);
  const lines = [
    `run:      ${state.runId} (attempt ${state.runAttempt}) of ${state.repository}${state.runUrl ? ` ${state.runUrl}` : ''}`,
    `commit:   ${state.commit}`,
    `phase:    ${state.phase}${isLive(state, now) ? '' : state.phase === 'finished' ? '' : ' (not running: no sign of life for 5m)'}`,
    `step:     ${state.step ?? '-'}`,
    `traffic:  ${state.traffic}% on green`,
    `holding:  ${running && state.hold ? `${state.hold.kind} ${state.hold.key}${state.hold.until ? `, ${left(state.hold.until)}` : state.hold.kind === 'pause' ? ', until promoted' : ''}` : '-'}`,
    `alarms:   ${alarms.length ? alarms.join(', ') : 'all OK'}`,
    `timeout:  ${running && state.deadline ? left(state.deadline) : '-'}`,
    `updated:  ${state.updated ?? '-'}`,
  ];
  return lines.join('\n');
}

function latest(a: string, b: string): string | undefined {
  const [x, y] = [Date.parse(a), Date.parse(b)];
  if (Number.isNaN(x)) return Number.isNaN(y) ? undefined : b;
  if (Number.isNaN(y)) return a;
  return x >= y ? a : b;
}

/** A release kept by `keep-previous`: the task set blue was, scaled to zero, and how traffic reached it. */
export interface KeptRelease {
  /** `runId/attempt` of the deploy that kept it. */
  keptBy: string;
  /** ISO time it was kept. */
  at: string;
  routing: 'listener' | 'task-sets';
  /** With listener routing: the production listener or rule that forwarded to it. */
  production: { kind: 'listener' | 'rule'; arn: string } | undefined;
  testListenerArn: string | undefined;
}

/** Tags that mark a task set as a kept release (and not one abandoned by a failed run). */
export function encodeKept(kept: KeptRelease): Record<string, string> {
  return {
    [CONTROL_TAG.keptBy]: fitValue(kept.keptBy),
    [CONTROL_TAG.keptAt]: kept.at,
    [CONTROL_TAG.keptRoute]: fitValue(
      kept.production ? `${kept.production.kind} ${kept.production.arn}` : 'task-sets',
    ),
    [CONTROL_TAG.keptTestListener]: fitValue(kept.testListenerArn ?? ''),
  };
}

/** The kept release these tags describe, or undefined when the task set was not kept. */
export function decodeKept(tags: Record<string, string>): KeptRelease | undefined {
  const keptBy = decodeValue(tags[CONTROL_TAG.keptBy] ?? '');
  if (!keptBy) return undefined;
  const [kind, arn] = decodeValue(tags[CONTROL_TAG.keptRoute] ?? '').split(' ');
  const production =
    (kind === 'listener' || kind === 'rule') && arn ? { kind: kind as 'listener' | 'rule', arn } : undefined;
  return {
    keptBy,
    at: tags[CONTROL_TAG.keptAt] ?? '',
    routing: production ? 'listener' : 'task-sets',
    production,
    testListenerArn: decodeValue(tags[CONTROL_TAG.keptTestListener] ?? '') || undefined,
  };
}

/** The keys `encodeKept` writes, to remove once the kept release runs again. */
export const KEPT_KEYS = [
  CONTROL_TAG.keptBy,
  CONTROL_TAG.keptAt,
  CONTROL_TAG.keptRoute,
  CONTROL_TAG.keptTestListener,
];
