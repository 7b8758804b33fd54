import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { NewTask, StandaloneTask } from '../../aws/ecs-tasks.js';
import type { TaskSetLaunch } from '../../aws/ecs.js';
import { crypto } from '../../builtins.js';
import { formatDuration } from '../../duration.js';
import { describeError } from '../../errors.js';
import { LATER } from '../calls.js';
import type { DeployContext } from '../context.js';
import type { ReleaseTaskOutcome } from '../model.js';
import { Stop } from '../watch.js';
import { releaseContainer, type ReleaseTaskSettings } from './settings.js';

/** Where the release task's container writes its output: its `awslogs` stream. */
interface LogStream {
  group: string;
  region: string | undefined;
  stream: string;
}

/** How many pages of the log are read at most once the task stopped (the last lines arrive a little late). */
const DRAIN_READS = 20;

/**
 * Runs the release task: one task with green's task definition, the command given replacing one
 * container's, where green runs (its launch type or capacity providers, platform and network). Waits until
 * it stops, watched like every wait (alarms, the deploy's timeout, cancellation), within
 * release-task-timeout, copying its `awslogs` output into the job log as it comes. A non-zero exit, a task
 * that fails to start and a timeout throw a Stop: the deploy rolls back. A task still running when the
 * deploy stops is stopped.
 */
export async function runReleaseTask(
  ctx: DeployContext,
  release: ReleaseTaskSettings,
  taskDefinitionArn: string,
  launch: TaskSetLaunch,
): Promise<void> {
  const { settings: s, deps, calls, watch, timeline } = ctx;
  const { log, clock } = deps;
  timeline.enter('release-task');
  const definition = await calls.retry('read green’s task definition', () =>
    deps.ecs.describeTaskDefinition(taskDefinitionArn),
  );
  const containers = definition?.containerDefinitions ?? [];
  const container = releaseContainer(release, s.taskDefinition, containers);
  const outcome: ReleaseTaskOutcome = {
    command: release.text,
    taskArn: undefined,
    exitCode: undefined,
    reason: undefined,
  };
  // The report's record of it (the summary shows its exit code), whatever the ending.
  const record = (o: ReleaseTaskOutcome): void => {
    timeline.releaseTask = { ...o };
  };
  const fail = (reason: string, exitCode?: number): Stop => {
    outcome.reason = reason;
    if (exitCode !== undefined) outcome.exitCode = exitCode;
    record(outcome);
    return new Stop(reason);
  };

  const input: NewTask = {
    cluster: s.cluster,
    taskDefinition: taskDefinitionArn,
    launch,
    container,
    command: release.command,
    // ECS takes letters, digits, '-', '_' and '/' here, at most 128 of them.
    startedBy: `safe-deploy-${deps.identity.runId}`.replace(/[^\w/-]/g, '-').slice(0, 128),
    // The same token on every try: a RunTask whose answer was lost starts no second task.
    clientToken: crypto().randomUUID(),
  };
  log.info(
    `Release task: ${JSON.stringify(release.command)} in container ${container} of ${taskDefinitionArn}`,
  );
  let started: Awaited<ReturnType<typeof deps.tasks.runTask>>;
  try {
    started = await calls.retry('start the release task', () => deps.tasks.runTask(input));
  } catch (error) {
    // ECS refused it (a launch type the task definition does not support, ecs:RunTask not allowed): the
    // deploy rolls back, and the summary says why the release task has no exit code.
    if (error instanceof Stop) throw error;
    throw fail(`release task could not start: ${describeError(error)}`);
  }
  if (!started.task) {
    throw fail(`release task could not start: ${started.failures.join('; ') || 'ECS started no task'}`);
  }
  const arn = started.task.arn;
  outcome.taskArn = arn;
  deps.saveReleaseTask?.(arn);
  timeline.mark('release task started');
  log.info(`Release task started: ${arn}`);

  const logs = logStream(
    containers.find((c) => c.name === container),
    container,
    arn,
    deps.region,
  );
  if (!logs)
    log.info(
      `The release task's container ${container} does not log to awslogs: its output is not copied here`,
    );
  const reader = logs ? new StreamReader(ctx, logs) : undefined;
  const limit = clock.now() + release.timeoutMs;
  let task: StandaloneTask = started.task;
  try {
    await watch.hold(clock.now(), {
      label: 'release task',
      progressNote: () => `, ${task.lastStatus}`,
      done: async () => {
        await reader?.read();
        const now = await calls.once('read the release task', () => deps.tasks.describeTask(s.cluster, arn));
        if (now !== LATER && now) task = now;
        if (exited(task, container)) return true;
        if (clock.now() >= limit) {
          throw fail(
            `release task did not finish within release-task-timeout ${formatDuration(release.timeoutMs)} (${task.lastStatus})`,
          );
        }
        return false;
      },
    });
  } catch (error) {
    // The deploy stops here (a breach, the timeout, the job cancelled): the task must not run on after it.
    log.warn(`Stopping the release task ${arn}: ${describeError(error)}`);
    await calls.bestEffort('stop the release task', () =>
      deps.tasks.stopTask(s.cluster, arn, `safe-deploy: ${describeError(error)}`),
    );
    deps.saveReleaseTask?.(undefined);
    if (outcome.reason === undefined) {
      outcome.reason = `stopped: ${describeError(error)}`;
      record(outcome);
    }
    throw error;
  }
  await reader?.drain();
  const ran = task.containers.find((c) => c.name === container);
  const exitCode = ran?.exitCode;
  if (task.lastStatus !== 'STOPPED') {
    // The container exited but the task runs on (another essential container): it is done with.
    await calls.bestEffort('stop the release task', () =>
      deps.tasks.stopTask(s.cluster, arn, 'safe-deploy: the release task container exited'),
    );
  }
  deps.saveReleaseTask?.(undefined);
  if (exitCode === undefined) {
    const why = [...new Set([task.stopCode, task.stoppedReason, ran?.reason].filter(Boolean))].join(': ');
    throw fail(`release task failed to start: ${why || 'its container never ran'}`);
  }
  if (exitCode !== 0) {
    throw fail(`release task failed with exit code ${exitCode}: ${release.text}`, exitCode);
  }
  outcome.exitCode = 0;
  record(outcome);
  timeline.mark('release task exited 0');
  log.info(`Release task ${arn} exited 0`);
}

