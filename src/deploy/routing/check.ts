import type { TaskSet } from '../../aws/ecs.js';
import { loadBalancerArnOf, type ForwardRef, type Weights } from '../../aws/load-balancer.js';
import { describeError, UserError } from '../../errors.js';
import { notFoundError } from '../arns.js';
import type { Routing } from '../../report/model.js';
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

/**
 * The route a kept release was reached by, as its tags say it, checked against the service before any of
 * it is acted on: the production listener (or rule) and the test listener must each forward to exactly
 * this service's two target groups, the kept release's and the serving one's, and production must not be
 * split between them (all on the serving one, or all on the kept one when an earlier rollback stopped half
 * way). Anything else is refused, naming what the tag pointed at; nothing changes.
 */
export async function checkKeptRoute(
  read: (ref: ForwardRef) => Promise<Weights>,
  kept: { production: ForwardRef | undefined; testListenerArn: string | undefined },
  groups: { kept: string | undefined; serving: string | undefined },
  at: string,
): Promise<CheckedRoute> {
  const production = kept.production;
  if (!production) return { listener: undefined, initialShare: 0 };
  const { kept: keptGroup, serving } = groups;
  const weights = await read(production);
  const forwards = Object.keys(weights);
  if (!keptGroup || !serving || !forwardsToExactly(forwards, [keptGroup, serving])) {
    throw new UserError(
      `The ${production.kind} ${production.arn} no longer forwards to the kept release's target group (${keptGroup ?? 'none'}) ` +
        `and the running one's (${serving ?? 'none'}): it forwards to ${forwards.join(', ') || 'nothing'}; not rolling back ${at}`,
    );
  }
  const share = greenShare(weights, keptGroup);
  if (share !== 0 && share !== 100) {
    throw new UserError(
      `The ${production.kind} ${production.arn} splits traffic between the kept release and the running one (${JSON.stringify(weights)}); ` +
        'someone else is moving traffic: not rolling back',
    );
  }
  const test = kept.testListenerArn;
  if (test) {
    const testGroups = Object.keys(await read({ kind: 'listener', arn: test }));
    if (!forwardsToExactly(testGroups, [keptGroup, serving])) {
      throw new UserError(
        `The test listener ${test} (from the kept release's tag safe-deploy:kept-test-listener) forwards to ` +
          `${testGroups.join(', ') || 'nothing'}, not to exactly this service's two target groups (${keptGroup}, ` +
          `${serving}): not rolling back ${at}; the listener is left as it is`,
      );
    }
  }
  return {
    listener: {
      kind: 'listener',
      production,
      testListenerArn: test,
      // Going back, the serving release plays blue's part and the kept one green's.
      blueTargetGroup: serving,
      greenTargetGroup: keptGroup,
    },
    initialShare: share,
  };
}

function forwardsToExactly(forwards: string[], groups: string[]): boolean {
  return forwards.length === groups.length && groups.every((group) => forwards.includes(group));
}

/** What a takeover of a dead run's deploy found routing to green, checked, or why it must not act. */
export type TakeoverRoute =
  | {
      /** The route a rollback moves back to blue; none when traffic follows the task sets' scale. */
      listener: ListenerRoute | undefined;
      routing: Routing;
      /** Where traffic goes once rolled back, in words: `listener arn:… forward 100% to blue (arn:…)`. */
      toBlue: string;
      /**
       * The same route with green playing blue's part: where traffic goes when blue is gone and green is the
       * only release left to serve it.
       */
      toGreen: ListenerRoute | undefined;
    }
  | { refused: string };

/**
 * A takeover's route, found from the load balancer rather than from tags (a dead run's tags are never
 * trusted): every listener and rule that forwards to green's target group must forward to nothing but
 * blue's and green's groups, or nothing is changed. A deploy moves a production listener (or rule) and at
 * most one test listener, so that is what a takeover may find; the one split between the two groups (or a
 * rule) is production, a test listener being all on one side. With one target group for both (or green
 * behind none), traffic follows the task sets' scale.
 */
export async function checkTakeoverRoute(
  lb: { forwardsTo(group: string): Promise<ForwardRef[]>; readWeights(ref: ForwardRef): Promise<Weights> },
  groups: { blue: string | undefined; green: string | undefined },
): Promise<TakeoverRoute> {
  const { blue, green } = groups;
  // One listener may be listed more than once (a target group's load balancer named twice): one route each.
  const listed = green && green !== blue ? await lb.forwardsTo(green) : [];
  const refs = listed.filter((ref, i) => listed.findIndex((other) => other.arn === ref.arn) === i);
  if (!green || !refs.length) {
    return {
      listener: undefined,
      routing: 'task-sets',
      toBlue: 'follows the task sets’ scale',
      toGreen: undefined,
    };
  }
  const found = await Promise.all(refs.map(async (ref) => ({ ref, weights: await lb.readWeights(ref) })));
  const foreign = found.filter(({ weights }) => Object.keys(weights).some((g) => g !== blue && g !== green));
  if (foreign.length || !blue) {
    return {
      refused:
        `${foreign.map(({ ref, weights }) => `the ${ref.kind} ${ref.arn} forwards to ${Object.keys(weights).join(', ')}`).join('; ') || 'blue has no target group'}, ` +
        `not only to blue's (${blue ?? 'none'}) and green's (${green}) target groups`,
    };
  }
  const rank = ({ ref, weights }: { ref: ForwardRef; weights: Weights }): number => {
    const share = greenShare(weights, green);
    return ref.kind === 'rule' ? 0 : share > 0 && share < 100 ? 1 : 2;
  };
  const [production, test, ...more] = [...found].sort((a, b) => rank(a) - rank(b)).map(({ ref }) => ref);
  if (more.length || test?.kind === 'rule') {
    return {
      refused:
        `${refs.map((ref) => `${ref.kind} ${ref.arn}`).join(', ')} all forward to green's target group (${green}); ` +
        'a deploy moves one production listener or rule and one test listener, so these were not all set by it',
    };
  }
  const route = {
    kind: 'listener' as const,
    production: production!,
    testListenerArn: test?.arn,
    blueTargetGroup: blue,
    greenTargetGroup: green,
  };
  return {
    listener: route,
    routing: 'listener',
    toBlue: `${refs.map((ref) => `${ref.kind} ${ref.arn}`).join(', ')} forward 100% to blue (${blue})`,
    toGreen: { ...route, blueTargetGroup: green, greenTargetGroup: blue },
  };
}
