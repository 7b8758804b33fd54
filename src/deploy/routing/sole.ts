import type { KeptRoute, TaskSetRouter } from './router.js';
import { SCALE_ROUTE } from './scale.js';

/**
 * A service's first task set with task-sets routing: it is the only task set behind the service's target
 * group, so it takes all of the traffic from the moment it runs. There is nothing to move, nothing that
 * another party could move back (short of scaling the task set, which the stabilise wait and the promotion
 * read see), and nothing to restore: a first deploy's rollback deletes the task set.
 */
export class SoleTaskSetRouter implements TaskSetRouter {
  /** The only task set takes the target group's traffic by running; a later deploy may keep it so. */
  readonly keptRoute: KeptRoute = SCALE_ROUTE;

  /** The only task set runs at its full size from the start. */
  greenStartScale(): number {
    return 100;
  }

  async reset(): Promise<void> {}

  async shift(): Promise<void> {}

  /** Nothing to read: the check costs no call. */
  readonly driftEveryMs = 0;

  async drift(): Promise<void> {}

  async confirm(): Promise<void> {}

  async verifyAt(): Promise<string[]> {
    return [];
  }

  async restore(onProduction?: () => void): Promise<void> {
    onProduction?.();
  }

  async verifyRestored(): Promise<string[]> {
    return [];
  }
}
