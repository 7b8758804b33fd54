import type { Command } from 'commander';
import { holdYoungGeneration } from '../heap.js';
import { recordInputs } from '../inputs.js';
import * as log from '../log.js';
import { addInputOptions, inputValues, readActionInputs } from './action-inputs.js';
import { ExitCode, type CliCommand } from './context.js';
import { ProgressLine } from './progress.js';
import { inRunner, plainTerminal } from './terminal.js';

/** The exit code of a deploy's result (see ExitCode). */
export function deployExitCode(result: string): number {
  switch (result) {
    case 'deployed':
    case 'dry-run':
      return ExitCode.ok;
    case 'blocked':
      return ExitCode.blocked;
    default:
      return ExitCode.failed;
  }
}

/** `safe-deploy deploy`: the deploy action, run here, with every action input as a `--flag`. */
export const deployCommand: CliCommand = (program: Command, context) => {
  const inputs = readActionInputs('');
  const command = program
    .command('deploy')
    .description(
      'Run the deploy action here: every input of action.yml is a --flag; AWS credentials and region ' +
        'come from the environment (AWS_ENDPOINT_URL points it at an emulator)',
    )
    .option('--json', 'print the result as JSON on stdout (logs go to stderr)');
  addInputOptions(command, inputs).action(async (options: { json?: boolean }) => {
    const io = context.streams(Boolean(options.json));
    // At a terminal, a line under the log says what each hold waits for, the time left and the alarms.
    const progress = io.logIsTerminal && !inRunner() ? new ProgressLine(io.log) : undefined;
    const restore = inRunner()
      ? () => undefined
      : plainTerminal(progress ? { ...io, log: (t) => progress.log(t) } : io);
    try {
      const { parseDeploySettings } = await import('../deploy/settings.js');
      const read = recordInputs(inputValues(command, inputs));
      parseDeploySettings(read);
      holdYoungGeneration();
      const { failureOf, runDeploy } = await import('../deploy/run.js');
      const report = await runDeploy(read, progress ? { progress: (hold) => progress.update(hold) } : {});
      // Said as the action says it when it fails the step, shown plainly here.
      const failure = failureOf(report);
      if (failure) log.error(failure);
      progress?.done();
      restore();
      const summary = {
        result: report.result,
        reason: report.reason,
        'task-definition-arn': report.taskDefinitionArn ?? null,
        'task-set-arn': report.taskSetArn ?? null,
        'previous-task-set-arn': report.previousTaskSetArn ?? null,
        timeline: report.timeline,
      };
      if (options.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
      else io.out(`result: ${report.result}\nreason: ${report.reason}\n`);
      context.exit(deployExitCode(report.result));
    } finally {
      progress?.done();
      restore();
    }
  });
};
