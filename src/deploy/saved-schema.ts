import * as z from 'zod';
import type { SavedDeploy } from './saved.js';

/**
 * The post step's only input, checked like every other input: the state the main step saved with
 * `core.saveState`. Whatever does not fit (a state from another version of the action, or edited) is
 * refused with what is wrong, before any AWS call.
 */

const text = z.string();
const stage = z.enum(['deploying', 'promoting', 'yielded', 'finished']);
const record = {
  deploymentId: z.number().int().optional(),
  recordFinished: z.boolean().optional(),
  releaseTaskArn: z.string().optional(),
};
const routing = z.enum(['listener', 'task-sets']);
const listener = z
  .object({
    kind: z.literal('listener'),
    production: z.object({ kind: z.enum(['listener', 'rule']), arn: text }),
    testListenerArn: text.optional(),
    blueTargetGroup: text,
    greenTargetGroup: text,
  })
  .optional();
const runTags = z.record(z.string(), z.string());

const taskSets = z.object({
  kind: z.literal('task-sets'),
  stage,
  target: z.object({
    cluster: text,
    service: text,
    routing,
    blueArn: text,
    greenArn: text.optional(),
    listener,
    runTags,
  }),
  ...record,
});

const firstTaskSet = z.object({
  kind: z.literal('first-task-set'),
  stage,
  target: z.object({
    cluster: text,
    service: text,
    routing,
    taskSetArn: text.optional(),
    listener,
    runTags,
  }),
  ...record,
});

const ecs = z.object({
  kind: z.literal('ecs'),
  stage,
  target: z.object({
    cluster: text,
    service: text,
    mode: z.enum(['rolling', 'native']),
    previousTaskDefinition: text,
    taskDefinition: text,
    serviceDeploymentArn: text.optional(),
  }),
  ...record,
});

const saved = z.discriminatedUnion('kind', [taskSets, firstTaskSet, ecs]);

// The schema and the type the main step writes describe the same thing.
type Parsed = z.infer<typeof saved>;
const _fits: (parsed: Parsed) => SavedDeploy = (parsed) => parsed;
const _covers: (written: SavedDeploy) => Parsed = (written) => written;
void _fits;
void _covers;

/** The saved state, checked; throws naming what does not fit. */
export function parseSavedDeploy(json: string): SavedDeploy {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`safe-deploy post: the saved state is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const result = saved.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'state'}: ${i.message}`);
    throw new Error(`safe-deploy post: the saved state does not fit this version: ${problems.join('; ')}`);
  }
  return result.data;
}
