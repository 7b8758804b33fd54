/**
 * The workflow artifact service, through `@actions/artifact` (loaded only when used: the artifact client
 * is most of the bundle). Uploads go to the current run; downloads from another run of the repository
 * go through the public REST API with a token, as `findBy` does.
 */

/** Uploads files as a workflow artifact of this run; injected so unit tests need no artifact service. */
export type ArtifactUpload = (
  name: string,
  files: string[],
  rootDirectory: string,
) => Promise<{ id?: number | undefined }>;

/** The runner's artifact service, or undefined where there is none (a local run, a test). */
export function artifactService(env: NodeJS.ProcessEnv): ArtifactUpload | undefined {
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) return undefined;
  return async (name, files, root) => {
    const { DefaultArtifactClient } = await import('@actions/artifact');
    return new DefaultArtifactClient().uploadArtifact(name, files, root);
  };
}

/** Where an artifact of another run is, and the token that may read it (`actions: read`). */
export interface ArtifactOfRun {
  artifactId: number;
  runId: number;
  owner: string;
  repo: string;
  token: string;
}

/**
 * Downloads and unpacks an artifact of any run of the repository into `path`, by the REST API's
 * `GET /repos/{owner}/{repo}/actions/artifacts/{id}/zip` (a redirect to the zip), as the artifact
 * client does with `findBy`.
 */
export async function downloadArtifactOfRun(artifact: ArtifactOfRun, path: string): Promise<void> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  await new DefaultArtifactClient().downloadArtifact(artifact.artifactId, {
    path,
    findBy: {
      token: artifact.token,
      workflowRunId: artifact.runId,
      repositoryOwner: artifact.owner,
      repositoryName: artifact.repo,
    },
  });
}
