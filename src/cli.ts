import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError, describeError } from './errors.js';
import { runDeploy } from './deploy/run.js';
import { runGate } from './gate/run.js';
import { recordInputs } from './inputs.js';
import { plainOutput } from './log.js';
import { renderPlanTable } from './pipeline/render.js';
import { DEFAULT_CONFIG, loadPlan, runPlanStep } from './pipeline/run.js';
import { pipelineJsonSchema } from './pipeline/schema.js';

const USAGE = `Usage: safe-deploy <command> [options]

Commands:
  plan [file]        Show what the pipeline file (default ${DEFAULT_CONFIG}) will deploy, stage by stage
    --json           Print each stage's matrix as JSON instead of the table
    --github-output  Set the outputs the reusable workflow reads (in a GitHub Actions step)
  gate [--windows W] [--timezone Z] [--at TIME] [--input value ...]
                     Evaluate the deploy gate (every gate action input as a --flag); exit 1 when closed
                     (unless --on-closed skip)
  deploy --cluster C --service S [--input value ...]
                     Run the deploy action here: every action input as a --flag (--dry-run true to
                     only validate and print the plan); AWS credentials from the environment
  schema             Print the JSON schema of the pipeline file
  help               Show this help
`;

/** Runs one CLI command; returns the process exit code. */
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(plainOutput(t)),
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'plan':
      return plan(rest, out);
    case 'deploy': {
      quietFileCommands();
      const report = await runDeploy(recordInputs(actionFlags(rest)));
      out(`result: ${report.result}\nreason: ${report.reason}\n`);
      return report.result === 'deployed' || report.result === 'dry-run' ? 0 : 1;
    }
    case 'gate': {
      quietFileCommands();
      const decision = await runGate(recordInputs(actionFlags(rest)));
      out(`open: ${decision.open}\nreason: ${decision.reason}\n`);
      return 0;
    }
    case 'schema':
      out(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return 0;
    default:
      throw new UserError(`Unknown command '${command}'.\n\n${USAGE}`);
  }
}

/**
 * Outside a runner, @actions/core would print outputs and state as workflow commands; send them to a
 * scratch file instead and print the result plainly.
 */
function quietFileCommands(): void {
  if (process.env.GITHUB_OUTPUT) return;
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-cli-'));
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE']) {
    const file = join(dir, name.toLowerCase());
    writeFileSync(file, '');
    process.env[name] = file;
  }
}

/** Action inputs from `--name value` or `--name=value` flags, named exactly as in action.yml. */
export function actionFlags(args: string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UserError(`Expected an input flag such as --cluster web, got '${arg}'`);
    const [, name, inline] = match;
    if (inline !== undefined) inputs[name!] = inline;
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) inputs[name!] = args[++i]!;
    else inputs[name!] = 'true';
  }
  return inputs;
}

async function plan(args: string[], out: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'github-output': { type: 'boolean' } },
    });
  } catch (error) {
    // A mistyped flag is the user's to fix: say so plainly, without a stack trace.
    throw new UserError(`${describeError(error)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1)
    throw new UserError(`plan takes one pipeline file, got ${positionals.join(' ')}`);
  const file = positionals[0] ?? DEFAULT_CONFIG;
  if (values['github-output']) {
    if (!process.env.GITHUB_OUTPUT)
      throw new UserError('--github-output needs GITHUB_OUTPUT (it runs in a workflow step)');
    await runPlanStep(recordInputs({ config: file }));
    return 0;
  }
  const result = loadPlan(file);
  if (values.json) {
    const stages = result.stages.map((stage) => ({
      stage: stage.number,
      name: stage.name,
      environment: stage.environment ?? null,
      'max-parallel': stage.maxParallel,
      matrix: stage.matrix,
    }));
    out(`${JSON.stringify({ gate: result.gate, stages }, null, 2)}\n`);
  } else {
    out(`${renderPlanTable(result)}\n`);
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // The runner reads workflow commands from stderr too.
  if (!(error instanceof UserError) && error instanceof Error && error.stack)
    process.stderr.write(`${plainOutput(error.stack)}\n`);
  process.stderr.write(`${plainOutput(`safe-deploy: ${describeError(error)}`)}\n`);
  process.exitCode = error instanceof UserError ? 1 : 2;
}
