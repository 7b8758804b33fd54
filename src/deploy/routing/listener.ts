import { loadBalancerArnOf, type ForwardRef, type Weights } from '../../aws/load-balancer.js';
import { LATER } from '../calls.js';
import type { CountedTargetGroup } from '../requests.js';
import { Stop } from '../watch.js';
import type { KeptRoute, RouterPorts, TaskSetPair, TaskSetRouter } from './router.js';

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
  testListenerArn?: string | undefined;
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

/**
 * Moves traffic by setting weights on the production listener's (or rule's) two target groups; each task
 * set sits behind its own group, so green runs at its full size before it takes more than a one box's share.
 * On a service's first deploy (no blue) the listener may have sent its traffic anywhere, since nothing
 * served it: the first move starts from wherever it is.
 */
export class ListenerRouter implements TaskSetRouter {
  readonly driftEveryMs = DRIFT_CHECK_EVERY_MS;
  /** Whether this router sent the test listener's traffic to green (then `verifyAt` reads it too). */
  private testSent = false;
  /** Green runs one task only (the one box) until it grows before taking more. */
  private oneBoxShare: number | undefined;
  readonly greenRequests: CountedTargetGroup;

  constructor(
    readonly route: ListenerRoute,
    private readonly taskSets: TaskSetPair,
    private readonly ports: RouterPorts,
  ) {
    this.greenRequests = {
      targetGroupArn: route.greenTargetGroup,
      loadBalancerArn: loadBalancerArnOf(route.production.arn),
    };
    if (route.testListenerArn) {
      this.testTraffic = async () => {
        await this.setTest(100);
        this.testSent = true;
      };
    }
  }

  /** Blue is reached again through the production route (and the test listener) that reached it. */
  get keptRoute(): KeptRoute {
    const { production, testListenerArn } = this.route;
    return { routing: 'listener', production, testListenerArn };
  }

  /** Sends all of the test listener's traffic to green (present only with a test listener). */
  readonly testTraffic?: () => Promise<void>;

  /** Behind its own target group green runs from the start: one task for a one box, else all of them. */
  greenStartScale(oneBox: { scale: number } | undefined): number {
    return oneBox ? oneBox.scale : 100;
  }

  /** Weights that give green `percent` of the traffic. */
  weights(percent: number): Weights {
    return { [this.route.blueTargetGroup]: 100 - percent, [this.route.greenTargetGroup]: percent };
  }

  async reset(): Promise<void> {
    const { lb, calls } = this.ports;
    await calls.retry('move traffic to blue', () => lb.setWeights(this.route.production, this.weights(0)));
    const test = this.route.testListenerArn;
    if (test) {
      await calls.retry('move test traffic to blue', () =>
        lb.setWeights({ kind: 'listener', arn: test }, this.weights(0)),
      );
    }
  }

  /** Green was created at one task: the box takes its share by weight. */
  async oneBox(share: number): Promise<void> {
    await this.shift(0, share);
    this.oneBoxShare = share;
  }

  /**
   * Moves green from `from` to `to`. The listener is read first: the write then keeps whatever else
   * changed on it meanwhile, and traffic that someone else moved is never silently overwritten.
   */
  async shift(from: number, to: number): Promise<void> {
    const { lb, calls } = this.ports;
    const { production } = this.route;
    if (this.oneBoxShare !== undefined && to > this.oneBoxShare) await this.growGreen();
    const current = await calls.retry('read the listener', () => lb.readWeights(production));
    // A first deploy (no blue) starts from wherever the listener sent traffic: nothing served it before.
    const start = this.taskSets.blueArn ? from : greenShare(current, this.route.greenTargetGroup);
    const drift = trafficDrift(this.route, current, start);
    if (drift) throw new Stop(drift);
    if (start === to) return;
    await calls.retry('set the listener weights', () => lb.setWeights(production, this.weights(to)));
  }

  /** Reads the production route (trying again through passing faults) and stops if green's share moved. */
  async confirm(expected: number): Promise<void> {
    const current = await this.ports.calls.retry('read the listener', () =>
      this.ports.lb.readWeights(this.route.production),
    );
    const drift = trafficDrift(this.route, current, expected);
    if (drift) throw new Stop(drift);
  }

