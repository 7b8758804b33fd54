import { LineCounter, parseDocument, isNode } from 'yaml';
import * as z from 'zod';
import { UserError, describeError } from '../errors.js';
import { affectsTarget, checkResolved } from './checks.js';
import { DeploySettings, deploySettingsShape, duration, names, text } from './settings.js';

/**
 * The pipeline file (`.github/safe-deploy.yml`): `defaults`, a `gate`, and ordered `stages` of `targets`.
 * Deploy settings are the deploy action's inputs, spelled as in `action.yml`, and are inherited from
 * `defaults` to the stage to the target (settings.ts); checks.ts checks them with the actions' own
 * parsers. The zod schema below is the single source of truth: the file is parsed with it, and the
 * published JSON schema (`schema/pipeline.schema.json`) is generated from it.
 */

/** The reusable workflow has this many stage jobs; a file with more stages is refused. */
export const MAX_STAGES = 8;
/** GitHub refuses a matrix with more than 256 jobs. */
export const MAX_TARGETS_PER_STAGE = 256;

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
