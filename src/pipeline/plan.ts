import { MAX_STAGES, type GateConfig, type PipelineConfig } from './config.js';
import {
  DEPLOY_SETTINGS,
  concurrencyKey,
  deployInputTexts,
  inheritSettings,
  roleAccount,
  shortName,
  type DeploySettings,
} from './settings.js';

/** A stage runs at most this many targets at once unless it sets `max-parallel`. */
export const DEFAULT_MAX_PARALLEL = 10;

/**
 * One job of a stage matrix: where to deploy, and every inherited deploy setting as the deploy action's
 * input text (unset settings are absent, so the action's own defaults apply).
 */
export type MatrixEntry = {
  stage: string;
  environment?: string;
  region: string;
  role: string;
  account: string;
  /** The job's concurrency group: one deploy per service and region at a time. */
  concurrency: string;
  /** The deploy action's `environment` input: the GitHub deployment record, one per service and region. */
  deployment: string;
} & Partial<Record<(typeof DEPLOY_SETTINGS)[number], string>>;

/** One target with its fully inherited settings. */
export interface PlannedTarget {
  region: string;
  role: string;
  settings: DeploySettings;
  entry: MatrixEntry;
}

/** One stage of the plan: its targets and the matrix its workflow job runs. */
export interface PlannedStage {
  /** 1-based: the workflow job `stage-<number>`. */
  number: number;
  name: string;
  environment: string | undefined;
  maxParallel: number;
  targets: PlannedTarget[];
  matrix: { include: MatrixEntry[] };
}

/** What the pipeline will do: the gate settings and the stages in order. */
export interface Plan {
  gate: GateConfig;
  stages: PlannedStage[];
}

/** Plans a validated pipeline file. Pure: no I/O, same input, same plan. */
export function planPipeline(config: PipelineConfig): Plan {
  const stages = config.stages.map((stage, index): PlannedStage => {
    const targets = stage.targets.map((target): PlannedTarget => {
      const settings = inheritSettings(config.defaults, stage, target);
      // The schema refuses a target without cluster and service, so both are set here.
      const cluster = settings.cluster!;
      const service = settings.service!;
      const entry: MatrixEntry = {
        stage: stage.name,
        ...(stage.environment ? { environment: stage.environment } : {}),
        region: target.region,
        role: target.role,
        account: roleAccount(target.role),
        concurrency: concurrencyKey(cluster, service, target.region, target.role),
        deployment: `${shortName(cluster)}/${shortName(service)}@${target.region}`,
        ...deployInputTexts(settings),
      };
      return { region: target.region, role: target.role, settings, entry };
    });
    return {
      number: index + 1,
      name: stage.name,
      environment: stage.environment,
      maxParallel: Math.min(stage['max-parallel'] ?? DEFAULT_MAX_PARALLEL, targets.length),
      targets,
      matrix: { include: targets.map((target) => target.entry) },
    };
  });
  return { gate: config.gate ?? {}, stages };
}

/**
 * The step outputs the reusable workflow reads: for every one of its MAX_STAGES stage jobs
 * `has-stage-N`, `matrix-N` and `max-parallel-N` (an unused stage gets `false`, an empty matrix and 1, and
 * its job is skipped by its `if:` before GitHub would reject the empty matrix), plus `stage-count` and
 * `gate` (JSON with every gate input, empty when unset, so the workflow can read any of them).
 */
export function workflowOutputs(plan: Plan): Record<string, string> {
  const outputs: Record<string, string> = { 'stage-count': String(plan.stages.length) };
  for (let n = 1; n <= MAX_STAGES; n++) {
    const stage = plan.stages[n - 1];
    outputs[`has-stage-${n}`] = stage ? 'true' : 'false';
    outputs[`matrix-${n}`] = JSON.stringify(stage ? stage.matrix : { include: [] });
    outputs[`max-parallel-${n}`] = String(stage ? stage.maxParallel : 1);
  }
  outputs['gate'] = JSON.stringify(gateInputs(plan.gate));
  return outputs;
}

/** Names the workflow's gate job reads from the `gate` output. */
export const GATE_INPUTS = [
  'windows',
  'timezone',
  'blackout',
  'holidays',
  'holiday-types',
  'calendar',
  'blocker-alarms',
  'alarm-prefixes',
  'on-closed',
  'max-wait',
  'environment',
  'role',
  'region',
] as const satisfies readonly (keyof GateConfig)[];

/** The gate settings as input text, every name present (empty when unset). */
export function gateInputs(gate: GateConfig): Record<(typeof GATE_INPUTS)[number], string> {
  const inputs = {} as Record<(typeof GATE_INPUTS)[number], string>;
  for (const name of GATE_INPUTS) {
    const value = gate[name];
    inputs[name] = value === undefined ? '' : Array.isArray(value) ? value.join('\n') : String(value);
  }
  return inputs;
}
