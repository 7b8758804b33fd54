import type { TrafficRouter } from './router.js';

/**
 * Traffic that ECS moves itself: a rolling update's tasks (traffic follows them behind the service's target
 * group) and ECS's own BLUE_GREEN, LINEAR and CANARY strategies (ECS sets the listener rules' weights). The
 * deploy does not write traffic; it follows it. A shift waits until ECS has moved it as far as the
 * deployment goes (the kind reads ECS's service deployment every poll and stops on a failure), and ECS
 * moves it back when the kind updates the service back or stops its deployment with rollback.
 */
export class EcsRouter implements TrafficRouter {
  constructor(private readonly followShift: () => Promise<void>) {}

  shift(): Promise<void> {
    return this.followShift();
  }

  /** Nothing to read: the check costs no call. */
  readonly driftEveryMs = 0;

  /** ECS holds the rules it moves; the kind's every-poll read of the deployment is the check. */
  async drift(): Promise<void> {}

  async confirm(): Promise<void> {}

  /** The kind re-reads the service deployment ECS ran; there is no route of the deploy's own to read. */
  async verifyAt(): Promise<string[]> {
    return [];
  }

  /** The kind's rollback makes ECS move traffic back (UpdateService back, or StopServiceDeployment). */
  async restore(onProduction?: () => void): Promise<void> {
    onProduction?.();
  }

  async verifyRestored(): Promise<string[]> {
    return [];
  }
}
