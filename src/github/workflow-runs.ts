import { githubClient, requestTimeout } from './client.js';

/**
 * A workflow run attempt's status from the GitHub API (`GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/
 * {n}`), for `safe-deploy abort` to tell a job that is gone. Any problem (no such run, no permission, a
 * local run id) answers undefined: the caller then judges by the heartbeat alone.
 */
export function githubWorkflowRuns(token: string, baseUrl?: string) {
  const octokit = githubClient({ token, ...(baseUrl ? { baseUrl } : {}) });
  return {
    async status(
      repository: string,
      runId: string,
      attempt: string,
    ): Promise<{ status: string; conclusion: string | undefined } | undefined> {
      const [owner, repo] = repository.split('/');
      if (!owner || !repo || !/^\d+$/.test(runId) || !/^\d+$/.test(attempt)) return undefined;
      try {
        const { data } = await octokit.rest.actions.getWorkflowRunAttempt({
          owner,
          repo,
          run_id: Number(runId),
          attempt_number: Number(attempt),
          ...requestTimeout(10_000),
        });
        return { status: data.status ?? '', conclusion: data.conclusion ?? undefined };
      } catch {
        return undefined;
      }
    },
  };
}
