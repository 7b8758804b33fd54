import type { EcsPort } from '../../aws/ecs.js';
import type { AwsCalls } from '../calls.js';

/**
 * Task-sets routing: both task sets sit behind the same target group, so traffic follows running tasks and
 * moves by task-set scale. Capacity never drops below 100%: green grows and steadies before blue shrinks.
 */
export class ScaleRouter {
  constructor(
    private readonly ecs: EcsPort,
    private readonly calls: AwsCalls,
    private readonly cluster: string,
    private readonly service: string,
    private readonly blueArn: string,
    private readonly greenArn: string,
    /** Waits, watched, until green runs all the tasks its scale asks for. */
    private readonly greenSteady: (what: string) => Promise<void>,
  ) {}

  /** Gives green `percent` of the service's tasks, and so of its traffic. */
  async shift(percent: number): Promise<void> {
    const { ecs, cluster, service } = this;
    await this.calls.retry('scale green', () => ecs.scaleTaskSet(cluster, service, this.greenArn, percent));
    await this.greenSteady(`green at ${percent}%`);
    await this.calls.retry('scale blue', () =>
      ecs.scaleTaskSet(cluster, service, this.blueArn, 100 - percent),
    );
  }
}
