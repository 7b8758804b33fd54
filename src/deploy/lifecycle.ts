import { AlarmWatch } from '../alarms/watch.js';
import { isTransient } from '../aws/transient.js';
import { formatDuration } from '../duration.js';
import { describeError, UserError } from '../errors.js';
import type { GreenBlueAnalysis } from '../compare/analysis.js';
import { describeResult } from '../compare/format.js';
import { describeRule } from '../compare/parse.js';
import { AwsCalls, LATER } from './calls.js';
import type { DeployContext, DeployDeps, Release } from './context.js';
import type { DeployPlan, DeployReport, DeployResult, PlannedStep, TrafficStep } from '../report/model.js';
import { settleInconclusive } from './inconclusive.js';
import { ROLLBACK_NOT_CONFIRMED, sweepOwnLeftovers } from './own-leftovers.js';
import { heldAtBox, stepShare } from './plan.js';
import { preflight, type Preflight } from './preflight.js';
import { requestWindow } from './requests.js';
import type { RollbackOutcome } from './rollback.js';
import {
  Blocked,
  YieldToEarlierRun,
  type CheckedRollout,
  type LiveRollout,
  type MoveWords,
  type RolloutIds,
} from './rollout.js';
import { hasTestListener, routingOf } from './routing/settings.js';
import type { TrafficRouter } from './routing/router.js';
import { GreenShare } from './share.js';
import type { DeploySettings } from './settings.js';
import { Timeline } from './timeline.js';
import { DeployWatch, NotSteady, Stop } from './watch.js';
import { JobControl } from './job-control.js';
import { runReleaseTaskOnGreen } from './release/task.js';
import { renderDiagnosisText, type Diagnosis } from './diagnose.js';

/** Before the bake time has passed the request count is only progress, read this often. */
const REQUEST_COUNT_EVERY_MS = 30_000;

/**
 * The deploy, as the runbook reads (README, "How a deploy goes"):
 * validate (and verify) → prepare → stabilise → release task → test traffic → before-traffic → one box → shift → after-traffic → bake
 * → promote, or roll back from any point after validation. Each phase is one call; what a phase does for
 * a kind of service lives behind the rollout port, the waiting in the watch, the AWS policy in the calls.
 * Throws only for errors the user must fix before anything changed.
 */
export async function runLifecycle(
  settings: DeploySettings,
  release: Release,
  deps: DeployDeps,
): Promise<DeployReport> {
  const ctx = context(settings, deps);
  const { log } = deps;
  let checked: Preflight;
  try {
    checked = await log.group('Validate', () => preflight(ctx, release));
  } catch (error) {
    if (error instanceof Blocked) return report(ctx, release, undefined, undefined, 'blocked', error.message);
    throw error;
  }
  ctx.watch.watchAlarms(checked.alarms);
  // Validation read every watched alarm a moment ago: that is the watch's first full read, not a second one.
  ctx.alarmWatch.seed(checked.alarms.watched, checked.alarmStates.states, {
    prefixes: settings.alarmPrefixes,
    at: checked.alarmStates.readAt,
  });
  // From here the run follows the settings as its kind of service runs them (a first deploy has no canary).
  const run: DeployContext = { ...ctx, settings: checked.settings };
  const s = run.settings;
  const plan = planOf(checked);
  if (deps.describePlan) log.info(deps.describePlan(plan));
  if (s.dryRun) {
    return report(
      run,
      release,
      checked,
      checked.rollout.ids(),
      'dry-run',
      'dry run: validated the inputs and read the current state; nothing changed',
    );
  }
  deps.onChangesBegin?.();
  const rollout = checked.rollout;
  let live: LiveRollout | undefined;
  let control: Control | undefined;
  const drift = new DriftWatch(run);
  try {
    live = await log.group('Prepare', () => rollout.prepare());
    const green = live;
    control = startControl(run, green, (rollout.steps ?? s.steps).length);
    if (checked.analysis) watchComparisons(run, checked.analysis, green);
    await log.group('Stabilise green', () => green.stabilise());
    // Before any traffic, test traffic included (a first deploy runs it before its task set is made).
    const releaseTask = s.releaseTask;
    if (releaseTask && !rollout.firstDeploy) {
      await log.group('Release task', () => runReleaseTaskOnGreen(run, releaseTask, green));
    }
    const testTraffic = green.router.testTraffic?.bind(green.router);
    if (testTraffic) await log.group('Test traffic', () => sendTestTraffic(run, testTraffic));
    if (s.beforeTraffic) await hook(run, green, 'before-traffic', s.beforeTraffic);
    const box = rollout.oneBox;
    if (s.oneBox && box) await log.group('One box', () => oneBox(run, green, box, drift));
    await log.group('Shift traffic', () => shift(run, green, rollout, drift));
    if (s.afterTraffic) await hook(run, green, 'after-traffic', s.afterTraffic);
    await log.group('Bake', () => bake(run, green));
    if (checked.analysis) await settleInconclusive(run, checked.analysis);
    // Past this point green becomes the running version: an abort would come too late to be safe.
    control.stop();
    await log.group('Promote', async () => {
      // The last look before green becomes the running version: is traffic still where this deploy put it?
      await green.router.confirm(run.traffic.percent);
      drift.stop();
      await control?.job.publish({ promoting: true });
      await green.promote();
    });
    await control.job.publish();
    // Whatever way it ends, nothing of this run stays beside the version that serves (it never throws).
    return await sweepOwnLeftovers(
      run,
      report(
        run,
        release,
        checked,
        green.ids(),
        'deployed',
        green.deployedReason?.() ?? `${green.ids().taskSetArn ?? 'green'} is PRIMARY and takes all traffic`,
      ),
    );
  } catch (error) {
    if (error instanceof YieldToEarlierRun) {
      return sweepOwnLeftovers(run, await backOff(run, release, checked, error));
    }
    const reason = stopReason(error);
    const ids = (live ?? rollout).ids();
    const undo = live ?? rollout;
    // A request read during the rollback's own waits must not stop the rollback, nor traffic moving back.
    control?.stop();
    drift.stop();
    const failed = live;
    const diagnose = failed ? () => explain(run, failed, error) : undefined;
    const rolledBack = await log.group('Roll back', () =>
      rollBack(run, release, checked, ids, undo, reason, control?.job, diagnose),
    );
    return sweepOwnLeftovers(run, rolledBack);
  }
}

