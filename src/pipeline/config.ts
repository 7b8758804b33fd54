import { LineCounter, parseDocument, isNode } from 'yaml';
import * as z from 'zod';
import { UserError, describeError, describeInputProblem } from '../errors.js';
import { arnInputs, otherAccountArns } from '../deploy/arns.js';
import { parseFirstTaskSet } from '../deploy/first-task-set.js';
import { parseDeployOptions, type DeployOptions } from '../deploy/settings.js';
import { parseSteps } from '../deploy/steps.js';
import { parseGateSettings } from '../gate/settings.js';
import { recordInputs, splitItems } from '../inputs.js';

/**
 * The pipeline file (`.github/safe-deploy.yml`): `defaults`, a `gate`, and ordered `stages` of `targets`.
 * Deploy settings are the deploy action's inputs, spelled as in `action.yml`, and are inherited from
 * `defaults` to the stage to the target. The zod schema below is the single source of truth: the file is
 * parsed with it, and the published JSON schema (`schema/pipeline.schema.json`) is generated from it.
 */

/** The reusable workflow has this many stage jobs; a file with more stages is refused. */
export const MAX_STAGES = 8;
/** GitHub refuses a matrix with more than 256 jobs. */
export const MAX_TARGETS_PER_STAGE = 256;

// The grammar of src/duration.ts as a pattern, so editors check durations from the JSON schema too
// (a test keeps the two in agreement).
export const DURATION_PATTERN = /^(?=\d)(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;
const DURATION_HINT = 'expected a duration such as 90s, 5m or 1h30m';

const text = (description: string) =>
  z.string({ error: 'expected text' }).min(1, { error: 'must not be empty' }).describe(description);
const duration = (description: string) =>
  z.string({ error: DURATION_HINT }).regex(DURATION_PATTERN, { error: DURATION_HINT }).describe(description);
const flag = (description: string) => z.boolean({ error: 'expected true or false' }).describe(description);
const names = (description: string) =>
  z
    .union([z.string(), z.array(z.string())], { error: 'expected a name or a list of names' })
    .check((ctx) => {
      // The actions split names at commas and newlines: an empty item is a typo that would watch less.
      const items = Array.isArray(ctx.value) ? ctx.value : [ctx.value];
      if (Array.isArray(ctx.value) && items.some((item) => !item.trim())) {
        ctx.issues.push({ code: 'custom', message: 'a blank name in the list', input: ctx.value });
        return;
      }
      for (const item of items) {
        if (!Array.isArray(ctx.value) && item && !item.trim()) {
          ctx.issues.push({
            code: 'custom',
            message: 'only spaces: name at least one, or use []',
            input: item,
          });
          return;
        }
        try {
          splitItems(item, 'list');
        } catch (error) {
          ctx.issues.push({ code: 'custom', message: reasonOf(error), input: item });
          return;
        }
      }
    })
    .describe(description);

/** What a deploy or gate parser refused, without naming the input: the path already says where. */
function reasonOf(error: unknown): string {
  return error instanceof UserError && error.problem ? error.problem.reason : describeError(error);
}

const steps = z
  .union([z.string(), z.array(z.string())], { error: 'expected a preset name or a list of steps' })
  .check((ctx) => {
    try {
      parseSteps(stepsText(ctx.value));
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: reasonOf(error), input: ctx.value });
    }
  })
  .describe(
    'Traffic plan: a preset (Canary10Percent5Minutes, Linear10PercentEvery3Minutes, AllAtOnce, ...) or steps such as "10%:5m, 50%:10m, 100%"',
  );

/**
 * Every deploy input a pipeline file may set, at any level. Keys are the deploy action's input names.
 * What is deployed is not among them: every target deploys the manifest artifact, and the deploy action
 * refuses `task-definition`, `container-name` and `image` beside a manifest.
 */
