import * as core from '@actions/core';
import * as log from '../log.js';
import { boolean, duration, required, type InputReader } from '../inputs.js';
import { renderDiagnosisMarkdown } from '../report/diagnosis.js';
import { awsControlPorts } from './cli.js';
import type { ControlPorts } from './commands.js';
import { restoreKept, type RestoreOutcome } from './restore.js';
import { refuseDeployInputsForRollback } from '../deploy/operating-settings.js';

/**
 * The deploy action with `rollback: true`: brings back the release kept by `keep-previous`, for use from
 * a workflow. Outputs as a deploy's: `result` rolled-back, dry-run, or failed (the kept release does not
 * serve), `reason`, `task-set-arn` (the release brought back; empty when it failed), `previous-task-set-arn`
 * (the one removed). The caller fails the step on `failed`.
 */
export async function runRollbackAction(read: InputReader, given?: ControlPorts): Promise<RestoreOutcome> {
  refuseDeployInputsForRollback(read);
  const ports = given ?? (await awsControlPorts());
  const cluster = required(read, 'cluster');
  const service = required(read, 'service');
  const outcome = await restoreKept(
    {
      cluster,
      service,
      stabilizeTimeoutMs: duration(read, 'stabilize-timeout', '10m'),
      pollIntervalMs: duration(read, 'poll-interval', '10s'),
      dryRun: boolean(read, 'dry-run', false),
    },
    { ...ports, info: (m) => log.info(m), warn: (m) => log.warning(m) },
  );
  // `failed`: the kept release is not serving (the reason says where traffic is); never `rolled-back`.
  const result = { restored: 'rolled-back', 'dry-run': 'dry-run', failed: 'failed' }[outcome.result];
  core.setOutput('result', result);
  core.setOutput('reason', outcome.reason);
  core.setOutput('task-set-arn', outcome.result === 'failed' ? '' : outcome.restoredArn);
  core.setOutput('previous-task-set-arn', outcome.removedArn);
  core.setOutput('task-definition-arn', outcome.taskDefinition);
  core.setOutput('timeline', '[]');
  const summary = [
    `## safe-deploy rollback: ${cluster}/${service}`,
    '',
    `**${outcome.result === 'restored' ? 'Rolled back to the kept release' : outcome.result === 'dry-run' ? 'Dry run' : 'Rollback failed'}**: ${outcome.reason}`,
    '',
    `- Brought back: \`${outcome.restoredArn}\` (\`${outcome.taskDefinition}\`)`,
    `- Removed: \`${outcome.removedArn}\``,
    ...(outcome.diagnosis ? ['', renderDiagnosisMarkdown(outcome.diagnosis)] : []),
  ].join('\n');
  await core.summary.addRaw(`${summary}\n`).write();
  if (outcome.result !== 'failed') log.info(outcome.reason);
  return outcome;
}