function context(settings: DeploySettings, deps: DeployDeps): DeployContext {
  const startedAt = deps.clock.now();
  const alarmWatch = new AlarmWatch(deps.cloudwatch, settings.insufficientData === 'rollback');
  // A hung call is abandoned after a few polls, so alarms are never unread for long whatever else fails.
  const callTimeoutMs = Math.min(30_000, Math.max(5_000, 3 * settings.pollIntervalMs));
  const timeline = new Timeline(
    () => deps.clock.now(),
    () => alarmWatch.notOk(watch.allAlarms()),
  );
  const traffic = new GreenShare(timeline, () => deps.clock.now());
  const watch: DeployWatch = new DeployWatch({
    clock: deps.clock,
    log: deps.log,
    alarms: alarmWatch,
    prefixes: settings.alarmPrefixes,
    timeline,
    pollIntervalMs: settings.pollIntervalMs,
    deadline: startedAt + settings.timeoutMs,
    timeoutMs: settings.timeoutMs,
    signal: deps.signal,
    alarmReadLimitMs: callTimeoutMs,
    ...(deps.timer ? { timer: deps.timer } : {}),
  });
  const calls = new AwsCalls({
    clock: deps.clock,
    log: deps.log,
    callTimeoutMs,
    pause: (what) => watch.pause(what),
    ...(deps.timer ? { timer: deps.timer } : {}),
  });
  return { settings, deps, watch, calls, timeline, traffic, alarmWatch, startedAt };
}

/** The plan the settings and the service describe: what dry-run prints is what runs. */
function planOf(checked: Preflight): DeployPlan {
  const s = checked.settings;
  const { rollout, alarms } = checked;
  return {
    ...settingsPlan(s),
    steps: plannedSteps(rollout.steps ?? s.steps, s.oneBox ? rollout.oneBox?.share : undefined),
    ...(rollout.describe ? { kind: rollout.describe() } : {}),
    ...(rollout.firstDeploy ? { firstDeploy: true } : {}),
    ...(s.keepPrevious && !rollout.firstDeploy ? { keepPrevious: true } : {}),
    oneBox: s.oneBox
      ? {
          bakeMs: s.oneBoxBakeMs,
          alarms: alarms.oneBoxOnly,
          ...(rollout.oneBox ? { share: rollout.oneBox.share } : {}),
        }
      : undefined,
    alarms: alarms.watched,
    ...(s.releaseTask ? { releaseTask: s.releaseTask.text } : {}),
    ...(checked.verified
      ? {
          verified: {
            found: checked.verified.verified,
            notVerified: [...checked.verified.unchecked, ...checked.verified.denied],
          },
        }
      : {}),
  };
}