export const deploySettingsShape = {
  cluster: text('ECS cluster name or ARN').optional(),
  service: text('ECS service name or ARN (deployment controller EXTERNAL)').optional(),
  steps: steps.optional(),
  routing: z
    .enum(['listener', 'task-sets'], { error: 'expected listener or task-sets' })
    .describe('How traffic moves: listener weights, or task-set scale behind one target group')
    .optional(),
  'listener-arn': text(
    'Production listener whose forward action holds the blue and green target groups',
  ).optional(),
  'listener-rule-arn': text('Production listener rule, instead of the listener default action').optional(),
  'test-listener-arn': text(
    'Test listener: green gets all of its traffic before any production traffic',
  ).optional(),
  alarms: names('CloudWatch alarms watched from start to finish').optional(),
  'alarm-prefixes': names('Every alarm whose name starts with one of these is watched too').optional(),
  'blocker-alarms': names('Alarms that must not be in ALARM for the deploy to start').optional(),
  'one-box': flag('Run green as a single task first, bake it, then continue').optional(),
  'one-box-alarms': names('Alarms watched only during the one-box stage').optional(),
  'one-box-bake': duration('How long the one-box stage bakes (default 10m)').optional(),
  'bake-time': duration('How long to hold 100% before promotion, blue still running (default 5m)').optional(),
  'min-requests': z
    .number({ error: 'expected a whole number of 0 or more' })
    .int({ error: 'expected a whole number of 0 or more' })
    .min(0, { error: 'expected a whole number of 0 or more' })
    .describe('The bake does not end until green served this many requests')
    .optional(),
  'poll-interval': duration('How often alarms and task sets are read (default 10s)').optional(),
  'insufficient-data': z
    .enum(['ignore', 'rollback'], { error: 'expected ignore or rollback' })
    .describe('Treat a watched alarm in INSUFFICIENT_DATA as a breach (rollback) or not (ignore)')
    .optional(),
  'before-traffic': text('Shell command run when green is steady, before production traffic').optional(),
  'after-traffic': text('Shell command run at 100%, before the bake').optional(),
  'release-task': text(
    "One-off task (migrations) run with green's task definition once green is steady, before any traffic: a JSON array or words, no shell",
  ).optional(),
  'release-task-container': text('The container whose command release-task replaces').optional(),
  'release-task-timeout': duration('How long the release task may run (default 10m)').optional(),
  compare: names(
    'Green-versus-blue comparisons, one an item: a metric (error-rate, p99-latency, or your own) and a rule such as "<= 1.5x blue + 0.1pt"',
  ).optional(),
  'first-task-set': z
    .union([z.string().min(1, { error: 'must not be empty' }), z.record(z.string(), z.unknown())], {
      error: 'expected a JSON file path, inline JSON, or a mapping of CreateTaskSet launch fields',
    })
    .describe(
      'Only for the first deploy to an EXTERNAL service with no task set: its launchType or capacityProviderStrategy, platformVersion, networkConfiguration, loadBalancers and serviceRegistries (a mapping, inline JSON or a JSON file in the repository); unused once the service runs a task set',
    )
    .optional(),
  'stabilize-timeout': duration('How long green may take to reach steady state (default 10m)').optional(),
  timeout: duration('The whole deploy; past it, roll back (default 60m)').optional(),
  'require-review': flag('Refuse a commit that did not arrive through an approved pull request').optional(),
  verify: flag(
    'Before any change, check that the ECR images, secrets, roles and log groups the task definition names exist (default true)',
  ).optional(),
  'pause-timeout': duration('For a N%:pause step: how long to wait to be promoted (default 1h)').optional(),
  'on-pause-timeout': z
    .enum(['rollback', 'promote'], { error: 'expected rollback or promote' })
    .describe('What a N%:pause step does when pause-timeout passes unpromoted (default rollback)')
    .optional(),
  'on-inconclusive': z
    .enum(['promote', 'pause', 'rollback'], { error: 'expected promote, pause or rollback' })
    .describe(
      'What a compare comparison never judged (too few samples) does at the end of the bake (default promote)',
    )
    .optional(),
  'keep-previous': flag('After promotion keep blue, scaled to zero, for safe-deploy rollback').optional(),
};

/** The names of the deploy settings, in the order the plan lists them. */
export const DEPLOY_SETTINGS = Object.keys(deploySettingsShape) as DeploySettingName[];
export type DeploySettingName = keyof typeof deploySettingsShape;

const DeploySettings = z.strictObject(deploySettingsShape).meta({ id: 'DeploySettings' });
export type DeploySettings = z.output<typeof DeploySettings>;

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const region = z
  .string({ error: 'expected an AWS region such as us-east-1' })
  .regex(REGION, { error: 'expected an AWS region such as us-east-1' });
const role = z
  .string({ error: 'expected an IAM role ARN' })
  .regex(ROLE, { error: 'expected an IAM role ARN such as arn:aws:iam::111111111111:role/deploy' });

const Target = z
  .strictObject({
    region: region.describe('AWS region of this target'),
    role: role.describe('IAM role assumed by OIDC to deploy this target'),
    ...deploySettingsShape,
  })
  .meta({ id: 'Target', description: 'One service in one region: a job of the stage matrix' });
export type TargetConfig = z.output<typeof Target>;