/** Whether the release container has stopped (its exit code known), or the whole task has. */
function exited(task: StandaloneTask, container: string): boolean {
  if (task.lastStatus === 'STOPPED') return true;
  const ran = task.containers.find((c) => c.name === container);
  return ran?.lastStatus === 'STOPPED' && ran.exitCode !== undefined;
}

/**
 * The container's awslogs stream, `<awslogs-stream-prefix>/<container>/<task id>` (ECS developer guide,
 * "Using the awslogs log driver"); without a prefix the stream is named after the Docker container id,
 * which ECS does not report, so the output cannot be found.
 */
function logStream(
  definition: ContainerDefinition | undefined,
  container: string,
  taskArn: string,
  region: string | undefined,
): LogStream | undefined {
  const config = definition?.logConfiguration;
  if (config?.logDriver !== 'awslogs') return undefined;
  const options = config.options ?? {};
  const group = options['awslogs-group'];
  const prefix = options['awslogs-stream-prefix'];
  if (!group || !prefix) return undefined;
  const taskId = taskArn.split('/').at(-1) ?? taskArn;
  return { group, region: options['awslogs-region'] ?? region, stream: `${prefix}/${container}/${taskId}` };
}

/** Copies a stream's new events into the job log, once per poll while the task runs, then to its end. */
class StreamReader {
  private token: string | undefined;
  private warned = false;

  constructor(
    private readonly ctx: DeployContext,
    private readonly where: LogStream,
  ) {}

  /** One page of new events; false when nothing new came (or the stream is not there yet). */
  async read(): Promise<boolean> {
    const { deps, calls } = this.ctx;
    const { group, region, stream } = this.where;
    let page;
    try {
      page = await calls.once('read the release task’s log', () =>
        deps.logs.readStream(region, group, stream, this.token),
      );
    } catch (error) {
      // Its output is worth having, not worth a rollback: a read the credentials may not make is said once.
      if (!this.warned)
        deps.log.warn(`Could not read the release task's log ${group} ${stream}: ${describeError(error)}`);
      this.warned = true;
      return false;
    }
    if (page === LATER || page === undefined) return false;
    for (const event of page.events) deps.log.info(`[release task] ${event.message.replace(/\n$/, '')}`);
    const moved = page.nextToken !== this.token;
    this.token = page.nextToken;
    return moved && page.events.length > 0;
  }

  /** Reads on until the stream has nothing new. */
  async drain(): Promise<void> {
    for (let i = 0; i < DRAIN_READS; i++) if (!(await this.read())) return;
  }
}

/** The release task where green runs: green's task definition, and the launch settings of its task set. */
export async function runReleaseTaskOnGreen(
  ctx: DeployContext,
  release: ReleaseTaskSettings,
  green: { ids(): { taskDefinitionArn?: string; taskSetArn?: string } },
): Promise<void> {
  const { settings: s, deps, calls } = ctx;
  const { taskDefinitionArn, taskSetArn } = green.ids();
  const set =
    taskSetArn &&
    (await calls.retry('read green’s task set', () =>
      deps.ecs.describeTaskSet(s.cluster, s.service, taskSetArn),
    ));
  if (!taskDefinitionArn || !set)
    throw new Stop(`green's task set ${taskSetArn ?? ''} is gone: the release task cannot run`);
  await runReleaseTask(ctx, release, taskDefinitionArn, set.raw);
}
