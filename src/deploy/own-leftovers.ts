import type { TaskSet } from '../aws/ecs.js';
import { describeError } from '../errors.js';
import type { DeployContext } from './context.js';
import { runTags, type RunIdentity } from './leftovers.js';
import type { DeployReport, LeftoverRemoved } from './model.js';

/** What a rollback's reason says when AWS did not confirm it; such a run must not remove anything more. */
export const ROLLBACK_NOT_CONFIRMED = 'ROLLBACK NOT CONFIRMED BY AWS';

/**
 * The task sets this run attempt created (they carry its tags) other than `servingArn`: duplicates made by a
 * retried CreateTaskSet whose answer was lost (where the client token is not honoured), or a green a step of
 * the rollback missed. Draining ones are already on their way out.
 */
export function ownLeftovers(
  taskSets: readonly TaskSet[],
  identity: RunIdentity,
  servingArn: string | undefined,
): TaskSet[] {
  const mine = Object.entries(runTags(identity));
  return taskSets.filter(
    (set) =>
      set.arn !== servingArn &&
      set.status !== 'DRAINING' &&
      mine.every(([key, value]) => set.tags[key] === value),
  );
}

/**
 * Once a deploy ended (deployed, rolled back or backed off), reads the service again and removes any task set
 * of this run left beside the version that serves, saying so in the log and the report. A rollback AWS did not
 * confirm is left as it is: traffic may still reach what it would remove. Never fails the run.
 */
export async function sweepOwnLeftovers(ctx: DeployContext, report: DeployReport): Promise<DeployReport> {
  const { settings: s, deps, calls } = ctx;
  if (report.result === 'dry-run' || report.reason.includes(ROLLBACK_NOT_CONFIRMED)) return report;
  const serving = report.result === 'deployed' ? report.taskSetArn : report.previousTaskSetArn;
  let found: TaskSet[];
  try {
    // The task sets alone (DescribeTaskSets takes the service's name): one call, not DescribeServices too.
    const taskSets = await calls.persist('read the service once more', () =>
      deps.ecs.taskSetsOf(s.cluster, s.service),
    );
    found = ownLeftovers(taskSets, deps.identity, serving);
  } catch (error) {
    deps.log.warn(
      `Could not read the service again to look for task sets of this run: ${describeError(error)}`,
    );
    return report;
  }
  if (found.length === 0) return report;
  deps.log.warn(
    `Found ${found.length} task set(s) of this run beside ${serving ?? 'nothing (the service has no serving task set)'}: ` +
      `${found.map((set) => `${set.arn} (${set.status}, ${set.scalePercent}%)`).join(', ')}; removing them`,
  );
  const removed: LeftoverRemoved[] = [];
  for (const set of found) {
    try {
      await calls.persist(`remove ${set.arn}, left by this run`, () =>
        deps.ecs.deleteTaskSet(s.cluster, s.service, set.arn),
      );
      removed.push({ arn: set.arn, status: set.status, scalePercent: set.scalePercent, removed: true });
    } catch (error) {
      deps.log.warn(`Could not remove ${set.arn}: ${describeError(error)}`);
      removed.push({ arn: set.arn, status: set.status, scalePercent: set.scalePercent, removed: false });
    }
  }
  return { ...report, leftovers: removed };
}
