import type { EcsControlPort, EcsControllerPort, EcsPort } from '../aws/ecs.js';
import type { ForwardDiscoveryPort, LoadBalancerPort, TargetHealthPort } from '../aws/load-balancer.js';
import type { IdentityPort } from '../aws/sts.js';
import type { Clock } from '../clock.js';
import { formatDuration } from '../duration.js';
import {
  decodeAnswer,
  decodeRequest,
  encodeRequest,
  isLive,
  looksDead,
  renderState,
  requestFor,
  type ControlAnswer,
  type ControlRequest,
} from '../control-protocol/channel.js';
import { findChannel, findKept, where, type Channel } from './locate.js';
import { takeOver } from './takeover.js';
import { TAG } from '../deploy/leftovers.js';

/** What the control commands talk to; injected so tests run them against the fake or moto. */
export interface ControlPorts {
  ecs: EcsPort & EcsControlPort & EcsControllerPort;
  lb: LoadBalancerPort & TargetHealthPort & ForwardDiscoveryPort;
  identity: IdentityPort;
  clock: Clock;
  /** GitHub's word on a run attempt, when a token is at hand (GITHUB_TOKEN or GH_TOKEN): a dead job's proof. */
  runs?: WorkflowRunPort;
  /** Ends a dead run's GitHub deployment record once abort rolled it back (with a token at hand). */
  records?: DeploymentRecordPort;
}

/** Gives a deployment record its final status. */
export interface DeploymentRecordPort {
  /** Sets `failure` with `description`; resolves to a problem in words, or undefined when it was set. */
  fail(repository: string, deploymentId: number, description: string): Promise<string | undefined>;
}

/** Reads a workflow run attempt's status from GitHub. */
export interface WorkflowRunPort {
  /** `completed` (with its conclusion) once GitHub ended the run attempt; undefined when it cannot tell. */
  status(
    repository: string,
    runId: string,
    attempt: string,
  ): Promise<{ status: string; conclusion: string | undefined } | undefined>;
}

/** Parsed options of `status`, `promote` and `abort`. */
export interface ControlOptions {
  cluster: string;
  service: string;
  json: boolean;
  /** promote / abort: how long to wait for the job's answer (0: do not wait). */
  waitMs: number;
}

/** A command's exit code and what it prints. */
export interface CommandResult {
  code: number;
  text: string;
}

const ANSWER_POLL_MS = 1000;

/** `safe-deploy status`: the live deploy of a service, read from AWS alone. */
export async function statusCommand(options: ControlOptions, ports: ControlPorts): Promise<CommandResult> {
  const { cluster, service } = options;
  const channel = await findChannel(ports.ecs, cluster, service);
  const now = ports.clock.now();
  const state = channel.state;
  const live = state ? isLive(state, now) : false;
  const request = decodeRequest(channel.tags);
  const answer = decodeAnswer(channel.tags);
  const kept = channel.kind === 'task-set' ? findKept(channel.service) : undefined;
  const dead = await whyDead(channel, ports);
  if (options.json) {
    const json = {
      cluster,
      service,
      controller: channel.service.controller,
      running: live,
      jobLooksDead: dead !== undefined,
      ...(dead ? { jobDeadBecause: dead.text } : {}),
      resource: channel.arn,
      state: state ?? null,
      request: request ?? null,
      answer: answer ?? null,
      kept: kept
        ? { taskSetArn: kept.taskSet.arn, taskDefinition: kept.taskSet.taskDefinition, ...kept.kept }
        : null,
    };
    return { code: 0, text: `${JSON.stringify(json, null, 2)}\n` };
  }
  const lines = [
    `${where(cluster, service)}: ${
      dead
        ? `a deploy did not finish, and its job looks dead (${dead.text}): \`safe-deploy abort\` rolls it back`
        : live
          ? 'a deploy is running'
          : state
            ? 'no deploy is running; the last one:'
            : 'no deploy by safe-deploy found'
    }`,
  ];
  if (state) lines.push(indent(renderState(state, now)));
  if (request) lines.push(`last request: ${requestText(request)}${answerText(request, answer)}`);
  lines.push(
    kept
      ? `kept release: ${kept.taskSet.arn} (${kept.taskSet.taskDefinition}), kept by run ${kept.kept.keptBy} at ${kept.kept.at}; \`safe-deploy rollback\` brings it back`
      : channel.kind === 'task-set'
        ? 'kept release: none'
        : 'kept release: not available for ECS-controller services',
  );
  return { code: 0, text: `${lines.join('\n')}\n` };
}

