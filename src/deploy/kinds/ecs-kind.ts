import type { ServiceConfiguration } from '../../aws/ecs.js';
import type { DeployContext } from '../context.js';
import type { CheckedKind, LiveRollout } from '../rollout.js';
import { LiveEcsNative } from './ecs-native.js';
import { LiveEcsRolling } from './ecs-rolling.js';
import {
  checkEcsService,
  EcsServiceDeploy,
  type CheckedEcsService,
  type EcsDeployStart,
} from './ecs-service.js';

/**
 * An ECS-controller service as a kind: validated for a rolling update or ECS's own strategy. ECS moves
 * traffic its own way, so the kind runs its own one step, and compares nothing (it has no task sets).
 */
export async function checkEcsKind(
  ctx: DeployContext,
  service: ServiceConfiguration,
  kind: CheckedEcsService['kind'],
): Promise<CheckedKind> {
  const checked = await checkEcsService(ctx, service, kind);
  const live = kind.kind === 'rolling' ? liveRolling : liveNative;
  return {
    settings: ctx.settings,
    loadBalancers: service.raw.loadBalancers ?? [],
    ownSteps: true,
    rollout: (taskDefinition) => new EcsServiceDeploy(ctx, checked, taskDefinition, live),
  };
}

const liveRolling = (ctx: DeployContext, start: EcsDeployStart): LiveRollout =>
  new LiveEcsRolling(ctx, start);
const liveNative = (ctx: DeployContext, start: EcsDeployStart): LiveRollout => {
  const live = new LiveEcsNative(ctx, start);
  live.startFollowing();
  return live;
};
