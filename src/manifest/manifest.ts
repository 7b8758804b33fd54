import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { inputError, UserError } from '../errors.js';
import { FILE_LIMITS, readInputFile } from '../files.js';
import { parseJsonFile } from './json.js';
import { manifestFile } from './location.js';
import { checkTaskDefinition, imageDigest } from './render.js';

export { checkManifestPath, MANIFEST_FILE } from './location.js';

/** The manifest schema version this code writes and reads. */
export const SCHEMA_VERSION = 1;

/** The file name the package action writes and a downloaded artifact folder holds. */

/**
 * The deploy manifest: the one artifact that moves from the build to every stage and region. Strict at
 * the top level so a misspelt or foreign field is an error rather than silently ignored.
 */
const Manifest = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    image: z.string().min(1),
    taskDefinition: z
      .object({
        family: z.string().min(1),
        containerDefinitions: z
          .array(z.object({ name: z.string().min(1), image: z.string().min(1) }).loose())
          .min(1),
      })
      .loose(),
    source: z
      .object({
        repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name'),
        commit: z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'expected a full commit SHA'),
        runId: z.string().min(1),
        runAttempt: z.string().min(1),
        ref: z.string().optional(),
      })
      .strict(),
    createdAt: z.iso.datetime({ offset: true }),
    checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>'),
  })
  .strict()
  .superRefine((manifest, context) => {
    // The image is recorded twice (for people, and inside the task definition): they must agree.
    if (!manifest.taskDefinition.containerDefinitions.some((c) => c.image === manifest.image)) {
      context.addIssue({
        code: 'custom',
        path: ['image'],
        message: 'no container of taskDefinition runs this image',
      });
    }
  });

/** A verified (or freshly written) deploy manifest. */
export type DeployManifest = Omit<z.infer<typeof Manifest>, 'taskDefinition'> & {
  taskDefinition: RegisterTaskDefinitionCommandInput;
};

/** The manifest's content, before it has a checksum. */
export type ManifestContent = Omit<DeployManifest, 'checksum'>;

/**
 * RFC 8785 (JCS) canonical JSON, by the `canonicalize` package (the RFC's reference implementation):
 * keys sorted at every depth, no whitespace, ECMAScript number and string forms. Values go through
 * JSON first, so `undefined` members drop out exactly as they do when the manifest is written.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(JSON.parse(JSON.stringify(value ?? null)));
  if (text === undefined) throw new TypeError(`${typeof value} has no JSON form`);
  return text;
}

/** `sha256:<hex>` over the canonical JSON of the content (everything but `checksum`). */
export function checksumOf(content: object): string {
  const { checksum: _ignored, ...rest } = content as Record<string, unknown>;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

/** A manifest with its checksum. */
export function createManifest(content: ManifestContent): DeployManifest {
  return { ...content, checksum: checksumOf(content) };
}

/** The repository and commit a deploy accepts a manifest from. */
export interface ExpectedSource {
  /** `owner/name`; empty outside GitHub Actions, where the repository is not checked. */
  repository: string;
  /** The full commit SHA the manifest must have been built from. */
  commit: string;
  /** Where `commit` came from, for the mismatch message. */
  commitFrom?: string;
}

const OWN_COMMIT = "the workflow's commit (GITHUB_SHA)";
// A scheduled run names the commit of the queued release it took (src/queue), whose manifest the gate
// checked against GitHub's records of the run that built it.
const MAY_NAME_COMMIT = ['workflow_run', 'workflow_dispatch', 'schedule'];

/**
 * Works out which commit a deploy accepts. By default the workflow's own (`GITHUB_SHA`). A deploy started
 * by `workflow_run` accepts the triggering run's head commit (`workflow_run.head_sha` of the event); one
 * started by `workflow_run` or `workflow_dispatch` (or run outside GitHub Actions) may name the commit
 * explicitly (the deploy input `manifest-commit`), as may a scheduled run deploying a queued release. Any
 * other event naming another commit is an error.
 */
export function expectedSource(
  env: NodeJS.ProcessEnv,
  event: unknown,
  explicitCommit?: string,
): ExpectedSource {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const inActions = env.GITHUB_ACTIONS === 'true';
  const ownCommit = (env.GITHUB_SHA ?? '').toLowerCase();
  const run = eventName === 'workflow_run' ? triggeringRun(event, repository) : undefined;

  const explicit = explicitCommit?.trim().toLowerCase();
  if (explicit) {
    if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(explicit)) {
      throw inputError('manifest-commit', explicitCommit!, 'expected a full commit SHA (40 hex digits)');
    }
    if (explicit === ownCommit) return { repository, commit: ownCommit, commitFrom: OWN_COMMIT };
    if (inActions && !MAY_NAME_COMMIT.includes(eventName)) {
      throw inputError(
        'manifest-commit',
        explicitCommit!,
        `only a deploy started by workflow_run or workflow_dispatch (or schedule, for a queued release) may deploy another commit than its own ` +
          `(this run was started by ${eventName || 'an unknown event'}, for commit ${ownCommit})`,
      );
    }
    return { repository, commit: explicit, commitFrom: "input 'manifest-commit'" };
  }
  if (run) {
    if (!run.headSha) {
      throw new UserError(
        "The workflow_run event has no workflow_run.head_sha to check the manifest against: name the commit with 'manifest-commit'",
      );
    }
    return {
      repository,
      commit: run.headSha,
      commitFrom: "the triggering run's commit (workflow_run.head_sha)",
    };
  }
  if (!ownCommit) {
    throw new UserError(
      "No commit to check the manifest against: GITHUB_SHA is not set (outside GitHub Actions, name the commit with 'manifest-commit')",
    );
  }
  return { repository, commit: ownCommit, commitFrom: OWN_COMMIT };
}