/** `safe-deploy promote`: ends the hold or pause the running deploy is in. */
export function promoteCommand(options: ControlOptions, ports: ControlPorts): Promise<CommandResult> {
  return request('promote', options, ports);
}

/** `safe-deploy abort`: the running deploy rolls back now. */
export function abortCommand(options: ControlOptions, ports: ControlPorts): Promise<CommandResult> {
  return request('abort', options, ports);
}

/**
 * Checks there is something to act on, writes the request (with who and when) on the deploy's
 * resource, and waits for the job's answer. Nothing is written when the check fails.
 */
async function request(
  action: ControlRequest['action'],
  options: ControlOptions,
  ports: ControlPorts,
): Promise<CommandResult> {
  const { cluster, service } = options;
  const channel = await findChannel(ports.ecs, cluster, service);
  // A job GitHub reports ended, or silent past the 5 minutes a deploy counts as running, can answer nothing:
  // abort takes over at once.
  const dead = action === 'abort' ? await whyDead(channel, ports) : undefined;
  if (dead && (dead.byGitHub || !isLive(channel.state!, ports.clock.now()))) {
    return takeOverDead(options, ports, undefined);
  }
  const by = await ports.identity.callerArn();
  const written = requestFor(action, channel.state, where(cluster, service), by, ports.clock.now());
  await ports.ecs.tagResource(channel.arn, encodeRequest(written));
  const asked = `${action} requested of run ${written.run}${written.hold ? ` at ${written.hold}` : ''} by ${by} at ${written.at}`;
  const answer =
    options.waitMs > 0
      ? await waitForAnswer(channel.arn, written, options.waitMs, options, ports)
      : undefined;
  const ignored = answer !== 'gone' && (answer?.text.startsWith('ignored') ?? false);
  // Nobody answered an abort and the job has been silent for several heartbeats: it is not coming back.
  if (action === 'abort' && !answer && (await whyDead(channel, ports))) {
    return takeOverDead(options, ports, written);
  }
  // Nothing answered: the request may never be acted on, which a script must be able to tell.
  const failed = ignored || (!answer && options.waitMs > 0);
  if (options.json) {
    return {
      code: failed ? 1 : 0,
      text: `${JSON.stringify({ request: written, resource: channel.arn, answer: answer === 'gone' ? { gone: true } : (answer ?? null) }, null, 2)}\n`,
    };
  }
  const outcome =
    answer === 'gone'
      ? "the deploy's task set is gone: the job took the request and rolled back"
      : answer
        ? `the job answered: ${answer.text}`
        : options.waitMs > 0
          ? `no answer from the job within ${formatDuration(options.waitMs)}; it reads requests once a poll interval (\`safe-deploy status\` shows when it does)`
          : 'not waiting for the job to answer';
  return { code: failed ? 1 : 0, text: `${asked}\n${outcome}\n` };
}

/**
 * Why the channel's deploy looks dead, or undefined while its job may still be alive: GitHub reports
 * its workflow run attempt completed, or it stopped giving signs of life (see looksDead): a task-set deploy
 * beats a heartbeat on green, and an ECS-controller one rewrites its live state's time at least once a
 * minute.
 */
async function whyDead(
  channel: Channel,
  ports: ControlPorts,
): Promise<{ text: string; byGitHub: boolean } | undefined> {
  const state = channel.state;
  if (!state || state.phase === 'finished') return undefined;
  const run = await ports.runs
    ?.status(state.repository, state.runId, state.runAttempt)
    .catch(() => undefined);
  if (run?.status === 'completed') {
    return {
      text: `GitHub reports its workflow run ${state.runId} (attempt ${state.runAttempt}) completed${run.conclusion ? `, ${run.conclusion}` : ''}`,
      byGitHub: true,
    };
  }
  if (!looksDead(state, ports.clock.now())) return undefined;
  const since = Date.parse(state.updated ?? '');
  return {
    text: Number.isNaN(since)
      ? 'no sign of life'
      : `no sign of life since ${state.updated} (${formatDuration(ports.clock.now() - since)})`,
    byGitHub: false,
  };
}

