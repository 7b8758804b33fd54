import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { ExitCode, type CliCommand } from './context.js';

/** `safe-deploy queue`: the releases waiting in the release queue, per environment and since when. */
export const queueCommand: CliCommand = (program: Command, context) => {
  program
    .command('queue')
    .description(
      'List the releases waiting for a deploy window (GitHub deployments in state queued), per environment ' +
        'and since when; the newest of each environment ships next. Reads GITHUB_TOKEN or GH_TOKEN',
    )
    .option('--repository <owner/name>', 'the repository (default GITHUB_REPOSITORY)')
    .option('--environment <name>', 'only this environment')
    .option('--api-url <url>', 'the GitHub API (default GITHUB_API_URL, then https://api.github.com)')
    .option('--json', 'print the queue as JSON')
    .action(
      async (options: { repository?: string; environment?: string; apiUrl?: string; json?: boolean }) => {
        const io = context.streams(Boolean(options.json));
        const repository = options.repository ?? process.env.GITHUB_REPOSITORY ?? '';
        if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
          throw new UserError(
            `--repository: ${JSON.stringify(repository)} is not valid: expected owner/name (or set GITHUB_REPOSITORY)`,
          );
        }
        const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
        if (!token) {
          throw new UserError(
            'Reading the queue needs a GitHub token with read access to deployments: set GITHUB_TOKEN or GH_TOKEN (e.g. GH_TOKEN=$(gh auth token))',
          );
        }
        const { GitHubReleaseApi } = await import('../github/releases.js');
        const { readQueue } = await import('../queue/queue.js');
        const { queueRows, queueText } = await import('../queue/summary.js');
        const api = new GitHubReleaseApi({
          token,
          repository,
          ...(options.apiUrl ? { baseUrl: options.apiUrl } : {}),
        });
        const rows = queueRows(await readQueue(api, options.environment));
        io.out(options.json ? `${JSON.stringify(rows, null, 2)}\n` : queueText(rows, options.environment));
        context.exit(ExitCode.ok);
      },
    );
};
