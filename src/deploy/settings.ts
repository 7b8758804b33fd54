import { formatDuration } from '../duration.js';
import { inputError, inputsError, UserError } from '../errors.js';
import { boolean, count, duration, list, oneOf, optional, required, type InputReader } from '../inputs.js';
import type { ForwardRef } from '../aws/load-balancer.js';
import type { Comparison } from '../compare/model.js';
import { parseComparisons } from '../compare/parse.js';
import type { TrafficStep } from '../report/model.js';
import { parseSteps } from './steps.js';
import { resolveRoute } from './routing/rules.js';
import { arnInputs, clientRegion, expectArnKind, expectRegion, type ArnKind } from './arns.js';
import { checkInputFile, readInputFile } from '../files.js';
import { checkManifestPath } from '../manifest/location.js';
import { imageProblem } from '../manifest/image.js';
import { parseOperatingSettings, type OperatingSettings } from './operating-settings.js';
import { parseReleaseTask, type ReleaseTaskSettings } from './release/settings.js';

/** Where the new version's task definition comes from. */
export type TaskDefinitionSource =
  | { kind: 'file'; path: string; containerName?: string; image?: string }
  | { kind: 'existing'; reference: string; containerName?: string; image?: string }
  | { kind: 'manifest'; path: string; commit?: string };

/** How traffic moves between blue and green, with the settings that only that routing has. */
export type RouteSettings =
  | {
      kind: 'listener';
      /** The production listener or rule whose forward action holds blue's and green's target groups. */
      production: ForwardRef;
      testListenerArn: string | undefined;
    }
  | { kind: 'task-sets' };

/**
 * `first-task-set` as given, with its JSON (inline, or read from the file it names). Its schema is checked
 * in validation, before the first AWS call, so the schema library loads with the engine rather than with
 * this first check of the inputs (as the manifest's).
 */
export interface FirstTaskSetSource {
  /** The input's text: the inline JSON, or the path. */
  text: string;
  json: string;
  /** The file the JSON came from, when it is not inline. */
  path: string | undefined;
}

/** Every deploy input, parsed and checked once. Nothing downstream re-reads the raw strings. */
export interface DeploySettings extends OperatingSettings {
  cluster: string;
  service: string;
  taskDefinition: TaskDefinitionSource;
  /** How a service with no task set runs its first one (`first-task-set`); unused once it has one. */
  firstTaskSet: FirstTaskSetSource | undefined;
  stepsText: string;
  /** Whether the user gave `steps` (an ECS rolling service takes the default, not an explicit plan). */
  stepsGiven: boolean;
  steps: TrafficStep[];
  /** How traffic moves; listener-only settings exist only on the listener route. */
  route: RouteSettings;
  /**
   * The bake does not end before green's target group served this many requests: with listener routing,
   * or on an ECS rolling service with a target group (the kind checks which, once the service is read).
   */
  minRequests: number;
  alarms: string[];
  alarmPrefixes: string[];
  blockerAlarms: string[];
  oneBox: boolean;
  oneBoxAlarms: string[];
  oneBoxBakeMs: number;
  bakeMs: number;
  pollIntervalMs: number;
  insufficientData: 'ignore' | 'rollback';
  beforeTraffic: string | undefined;
  afterTraffic: string | undefined;
  /** One task run with green's task definition once green is steady, before any traffic (`release-task`). */
  releaseTask: ReleaseTaskSettings | undefined;
  /** Green-versus-blue comparisons (`compare`), one a line. */
  comparisons: Comparison[];
  /**
   * What a comparison that never had enough samples to be judged does at the end of the bake
   * (`on-inconclusive`): promote with a warning (default), pause until promoted, or roll back.
   */
  onInconclusive: 'promote' | 'pause' | 'rollback';
  stabilizeTimeoutMs: number;
  timeoutMs: number;
  requireReview: boolean;
  /** Check, before anything changes, that what the task definition names exists (`verify`). */
  verify: boolean;
  dryRun: boolean;
  environment: string;
  githubToken: string | undefined;
}

const LISTENER_ARN =
  /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:listener\/(app|net)\/[\w-]+\/[0-9a-f]+\/[0-9a-f]+$/;
const RULE_ARN =
  /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:listener-rule\/(app|net)\/[\w-]+\/[0-9a-f]+\/[0-9a-f]+\/[0-9a-f]+$/;
