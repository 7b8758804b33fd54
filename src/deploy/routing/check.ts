import type { TaskSet } from '../../aws/ecs.js';
import { loadBalancerArnOf, type ForwardRef, type Weights } from '../../aws/load-balancer.js';
import { describeError, UserError } from '../../errors.js';
import { notFoundError } from '../arns.js';
import type { DeployContext } from '../context.js';
import { greenShare, type ListenerRoute } from './listener.js';
import { productionInput, productionOf, testListenerOf } from './settings.js';

/**
 * The routing inputs checked against the service before anything changes, reading only. Listener routing
 * reads its listener here; task-set scale has nothing to read.
 */

/** A task-set deploy's route, as checked: the listener route when there is one, and green's share now. */
export interface CheckedRoute {
  listener: ListenerRoute | undefined;
  /** Green's share before the deploy (a listener someone left split); 0 with task-set scale. */
  initialShare: number;
}

/**
 * Listener routing: the listener forwards to two target groups, one of them blue's (the other is green's),
 * and a test listener to the same two.
 */
export async function checkRoute(ctx: DeployContext, blue: TaskSet): Promise<CheckedRoute> {
  const { settings: s, deps, calls } = ctx;
  const production = productionOf(s.route);
  if (!production) return { listener: undefined, initialShare: 0 };
  const initialWeights = await calls.retry('read the listener', () =>
    readForward(ctx, production, productionInput(production)),
  );
  const groups = Object.keys(initialWeights);
  const blueTg = blue.targetGroupArns[0];
  const greenTg = groups.find((g) => g !== blueTg);
  if (groups.length !== 2 || !blueTg || !greenTg || !groups.includes(blueTg)) {
    throw new UserError(
      `The ${production.kind} ${production.arn} must forward to two target groups, one of them blue's ` +
        `(${blueTg ?? 'blue has no load balancer'}); it forwards to ${groups.join(', ') || 'none'}`,
    );
  }
  const testListenerArn = testListenerOf(s.route);
  if (testListenerArn) {
    const test = Object.keys(
      await calls.retry('read the test listener', () =>
        readForward(ctx, { kind: 'listener', arn: testListenerArn }, 'test-listener-arn'),
      ),
    );
    if (!test.includes(blueTg) || !test.includes(greenTg)) {
      throw new UserError(
        `The test listener ${testListenerArn} must forward to the same two target groups as production`,
      );
    }
  }
  deps.log.info(`Target groups: blue ${blueTg}, green ${greenTg}`);
  return {
    listener: {
      kind: 'listener',
      production,
      testListenerArn,
      blueTargetGroup: blueTg,
      greenTargetGroup: greenTg,
    },
    initialShare: greenShare(initialWeights, greenTg),
  };
}

/** A first deploy's production listener and its weights (the first task set registers in one of its groups). */
export async function readProduction(
  ctx: DeployContext,
): Promise<{ production: ForwardRef; weights: Weights } | undefined> {
  const production = productionOf(ctx.settings.route);
  if (!production) return undefined;
  const weights = await ctx.calls.retry('read the listener', () =>
    readForward(ctx, production, productionInput(production)),
  );
  return { production, weights };
}

/**
 * The listener's forward weights. A listener without a forward action, or one that does not exist, is
 * the user's to fix: the error names the input, the ARN and the region looked in.
 */
export async function readForward(ctx: DeployContext, ref: ForwardRef, input: string): Promise<Weights> {
  try {
    return await ctx.deps.lb.readWeights(ref);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NoForwardAction')
      throw new UserError(error instanceof Error ? error.message : String(error));
    if (name === 'ListenerNotFoundException' || name === 'RuleNotFoundException') {
      const kind = ref.kind === 'rule' ? 'listener rule' : 'listener';
      throw notFoundError(input, ref.arn, kind, ctx.deps.region, describeError(error));
    }
    throw error;
  }
}

/** The target groups a green-versus-blue comparison reads, where each release has its own (listener routing). */
export function comparedGroups(listener: ListenerRoute | undefined): {
  blue: { targetGroupArn?: string };
  green: { targetGroupArn?: string };
  balancer: { loadBalancerArn?: string };
} {
  if (!listener) return { blue: {}, green: {}, balancer: {} };
  return {
    blue: { targetGroupArn: listener.blueTargetGroup },
    green: { targetGroupArn: listener.greenTargetGroup },
    balancer: { loadBalancerArn: loadBalancerArnOf(listener.production.arn) },
  };
}
