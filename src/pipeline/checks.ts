import { UserError, describeError, describeInputProblem } from '../errors.js';
import { arnInputs, otherAccountArns } from '../deploy/arns.js';
import { parseFirstTaskSet } from '../deploy/first-task-set.js';
import { parseDeployOptions, type DeployOptions } from '../deploy/settings.js';
import { parseGateSettings } from '../gate/settings.js';
import { recordInputs } from '../inputs.js';
import type { GateConfig, PipelineConfig, TargetConfig } from './config.js';
import {
  concurrencyKey,
  deployInputTexts,
  inheritSettings,
  reasonOf,
  roleAccount,
  type DeploySettings,
} from './settings.js';

/**
 * Checks of a pipeline file that need the inherited settings or several entries at once, which the schema
 * alone cannot say: each target's deploy settings and the gate block, checked with the deploy and gate
 * actions' own parsers before any stage runs.
 */

export type Report = (path: (string | number)[], message: string, input: unknown) => void;

/** Whether an issue at `path` is in a setting that stages[s].targets[t] inherits or sets. */
export function affectsTarget(path: readonly PropertyKey[], s: number, t: number): boolean {
  if (path[0] === 'defaults') return path.length > 1;
  if (path[0] !== 'stages' || path[1] !== s) return false;
  if (path[2] === 'targets') return path[3] === t && path.length > 4;
  return path.length > 2;
}

// Checks that need the inherited settings or several entries at once; the schema alone cannot say them.
export function checkResolved(
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
