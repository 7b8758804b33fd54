import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import type { DeployContext } from './context.js';

/** The task definition a deploy runs, as validation resolved it: one to register, or an existing one. */
export type DeployTaskDefinition = { arn: string } | { register: RegisterTaskDefinitionCommandInput };

/** As validation read it: an existing one with what ECS describes of it, or one to register. */
export type CheckedTaskDefinition =
  { arn: string; definition: TaskDefinition } | { register: RegisterTaskDefinitionCommandInput };

/** Its ARN: the existing one, or the revision registered now (and said in the log). */
export async function taskDefinitionArnOf(
  ctx: DeployContext,
  taskDefinition: DeployTaskDefinition,
): Promise<string> {
  if (!('register' in taskDefinition)) return taskDefinition.arn;
  const { register } = taskDefinition;
  const arn = await ctx.calls.retry('register the task definition', () =>
    ctx.deps.ecs.registerTaskDefinition(register),
  );
  ctx.deps.log.info(`Registered ${arn}`);
  return arn;
}
