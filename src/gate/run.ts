import * as core from '@actions/core';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AlarmState, CloudWatchPort } from '../aws/cloudwatch.js';
import { SdkCloudWatch } from '../aws/cloudwatch.js';
import { clientConfig } from '../aws/clients.js';
import { systemClock, type Clock } from '../clock.js';
import { resolveAlarms } from '../alarms/resolve.js';
import { formatDuration } from '../duration.js';
import { UserError } from '../errors.js';
import type { InputReader } from '../inputs.js';
import { evaluateGate, formatInstant, type GateDecision } from './evaluate.js';
import { parseGateSettings, type GateSettings } from './settings.js';
import { usesQueue } from './inputs.js';
import { nextOpening, queueStep, type QueueDeps } from './queue-step.js';
import { renderGateSummary } from './summary.js';
import * as log from '../log.js';

/** What the gate talks to; injected in tests. */
export interface GateDeps extends QueueDeps {
  cloudwatch?: CloudWatchPort;
  clock?: Clock;
}

/** How often `on-closed: wait` re-reads the alarms and the calendar. */
export const POLL_MS = 60_000;

/**
 * Runs the gate: parse the inputs, read the blocker alarms (only when some are given), decide, wait
 * if asked, then set the outputs and the job summary. A closed gate with `on-closed: fail` throws a
 * UserError after the outputs are set, so later steps with `if: failure()` can still read them.
 */
export async function runGate(read: InputReader, deps: GateDeps = {}): Promise<GateDecision> {
  const settings = parseGateSettings(read);
  for (const warning of settings.warnings) log.warning(warning);
  const clock = deps.clock ?? systemClock;
  const readAlarms = alarmReader(settings, deps);
  const zone = settings.timezone;

  let decision = evaluateGate(settings, settings.at ?? clock.now(), await readAlarms());
  report(decision, settings);

  let waited = false;
  if (!decision.open && settings.onClosed === 'wait')
    ({ decision, waited } = await waitForOpen(settings, decision, clock, readAlarms));

  // The release queue, when used, decides what this run deploys (and never fails a closed gate).
  const queue = usesQueue(settings) ? await queueStep(settings, decision, deps) : undefined;
  core.setOutput('open', String(queue ? queue.open : decision.open));
  core.setOutput('reason', decision.reason);
  core.setOutput('next-open', decision.nextOpen !== undefined ? formatInstant(decision.nextOpen, zone) : '');
  core.setOutput('closes-at', decision.closesAt !== undefined ? formatInstant(decision.closesAt, zone) : '');
  core.setOutput('overridden', String(decision.overridden));
  for (const [name, value] of Object.entries(queue?.outputs ?? {})) core.setOutput(name, value);
  const summary = renderGateSummary(settings, decision, queue?.summary);
  // On the command line there is no job summary: print it instead.
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write();
  else log.info(summary);

  if (queue) {
    if (queue.notice) log.notice(queue.notice);
    return decision;
  }
  if (decision.open) return decision;
  const next = nextOpening(decision, zone);
  if (settings.onClosed === 'skip') {
    log.notice(`Deploy gate closed: ${decision.reason}. ${next} Later jobs can skip on open == 'false'.`);
    return decision;
  }
  // `wait` does not wait when the calendar cannot open before max-wait: then the error does not say it did.
  const after = waited ? ` after waiting up to ${formatDuration(settings.maxWait)}` : '';
  throw new UserError(`Deploy gate closed${after}: ${decision.reason}. ${next}`);
}

function alarmReader(settings: GateSettings, deps: GateDeps): () => Promise<AlarmState[]> {
  const { blockerAlarms, alarmPrefixes } = settings;
  if (!blockerAlarms.length && !alarmPrefixes.length) return () => Promise.resolve([]);
  const cloudwatch = deps.cloudwatch ?? new SdkCloudWatch(new CloudWatchClient(clientConfig()));
  let first = true;
  // Resolved on every read: an alarm created under a prefix while waiting blocks too.
  return async () => {
    const alarms = await resolveAlarms(cloudwatch, blockerAlarms, alarmPrefixes, 'blocker-alarms');
    // A prefix that matches nothing is likely a typo, and an alarm that does not exist never blocks.
    for (const prefix of first ? alarmPrefixes : []) {
      if (!alarms.some((a) => a.name.startsWith(prefix)))
        log.warning(
          `Input 'alarm-prefixes': no CloudWatch alarm starts with "${prefix}", so it blocks nothing`,
        );
    }
    first = false;
    log.debug(`Blocker alarms: ${alarms.map((a) => `${a.name}=${a.state}`).join(', ') || 'none matched'}`);
    return alarms;
  };
}

function report(decision: GateDecision, settings: GateSettings): void {
  const zone = settings.timezone;
  log.info(
    `Deploy gate at ${formatInstant(decision.at, zone)}: ${decision.open ? 'open' : 'closed'} (${decision.reason})`,
  );
  if (decision.closesAt !== undefined && decision.calendarOpen) {
    log.info(`The window closes at ${formatInstant(decision.closesAt, zone)}.`);
  }
  if (!decision.open) log.info(nextOpening(decision, zone));
  if (decision.overridden) {
    log.warning(`Deploy gate overridden: ${settings.override ?? ''}`);
    // An override opens the calendar, not the alarms: say loudly what is firing.
    for (const alarm of decision.alarms) {
      log.warning(
        `Blocker alarm ${alarm.name} is in ALARM (${alarm.reason}); deploying anyway because of the override.`,
      );
    }
  }
}

/**
 * Polls each minute until the gate opens or `max-wait` runs out; gives up at once (`waited` false) if the
 * calendar cannot open in time.
 */
async function waitForOpen(
  settings: GateSettings,
  first: GateDecision,
  clock: Clock,
  readAlarms: () => Promise<AlarmState[]>,
): Promise<{ decision: GateDecision; waited: boolean }> {
  const deadline = clock.now() + settings.maxWait;
  const zone = settings.timezone;
  let decision = first;
  let waited = false;
  log.info(
    `Waiting up to ${formatDuration(settings.maxWait)} (until ${formatInstant(deadline, zone)}) for the gate to open.`,
  );
  while (!decision.open) {
    const now = clock.now();
    if (!decision.calendarOpen && (decision.nextOpen === undefined || decision.nextOpen > deadline)) {
      log.info(
        `The calendar does not open before max-wait runs out: ${waited ? 'giving up' : 'not waiting'}.`,
      );
      return { decision, waited };
    }
    if (now >= deadline) return { decision, waited };
    const untilOpen =
      !decision.calendarOpen && decision.nextOpen !== undefined ? decision.nextOpen - now : POLL_MS;
    await clock.sleep(Math.max(1, Math.min(POLL_MS, untilOpen, deadline - now)));
    waited = true;
    const before = decision;
    decision = evaluateGate(settings, clock.now(), await readAlarms());
    if (decision.open)
      log.info(`Deploy gate open at ${formatInstant(decision.at, zone)}: ${decision.reason}`);
    else if (
      decision.reason !== before.reason ||
      (!decision.calendarOpen && decision.nextOpen !== before.nextOpen)
    ) {
      log.info(
        `Still closed at ${formatInstant(decision.at, zone)}: ${decision.reason}. ${nextOpening(decision, zone)}`,
      );
    }
  }
  return { decision, waited };
}
