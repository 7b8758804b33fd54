import type { Command } from 'commander';
import { describeError } from '../errors.js';
import { recordInputs } from '../inputs.js';
import { addInputOptions, inputValues, readActionInputs } from './action-inputs.js';
import { ExitCode, type CliCommand } from './context.js';
import { inRunner, plainTerminal, readOutputs } from './terminal.js';

/** `safe-deploy gate`: the gate action, run here: exit 0 when open, 1 when closed. */
export const gateCommand: CliCommand = (program: Command, context) => {
  const inputs = readActionInputs('gate');
  const command = program
    .command('gate')
    .description(
      'Evaluate the deploy gate now (or --at a time): every input of gate/action.yml is a --flag; ' +
        'exit 1 when closed (0 with --on-closed skip)',
    )
    .option('--json', 'print the decision as JSON on stdout (logs go to stderr)');
  addInputOptions(command, inputs).action(async (options: { json?: boolean }) => {
    const io = context.streams(Boolean(options.json));
    // Outside a runner the outputs go to a scratch file; inside one, to the step's own output file.
    const restore = inRunner() ? () => undefined : plainTerminal(io);
    let outputs: Record<string, string>;
    let failure: unknown;
    try {
      const { parseGateSettings } = await import('../gate/settings.js');
      const read = recordInputs(inputValues(command, inputs));
      parseGateSettings(read);
      const { runGate } = await import('../gate/run.js');
      await runGate(read);
    } catch (error) {
      failure = error;
    } finally {
      outputs = readOutputs();
      restore();
    }
    // The gate sets its outputs before it fails for a closed gate: no outputs means it never decided.
    if (failure !== undefined && outputs.open === undefined) throw failure;
    const decision = {
      open: outputs.open === 'true',
      reason: outputs.reason ?? '',
      'next-open': outputs['next-open'] || null,
      'closes-at': outputs['closes-at'] || null,
      overridden: outputs.overridden === 'true',
    };
    if (options.json) io.out(`${JSON.stringify(decision, null, 2)}\n`);
    else io.out(`open: ${decision.open}\nreason: ${decision.reason}\n`);
    if (failure === undefined) return context.exit(ExitCode.ok);
    context.streams(true).log(`safe-deploy: ${describeError(failure)}\n`);
    context.exit(ExitCode.failed);
  });
};