/** The plan as the settings alone say it: for a run blocked before validation read the service. */
function settingsPlan(s: DeploySettings): DeployPlan {
  return {
    cluster: s.cluster,
    service: s.service,
    routing: routingOf(s.route),
    stepsText: s.stepsText,
    steps: s.steps,
    oneBox: s.oneBox ? { bakeMs: s.oneBoxBakeMs, alarms: [] } : undefined,
    bakeMs: s.bakeMs,
    minRequests: s.minRequests,
    pollIntervalMs: s.pollIntervalMs,
    alarms: [],
    testListener: hasTestListener(s.route),
    ...comparisonsOf(s),
  };
}

/** The steps as they run: after a one box, those at or below its share hold there (the plan says so). */
function plannedSteps(steps: TrafficStep[], box: number | undefined): PlannedStep[] {
  return steps.map((step) => (heldAtBox(step, box) ? { ...step, heldAt: stepShare(step, box) } : step));
}

function comparisonsOf(s: DeploySettings): Pick<DeployPlan, 'comparisons'> {
  if (s.comparisons.length === 0) return {};
  return { comparisons: s.comparisons.map((c) => ({ name: c.name, text: c.text, rule: describeRule(c) })) };
}

/**
 * Green against blue on every poll once green takes production traffic, beside the alarms: a failing
 * comparison is a breach whose reason names it and both versions' values.
 */
function watchComparisons(ctx: DeployContext, analysis: GreenBlueAnalysis, green: LiveRollout): void {
  const { deps, timeline, traffic, calls, watch } = ctx;
  const ids = green.ids();
  analysis.greenCreated({
    ...(ids.taskSetArn ? { taskSetArn: ids.taskSetArn } : {}),
    ...(ids.taskDefinitionArn ? { taskDefinitionArn: ids.taskDefinitionArn } : {}),
  });
  let states: string[] = [];
  watch.addStatus(() => states);
  watch.addCheck(async () => {
    if (traffic.percent === 0) return;
    const verdict = await calls.once('read the green-versus-blue comparisons', () =>
      analysis.poll(deps.clock.now(), {
        traffic: traffic.percent,
        phase: timeline.phase,
        ...(traffic.firstTrafficAt !== undefined ? { since: traffic.firstTrafficAt } : {}),
      }),
    );
    if (verdict === LATER) return;
    states = verdict.results.map((result) => `${result.name} ${result.state}`);
    for (const result of verdict.changed)
      deps.log.info(`Comparison ${result.name}: ${describeResult(result)}`);
    if (!verdict.failed) return;
    timeline.mark(`comparison ${verdict.failed.name} failed`, { comparison: verdict.failed.name });
    throw new Stop(verdict.reason ?? `comparison ${verdict.failed.name} failed`);
  });
}

/** All test traffic to green, before any production traffic. */
async function sendTestTraffic(ctx: DeployContext, testTraffic: () => Promise<void>): Promise<void> {
  ctx.timeline.enter('test-traffic');
  await testTraffic();
  ctx.timeline.mark('test listener 100% green');
}

/** One green task beside blue takes its share, and bakes with the one-box alarms watched too. */
async function oneBox(
  ctx: DeployContext,
  green: LiveRollout,
  box: { share: number; scale: number },
  drift: DriftWatch,
): Promise<void> {
  const { settings: s, timeline, traffic, watch, deps } = ctx;
  timeline.enter('one-box');
  const router = green.router;
  // The kinds that have a one box (task sets) have it in their router; `one-box` is refused for the others.
  if (router.oneBox) {
    await router.oneBox(box.share, box.scale);
    traffic.moved(box.share, `one box: 1 task, ~${box.share}% of traffic`);
    deps.log.info(`One box: green runs 1 task and takes about ${box.share}% of production traffic`);
    drift.start(router);
  }
  await watch.hold(ctx.deps.clock.now() + s.oneBoxBakeMs, {
    label: 'one-box bake',
    oneBoxAlarms: true,
    promotable: { kind: 'one-box', key: 'one-box' },
  });
}