/**
 * Rolls back a deploy whose job is dead, after reading the service again: a job that gave a sign of life
 * meanwhile is left to answer.
 */
async function takeOverDead(
  options: ControlOptions,
  ports: ControlPorts,
  written: ControlRequest | undefined,
): Promise<CommandResult> {
  const channel = await findChannel(ports.ecs, options.cluster, options.service);
  const state = channel.state;
  const asked = written
    ? `abort requested of run ${written.run} by ${written.by} at ${written.at}; no answer\n`
    : '';
  const dead = await whyDead(channel, ports);
  if (!state || !dead) {
    const text = `${asked}The deploy's job gave a sign of life again: it was not rolled back here; \`safe-deploy status\` shows where it is\n`;
    return options.json
      ? {
          code: 1,
          text: `${JSON.stringify({ request: written ?? null, takeover: { result: 'refused', lines: [text.trim()] } }, null, 2)}\n`,
        }
      : { code: 1, text };
  }
  const outcome = await takeOver(channel, state, dead.text, options, ports);
  const code = outcome.result === 'rolled-back' ? 0 : 1;
  // The dead job never ended its deployment record; green carried the record's id as a tag.
  const recordId = Number(channel.tags[TAG.deploymentId]);
  if (outcome.result === 'rolled-back' && Number.isInteger(recordId) && recordId > 0) {
    const problem = ports.records
      ? await ports.records.fail(
          state.repository,
          recordId,
          `rolled-back: the job was gone (${dead.text}); safe-deploy abort rolled it back`,
        )
      : 'no GITHUB_TOKEN or GH_TOKEN to reach GitHub with';
    outcome.lines.push(
      problem
        ? `The run's deployment record ${recordId} is still in progress: ${problem}.`
        : `The run's deployment record ${recordId}: failure (rolled back by safe-deploy abort).`,
    );
  }
  if (options.json) {
    return { code, text: `${JSON.stringify({ request: written ?? null, takeover: outcome }, null, 2)}\n` };
  }
  return { code, text: `${asked}${outcome.lines.join('\n')}\n` };
}

async function waitForAnswer(
  arn: string,
  asked: ControlRequest,
  waitMs: number,
  options: ControlOptions,
  ports: ControlPorts,
): Promise<ControlAnswer | 'gone' | undefined> {
  const until = ports.clock.now() + waitMs;
  for (;;) {
    const tags = await readTags(arn, options, ports);
    // Gone: the deploy ended meanwhile (an abort's rollback removes green once it answered).
    if (!tags) return 'gone';
    const answer = decodeAnswer(tags);
    if (answer?.requestAt === asked.at) return answer;
    if (ports.clock.now() >= until) return undefined;
    await ports.clock.sleep(Math.min(ANSWER_POLL_MS, until - ports.clock.now()));
  }
}

/** The resource's tags; undefined when a task set is no longer in the service. */
async function readTags(
  arn: string,
  options: ControlOptions,
  ports: ControlPorts,
): Promise<Record<string, string> | undefined> {
  try {
    return await ports.ecs.resourceTags(arn);
  } catch (error) {
    const service = await ports.ecs.describeService(options.cluster, options.service);
    if (service && service.arn !== arn && !service.taskSets.some((t) => t.arn === arn)) return undefined;
    throw error;
  }
}

function requestText(r: ControlRequest): string {
  return `${r.action} by ${r.by} at ${r.at}${r.hold ? ` (${r.hold})` : ''}`;
}

function answerText(r: ControlRequest, a: ControlAnswer | undefined): string {
  return a?.requestAt === r.at ? `; answered: ${a.text}` : '; not answered yet';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