  /** One poll's check that green still has `expected` of the traffic; a read that fails waits for the next poll. */
  async drift(expected: number): Promise<void> {
    const current = await this.ports.calls.once('read the listener', () =>
      this.ports.lb.readWeights(this.route.production),
    );
    if (current === LATER) return;
    const drift = trafficDrift(this.route, current, expected);
    if (drift) throw new Stop(drift);
  }

  /**
   * Where production traffic is (and test traffic, once this router sent it to green), read as a rollback
   * reads (through passing faults); what is not as expected.
   */
  async verifyAt(expected: number): Promise<string[]> {
    const { lb, calls } = this.ports;
    const checks: [ForwardRef, number][] = [[this.route.production, expected]];
    const test = this.route.testListenerArn;
    if (test && this.testSent) checks.push([{ kind: 'listener', arn: test }, 100]);
    const problems: string[] = [];
    for (const [ref, share] of checks) {
      const current = await calls.persist(`read the ${ref.kind}`, () => lb.readWeights(ref));
      const drift = trafficDrift({ ...this.route, production: ref }, current, share);
      if (drift) problems.push(drift);
    }
    return problems;
  }

  /**
   * Rollback: all production and test traffic back on blue, then blue at full size, kept trying through
   * passing faults.
   */
  async restore(onProduction?: () => void): Promise<void> {
    const { lb, calls, ecs } = this.ports;
    await calls.persist('move production traffic to blue', () =>
      lb.setWeights(this.route.production, this.weights(0)),
    );
    onProduction?.();
    const test = this.route.testListenerArn;
    if (test) {
      await calls.persist('move test traffic to blue', () =>
        lb.setWeights({ kind: 'listener', arn: test }, this.weights(0)),
      );
    }
    const { cluster, service, blueArn } = this.taskSets;
    if (blueArn) {
      await calls.persist('scale blue to 100%', () => ecs.scaleTaskSet(cluster, service, blueArn, 100));
    }
  }

  /**
   * Re-reads every route and sets it again where it does not send all traffic to blue (a write that AWS
   * answered but that did not stick, or someone moving it back). Returns what is still wrong.
   */
  async verifyRestored(): Promise<string[]> {
    const { lb, calls } = this.ports;
    const refs: ForwardRef[] = [this.route.production];
    if (this.route.testListenerArn) refs.push({ kind: 'listener', arn: this.route.testListenerArn });
    const problems: string[] = [];
    for (const ref of refs) {
      for (let attempt = 1; ; attempt++) {
        const weights = await calls.persist(`read ${ref.kind} weights`, () => lb.readWeights(ref));
        const total = Object.values(weights).reduce((a, b) => a + b, 0);
        if (total > 0 && weights[this.route.blueTargetGroup] === total) break;
        if (attempt >= 3) {
          problems.push(
            `${ref.kind} ${ref.arn} still sends traffic elsewhere than blue: ${JSON.stringify(weights)}`,
          );
          break;
        }
        await calls.persist(`move ${ref.kind} traffic to blue`, () => lb.setWeights(ref, this.weights(0)));
      }
    }
    return problems;
  }

  private async setTest(percent: number): Promise<void> {
    const arn = this.route.testListenerArn;
    if (!arn) return;
    await this.ports.calls.retry('set the test listener weights', () =>
      this.ports.lb.setWeights({ kind: 'listener', arn }, this.weights(percent)),
    );
  }

  /** After one box: green grows to its full size (and steadies) before it takes more than the box's share. */
  private async growGreen(): Promise<void> {
    const { ecs, calls } = this.ports;
    const { cluster, service } = this.taskSets;
    const arn = this.taskSets.greenArn() ?? '';
    const current = await calls.retry('read green', () => ecs.describeTaskSet(cluster, service, arn));
    if (!current) throw new Stop(`green task set ${arn} disappeared`);
    if (current.scalePercent < 100) {
      await calls.retry('scale green to full size', () => ecs.scaleTaskSet(cluster, service, arn, 100));
      await this.taskSets.greenSteady('green (full size)');
    }
    this.oneBoxShare = undefined;
  }
}
