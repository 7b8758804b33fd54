import type { ForwardRef } from '../../aws/load-balancer.js';
import { inputError, inputsError } from '../../errors.js';
import { ruleListenerArn } from '../arns.js';
import type { RouteSettings } from '../settings.js';
import { productionInput } from './settings.js';

/**
 * The deploy inputs whose rules span several of them, as typed values: the deploy action reads them from
 * its inputs, the pipeline from a target's inherited settings, and both check them here.
 */
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