/** The triggering run of a `workflow_run` event; a fork's run is refused (its code was never merged). */
function triggeringRun(event: unknown, repository: string): { headSha?: string } {
  const run = (event as { workflow_run?: Record<string, unknown> } | undefined)?.workflow_run;
  const headSha = typeof run?.head_sha === 'string' ? run.head_sha.toLowerCase() : undefined;
  const headRepository = (run?.head_repository as { full_name?: unknown } | undefined)?.full_name;
  if (typeof headRepository === 'string' && repository && !sameRepository(headRepository, repository)) {
    throw new UserError(
      `The triggering workflow run built ${headRepository}@${headSha ?? '?'}, a fork's commit, not a commit of ${repository}: ` +
        'a manifest built from a fork is never deployed',
    );
  }
  return headSha ? { headSha } : {};
}

/**
 * Refuses to seal (`package`) or deploy (`deploy`) in a `pull_request_target` run of a fork's pull request.
 * Such a run has this repository's token and secrets, but what it builds is the fork's code (whatever ref the
 * job checked out), while GITHUB_SHA is this repository's base commit: a manifest sealed there would record a
 * trusted commit for untrusted code. As for a fork's `workflow_run`, a fork's build is never deployed. A
 * payload that does not name the head repository is treated as a fork's: only a same-repository pull request
 * is let through.
 */
export function refuseForkBuild(env: NodeJS.ProcessEnv, event: unknown, doing: 'package' | 'deploy'): void {
  if (env.GITHUB_EVENT_NAME !== 'pull_request_target') return;
  const repository = env.GITHUB_REPOSITORY ?? '';
  const pull = (event as { pull_request?: PullRequestPayload } | undefined)?.pull_request;
  const head = pull?.head?.repo?.full_name;
  if (typeof head === 'string' && repository && sameRepository(head, repository)) return;
  const number = typeof pull?.number === 'number' ? `#${pull.number}` : '(number not in the event)';
  const headSha = typeof pull?.head?.sha === 'string' ? `@${pull.head.sha.slice(0, 12)}` : '';
  const from =
    typeof head === 'string'
      ? `the fork ${head}${headSha}`
      : 'a head repository the event does not name (a deleted fork, or an unreadable event)';
  const what =
    doing === 'package'
      ? `package does not seal its build: GITHUB_SHA is ${repository || 'this repository'}'s base commit ` +
        `${(env.GITHUB_SHA ?? '?').slice(0, 12)}, not the fork's code the job built`
      : 'deploy does not deploy a build of untrusted code';
  throw new UserError(
    `This run was started by pull_request_target for pull request ${number} from ${from}: ${what}. ` +
      "A fork's changes are built on pull_request (no secrets, nothing deployed) and packaged and deployed once merged.",
  );
}

