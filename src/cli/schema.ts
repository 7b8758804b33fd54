import type { Command } from 'commander';
import { ExitCode, type CliCommand } from './context.js';

/** `safe-deploy schema`: the JSON schema of the pipeline file (committed as schema/pipeline.schema.json). */
export const schemaCommand: CliCommand = (program: Command, context) => {
  program
    .command('schema')
    .description('Print the JSON schema of the pipeline file')
    .action(async () => {
      const { pipelineJsonSchema } = await import('../pipeline/schema.js');
      context.streams(true).out(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
      context.exit(ExitCode.ok);
    });
};