/** Each step moves green to its share (a step at or below the one box's share holds there) and holds it. */
async function shift(
  ctx: DeployContext,
  green: LiveRollout,
  rollout: CheckedRollout,
  drift: DriftWatch,
): Promise<void> {
  const { settings: s, timeline, traffic, watch, deps } = ctx;
  timeline.enter('shift');
  const box = s.oneBox ? rollout.oneBox?.share : undefined;
  const steps = rollout.steps ?? s.steps;
  for (const [index, step] of steps.entries()) {
    const share = stepShare(step, box);
    const label = `step ${index + 1}/${steps.length}: ${step.percent}%`;
    if (heldAtBox(step, box)) {
      timeline.mark(`${label} held at the one box's ${share}%`);
      deps.log.info(`${label}: held at the one box's ${share}% of traffic (the box already takes more)`);
    } else if (share !== traffic.percent) {
      await green.router.shift(traffic.percent, share);
      const words = green.describeMove ? green.describeMove(share) : movedWords(share);
      if (words && share !== traffic.percent) {
        traffic.moved(share, words.note);
        if (words.line) deps.log.info(words.line);
      }
      // From the first move on, someone else moving traffic is noticed between steps, not at the next one.
      drift.start(green.router);
    }
    const key = `step-${index + 1}`;
    if (step.pause) await pause(ctx, label, key);
    else if (step.holdMs > 0) {
      await watch.hold(deps.clock.now() + step.holdMs, { label, promotable: { kind: 'step', key } });
    }
  }
}

/** How a move reads where the kind does not word it its own way. */
function movedWords(percent: number): MoveWords {
  return { note: `traffic ${percent}%`, line: `Green takes ${percent}% of production traffic` };
}

/**
 * From green's first traffic on, until promotion or rollback: is traffic still where this deploy left it?
 * The router reads it, at most every `driftEveryMs` counted from its last read — each move reads traffic
 * first, so the check after a move comes one cadence later; the lifecycle says where traffic should be.
 */
class DriftWatch {
  private stopCheck: (() => void) | undefined;
  /** When the router last read where traffic is (a move, or this check). */
  private readAt = -Infinity;

  constructor(private readonly ctx: DeployContext) {}

  /** Called after each move (which read traffic first): the check starts, or its cadence starts again. */
  start(router: TrafficRouter): void {
    const { clock } = this.ctx.deps;
    this.readAt = clock.now();
    this.stopCheck ??= this.ctx.watch.addCheck(async () => {
      if (clock.now() - this.readAt < router.driftEveryMs) return;
      this.readAt = clock.now();
      await router.drift(this.ctx.traffic.percent);
    });
  }

  stop(): void {
    this.stopCheck?.();
    this.stopCheck = undefined;
  }
}

/**
 * `N%:pause`: green holds its share, alarms watched, until `safe-deploy promote`; after `pause-timeout`
 * it rolls back or goes on, as `on-pause-timeout` says. Time paused does not count toward `timeout`.
 */
async function pause(ctx: DeployContext, label: string, key: string): Promise<void> {
  const { settings: s, timeline, watch, deps } = ctx;
  const limit = formatDuration(s.pauseTimeoutMs);
  deps.log.info(
    `${label}: paused until promoted (safe-deploy promote --cluster ${s.cluster} --service ${s.service}), ` +
      `up to pause-timeout ${limit}, then ${s.onPauseTimeout === 'promote' ? 'goes on' : 'rolls back'}`,
  );
  timeline.mark(`${label} paused until promoted`);
  const end = await watch.hold(deps.clock.now() + s.pauseTimeoutMs, {
    label: `${label} paused`,
    promotable: { kind: 'pause', key },
  });
  if (end === 'promoted') return;
  if (s.onPauseTimeout === 'rollback') {
    throw new Stop(`${label} was not promoted within pause-timeout ${limit} (on-pause-timeout: rollback)`);
  }
  timeline.mark(`${label} not promoted within ${limit}: going on (on-pause-timeout: promote)`);
  deps.log.info(`${label}: not promoted within pause-timeout ${limit}; going on (on-pause-timeout: promote)`);
}

/** The running job's end of the control channel, polled by the watch once a poll. */
interface Control {
  job: JobControl;
  stop(): void;
}

/**
 * Publishes the deploy's live state on green and acts on promote and abort requests once a poll: a
 * promote ends the hold it names, an abort stops the deploy (and rolls it back).
 */
