import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { inputError, UserError } from '../errors.js';

/**
 * The deploy manifest: the one immutable artifact that moves from the build to every stage and region.
 * Its checksum is SHA-256 over the RFC 8785 canonical JSON of everything but the checksum, so key
 * order and whitespace never change it and any change of content does.
 */
const Manifest = z
  .object({
    schemaVersion: z.literal(1),
    image: z.string().min(1),
    taskDefinition: z
      .object({ family: z.string().min(1), containerDefinitions: z.array(z.object({}).loose()).min(1) })
      .loose(),
    source: z
      .object({
        repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
        commit: z.string().regex(/^[0-9a-f]{7,64}$/, 'expected a commit SHA'),
        runId: z.string().min(1),
        runAttempt: z.string().min(1),
        ref: z.string().optional(),
      })
      .strict(),
    createdAt: z.iso.datetime({ offset: true }),
    checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>'),
  })
  .strict();

export type DeployManifest = Omit<z.infer<typeof Manifest>, 'taskDefinition'> & {
  taskDefinition: RegisterTaskDefinitionCommandInput;
};

/** The manifest's content, before it has a checksum. */
export type ManifestContent = Omit<DeployManifest, 'checksum'>;

/** `sha256:<hex>` over the canonical JSON of the content (everything but `checksum`). */
export function checksumOf(content: ManifestContent | DeployManifest): string {
  const { checksum: _ignored, ...rest } = content as DeployManifest;
  return `sha256:${createHash('sha256').update(canonicalize(rest)!).digest('hex')}`;
}

/** A manifest with its checksum. */
export function createManifest(content: ManifestContent): DeployManifest {
  return { ...content, checksum: checksumOf(content) };
}

/** What the deploying workflow expects the manifest to come from. */
export interface ExpectedSource {
  repository: string;
  commit: string;
  /** Where the expected commit came from, for the error message. */
  commitFrom: string;
}

/**
 * The repository and commit a deploy accepts: the workflow's own (`GITHUB_REPOSITORY`, `GITHUB_SHA`),
 * or, for a deploy started by `workflow_run` or `workflow_dispatch`, the commit given explicitly
 * (`manifest-commit`) or the triggering run's head commit.
 */
export function expectedSource(
  env: NodeJS.ProcessEnv,
  event: unknown,
  explicitCommit?: string,
): ExpectedSource {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  if (explicitCommit) {
    if (eventName !== 'workflow_run' && eventName !== 'workflow_dispatch') {
      throw inputError(
        'manifest-commit',
        explicitCommit,
        `only a workflow_run or workflow_dispatch deploy may deploy another commit than its own (this is ${eventName || 'not a workflow'})`,
      );
    }
    return { repository, commit: explicitCommit, commitFrom: "input 'manifest-commit'" };
  }
  const headSha = (event as { workflow_run?: { head_sha?: unknown } } | undefined)?.workflow_run?.head_sha;
  if (eventName === 'workflow_run' && typeof headSha === 'string') {
    return { repository, commit: headSha, commitFrom: 'the triggering workflow run' };
  }
  return { repository, commit: env.GITHUB_SHA ?? '', commitFrom: "the workflow's commit (GITHUB_SHA)" };
}

/**
 * Reads and verifies a manifest before any AWS call: schema, checksum, repository and commit.
 * Every mismatch is a UserError naming what differs.
 */
export function verifyManifest(path: string, expected: ExpectedSource): DeployManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw inputError('manifest', path, `cannot be read as JSON (${(error as Error).message})`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw inputError('manifest', path, `not a safe-deploy manifest: ${problems}`);
  }
  const manifest = parsed.data as DeployManifest;
  const actual = checksumOf(manifest);
  if (actual !== manifest.checksum) {
    throw new UserError(
      `Manifest ${path} was changed after it was written: its checksum is ${manifest.checksum} but its content hashes to ${actual}`,
    );
  }
  if (expected.repository && manifest.source.repository !== expected.repository) {
    throw new UserError(
      `Manifest ${path} was built in ${manifest.source.repository}, not in this repository (${expected.repository})`,
    );
  }
  if (manifest.source.commit !== expected.commit) {
    throw new UserError(
      `Manifest commit ${manifest.source.commit} does not match ${expected.commitFrom} ${expected.commit || '(none)'}`,
    );
  }
  return manifest;
}

/** Markdown lines that let a reviewer follow one artifact from the build to every region. */
export function summarizeManifest(manifest: DeployManifest): string[] {
  const { source } = manifest;
  return [
    `- Image: \`${manifest.image}\``,
    `- Manifest checksum: \`${manifest.checksum}\``,
    `- Built from \`${source.repository}\` at \`${source.commit.slice(0, 12)}\` (run ${source.runId}, attempt ${source.runAttempt}) on ${manifest.createdAt}`,
  ];
}
