import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { recordInputs } from '../inputs.js';
import { ExitCode, type CliCommand } from './context.js';

/** `safe-deploy plan [file]`: the pipeline file's stages and targets, as the reusable workflow runs them. */
export const planCommand: CliCommand = (program: Command, context) => {
  program
    .command('plan')
    .description('Show what the pipeline file will deploy, stage by stage')
    .argument('[file]', 'the pipeline file', '.github/safe-deploy.yml')
    .option('--json', "print each stage's matrix as JSON instead of the table")
    .option('--github-output', 'set the outputs the reusable workflow reads (in a GitHub Actions step)')
    .action(async (file: string, options: { json?: boolean; githubOutput?: boolean }) => {
      const io = context.streams(Boolean(options.json));
      // Loaded here so other commands do not pay for the YAML parser and the schema.
      const { loadPlan, runPlanStep } = await import('../pipeline/run.js');
      if (options.githubOutput) {
        if (!process.env.GITHUB_OUTPUT)
          throw new UserError('--github-output needs GITHUB_OUTPUT (it runs in a workflow step)');
        await runPlanStep(recordInputs({ config: file }));
        return context.exit(ExitCode.ok);
      }
      const plan = loadPlan(file);
      if (options.json) {
        const stages = plan.stages.map((stage) => ({
          stage: stage.number,
          name: stage.name,
          environment: stage.environment ?? null,
          'max-parallel': stage.maxParallel,
          matrix: stage.matrix,
        }));
        io.out(`${JSON.stringify({ gate: plan.gate, stages }, null, 2)}\n`);
      } else {
        const { renderPlanTable } = await import('../pipeline/render.js');
        io.out(`${renderPlanTable(plan)}\n`);
      }
      context.exit(ExitCode.ok);
    });
};