const TASK_DEFINITION_REF = /^(arn:aws[\w-]*:ecs:[\w-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}:\d+$/;
const NAME_OR_ARN = /^(arn:aws[\w-]*:ecs:[\w-]+:\d{12}:(cluster|service)\/[\w/-]+|[A-Za-z0-9_-]{1,255})$/;

/** The deploy inputs apart from what is deployed: how, where and with which checks. */
export type DeployOptions = Omit<DeploySettings, 'taskDefinition'>;

type ClientRegion = { region: string; from: string } | undefined;

/**
 * Reads and validates every deploy input. Throws a UserError naming the input and the bad text. ARNs
 * must be in `region` (by default the AWS clients' region, from AWS_REGION or AWS_DEFAULT_REGION).
 */
export function parseDeploySettings(
  read: InputReader,
  region: ClientRegion = clientRegion(process.env),
): DeploySettings {
  return parseDeployInputs(read, region, taskDefinitionSource);
}

/**
 * Reads and validates the deploy inputs apart from what is deployed, with the same rules as
 * parseDeploySettings: the pipeline checks each target's settings with it before any stage runs (what a
 * target deploys is the manifest artifact, which exists only in the workflow run).
 */
export function parseDeployOptions(read: InputReader, region: ClientRegion): DeployOptions {
  return parseDeployInputs(read, region, () => undefined);
}

function parseDeployInputs<T extends TaskDefinitionSource | undefined>(
  read: InputReader,
  region: ClientRegion,
  whatToDeploy: (read: InputReader) => T,
): DeployOptions & { taskDefinition: T } {
  const cluster = nameOrArn(read, 'cluster', 'cluster');
  const service = nameOrArn(read, 'service', 'service');
  const rawSteps = read.raw?.('steps') ?? '';
  if (!read('steps') && rawSteps.replace(/[\r\n]/g, '')) {
    throw inputError('steps', rawSteps, 'only spaces: give the steps, or leave the input out');
  }
  const stepsText = read('steps') || 'Canary10Percent5Minutes';
  const steps = parseSteps(stepsText, 'steps');

  const minRequests = count(read, 'min-requests', 0);
  const route = resolveRoute({
    cluster,
    service,
    listenerArn: arnInput(read, 'listener-arn', LISTENER_ARN, 'listener'),
    ruleArn: arnInput(read, 'listener-rule-arn', RULE_ARN, 'listener rule'),
    testListenerArn: arnInput(read, 'test-listener-arn', LISTENER_ARN, 'listener'),
    routing: read('routing')
      ? oneOf(read, 'routing', ['listener', 'task-sets'] as const, 'listener')
      : undefined,
    minRequests,
  });
  const pollIntervalMs = duration(read, 'poll-interval', '10s');
  if (pollIntervalMs < 1000)
    throw inputError('poll-interval', read('poll-interval'), 'the smallest interval is 1s');
  const timeoutMs = duration(read, 'timeout', '60m');
  if (timeoutMs <= 0) throw inputError('timeout', read('timeout'), 'must be longer than 0s');
  const oneBox = boolean(read, 'one-box', false);
  const oneBoxAlarms = list(read, 'one-box-alarms');
  if (oneBoxAlarms.length && !oneBox) {
    throw inputError(
      'one-box-alarms',
      read('one-box-alarms'),
      "these alarms are watched only in the one-box stage, which runs with 'one-box: true'",
    );
  }
  const oneBoxBakeMs = duration(read, 'one-box-bake', '10m');
  const bakeMs = duration(read, 'bake-time', '5m');
  // The default steps depend on the service's kind (an ECS service moves traffic itself): the preflight
  // checks them once the kind is known.
  checkPlanFitsTimeout(
    { steps: read('steps').trim() ? steps : [], oneBox, oneBoxBakeMs, bakeMs, timeoutMs },
    read('timeout') || '60m',
  );
  const stabilizeTimeoutMs = duration(read, 'stabilize-timeout', '10m');
  if (stabilizeTimeoutMs <= 0) {
    throw inputError('stabilize-timeout', read('stabilize-timeout'), 'must be longer than 0s');
  }

  const taskDefinition = whatToDeploy(read);
  const firstTaskSet = firstTaskSetInput(read);
  if (region) {
    for (const { input, arn } of arnInputs({ cluster, service, taskDefinition, route })) {
      expectRegion(input, arn, region.region, region.from);
    }
  }

  const comparisons = parseComparisons(read('compare'), { listenerRouting: route.kind === 'listener' });
  if (read('on-inconclusive').trim() && comparisons.length === 0) {
    throw inputError(
      'on-inconclusive',
      read('on-inconclusive'),
      "it says what a 'compare' comparison that was never judged does, and there is none",
    );
  }
  return {
    cluster,
    service,
    taskDefinition,
    firstTaskSet,
    stepsText,
    stepsGiven: read('steps').trim() !== '',
    steps,
    route,
    minRequests,
    alarms: list(read, 'alarms'),
    alarmPrefixes: list(read, 'alarm-prefixes'),
    blockerAlarms: list(read, 'blocker-alarms'),
    oneBox,
    oneBoxAlarms,
    oneBoxBakeMs,
    bakeMs,
    pollIntervalMs,
    insufficientData: oneOf(read, 'insufficient-data', ['ignore', 'rollback'] as const, 'ignore'),
    beforeTraffic: optional(read, 'before-traffic'),
    afterTraffic: optional(read, 'after-traffic'),
    releaseTask: parseReleaseTask(read),
    comparisons,
    onInconclusive: oneOf(read, 'on-inconclusive', ['promote', 'pause', 'rollback'] as const, 'promote'),
    stabilizeTimeoutMs,
    timeoutMs,
    requireReview: boolean(read, 'require-review', false),
    verify: boolean(read, 'verify', true),
    dryRun: boolean(read, 'dry-run', false),
    environment: read('environment') || `${shortName(cluster)}/${shortName(service)}`,
    githubToken: optional(read, 'github-token'),
    ...parseOperatingSettings(read, steps),
  };
}

/**
 * A deploy that cannot finish in time would shift real traffic only to roll it back: refuses a plan whose
 * holds alone (steps, one-box bake, bake) reach the timeout.
 */
export function checkPlanFitsTimeout(
  plan: { steps: TrafficStep[]; oneBox: boolean; oneBoxBakeMs: number; bakeMs: number; timeoutMs: number },
  timeoutText = formatDuration(plan.timeoutMs),
): void {
  const holds = [
    ['steps', plan.steps.reduce((sum, step) => sum + step.holdMs, 0)],
    ['one-box-bake', plan.oneBox ? plan.oneBoxBakeMs : 0],
    ['bake-time', plan.bakeMs],
  ] as const;
  const planMs = holds.reduce((sum, [, ms]) => sum + ms, 0);
  if (plan.timeoutMs <= planMs) {
    const parts = holds.filter(([, ms]) => ms > 0).map(([name, ms]) => `${name} ${formatDuration(ms)}`);
    throw inputError(
      'timeout',
      timeoutText,
      `the plan alone holds traffic for ${formatDuration(planMs)} (${parts.join(' + ')}): give a longer timeout`,
    );
  }
}

function taskDefinitionSource(read: InputReader): TaskDefinitionSource {
  const manifest = optional(read, 'manifest');
  const taskDefinition = optional(read, 'task-definition');
  const containerName = optional(read, 'container-name');
  const image = optional(read, 'image');
  if (manifest) {
    for (const other of ['task-definition', 'container-name', 'image'] as const) {
      if (read(other)) {
        throw new UserError(
          `Input '${other}' cannot be used with 'manifest': the manifest fixes what is deployed`,
        );
      }
    }
    checkManifestPath(manifest);
    const commit = optional(read, 'manifest-commit');
    return { kind: 'manifest', path: manifest, ...(commit ? { commit } : {}) };
  }
  if (!taskDefinition) {
    throw inputError('task-definition', '', "give a task definition file or ARN, or a 'manifest'");
  }
  if (Boolean(containerName) !== Boolean(image)) {
    throw inputsError(['container-name', 'image'], 'go together: give both or neither');
  }
  const problem = image === undefined ? undefined : imageProblem(image);
  if (image && problem) throw inputError('image', image, problem);
  const replace = containerName && image ? { containerName, image } : {};
  if (TASK_DEFINITION_REF.test(taskDefinition))
    return { kind: 'existing', reference: taskDefinition, ...replace };
  if (taskDefinition.startsWith('arn:')) {
    expectArnKind('task-definition', taskDefinition, 'task definition');
    throw inputError(
      'task-definition',
      taskDefinition,
      'expected a task definition ARN ending in family:revision',
    );
  }
  try {
    checkInputFile({ input: 'task-definition', kind: 'task definition', path: taskDefinition });
  } catch (error) {
    if (!(error instanceof UserError) || !/no such file$/.test(error.message)) throw error;
    throw inputError(
      'task-definition',
      taskDefinition,
      'no such file, and not a task definition ARN or family:revision',
    );
  }
  return { kind: 'file', path: taskDefinition, ...replace };
}

/** `first-task-set`: inline JSON (it starts with `{`), or the JSON file it names, read here. */
function firstTaskSetInput(read: InputReader): FirstTaskSetSource | undefined {
  const input = 'first-task-set';
  const text = optional(read, input);
  if (!text) return undefined;
  if (text.startsWith('{')) return { text, json: text, path: undefined };
  try {
    return { text, json: readInputFile({ input, kind: 'first task set', path: text }), path: text };
  } catch (error) {
    if (!(error instanceof UserError) || !/no such file$/.test(error.message)) throw error;
    throw inputError(input, text, 'no such file, and not inline JSON (which starts with "{")');
  }
}

function nameOrArn(read: InputReader, name: string, kind: 'cluster' | 'service'): string {
  const value = required(read, name);
  if (value.startsWith('arn:')) expectArnKind(name, value, kind);
  if (!NAME_OR_ARN.test(value)) throw inputError(name, value, 'expected a name or an ECS ARN');
  return value;
}

function arnInput(read: InputReader, name: string, pattern: RegExp, kind: ArnKind): string | undefined {
  const value = optional(read, name);
  if (!value) return undefined;
  if (value.startsWith('arn:')) expectArnKind(name, value, kind);
  if (!pattern.test(value)) throw inputError(name, value, `expected an ELBv2 ${kind} ARN`);
  return value;
}

/** The last part of an ARN, or the name itself. */
export function shortName(nameOrArn: string): string {
  return nameOrArn.split('/').at(-1) ?? nameOrArn;
}
