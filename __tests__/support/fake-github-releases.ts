import { crc32 } from 'node:zlib';
import type { FakeGitHub, RecordedRequest, Reply } from './fake-github.js';

/**
 * One repository's deployments, deployment statuses, workflow runs and artifacts, served on a FakeGitHub
 * as GitHub's REST API documents them (docs.github.com/en/rest):
 * - deployments (`/rest/deployments/deployments`): listed newest first, filtered by `sha`, `ref`, `task`
 *   and `environment`; created with `ref` resolved to `sha`, `payload` kept as given, `creator` the
 *   token's user; an unknown id is 404.
 * - statuses (`/rest/deployments/statuses`): listed newest first; `state` one of error, failure,
 *   inactive, in_progress, queued, pending, success (else 422); `auto_inactive` (default true) adds an
 *   `inactive` status to the environment's earlier non-transient, non-production deployments that had a
 *   `success` state.
 * - workflow runs (`/rest/actions/workflow-runs#get-a-workflow-run`): 404 for a run of another
 *   repository, which this repository's path never reaches.
 * - artifacts (`/rest/actions/artifacts`): listed per run with a `name` filter; one artifact by id;
 *   the zip download answers 302 with a short-lived URL to the archive, or 410 Gone once it expired.
 * Tokens name users (`tokens`), so a test can act as someone other than the workflow.
 */
export class FakeRepository {
  readonly deployments: FakeDeployment[] = [];
  readonly statuses = new Map<number, FakeStatus[]>();
  readonly runs = new Map<number, FakeRun>();
  readonly artifacts = new Map<number, FakeArtifact>();
  /** Token -> login; any other token acts as the workflow's own identity. */
  readonly tokens = new Map<string, string>();
  private nextId = 1000;
  private readonly base: string;

  constructor(
    private readonly github: FakeGitHub,
    readonly fullName = 'octo/shop',
    readonly workflowLogin = 'github-actions[bot]',
  ) {
    this.base = `/repos/${fullName}`;
    this.routes();
  }

  /** Records a workflow run of this repository (or, with `headRepository`, one built from a fork). */
  addRun(run: Partial<FakeRun> & { id: number; head_sha: string }): FakeRun {
    const full: FakeRun = {
      head_branch: 'main',
      event: 'push',
      path: '.github/workflows/deploy.yml',
      repository: { full_name: this.fullName },
      head_repository: { full_name: this.fullName },
      ...run,
    };
    this.runs.set(run.id, full);
    return full;
  }

  /** Records an artifact a run uploaded, holding `files` (name -> content) as its zip does. */
  addArtifact(runId: number, name: string, files: Record<string, string>, expired = false): FakeArtifact {
    const run = this.runs.get(runId);
    const artifact: FakeArtifact = {
      id: this.id(),
      name,
      expired,
      expires_at: expired ? '2026-01-01T00:00:00Z' : '2027-03-01T00:00:00Z',
      workflow_run: { id: runId, head_sha: run?.head_sha ?? '', head_branch: run?.head_branch ?? null },
      files,
      zip: storedZip(files),
    };
    this.artifacts.set(artifact.id, artifact);
    return artifact;
  }

  /** The states of a deployment's statuses, oldest first. */
  states(deploymentId: number): string[] {
    return (this.statuses.get(deploymentId) ?? []).map((s) => s.state);
  }

  /** The newest status of a deployment. */
  latest(deploymentId: number): FakeStatus | undefined {
    return this.statuses.get(deploymentId)?.at(-1);
  }

  private id(): number {
    return ++this.nextId;
  }

  private login(req: RecordedRequest): string {
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    return this.tokens.get(token) ?? this.workflowLogin;
  }

  /** Creates a deployment as the holder of `token` would (for tests of deployments made by others). */
  createDeployment(body: Record<string, unknown>, login = this.workflowLogin): FakeDeployment {
    const ref = String(body.ref);
    const deployment: FakeDeployment = {
      id: this.id(),
      sha: ref,
      ref,
      task: typeof body.task === 'string' ? body.task : 'deploy',
      environment: typeof body.environment === 'string' ? body.environment : 'production',
      description: typeof body.description === 'string' ? body.description : null,
      payload: body.payload ?? {},
      creator: { login },
      created_at: new Date().toISOString(),
      production_environment:
        typeof body.production_environment === 'boolean'
          ? body.production_environment
          : (typeof body.environment === 'string' ? body.environment : 'production') === 'production',
      transient_environment: body.transient_environment === true,
    };
    this.deployments.push(deployment);
    this.statuses.set(deployment.id, []);
    return deployment;
  }

  /** Posts a status as `login` would. */
  createStatus(deploymentId: number, body: Record<string, unknown>, login = this.workflowLogin): FakeStatus {
    const status: FakeStatus = {
      id: this.id(),
      state: String(body.state),
      description: typeof body.description === 'string' ? body.description : '',
      environment: this.deployments.find((d) => d.id === deploymentId)!.environment,
      log_url: typeof body.log_url === 'string' ? body.log_url : '',
      creator: { login },
      created_at: new Date().toISOString(),
    };
    this.statuses.get(deploymentId)!.push(status);
    if (status.state === 'success' && body.auto_inactive !== false) this.autoInactive(deploymentId, login);
    return status;
  }

