import * as z from 'zod';
import { PipelineSchema } from './config.js';

/** Where the published schema lives, for `$id` and the `yaml-language-server` comment. */
export const SCHEMA_URL = 'https://raw.githubusercontent.com/org/safe-deploy/v1/schema/pipeline.schema.json';

/** The JSON schema of the pipeline file, generated from the zod schema that parses it. */
export function pipelineJsonSchema(): Record<string, unknown> {
  // The objects with a meta id (DeploySettings, Gate, Stage, Target) become named $defs.
  const schema = z.toJSONSchema(PipelineSchema, { io: 'input' }) as Record<string, unknown>;
  return { $schema: schema.$schema, $id: SCHEMA_URL, ...schema };
}