interface PullRequestPayload {
  number?: unknown;
  head?: { sha?: unknown; repo?: { full_name?: unknown } | null } | null;
}

/**
 * Reads and verifies a manifest before any AWS call: schema, checksum, repository and commit. `path` may
 * be the file or the folder a downloaded artifact was put in. Every mismatch is a UserError naming what
 * differs. The checksum catches a changed or damaged file; it is not a signature, so where the manifest
 * comes from (an artifact of the same workflow run) matters as much.
 */
export function verifyManifest(
  path: string,
  expected: ExpectedSource,
  workspace: string = process.env.GITHUB_WORKSPACE || process.cwd(),
): DeployManifest {
  const raw = parseJsonFile(readInputFile(manifestFile(path, workspace)), 'manifest', path);
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    throw inputError(
      'manifest',
      path,
      `it has schemaVersion ${version}, written by a newer safe-deploy package action; this deploy reads ` +
        `schemaVersion ${SCHEMA_VERSION}: use the same safe-deploy version to package and deploy`,
    );
  }
  // Checksum before schema: a file that was edited is reported as edited, whatever the edit broke.
  const checksum = (raw as { checksum?: unknown } | null)?.checksum;
  if (typeof checksum === 'string' && /^sha256:[0-9a-f]{64}$/.test(checksum)) {
    // Hash the file's own content, not the schema's output, so parsing can never change what is checked.
    let actual: string;
    try {
      actual = checksumOf(raw as object);
    } catch (error) {
      // RFC 8785 has no form for some JSON (a lone surrogate such as "\ud800"): no manifest holds it.
      throw inputError('manifest', path, `has no canonical form to checksum (${(error as Error).message})`);
    }
    if (actual !== checksum) {
      throw new UserError(
        `Manifest ${path} was changed after it was written: its checksum is ${checksum} but its content hashes to ${actual}`,
      );
    }
  }
  const manifest = checkManifest(raw, { input: 'manifest', path });
  const { source } = manifest;
  if (expected.repository && !sameRepository(source.repository, expected.repository)) {
    throw new UserError(
      `Manifest ${path} was built in ${source.repository}, not in this repository (${expected.repository})`,
    );
  }
  if (source.commit !== expected.commit.toLowerCase()) {
    throw new UserError(
      `Manifest commit ${source.commit} does not match ${expected.commitFrom ?? OWN_COMMIT} ${expected.commit}: ` +
        `the manifest was built by run ${source.runId} (attempt ${source.runAttempt}); deploy the manifest built for this commit`,
    );
  }
  return manifest;
}

/**
 * Checks a manifest's content as the deploy does before any AWS call: the schema, and a task definition
 * ECS would accept. The package action runs it on what it is about to write, so it never writes a
 * manifest a deploy would refuse.
 */
export function checkManifest(
  raw: unknown,
  from: { input: string; path: string },
  schemaError: (problems: string) => UserError = (problems) =>
    inputError(from.input, from.path, `not a safe-deploy manifest: ${problems}`),
): DeployManifest {
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('; ');
    throw schemaError(problems);
  }
  checkTaskDefinition(parsed.data.taskDefinition, from);
  return parsed.data as DeployManifest;
}

/** Markdown lines that let a reviewer follow one artifact from the build to every region. */
export function summarizeManifest(manifest: DeployManifest): string[] {
  const { source } = manifest;
  const digest = imageDigest(manifest.image);
  return [
    `- Image: \`${manifest.image}\``,
    `- Image digest: ${digest ? `\`${digest}\`` : '**none**: the image is a tag, which can move'}`,
    `- Manifest checksum: \`${manifest.checksum}\``,
    `- Built from \`${source.repository}\` at commit \`${source.commit}\`${source.ref ? ` (\`${source.ref}\`)` : ''}` +
      ` by run ${source.runId}, attempt ${source.runAttempt}, at ${manifest.createdAt}`,
  ];
}

/** The largest manifest read: one is a few KiB, so anything near this is not a manifest. */
export const MAX_MANIFEST_BYTES = FILE_LIMITS.manifest;

// GitHub owner and repository names are case-insensitive.
function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
