import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { DeployContext } from '../context.js';
import type { BalancedContainer } from './checks.js';
import { verifyRelease, type VerifyOutcome } from './verify.js';

/**
 * Verify in validation: the task definition to register or deploy, in the service's
 * account, against the container and port its load balancer sends traffic to.
 */
export function verifyTaskDefinition(
  ctx: DeployContext,
  taskDefinition: { register: RegisterTaskDefinitionCommandInput } | { definition: TaskDefinition },
  account: string | undefined,
  balancers: BalancedContainer[],
): Promise<VerifyOutcome> {
  const definition = 'register' in taskDefinition ? taskDefinition.register : taskDefinition.definition;
  // In the Validate group: the runner's log has no groups within groups.
  return verifyRelease(ctx, definition, { region: ctx.deps.region, account }, balancers);
}