const Stage = z
  .strictObject({
    name: text('Stage name, shown in job names and the plan'),
    environment: text(
      'GitHub environment the stage jobs run in (for required reviewers and wait timers)',
    ).optional(),
    'max-parallel': z
      .number({ error: 'expected a whole number from 1 to 256' })
      .int({ error: 'expected a whole number from 1 to 256' })
      .min(1, { error: 'expected a whole number from 1 to 256' })
      .max(256, { error: 'expected a whole number from 1 to 256' })
      .describe('How many targets of this stage deploy at once (default 10)')
      .optional(),
    ...deploySettingsShape,
    targets: z
      .array(Target, { error: 'expected a list of targets' })
      .min(1, { error: 'a stage needs at least one target' })
      .max(MAX_TARGETS_PER_STAGE, { error: `a stage has at most ${MAX_TARGETS_PER_STAGE} targets` })
      .describe('Targets deployed in parallel in this stage'),
  })
  .meta({
    id: 'Stage',
    description: 'A wave: its targets deploy in parallel; the next stage starts when all succeeded',
  });
export type StageConfig = z.output<typeof Stage>;

const Gate = z
  .strictObject({
    windows: text('When deploys may start, e.g. "Mon-Thu 09:00-16:00; Fri 09:00-12:00"').optional(),
    timezone: text('IANA time zone the windows and dates are read in (default UTC)').optional(),
    blackout: names('Dates or ranges when nothing deploys: 2026-12-20..2027-01-04').optional(),
    holidays: names('Public-holiday calendars treated as blackout (US, KR, DE-BY)').optional(),
    'holiday-types': names(
      'Which holiday types close the gate: public, bank, school, optional, observance (default public)',
    ).optional(),
    calendar: text('Path to an .ics file in the repository whose events are blackouts').optional(),
    'blocker-alarms': names('The gate is closed while any of these is in ALARM').optional(),
    'alarm-prefixes': names(
      'The gate is closed while any alarm with one of these prefixes is in ALARM',
    ).optional(),
    'on-closed': z
      .enum(['fail', 'skip', 'wait', 'queue'], { error: 'expected fail, skip, wait or queue' })
      .describe(
        'When closed: fail the run, skip the stages, wait until open, or queue the release for a scheduled run to ship when open (default fail)',
      )
      .optional(),
    environment: text(
      'GitHub environment whose deployments are the release queue (default production)',
    ).optional(),
    'max-wait': duration('With on-closed: wait, how long to wait (default 6h)').optional(),
    role: role.describe('IAM role assumed by OIDC to read the gate alarms').optional(),
    region: region.describe('Region of the gate alarms').optional(),
  })
  .meta({
    id: 'Gate',
    description: 'Deploy-window and alarm-blocker gate, checked once before the first stage',
  });
export type GateConfig = z.output<typeof Gate>;

const PipelineShape = z.strictObject({
  defaults: DeploySettings.describe('Deploy settings inherited by every stage and target').optional(),
  gate: Gate.optional(),
  stages: z
    .array(Stage, { error: 'expected a list of stages' })
    .min(1, { error: 'the pipeline needs at least one stage' })
    .max(MAX_STAGES, { error: `the pipeline workflow runs at most ${MAX_STAGES} stages` })
    .describe('Stages in order; each starts when the previous one succeeded'),
});
export type PipelineConfig = z.output<typeof PipelineShape>;

/** The pipeline file as a zod schema (the JSON schema is generated from it). */
export const PipelineSchema = PipelineShape.check((ctx) => {
  // Issues found so far (a bad duration, an unknown key) say what is wrong more precisely than the
  // deploy action's parser would; targets whose settings have one are not parsed again.
  const earlier = ctx.issues.map((issue) => issue.path ?? []);
  checkResolved(
    ctx.value,
    (path, message, input) => ctx.issues.push({ code: 'custom', path, message, input }),
    (s, t) => !earlier.some((path) => affectsTarget(path, s, t)),
    (name) => !earlier.some((path) => path[0] === 'gate' && (path[1] === name || path.length === 1)),
  );
}).meta({
  title: 'safe-deploy pipeline',
  description: 'Stages of ECS deploys run by the safe-deploy reusable workflow',
});

type Report = (path: (string | number)[], message: string, input: unknown) => void;

/** Whether an issue at `path` is in a setting that stages[s].targets[t] inherits or sets. */
function affectsTarget(path: readonly PropertyKey[], s: number, t: number): boolean {
  if (path[0] === 'defaults') return path.length > 1;
  if (path[0] !== 'stages' || path[1] !== s) return false;
  if (path[2] === 'targets') return path[3] === t && path.length > 4;
  return path.length > 2;
}

