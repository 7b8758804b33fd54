import * as z from 'zod';
import { UserError, describeError } from '../errors.js';
import { parseSteps } from '../deploy/steps.js';
import { splitItems } from '../inputs.js';
import type { StageConfig, TargetConfig } from './config.js';

/**
 * A pipeline file's deploy settings: the deploy action's inputs as the file spells them (the zod schema
 * config.ts builds the file's schema with), how a target inherits them, and how they are passed to the
 * deploy job as its input text.
 */

// The grammar of src/duration.ts as a pattern, so editors check durations from the JSON schema too
// (a test keeps the two in agreement).
export const DURATION_PATTERN = /^(?=\d)(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;
const DURATION_HINT = 'expected a duration such as 90s, 5m or 1h30m';

export const text = (description: string) =>
  z.string({ error: 'expected text' }).min(1, { error: 'must not be empty' }).describe(description);
export const duration = (description: string) =>
  z.string({ error: DURATION_HINT }).regex(DURATION_PATTERN, { error: DURATION_HINT }).describe(description);
const flag = (description: string) => z.boolean({ error: 'expected true or false' }).describe(description);
export const names = (description: string) =>
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
export function reasonOf(error: unknown): string {
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

export const DeploySettings = z.strictObject(deploySettingsShape).meta({ id: 'DeploySettings' });
export type DeploySettings = z.output<typeof DeploySettings>;

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
