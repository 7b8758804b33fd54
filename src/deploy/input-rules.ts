import type { ForwardRef } from '../aws/load-balancer.js';
import { inputError, inputsError } from '../errors.js';
import { formatDuration } from '../duration.js';
import type { TrafficStep } from '../report/model.js';
import { expectRegion, ruleListenerArn, type ArnInput } from './arns.js';
import { productionInput } from './routing/settings.js';
import type { RouteSettings } from './settings.js';

/**
 * The rules that span several deploy inputs, in one place, on typed values. The deploy action's parser
 * calls each once the inputs it needs are read; the pipeline reaches them through the same parser
 * (parseDeployOptions), for every target before any stage runs.
 */

/** The deploy inputs that say how traffic moves, as typed values. */
export interface RouteChoices {
  cluster: string;
  service: string;
  listenerArn: string | undefined;
  ruleArn: string | undefined;
  testListenerArn: string | undefined;
  /** `routing` as given; when it is not, it follows from whether a production route is given. */
  routing: 'listener' | 'task-sets' | undefined;
  /** `min-requests` (0 when not given). */
  minRequests: number;
}

/** The production listener or rule the inputs name, if any. */
function productionRoute(choices: Pick<RouteChoices, 'listenerArn' | 'ruleArn'>): ForwardRef | undefined {
  if (choices.ruleArn) return { kind: 'rule', arn: choices.ruleArn };
  if (choices.listenerArn) return { kind: 'listener', arn: choices.listenerArn };
  return undefined;
}

/** How traffic moves: `routing` as given, else by listener when a production listener or rule is given. */
export function chosenRouting(
  choices: Pick<RouteChoices, 'routing' | 'listenerArn' | 'ruleArn'>,
): 'listener' | 'task-sets' {
  return choices.routing ?? (productionRoute(choices) ? 'listener' : 'task-sets');
}

/**
 * The route the choices make, or a UserError naming the inputs that do not go together: a service ARN of
 * another cluster, two production routes, listener routing without a listener (or task-set routing with
 * one), a test listener that is the production one, `min-requests` with task-set routing.
 */
export function resolveRoute(choices: RouteChoices): RouteSettings {
  checkServiceCluster(choices.cluster, choices.service);
  const { listenerArn, ruleArn, testListenerArn } = choices;
  if (listenerArn && ruleArn) {
    throw inputsError(['listener-arn', 'listener-rule-arn'], 'name two production routes: give one');
  }
  const production = productionRoute(choices);
  const routing = chosenRouting(choices);
  if (routing === 'listener' && !production) {
    throw inputError('routing', 'listener', "listener routing needs 'listener-arn' or 'listener-rule-arn'");
  }
  if (routing === 'task-sets' && testListenerArn) {
    throw inputError('test-listener-arn', testListenerArn, "a test listener needs 'routing: listener'");
  }
  if (routing === 'task-sets' && production) {
    throw inputError(
      productionInput(production),
      production.arn,
      "'routing: task-sets' moves traffic by task-set scale and never uses a listener: remove the " +
        "listener, or set 'routing: listener'",
    );
  }
  if (testListenerArn && production) checkTestListener(testListenerArn, production);
  // Only an explicit task-sets routing is refused here: without a listener the service may be an ECS rolling
  // one, which counts its own target group's requests; an EXTERNAL service is refused once it is read.
  if (choices.minRequests > 0 && choices.routing === 'task-sets') {
    throw inputError(
      'min-requests',
      String(choices.minRequests),
      "counting green's requests needs 'routing: listener' (with task-sets routing both versions share one target group)",
    );
  }
  return production ? { kind: 'listener', production, testListenerArn } : { kind: 'task-sets' };
}

/** A service ARN (`service/<cluster>/<name>`) names its cluster: it must be the `cluster` input's. */
function checkServiceCluster(cluster: string, service: string): void {
  const parts = /^arn:[^:]+:ecs:[^:]*:\d{12}:service\/([^/]+)\/[^/]+$/.exec(service);
  const clusterName = cluster.split('/').at(-1) ?? cluster;
  if (parts && parts[1] !== clusterName) {
    throw inputError(
      'service',
      service,
      `this service ARN is of cluster ${parts[1]}, but 'cluster' is ${clusterName}`,
    );
  }
}

/**
 * The test listener sends all of its traffic to green for the whole `before-traffic` hook: if it were
 * the production listener (or the listener holding the production rule), production would get green
 * before the first step.
 */
function checkTestListener(testListenerArn: string, production: ForwardRef): void {
  const productionListener = production.kind === 'rule' ? ruleListenerArn(production.arn) : production.arn;
  if (productionListener !== testListenerArn) return;
  throw inputError(
    'test-listener-arn',
    testListenerArn,
    production.kind === 'rule'
      ? "this is the listener of the production rule ('listener-rule-arn'): give a separate test listener"
      : "this is the production listener ('listener-arn'): give a separate test listener",
  );
}

/**
 * ECS and ELBv2 only see their own region, so every ARN input must be in the region (and so the partition)
 * the deploy works in: the AWS clients' region, or a pipeline target's.
 */
export function checkArnRegions(
  inputs: readonly ArnInput[],
  region: { region: string; from: string } | undefined,
): void {
  if (!region) return;
  for (const { input, arn } of inputs) expectRegion(input, arn, region.region, region.from);
}

/** `one-box-alarms` (given as `text`) are watched only in the one-box stage: refused without `one-box`. */
export function checkOneBoxAlarms(oneBox: boolean, alarms: readonly string[], text: string): void {
  if (!alarms.length || oneBox) return;
  throw inputError(
    'one-box-alarms',
    text,
    "these alarms are watched only in the one-box stage, which runs with 'one-box: true'",
  );
}

/** `on-inconclusive` (given as `text`) says what an unjudged comparison does: refused with none. */
export function checkOnInconclusive(text: string, comparisons: number): void {
  if (!text.trim() || comparisons > 0) return;
  throw inputError(
    'on-inconclusive',
    text,
    "it says what a 'compare' comparison that was never judged does, and there is none",
  );
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