// Checks that need the inherited settings or several entries at once; the schema alone cannot say them.
function checkResolved(
  config: PipelineConfig,
  report: Report,
  settingsValid: (stage: number, target: number) => boolean,
  gateValid: (name: string) => boolean,
): void {
  const seenStages = new Map<string, number>();
  config.stages.forEach((stage, s) => {
    const earlier = seenStages.get(stage.name);
    if (earlier !== undefined) {
      report(['stages', s, 'name'], `stage "${stage.name}" is already stages[${earlier}]`, stage.name);
    }
    seenStages.set(stage.name, s);
    const places = new Map<string, number>();
    stage.targets.forEach((target, t) => {
      const settings = inheritSettings(config.defaults, stage, target);
      for (const needed of ['cluster', 'service'] as const) {
        if (!settings[needed]) {
          report(
            ['stages', s, 'targets', t],
            `${needed} is not set (set it in defaults, the stage or the target)`,
            target,
          );
        }
      }
      if (!settings.cluster || !settings.service) return;
      if (settingsValid(s, t)) {
        for (const problem of deployInputProblems(settings, target)) {
          report(['stages', s, 'targets', t], problem, target);
        }
      }
      const key = concurrencyKey(settings.cluster, settings.service, target.region, target.role);
      const first = places.get(key);
      if (first !== undefined) {
        report(
          ['stages', s, 'targets', t],
          `deploys the same service, region and account as targets[${first}]; one stage deploys a service once`,
          target,
        );
      }
      places.set(key, t);
    });
  });
  const gate = config.gate;
  if (gate) checkGate(gate, report, (name) => gateValid(name));
  if (gate && (gate['blocker-alarms'] !== undefined || gate['alarm-prefixes'] !== undefined)) {
    for (const needed of ['role', 'region'] as const) {
      if (!gate[needed]) report(['gate'], `${needed} is required when the gate reads alarms`, gate);
    }
  } else if (gate?.role && !gate.region) {
    report(['gate'], 'region is required with role', gate);
  }
}

/** The gate settings the gate job's parser would read, one at a time so each problem is reported. */
const GATE_SETTINGS = [
  'timezone',
  'windows',
  'blackout',
  'holiday-types',
  'holidays',
  'calendar',
  'blocker-alarms',
  'alarm-prefixes',
  'on-closed',
  'max-wait',
  'environment',
] as const satisfies readonly (keyof GateConfig)[];

/**
 * What the gate job would refuse in the `gate:` block, checked with the gate's own parser (windows, time
 * zone, blackout dates, holiday codes, the calendar file read from the checkout as the gate job reads
 * it). Each setting is parsed on its own, so every bad one is reported with its path.
 */
function checkGate(gate: GateConfig, report: Report, valid: (name: string) => boolean): void {
  const text = (name: (typeof GATE_SETTINGS)[number]): string | undefined => {
    const value = gate[name];
    return value === undefined ? undefined : Array.isArray(value) ? value.join('\n') : String(value);
  };
  const failed = new Set<string>();
  for (const name of GATE_SETTINGS) {
    const value = text(name);
    if (value === undefined || !valid(name)) continue;
    // The gate job always passes the workflow token (github.token), which the release queue needs.
    const inputs: Record<string, string> = { [name]: value, 'github-token': 'github.token' };
    // Holidays are read with their types; a bad holiday-types is reported once, as itself.
    if (name === 'holidays' && !failed.has('holiday-types'))
      inputs['holiday-types'] = text('holiday-types') ?? '';
    try {
      parseGateSettings(recordInputs(inputs));
    } catch (error) {
      failed.add(name);
      report(['gate', name], reasonOf(error), gate[name]);
    }
  }
}

/**
 * What the deploy job would refuse in a target's inherited settings, checked with the action's own
 * parser so that a bad combination (listener routing without a listener, min-requests with task-set
 * routing, a malformed ARN, an ARN of another region than the target's) fails the plan instead of a
 * later stage, after earlier stages deployed. An ARN of another account than the target's role is
 * refused too: the job's credentials are that role's, and ECS and ELBv2 act only in their own account.
 */
function deployInputProblems(settings: DeploySettings, target: TargetConfig): string[] {
  let options: DeployOptions;
  try {
    // The inputs the deploy job will be given (plan.ts passes the same texts), but for what is deployed:
    // every target deploys the manifest artifact, which exists only in the workflow run.
    options = parseDeployOptions(recordInputs(deployInputTexts(settings)), {
      region: target.region,
      from: "the target's region",
    });
  } catch (error) {
    return [deployInputMessage(error)];
  }
  const problems: string[] = [];
  try {
    // The deploy checks this one's schema in validation: the plan checks it now.
    if (options.firstTaskSet) parseFirstTaskSet(options.firstTaskSet);
  } catch (error) {
    problems.push(deployInputMessage(error));
  }
  const account = roleAccount(target.role);
  const foreign = otherAccountArns(arnInputs(options), account);
  if (foreign.length) {
    const where = foreign.map((entry) => `'${entry.input}' is in account ${entry.account}`);
    problems.push(`deploy input ${where.join(', ')}, but the target's role is in account ${account}`);
  }
  return problems;
}

