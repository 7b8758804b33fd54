import { inputError } from '../errors.js';
import { oneOf, required, type InputReader } from '../inputs.js';
import type { ReleaseResult } from './queue.js';

/** The queue action's inputs, parsed once (no GitHub client needed to check them). */
export interface QueueActionSettings {
  release: number;
  result: ReleaseResult;
  githubToken: string;
}

/** Reads and checks the queue action's inputs; every error names the input and the bad text. */
export function parseQueueSettings(read: InputReader): QueueActionSettings {
  const release = required(read, 'release');
  if (!/^[1-9]\d{0,15}$/.test(release)) {
    throw inputError('release', release, "expected a deployment id (the gate's `release` output)");
  }
  if (!read('result')) {
    throw inputError('result', '', 'a value is required: success, failure, cancelled or skipped');
  }
  const result = oneOf(read, 'result', ['success', 'failure', 'cancelled', 'skipped'] as const, 'success');
  const githubToken = read('github-token');
  if (!githubToken) throw inputError('github-token', '', 'a token with deployments: write is required');
  return { release: Number(release), result, githubToken };
}
