import { downloadArtifactOfRun } from './artifacts.js';
import { githubClient, httpStatus, requestTimeout, type GitHubClient } from './client.js';

/**
 * What the release queue reads and writes in GitHub: deployments and their statuses, workflow runs and
 * their artifacts. The adapter below translates to and from Octokit and keeps no state; the queue
 * (src/queue) decides what to do with the answers.
 */

/** A deployment as GitHub records it. */
export interface Deployment {
  id: number;
  /** The commit GitHub resolved the deployment's ref to. */
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string;
  /** The login that created it: GitHub's record, not anything the creator wrote. */
  creator: string | undefined;
  createdAt: string;
  payload: unknown;
}

/** One status of a deployment. */
export interface DeploymentStatus {
  id: number;
  state: string;
  description: string;
  creator: string | undefined;
  createdAt: string;
  logUrl: string | undefined;
}

/** A workflow run as GitHub records it. */
export interface WorkflowRun {
  id: number;
  headSha: string;
  headBranch: string | undefined;
  /** The event that started it: `push`, `pull_request`, `workflow_dispatch`… */
  event: string;
  /** `owner/name` of the repository the run belongs to. */
  repository: string;
  /** `owner/name` of the repository its commit comes from (a fork's, for a pull request from one). */
  headRepository: string | undefined;
  /** The workflow file: `.github/workflows/deploy.yml`. */
  path: string | undefined;
}

/** A workflow artifact as GitHub records it. */
export interface Artifact {
  id: number;
  name: string;
  /** The run that uploaded it. */
  runId: number | undefined;
  headSha: string | undefined;
  expired: boolean;
  expiresAt: string | undefined;
}

/** What the release queue needs of one repository's GitHub API. */
export interface ReleaseApi {
  /** Deployments with this task (and environment, when given), newest first; at most `limit`. */
  listDeployments(filter: { task: string; environment?: string; limit: number }): Promise<Deployment[]>;
  /** One deployment, or undefined when it does not exist. */
  getDeployment(id: number): Promise<Deployment | undefined>;
  /** A deployment's statuses, newest first. */
  listStatuses(deploymentId: number): Promise<DeploymentStatus[]>;
  createDeployment(request: {
    sha: string;
    environment: string;
    task: string;
    description: string;
    payload: Record<string, unknown>;
  }): Promise<Deployment>;
  createStatus(
    deploymentId: number,
    status: { state: string; description: string; logUrl?: string },
  ): Promise<DeploymentStatus>;
  /** A run of this repository, or undefined when there is none with this id. */
  getRun(runId: number): Promise<WorkflowRun | undefined>;
  /** The artifacts of a run with this name (unexpired ones and expired ones alike). */
  listRunArtifacts(runId: number, name: string): Promise<Artifact[]>;
  /** An artifact of this repository, or undefined when there is none with this id. */
  getArtifact(id: number): Promise<Artifact | undefined>;
  /** Downloads and unpacks an artifact of a run of this repository into `path`. */
  downloadArtifact(artifact: { id: number; runId: number }, path: string): Promise<void>;
}

/** The REST adapter for one repository. */
export class GitHubReleaseApi implements ReleaseApi {
  private readonly octokit: GitHubClient;
  private readonly owner: string;
  private readonly repo: string;

  constructor(private readonly connection: { token: string; baseUrl?: string; repository: string }) {
    this.octokit = githubClient({
      token: connection.token,
      ...(connection.baseUrl ? { baseUrl: connection.baseUrl } : {}),
    });
    [this.owner = '', this.repo = ''] = connection.repository.split('/');
  }

  private get where() {
    return { owner: this.owner, repo: this.repo, ...requestTimeout() };
  }

  async listDeployments(filter: {
    task: string;
    environment?: string;
    limit: number;
  }): Promise<Deployment[]> {
    const { data } = await this.octokit.rest.repos.listDeployments({
      ...this.where,
      task: filter.task,
      ...(filter.environment ? { environment: filter.environment } : {}),
      per_page: Math.min(100, filter.limit),
    });
    return data.map(toDeployment).sort((a, b) => b.id - a.id);
  }

  async getDeployment(id: number): Promise<Deployment | undefined> {
    return notFound(async () => {
      const { data } = await this.octokit.rest.repos.getDeployment({ ...this.where, deployment_id: id });
      return toDeployment(data);
    });
  }

  async listStatuses(deploymentId: number): Promise<DeploymentStatus[]> {
    const { data } = await this.octokit.rest.repos.listDeploymentStatuses({
      ...this.where,
      deployment_id: deploymentId,
      per_page: 100,
    });
    return data.map(toStatus).sort((a, b) => b.id - a.id);
  }