/** A deploy parser's error as the pipeline says it: "deploy input 'x': ..." (the path says where). */
function deployInputMessage(error: unknown): string {
  if (error instanceof UserError && error.problem) return describeInputProblem(error.problem, 'deploy input');
  return describeError(error);
}

/** Deploy settings as the deploy action's input text: lists one per line, booleans and numbers as text. */
export function deployInputTexts(settings: DeploySettings): Partial<Record<DeploySettingName, string>> {
  const inputs: Partial<Record<DeploySettingName, string>> = {};
  for (const name of DEPLOY_SETTINGS) {
    const value = settings[name];
    if (value === undefined) continue;
    if (name === 'steps') inputs[name] = stepsText(value as string | string[]);
    // The deploy action reads lists split at newlines (and commas).
    else if (Array.isArray(value)) inputs[name] = value.join('\n');
    // A mapping (first-task-set) goes to the action as inline JSON.
    else if (typeof value === 'object') inputs[name] = JSON.stringify(value);
    else inputs[name] = String(value);
  }
  return inputs;
}

/** The deploy settings of one target: defaults, overridden by the stage, overridden by the target. */
export function inheritSettings(
  defaults: DeploySettings | undefined,
  stage: StageConfig,
  target: TargetConfig,
): DeploySettings {
  const settings: Record<string, unknown> = {};
  for (const level of [defaults ?? {}, stage, target] as Record<string, unknown>[]) {
    for (const name of DEPLOY_SETTINGS) {
      if (level[name] !== undefined) settings[name] = level[name];
    }
  }
  return settings as DeploySettings;
}

/** The last segment of an ECS ARN (`arn:...:service/web/api` is `api`), or the name itself. */
export function shortName(nameOrArn: string): string {
  return nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
}

/** The AWS account of a role ARN. */
export function roleAccount(roleArn: string): string {
  return /::(\d{12}):/.exec(roleArn)?.[1] ?? '';
}

/**
 * The GitHub concurrency group of a deploy: one service (by cluster and account) in one region. Deploys
 * with the same group never run at once, in this run or another.
 */
export function concurrencyKey(cluster: string, service: string, region: string, roleArn: string): string {
  return `safe-deploy-${shortName(service)}-${region}-${shortName(cluster)}-${roleAccount(roleArn)}`;
}

/** The `steps` setting as the deploy action's input text. */
export function stepsText(value: string | string[]): string {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** How many alias expansions a pipeline file may have; a real one has a handful. */
const MAX_ALIASES = 100;

/** Formats a zod issue path the way users write it: `stages[2].targets[0].region`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
}

/**
 * Parses and validates a pipeline file's text. Throws one UserError listing every problem, each with its
 * path and line (`stages[2].targets[0].region (line 14): expected an AWS region such as us-east-1`).
 */
export function parsePipeline(source: string, fileName: string): PipelineConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // A warning is an unknown tag (`!!js/function`, `!Ref`) kept as plain text: the file means something
  // this parser does not, so it is refused like an error.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) {
    const lines = problems.map((error) => {
      // Without prettyErrors the message is the reason alone; the prefix says where.
      const at = lineCounter.linePos(error.pos[0]);
      return `${fileName}:${at.line}:${at.col}: ${error.message}`;
    });
    throw new UserError(`The pipeline file is not valid YAML:\n${lines.join('\n')}`);
  }
  let value: unknown;
  try {
    // Aliases expand on conversion: a few lines of nested aliases (a "billion laughs") would expand to
    // gigabytes. The yaml package stops past maxAliasCount; say so as a problem of the file.
    value = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (error) {
    throw new UserError(`${fileName} is not a valid pipeline file: ${describeError(error)}`);
  }
  const result = PipelineSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    let path = [...issue.path];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
      if (issue.keys.length === 1) path = [...path, issue.keys[0]!];
    }
    const node = doc.getIn(path, true);
    const line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
    const where = path.length ? formatPath(path) : '(top level)';
    return `${where}${line ? ` (line ${line})` : ''}: ${message}`;
  });
  throw new UserError(`${fileName} is not a valid pipeline file:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}
