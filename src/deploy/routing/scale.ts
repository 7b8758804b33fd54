import type { TaskSet } from '../../aws/ecs.js';
import { LATER } from '../calls.js';
import { Stop } from '../watch.js';
import { DRIFT_CHECK_EVERY_MS } from './listener.js';
import type { KeptRoute, RouterPorts, TaskSetPair, TaskSetRouter } from './router.js';

/** A kept release reached by its task set's scale alone: no listener or rule to move. */
export const SCALE_ROUTE: KeptRoute = {
  routing: 'task-sets',
  production: undefined,
  testListenerArn: undefined,
};

/**
 * Task-sets routing: both task sets sit behind the same target group, so traffic follows running tasks and
 * moves by task-set scale. Capacity never drops below 100%: green grows and steadies before blue shrinks.
 * What is read back to see that traffic is where the deploy left it is green's scale, as this router set it.
 */
export class ScaleRouter implements TaskSetRouter {
  /**
   * Green's scale as this router last set it (ECS keeps it until someone else changes it); until it set one,
   * the share it is told (a router made from saved state, in the post step).
   */
  private written: number | undefined;
  /** Green's scale is read as often as a listener would be (one DescribeTaskSets a time). */
  readonly driftEveryMs = DRIFT_CHECK_EVERY_MS;

  constructor(
    private readonly blueArn: string,
    private readonly taskSets: TaskSetPair,
    private readonly ports: RouterPorts,
  ) {}

  /** Blue is reached again by its scale alone: the target group it shares stays as it is. */
  readonly keptRoute: KeptRoute = SCALE_ROUTE;

  /** Green starts with no task: a task behind the shared target group would take traffic at once. */
  greenStartScale(): number {
    return 0;
  }

  /** No route to reset: blue's scale is the task-set kind's, set before green is created. */
  async reset(): Promise<void> {}

  /** One green task beside blue at its full size: it takes its proportional share. */
  async oneBox(_share: number, scale: number): Promise<void> {
    await this.ports.calls.retry('scale green to one task', () => this.scaleGreen(scale));
    this.written = scale;
    await this.taskSets.greenSteady('green (one box)');
  }

  /** Gives green `to` percent of the service's tasks, and so of its traffic; blue shrinks once green runs them. */
  async shift(_from: number, to: number): Promise<void> {
    const { ecs, calls } = this.ports;
    const { cluster, service } = this.taskSets;
    await calls.retry('scale green', () => this.scaleGreen(to));
    this.written = to;
    await this.taskSets.greenSteady(`green at ${to}%`);
    await calls.retry('scale blue', () => ecs.scaleTaskSet(cluster, service, this.blueArn, 100 - to));
  }

  /** One poll's read of green's scale; a read that fails waits for the next poll. */
  async drift(expected: number): Promise<void> {
    const green = await this.ports.calls.once('read green', () => this.readGreen());
    if (green !== LATER) this.stopIfMoved(green, expected);
  }

  async confirm(expected: number): Promise<void> {
    this.stopIfMoved(await this.ports.calls.retry('read green', () => this.readGreen()), expected);
  }

  async verifyAt(expected: number): Promise<string[]> {
    const green = await this.ports.calls.persist('read green', () => this.readGreen());
    const moved = this.moved(green, expected);
    return moved ? [moved] : [];
  }

  /**
   * Rollback: blue back to 100%, and once its tasks run (bounded) green to 0%. Blue may be at 0% (during the
   * bake): green keeps serving until blue's tasks run again, or the service would have fewer tasks than it
   * needs, possibly none, while they start.
   */
  async restore(onProduction?: () => void): Promise<void> {
    const { ecs, calls } = this.ports;
    const { cluster, service } = this.taskSets;
    await calls.persist('scale blue to 100%', () => ecs.scaleTaskSet(cluster, service, this.blueArn, 100));
    const greenArn = this.taskSets.greenArn();
    if (greenArn) {
      await this.taskSets.blueSteady();
      // Blue deleted by someone meanwhile leaves green's tasks the only ones serving: they stay.
      const blue = await calls.persist('read blue', () =>
        ecs.describeTaskSet(cluster, service, this.blueArn),
      );
      if (!blue || blue.status === 'DRAINING') {
        throw new Error(
          `blue task set ${this.blueArn} disappeared: green keeps its tasks, the only ones left`,
        );
      }
      // Green deleted by someone meanwhile has no tasks left to take traffic: nothing to scale down.
      const green = await calls.persist('read green', () => ecs.describeTaskSet(cluster, service, greenArn));
      if (green && green.status !== 'DRAINING') {
        await calls.persist('scale green to 0%', () => ecs.scaleTaskSet(cluster, service, greenArn, 0));
      }
    }
    onProduction?.();
  }

  /** Nothing routes but the task sets' scale: the rollback verifies those (blue at 100% and steady, green gone). */
  async verifyRestored(): Promise<string[]> {
    return [];
  }

  private scaleGreen(percent: number): Promise<void> {
    const { cluster, service } = this.taskSets;
    return this.ports.ecs.scaleTaskSet(cluster, service, this.taskSets.greenArn() ?? '', percent);
  }

  private readGreen(): Promise<TaskSet | undefined> {
    const { cluster, service } = this.taskSets;
    return this.ports.ecs.describeTaskSet(cluster, service, this.taskSets.greenArn() ?? '');
  }

  private stopIfMoved(green: TaskSet | undefined, expected: number): void {
    const moved = this.moved(green, expected);
    if (moved) throw new Stop(moved);
  }

  /** Why green's scale is not where this deploy left it, or undefined when it is. */
  private moved(green: TaskSet | undefined, expected: number): string | undefined {
    const arn = this.taskSets.greenArn() ?? '';
    if (!green) return `green task set ${arn} disappeared`;
    const want = this.written ?? expected;
    // ECS keeps a scale as a number of percent; a one box's 100/3 may come back rounded.
    if (Math.abs(green.scalePercent - want) < 0.5) return undefined;
    return `green task set ${arn} was scaled outside this deploy: it is at ${green.scalePercent}%, not ${want}%`;
  }
}