  async createDeployment(request: {
    sha: string;
    environment: string;
    task: string;
    description: string;
    payload: Record<string, unknown>;
  }): Promise<Deployment> {
    const { data } = await this.octokit.rest.repos.createDeployment({
      ...this.where,
      ref: request.sha,
      task: request.task,
      environment: request.environment,
      description: request.description,
      payload: request.payload as { [key: string]: unknown },
      // The commit was chosen by the workflow: GitHub must neither merge the default branch into it nor
      // wait for status checks the workflow itself may be part of.
      auto_merge: false,
      required_contexts: [],
    });
    if (!('id' in data)) throw new Error(`GitHub created no deployment: ${data.message ?? 'no answer'}`);
    return toDeployment(data);
  }

  async createStatus(
    deploymentId: number,
    status: { state: string; description: string; logUrl?: string },
  ): Promise<DeploymentStatus> {
    const { data } = await this.octokit.rest.repos.createDeploymentStatus({
      ...this.where,
      deployment_id: deploymentId,
      state: status.state as 'queued',
      description: status.description,
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
      // Only a release that shipped may retire the environment's earlier successful deployments.
      auto_inactive: status.state === 'success',
    });
    return toStatus(data);
  }

  async getRun(runId: number): Promise<WorkflowRun | undefined> {
    return notFound(async () => {
      const { data } = await this.octokit.rest.actions.getWorkflowRun({ ...this.where, run_id: runId });
      return {
        id: data.id,
        headSha: data.head_sha.toLowerCase(),
        headBranch: data.head_branch ?? undefined,
        event: data.event,
        // Read from this repository's path, so it is this repository's run when GitHub omits the field.
        repository:
          (data.repository as { full_name?: string } | undefined)?.full_name ?? this.connection.repository,
        headRepository: data.head_repository?.full_name ?? undefined,
        path: data.path ?? undefined,
      };
    });
  }

  async listRunArtifacts(runId: number, name: string): Promise<Artifact[]> {
    const { data } = await this.octokit.rest.actions.listWorkflowRunArtifacts({
      ...this.where,
      run_id: runId,
      name,
      per_page: 100,
    });
    // Filtered here too: the name is what the queue records, whatever the server did with the filter.
    return data.artifacts.map(toArtifact).filter((a) => a.name === name);
  }

  async getArtifact(id: number): Promise<Artifact | undefined> {
    return notFound(async () => {
      const { data } = await this.octokit.rest.actions.getArtifact({ ...this.where, artifact_id: id });
      return toArtifact(data);
    });
  }

  async downloadArtifact(artifact: { id: number; runId: number }, path: string): Promise<void> {
    await downloadArtifactOfRun(
      {
        artifactId: artifact.id,
        runId: artifact.runId,
        owner: this.owner,
        repo: this.repo,
        token: this.connection.token,
      },
      path,
    );
  }
}

/** The answer, or undefined when GitHub says 404 (no such resource in this repository). */
async function notFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

interface RawDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description?: string | null;
  creator: { login: string } | null;
  created_at: string;
  payload: unknown;
}

function toDeployment(data: RawDeployment): Deployment {
  return {
    id: data.id,
    sha: (data.sha || data.ref).toLowerCase(),
    ref: data.ref,
    task: data.task,
    environment: data.environment,
    description: data.description ?? '',
    creator: data.creator?.login,
    createdAt: data.created_at,
    payload: parsedPayload(data.payload),
  };
}

/** GitHub keeps a payload given as a JSON string as that string: read either form. */
function parsedPayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

function toStatus(data: {
  id: number;
  state: string;
  description?: string | null;
  creator: { login: string } | null;
  created_at: string;
  log_url?: string;
}): DeploymentStatus {
  return {
    id: data.id,
    state: data.state,
    description: data.description ?? '',
    creator: data.creator?.login,
    createdAt: data.created_at,
    logUrl: data.log_url || undefined,
  };
}

function toArtifact(data: {
  id: number;
  name: string;
  expired: boolean;
  expires_at: string | null;
  workflow_run?: { id?: number; head_sha?: string } | null;
}): Artifact {
  return {
    id: data.id,
    name: data.name,
    runId: data.workflow_run?.id,
    headSha: data.workflow_run?.head_sha?.toLowerCase(),
    expired: data.expired,
    expiresAt: data.expires_at ?? undefined,
  };
}