function startControl(ctx: DeployContext, green: LiveRollout, stepCount: number): Control {
  const { deps, calls, watch, timeline, alarmWatch } = ctx;
  const job = new JobControl(
    {
      ecs: deps.ecs,
      calls,
      clock: deps.clock,
      log: deps.log,
      identity: deps.identity,
      runUrl: deps.runUrl,
      startedAt: ctx.startedAt,
      progress: () => {
        const hold = watch.currentHold;
        return {
          phase: timeline.phase,
          step: stepOf(hold?.key, stepCount),
          traffic: ctx.traffic.percent,
          hold: hold && { kind: hold.kind, key: hold.key, until: new Date(hold.until).toISOString() },
          deadline: watch.deadline,
          alarms: alarmWatch.notOk(watch.allAlarms()),
        };
      },
      promote: (key) => watch.promote(key),
      mark: (note) => timeline.mark(note),
    },
    green.controlArn(),
  );
  const stop = watch.addCheck(async () => {
    const action = await job.poll();
    if (action.kind === 'abort') {
      timeline.mark(action.reason);
      throw new Stop(action.reason);
    }
  });
  return { job, stop };
}

/** Which traffic step the deploy holds at (`2/3`), read from the hold a step or its pause is: `step-2`. */
function stepOf(holdKey: string | undefined, stepCount: number): string | undefined {
  const index = /^step-(\d+)$/.exec(holdKey ?? '')?.[1];
  return index ? `${index}/${stepCount}` : undefined;
}

/**
 * Reads why green failed before it is removed. Shown when green did not steady, or when tasks stopped or
 * targets were unhealthy whatever ended the deploy; an alarm's breach alone needs no ECS events.
 */
async function explain(
  ctx: DeployContext,
  green: LiveRollout,
  error: unknown,
): Promise<Diagnosis | undefined> {
  const diagnosis = await green.diagnose();
  const telling = diagnosis.stoppedTasks.length > 0 || diagnosis.unhealthyTargets.length > 0;
  if (!(error instanceof NotSteady) && !telling) return undefined;
  ctx.deps.log.warn(renderDiagnosisText(diagnosis));
  return diagnosis;
}

/** 100% on green, blue still running, alarms watched: for bake-time and until green served min-requests. */
async function bake(ctx: DeployContext, green: LiveRollout): Promise<void> {
  const { settings: s, timeline, watch, deps } = ctx;
  timeline.enter('bake');
  const minRequests = s.minRequests;
  const startedAt = deps.clock.now();
  const until = startedAt + s.bakeMs;
  const countFrom = { firstTraffic: firstTrafficAt(ctx), bake: startedAt };
  let requests = 0;
  let lastCount = -Infinity;
  await watch.hold(until, {
    label: 'bake',
    promotable: { kind: 'bake', key: 'bake' },
    progressNote: () => (minRequests > 0 ? `, ${requests}/${minRequests} requests` : ''),
    done: async () => {
      if (minRequests === 0 || requests >= minRequests) return true;
      const now = deps.clock.now();
      // Once the bake time has passed, every poll reads the count: the bake ends within a poll of reaching it.
      if (now < until && now - lastCount < REQUEST_COUNT_EVERY_MS) return false;
      const counter = green.requests;
      const window = counter && requestWindow(counter.countFrom, countFrom, now);
      if (!counter || !window) return false;
      lastCount = now;
      const counted = await counter.since(window.from, window.to);
      if (counted !== undefined) requests = counted;
      return requests >= minRequests;
    },
  });
  timeline.mark(
    minRequests > 0
      ? `baked ${formatDuration(s.bakeMs)}, ${requests} requests`
      : `baked ${formatDuration(s.bakeMs)}`,
  );
}

/** Runs a hook with alarms watched and the overall timeout applying to it; a non-zero exit is a Stop. */
async function hook(
  ctx: DeployContext,
  green: LiveRollout,
  name: 'before-traffic' | 'after-traffic',
  command: string,
): Promise<void> {
  const { deps, timeline, watch } = ctx;
  await deps.log.group(`${name} hook`, async () => {
    timeline.enter(name);
    let code: number | undefined;
    const stop = new AbortController();
    const env = { ...green.hookEnv(), SAFE_DEPLOY_TRAFFIC: String(ctx.traffic.percent) };
    const done = deps.runHook(name, command, env, stop.signal).then(
      (exit) => (code = exit),
      (error: unknown) => {
        deps.log.warn(`${name} hook could not run: ${describeError(error)}`);
        code = -1;
      },
    );
    try {
      await watch.hold(deps.clock.now(), {
        label: `${name} hook`,
        done: () => code !== undefined,
        wake: done,
      });
    } catch (error) {
      // The deploy stops here: a hook left running would hold the step open after the rollback.
      if (code === undefined) {
        deps.log.warn(`Stopping the ${name} hook: the deploy is rolling back`);
        stop.abort();
      }
      throw error;
    }
    if (code !== 0) throw new Stop(`${name} hook failed with exit code ${code}: ${command}`);
    timeline.mark(`${name} passed`);
  });
}