  private autoInactive(deploymentId: number, login: string): void {
    const deployment = this.deployments.find((d) => d.id === deploymentId)!;
    for (const earlier of this.deployments) {
      if (earlier.id >= deploymentId || earlier.environment !== deployment.environment) continue;
      if (earlier.transient_environment || earlier.production_environment) continue;
      const states = this.states(earlier.id);
      if (states.includes('success') && states.at(-1) !== 'inactive')
        this.createStatus(earlier.id, { state: 'inactive', auto_inactive: false }, login);
    }
  }

  private routes(): void {
    const b = this.base.replace(/[/.]/g, (c) => `\\${c}`);
    const deploymentOr404 = (id: string) => this.deployments.find((d) => d.id === Number(id));
    this.github
      .on('GET', new RegExp(`^${b}/deployments$`), (req) => {
        const q = req.query;
        const perPage = Number(q.get('per_page') ?? 30);
        const list = [...this.deployments]
          .reverse()
          .filter((d) =>
            ['sha', 'ref', 'task', 'environment'].every((k) => !q.get(k) || q.get(k) === d[k as 'sha']),
          )
          .slice(0, perPage);
        return { body: list };
      })
      .on('GET', new RegExp(`^${b}/deployments/(\\d+)$`), (_req, [id]) => {
        const d = deploymentOr404(id!);
        return d ? { body: d } : NOT_FOUND;
      })
      .on('POST', new RegExp(`^${b}/deployments$`), (req) => {
        const body = req.body as Record<string, unknown>;
        if (typeof body.ref !== 'string' || !/^[0-9a-f]{40}$/.test(body.ref))
          return { status: 422, body: { message: `No ref found for: ${String(body.ref)}` } };
        return { status: 201, body: this.createDeployment(body, this.login(req)) };
      })
      .on('GET', new RegExp(`^${b}/deployments/(\\d+)/statuses$`), (_req, [id]) => {
        if (!deploymentOr404(id!)) return NOT_FOUND;
        return { body: [...(this.statuses.get(Number(id)) ?? [])].reverse() };
      })
      .on('POST', new RegExp(`^${b}/deployments/(\\d+)/statuses$`), (req, [id]) => {
        if (!deploymentOr404(id!)) return NOT_FOUND;
        const body = req.body as Record<string, unknown>;
        if (!STATES.includes(String(body.state)))
          return {
            status: 422,
            body: { message: `state is not included in the list: ${String(body.state)}` },
          };
        if (typeof body.description === 'string' && body.description.length > 140)
          return { status: 422, body: { message: 'description is too long (maximum is 140 characters)' } };
        return { status: 201, body: this.createStatus(Number(id), body, this.login(req)) };
      })
      .on('GET', new RegExp(`^${b}/actions/runs/(\\d+)$`), (_req, [id]) => {
        const run = this.runs.get(Number(id));
        return run ? { body: run } : NOT_FOUND;
      })
      .on('GET', new RegExp(`^${b}/actions/runs/(\\d+)/artifacts$`), (req, [id]) => {
        const name = req.query.get('name');
        const artifacts = [...this.artifacts.values()]
          .filter((a) => a.workflow_run.id === Number(id) && (!name || a.name === name))
          .map(publicArtifact);
        return { body: { total_count: artifacts.length, artifacts } };
      })
      .on('GET', new RegExp(`^${b}/actions/artifacts/(\\d+)$`), (_req, [id]) => {
        const artifact = this.artifacts.get(Number(id));
        return artifact ? { body: publicArtifact(artifact) } : NOT_FOUND;
      })
      .on('GET', new RegExp(`^${b}/actions/artifacts/(\\d+)/zip$`), (_req, [id]) => {
        const artifact = this.artifacts.get(Number(id));
        if (!artifact) return NOT_FOUND;
        if (artifact.expired) return { status: 410, body: { message: 'Artifact has expired' } };
        return { status: 302, headers: { location: `${this.github.url}/blob/artifact-${id}.zip?sig=x` } };
      })
      .on('GET', /^\/blob\/artifact-(\d+)\.zip$/, (_req, [id]) => {
        const artifact = this.artifacts.get(Number(id));
        if (!artifact) return { status: 404, body: { message: 'BlobNotFound' } };
        return { raw: artifact.zip, headers: { 'content-type': 'application/zip' } };
      });
  }
}

const NOT_FOUND: Reply = { status: 404, body: { message: 'Not Found' } };
const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  creator: { login: string };
  created_at: string;
  production_environment: boolean;
  transient_environment: boolean;
}

export interface FakeStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  log_url: string;
  creator: { login: string };
  created_at: string;
}

export interface FakeRun {
  id: number;
  head_sha: string;
  head_branch: string | null;
  event: string;
  path: string;
  repository: { full_name: string };
  head_repository: { full_name: string } | null;
}

export interface FakeArtifact {
  id: number;
  name: string;
  expired: boolean;
  expires_at: string;
  workflow_run: { id: number; head_sha: string; head_branch: string | null };
  /** What the zip holds, name -> content. */
  files: Record<string, string>;
  zip: Buffer;
}

function publicArtifact({ zip, files: _files, ...artifact }: FakeArtifact) {
  return { ...artifact, size_in_bytes: zip.length };
}

/**
 * A zip archive of `files`, stored without compression (PKWARE APPNOTE 4.3: local headers, central
 * directory, end record). Written here because the stand-in only needs to hand the artifact client the
 * bytes GitHub would, and a stored zip is a few dozen lines with zlib's crc32.
 */
export function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content, 'utf8');
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
