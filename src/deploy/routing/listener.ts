import type { ForwardRef, LoadBalancerPort, Weights } from '../../aws/load-balancer.js';
import { LATER, type AwsCalls } from '../calls.js';
import { Stop } from '../watch.js';

/**
 * How often a deploy re-reads the production listener (DescribeListeners) between its own moves, to
 * notice someone else changing it: someone moving traffic is noticed within this plus a poll. Every move
 * reads the listener first anyway, so a change is never overwritten; this cadence only bounds how long a
 * change goes unnoticed while a step holds, at one ELB read per 10 s per deploy (ELB's request quota is
 * shared with the rollback's ModifyListener).
 */
export const DRIFT_CHECK_EVERY_MS = 10_000;

/** Listener routing as resolved and saved: the production route and blue's and green's target groups. */
export interface ListenerRoute {
  kind: 'listener';
  production: ForwardRef;
  testListenerArn: string | undefined;
  blueTargetGroup: string;
  greenTargetGroup: string;
}

/**
 * Why the production route no longer holds the traffic this deploy set, or undefined when it does:
 * someone else changed its target groups, or moved its weights.
 */
export function trafficDrift(
  route: Pick<ListenerRoute, 'production' | 'blueTargetGroup' | 'greenTargetGroup'>,
  current: Weights,
  expectedGreen: number,
): string | undefined {
  const ref = route.production;
  const groups = Object.keys(current);
  if (
    groups.length !== 2 ||
    !groups.includes(route.blueTargetGroup) ||
    !groups.includes(route.greenTargetGroup)
  ) {
    return `the ${ref.kind} ${ref.arn} was changed outside this deploy: it now forwards to ${groups.join(', ') || 'nothing'}`;
  }
  const share = greenShare(current, route.greenTargetGroup);
  if (share !== expectedGreen) {
    return `the ${ref.kind} ${ref.arn} was changed outside this deploy: green has ${share}% of its traffic, not ${expectedGreen}%`;
  }
  return undefined;
}

/** Green's share, 0-100, of a forward action's weights. */
export function greenShare(weights: Weights, greenTargetGroup: string): number {
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  return total > 0 ? Math.round((100 * (weights[greenTargetGroup] ?? 0)) / total) : 0;
}

/** Moves traffic by setting weights on the production listener's (or rule's) two target groups. */
export class ListenerRouter {
  constructor(
    readonly route: ListenerRoute,
    private readonly lb: LoadBalancerPort,
    private readonly calls: AwsCalls,
  ) {}

  /** Weights that give green `percent` of the traffic. */
  weights(percent: number): Weights {
    return { [this.route.blueTargetGroup]: 100 - percent, [this.route.greenTargetGroup]: percent };
  }

  /**
   * Moves green from `from` to `percent`. The listener is read first: the write then keeps whatever else
   * changed on it meanwhile, and traffic that someone else moved is never silently overwritten.
   */
  async shift(from: number, percent: number): Promise<void> {
    const { production } = this.route;
    const current = await this.calls.retry('read the listener', () => this.lb.readWeights(production));
    const drift = trafficDrift(this.route, current, from);
    if (drift) throw new Stop(drift);
    await this.calls.retry('set the listener weights', () =>
      this.lb.setWeights(production, this.weights(percent)),
    );
  }

  /** Reads the production route (trying again through passing faults) and stops if green's share moved. */
  async confirm(expected: number): Promise<void> {
    const current = await this.calls.retry('read the listener', () =>
      this.lb.readWeights(this.route.production),
    );
    const drift = trafficDrift(this.route, current, expected);
    if (drift) throw new Stop(drift);
  }

  /** One poll's check that green still has `expected` of the traffic; a read that fails waits for the next poll. */
  async checkUnchanged(expected: number): Promise<void> {
    const current = await this.calls.once('read the listener', () =>
      this.lb.readWeights(this.route.production),
    );
    if (current === LATER) return;
    const drift = trafficDrift(this.route, current, expected);
    if (drift) throw new Stop(drift);
  }

  /** Sends all of the test listener's traffic to green. */
  async testTraffic(): Promise<void> {
    const arn = this.route.testListenerArn;
    if (!arn) return;
    await this.calls.retry('set the test listener weights', () =>
      this.lb.setWeights({ kind: 'listener', arn }, this.weights(100)),
    );
  }

  /** Rollback: all production and test traffic back on blue, kept trying through passing faults. */
  async restore(onProductionRestored?: () => void): Promise<void> {
    await this.calls.persist('move production traffic to blue', () =>
      this.lb.setWeights(this.route.production, this.weights(0)),
    );
    onProductionRestored?.();
    const test = this.route.testListenerArn;
    if (test) {
      await this.calls.persist('move test traffic to blue', () =>
        this.lb.setWeights({ kind: 'listener', arn: test }, this.weights(0)),
      );
    }
  }

  /**
   * Re-reads every route and sets it again where it does not send all traffic to blue (a write that AWS
   * answered but that did not stick, or someone moving it back). Returns what is still wrong.
   */
  async verifyRestored(): Promise<string[]> {
    const refs: ForwardRef[] = [this.route.production];
    if (this.route.testListenerArn) refs.push({ kind: 'listener', arn: this.route.testListenerArn });
    const problems: string[] = [];
    for (const ref of refs) {
      for (let attempt = 1; ; attempt++) {
        const weights = await this.calls.persist(`read ${ref.kind} weights`, () => this.lb.readWeights(ref));
        const total = Object.values(weights).reduce((a, b) => a + b, 0);
        if (total > 0 && weights[this.route.blueTargetGroup] === total) break;
        if (attempt >= 3) {
          problems.push(
            `${ref.kind} ${ref.arn} still sends traffic elsewhere than blue: ${JSON.stringify(weights)}`,
          );
          break;
        }
        await this.calls.persist(`move ${ref.kind} traffic to blue`, () =>
          this.lb.setWeights(ref, this.weights(0)),
        );
      }
    }
    return problems;
  }
}
