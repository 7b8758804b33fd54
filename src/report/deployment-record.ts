import * as core from '@actions/core';
import {
  clipDescription as clip,
  describeApiError,
  githubErrorHint,
  githubClient,
  requestTimeout,
  type GitHubClient,
} from '../github/client.js';

/**
 * The GitHub deployment record of one run: created `in_progress`, finished `success` or `failure`.
 * Recording is a courtesy to the people watching the environment; it never fails or rolls back a deploy,
 * so every API problem becomes a warning and the record carries on as a no-op.
 */
export interface DeploymentRecord {
  /** The deployment's id, to save for the post step; undefined when no record could be created. */
  readonly id: number | undefined;
  /**
   * Posts the final status with the run's log URL: `success` (true), `failure` (false), or `error` for a
   * run that ended without deploying or rolling back (it backed off, or was abandoned). Never throws; only
   * the first call counts.
   */
  finish(outcome: boolean | 'error', description: string): Promise<void>;
}

/** What a record needs; `baseUrl` defaults to `GITHUB_API_URL`. */
export interface StartDeploymentRecordOptions {
  token: string | undefined;
  owner: string;
  repo: string;
  /** The commit (or ref) deployed. */
  ref: string;
  environment: string;
  description: string;
  /** The run's page, shown as the deployment's log link. */
  logUrl?: string;
  baseUrl?: string;
  /** Where warnings go; defaults to `core.warning`. */
  warn?: (message: string) => void;
}

const PERMISSION_HINT = "the 'github-token' needs the permission deployments: write";

/** Creates the deployment and marks it `in_progress`; on any problem, warns and returns a no-op record. */
export async function startDeploymentRecord(
  options: StartDeploymentRecordOptions,
): Promise<DeploymentRecord> {
  const warn = options.warn ?? core.warning;
  if (!options.token) {
    warn(
      `No GitHub deployment record: no 'github-token' was given (${PERMISSION_HINT}). The deploy goes on.`,
    );
    return noRecord;
  }
  const octokit = githubClient({
    token: options.token,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  const { owner, repo, environment } = options;
  let id: number;
  try {
    const created = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: options.ref,
      environment,
      description: clip(options.description),
      // The commit was chosen by the workflow; GitHub must neither merge the default branch into it nor
      // wait for status checks that the deploy job itself may be part of.
      auto_merge: false,
      required_contexts: [],
      ...requestTimeout(),
    });
    // 202 means GitHub merged the default branch instead of creating a deployment (cannot happen with
    // auto_merge false, but the response type allows it).
    if (!('id' in created.data)) {
      warn(`No GitHub deployment record: GitHub answered "${created.data.message ?? 'no deployment'}".`);
      return noRecord;
    }
    id = created.data.id;
  } catch (error) {
    warn(
      `Could not create the GitHub deployment record for ${environment} (${describeApiError(error)}): ` +
        `${hint(error)}. The deploy goes on without one.`,
    );
    return noRecord;
  }
  const record = new ApiDeploymentRecord(octokit, owner, repo, id, options.logUrl, warn);
  await record.post('in_progress', clip(options.description));
  return record;
}

/**
 * The record of an existing deployment, for the post step that marks a cancelled run `failure` from
 * saved state. The log URL is the current run's page.
 */
export function recordFromId(
  token: string,
  owner: string,
  repo: string,
  deploymentId: number,
  options: { baseUrl?: string; logUrl?: string; warn?: (message: string) => void } = {},
): DeploymentRecord {
  const octokit = githubClient({ token, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
  return new ApiDeploymentRecord(
    octokit,
    owner,
    repo,
    deploymentId,
    options.logUrl ?? runLogUrl(process.env),
    options.warn ?? core.warning,
  );
}

/** The run's page: `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`. */
export function runLogUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** A record that records nothing: no token, or GitHub refused to create the deployment. */
const noRecord: DeploymentRecord = { id: undefined, finish: async () => {} };

class ApiDeploymentRecord implements DeploymentRecord {
  private finished = false;

  constructor(
    private readonly octokit: GitHubClient,
    private readonly owner: string,
    private readonly repo: string,
    readonly id: number,
    private readonly logUrl: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  async finish(outcome: boolean | 'error', description: string): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.post(outcome === 'error' ? 'error' : outcome ? 'success' : 'failure', clip(description));
  }

  /** Posts one status; a failure is a warning, never an exception. */
  async post(state: 'in_progress' | 'success' | 'failure' | 'error', description: string): Promise<void> {
    try {
      await this.octokit.rest.repos.createDeploymentStatus({
        owner: this.owner,
        repo: this.repo,
        deployment_id: this.id,
        state,
        description,
        ...(this.logUrl ? { log_url: this.logUrl } : {}),
        ...requestTimeout(),
      });
    } catch (error) {
      this.warn(
        `Could not mark GitHub deployment ${this.id} ${state} (${describeApiError(error)}): ${hint(error)}. ` +
          'The deploy is not affected.',
      );
    }
  }
}

function hint(error: unknown): string {
  return githubErrorHint(error, PERMISSION_HINT);
}