async function rollBack(
  ctx: DeployContext,
  release: Release,
  checked: Preflight,
  ids: RolloutIds,
  undo: { rollBack(): Promise<RollbackOutcome> },
  reason: string,
  control: JobControl | undefined,
  diagnose: (() => Promise<Diagnosis | undefined>) | undefined,
): Promise<DeployReport> {
  const { deps, timeline } = ctx;
  deps.log.warn(`Rolling back: ${reason}`);
  timeline.enter('rollback');
  // Nothing stands between the decision and the traffic move: the rollout's rollback makes the first AWS
  // call, and it is the one that moves traffic (issue 22). Publishing the rollback (so `safe-deploy status`
  // shows it and refuses promote and abort) and reading why green failed run beside it, started once the
  // traffic call is on its way; neither can delay or fail it.
  const undoing = undo.rollBack();
  const beside = Promise.all([
    control?.publish().catch(() => undefined),
    // Bounded like any call: a control plane that hangs leaves the summary without a diagnosis, no more.
    diagnose &&
      ctx.calls.once('read why green failed', diagnose).then(
        (found) => (found === LATER ? undefined : found),
        (failure: unknown) => {
          deps.log.debug(`Could not read why green failed: ${describeError(failure)}`);
          return undefined;
        },
      ),
  ]);
  const outcome = await undoing.finally(() => beside);
  const [, diagnosis] = await beside;
  if (!outcome.verified) {
    return report(
      ctx,
      release,
      checked,
      ids,
      'rolled-back',
      `${reason}; ${ROLLBACK_NOT_CONFIRMED}: ${outcome.problems.join('; ')}`,
      diagnosis,
    );
  }
  deps.log.info(
    `Rollback confirmed by AWS: ${outcome.confirmation ?? 'all traffic on blue, blue at 100%, green deleted'}`,
  );
  return report(ctx, release, checked, ids, 'rolled-back', reason, diagnosis);
}

/** The run that lost the start race removes its own green, and only that; traffic is the other run's. */
async function backOff(
  ctx: DeployContext,
  release: Release,
  checked: Preflight,
  error: YieldToEarlierRun,
): Promise<DeployReport> {
  ctx.deps.log.warn(error.message);
  const ids = error.own.ids();
  try {
    await error.own.backOff();
  } catch (failure) {
    const reason =
      `${error.message}; its own task set ${ids.taskSetArn ?? ''} could not be removed ` +
      `(${describeError(failure)}): the post step tries again`;
    return report(ctx, release, checked, ids, 'blocked', reason);
  }
  return report(ctx, release, checked, ids, 'blocked', error.message);
}

/** What the user reads for an error that stopped the deploy. */
function stopReason(error: unknown): string {
  if (error instanceof Stop || error instanceof UserError) return error.message;
  return `AWS error: ${describeError(error)}${isTransient(error) ? ' (a passing fault that outlasted every retry)' : ''}`;
}

function firstTrafficAt(ctx: DeployContext): number {
  return ctx.traffic.firstTrafficAt ?? ctx.startedAt;
}

function report(
  ctx: DeployContext,
  release: Release,
  checked: Preflight | undefined,
  ids: RolloutIds | undefined,
  result: DeployResult,
  reason: string,
  diagnosis?: Diagnosis,
): DeployReport {
  const { settings: s, deps, timeline } = ctx;
  if (result !== 'rolled-back') timeline.mark(result);
  const plan = checked ? planOf(checked) : settingsPlan(s);
  return {
    result,
    reason,
    plan,
    ...(release.image ? { image: release.image } : {}),
    ...(release.manifestLines ? { manifestLines: release.manifestLines } : {}),
    ...(ids?.taskDefinitionArn ? { taskDefinitionArn: ids.taskDefinitionArn } : {}),
    ...(ids?.taskSetArn ? { taskSetArn: ids.taskSetArn } : {}),
    ...(ids?.previousTaskSetArn ? { previousTaskSetArn: ids.previousTaskSetArn } : {}),
    ...(diagnosis ? { diagnosis } : {}),
    ...(timeline.releaseTask ? { releaseTask: timeline.releaseTask } : {}),
    timeline: timeline.entries,
    ...(checked?.analysis ? { comparisons: checked.analysis.report() } : {}),
    startedAt: new Date(ctx.startedAt).toISOString(),
    finishedAt: new Date(deps.clock.now()).toISOString(),
  };
}
