import type { ForwardRef } from '../../aws/load-balancer.js';
import type { Routing } from '../../report/model.js';
import type { RouteSettings } from '../settings.js';

/**
 * What the routing inputs say, for the code above the routers (validation, the plan, the first deploy's
 * skipped inputs), so that only this folder looks inside `RouteSettings`.
 */

export function routingOf(route: RouteSettings): Routing {
  return route.kind;
}

/** The production listener or rule, when the routing is by listener. */
export function productionOf(route: RouteSettings): ForwardRef | undefined {
  return route.kind === 'listener' ? route.production : undefined;
}

/** The test listener's ARN, when one is given. */
export function testListenerOf(route: RouteSettings): string | undefined {
  return route.kind === 'listener' ? route.testListenerArn : undefined;
}

export function hasTestListener(route: RouteSettings): boolean {
  return Boolean(testListenerOf(route));
}

/** The same route without its test listener (a first deploy does not use it). */
export function withoutTestListener(route: RouteSettings): RouteSettings {
  return route.kind === 'listener' ? { ...route, testListenerArn: undefined } : route;
}

/** The input that names the production route, for errors. */
export function productionInput(ref: ForwardRef): 'listener-rule-arn' | 'listener-arn' {
  return ref.kind === 'rule' ? 'listener-rule-arn' : 'listener-arn';
}
