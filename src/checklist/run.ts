import * as core from '@actions/core';
import { context } from '@actions/github';
import { UserError } from '../errors.js';
import type { InputReader } from '../inputs.js';
import {
  describeTally,
  isChecklistComment,
  isCurrent,
  mayHoldChecklist,
  parseItems,
  renderComment,
  tally,
  type Tally,
} from './checklist.js';
import { readTrigger } from './event.js';
import {
  STATUS_CONTEXT,
  httpStatus,
  octokitChecklistGitHub,
  type ChecklistGitHub,
  type PullComment,
} from './github.js';
import { readChecklistSettings, type ChecklistSettings } from './settings.js';

/** What varies between the runner and a test. */
export interface ChecklistDeps {
  /** The API; defaults to Octokit at `GITHUB_API_URL` with the `github-token` input. */
  github?: ChecklistGitHub;
  /** The triggering event; defaults to the runner's (`GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH`). */
  event?: { name: string; payload: unknown };
  /** `owner/repo`; defaults to `GITHUB_REPOSITORY`. */
  repository?: string;
  /** Where a `template` path is resolved; defaults to `GITHUB_WORKSPACE`. */
  workspace?: string;
}

/** What a run did, for the caller and for tests. */
export interface ChecklistResult {
  /** Undefined when the event was ignored. */
  tally?: Tally;
  comment: 'created' | 'updated' | 'unchanged' | 'not-written' | 'ignored';
  commentUrl?: string;
  status?: 'success' | 'failure' | 'not-set';
  /** Permissions the token lacked, as `permission: write` lines. */
  missingPermissions: string[];
}

/**
 * The checklist action: keeps one checklist comment on the pull request, counts its ticks, and in `require`
 * mode sets the `safe-deploy/checklist` status on the head commit. A token without the permissions it needs
 * (a fork's read-only token) gets warnings that say how to grant them, never a crash.
 */
export async function runChecklist(read: InputReader, deps: ChecklistDeps = {}): Promise<ChecklistResult> {
  const settings = readChecklistSettings(
    read,
    deps.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd(),
  );
  const event = deps.event ?? { name: context.eventName, payload: context.payload };
  const trigger = readTrigger(event.name, event.payload);
  if (trigger.kind === 'ignored') {
    core.info(`Nothing to do: ${trigger.reason}.`);
    return { comment: 'ignored', missingPermissions: [] };
  }
  const github =
    deps.github ?? octokitChecklistGitHub({ token: settings.token, ...repository(deps.repository) });
  const guard = new PermissionGuard();
  core.info(`Template: ${settings.templateSource}; mode: ${settings.mode}; pull request #${trigger.number}.`);

  const outcome =
    trigger.kind === 'pull-request'
      ? await keepComment(github, guard, settings, trigger.number)
      : await readEditedComment(github, guard, settings, trigger);
  if ('ignored' in outcome) {
    core.info(`Nothing to do: ${outcome.ignored}.`);
    return { comment: 'ignored', missingPermissions: guard.missing };
  }
  const headSha =
    trigger.kind === 'pull-request'
      ? trigger.headSha
      : await guard.attempt('read the pull request', 'pull-requests: read', () =>
          github.headSha(trigger.number),
        );

  const counted = tally(parseItems(settings.template), parseItems(outcome.body));
  core.info(`Checklist: ${describeTally(counted)}${counted.complete ? ' (complete)' : ''}.`);
  if (counted.missing.length > 0) {
    core.info(`Items missing from the comment, counted as unticked: ${counted.missing.join('; ')}`);
  }
  core.setOutput('total', String(counted.total));
  core.setOutput('checked', String(counted.checked));
  core.setOutput('complete', String(counted.complete));

  let status: ChecklistResult['status'];
  if (settings.mode === 'require') {
    const state = counted.complete ? 'success' : 'failure';
    const set =
      headSha !== undefined &&
      (await guard.attempt('set the commit status', 'statuses: write', async () => {
        await github.setStatus(headSha, {
          state,
          description: describeTally(counted),
          ...(outcome.url ? { targetUrl: outcome.url } : {}),
        });
        return true;
      }));
    status = set ? state : 'not-set';
    if (set) core.info(`Set ${STATUS_CONTEXT} to ${state} on ${headSha.slice(0, 7)}.`);
  }

  await writeSummary(counted, outcome, status, guard.missing);
  return {
    tally: counted,
    comment: outcome.comment,
    ...(outcome.url ? { commentUrl: outcome.url } : {}),
    ...(status ? { status } : {}),
    missingPermissions: guard.missing,
  };
}

interface CommentOutcome {
  /** The checklist as it now stands (or would, when it could not be written). */
  body: string;
  comment: ChecklistResult['comment'];
  url?: string;
}

/** The pull request's checklist: the first comment with the marker that the action or a maintainer wrote. */
function isChecklist(comment: PullComment): boolean {
  return isChecklistComment(comment.body) && mayHoldChecklist(comment.author);
}

/** Makes sure the pull request has the checklist comment for this template, leaving reviewers' ticks alone. */
async function keepComment(
  github: ChecklistGitHub,
  guard: PermissionGuard,
  { template }: ChecklistSettings,
  pull: number,
): Promise<CommentOutcome> {
  const found = await guard.attempt('read the pull request comments', 'pull-requests: read', async () => ({
    comment: await github.findComment(pull, isChecklist),
  }));
  if (!found) {
    // Without reading the comments, posting could duplicate the checklist; report the template as it stands.
    return { body: renderComment(template), comment: 'not-written' };
  }
  const existing = found.comment;
  if (existing && isCurrent(existing.body, template)) {
    core.info(`The checklist comment is up to date: ${existing.url}`);
    return { body: existing.body, comment: 'unchanged', url: existing.url };
  }
  return existing ? refresh(github, guard, template, existing) : create(github, guard, template, pull);
}

/**
 * Reads the pull request's checklist comment as it is now (a later edit may have overtaken this event), or
 * says why the edited comment is not it (another comment that carries the marker, such as a pasted copy).
 */
async function readEditedComment(
  github: ChecklistGitHub,
  guard: PermissionGuard,
  { template }: ChecklistSettings,
  { number, commentId: id, body: bodyInEvent }: { number: number; commentId: number; body: string },
): Promise<CommentOutcome | { ignored: string }> {
  const found = await guard.attempt('read the pull request comments', 'pull-requests: read', async () => ({
    comment: await github.findComment(number, isChecklist),
  }));
  // Unable to read the comments, all there is to go on is the event's copy (whose author was checked).
  const latest = found ? found.comment : ({ id, body: bodyInEvent, url: '' } satisfies PullComment);
  if (!latest) {
    throw new UserError(
      `Pull request #${number} has no checklist comment any more (comment ${id} was deleted or lost its ` +
        'marker); put the marker back, or let the next pull_request event post a new checklist',
    );
  }
  if (latest.id !== id) {
    return {
      ignored: `comment ${id} on #${number} carries the checklist marker but the checklist is comment ${latest.id}`,
    };
  }
  if (isCurrent(latest.body, template)) {
    return { body: latest.body, comment: 'unchanged', ...(latest.url ? { url: latest.url } : {}) };
  }
  return refresh(github, guard, template, latest);
}

async function create(
  github: ChecklistGitHub,
  guard: PermissionGuard,
  template: string,
  pull: number,
): Promise<CommentOutcome> {
  const body = renderComment(template);
  const created = await guard.attempt('comment on the pull request', 'pull-requests: write', () =>
    github.createComment(pull, body),
  );
  if (!created) return { body, comment: 'not-written' };
  core.info(`Posted the checklist: ${created.url}`);
  return { body: created.body, comment: 'created', url: created.url };
}

/** Rewrites a comment made from an older template, keeping the ticks of items still in it. */
async function refresh(
  github: ChecklistGitHub,
  guard: PermissionGuard,
  template: string,
  existing: PullComment,
): Promise<CommentOutcome> {
  const body = renderComment(template, existing.body);
  const updated = await guard.attempt('update the checklist comment', 'pull-requests: write', () =>
    github.updateComment(existing.id, body),
  );
  if (!updated) return { body, comment: 'not-written', ...(existing.url ? { url: existing.url } : {}) };
  core.info(
    `The template changed; updated the checklist, keeping the ticks of items still in it: ${updated.url}`,
  );
  return { body: updated.body, comment: 'updated', url: updated.url };
}

/**
 * Runs API calls that a token may not be allowed to make. A 403 or 404 (what GitHub answers a token without
 * the permission, such as the read-only token of a pull request from a fork) becomes a warning naming the
 * permission and how to grant it; any other failure is thrown.
 */
class PermissionGuard {
  readonly missing: string[] = [];

  async attempt<T>(what: string, permission: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      const status = httpStatus(error);
      if (status !== 403 && status !== 404) throw error;
      const wanted = permission.replace(/: read$/, ': write');
      if (!this.missing.includes(wanted)) this.missing.push(wanted);
      const message =
        error instanceof Error ? error.message.replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '') : '';
      core.warning(
        `The token could not ${what} (HTTP ${status}: ${message}). It needs the permission '${permission}': ` +
          `add "permissions: { ${wanted} }" to the workflow job (see docs/checklist.md). ` +
          'Pull requests from forks get a read-only token on pull_request events whatever the workflow asks; ' +
          'a private repository can allow write tokens for them in Settings > Actions > General. Carrying on.',
      );
      return undefined;
    }
  }
}

function repository(value?: string): { owner: string; repo: string } {
  const full = value ?? process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = full.split('/');
  if (!owner || !repo)
    throw new UserError(`GITHUB_REPOSITORY is ${JSON.stringify(full)}; expected owner/repo`);
  return { owner, repo };
}

async function writeSummary(
  counted: Tally,
  outcome: CommentOutcome,
  status: ChecklistResult['status'],
  missing: readonly string[],
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary
    .addHeading(`Deployment safety checklist: ${describeTally(counted)}`, 3)
    .addTable([
      [
        { data: 'Items', header: true },
        { data: 'Ticked', header: true },
        { data: 'Complete', header: true },
        { data: 'Status', header: true },
      ],
      [String(counted.total), String(counted.checked), counted.complete ? 'yes' : 'no', statusText(status)],
    ]);
  if (outcome.url) summary.addLink('Open the checklist comment', outcome.url);
  if (missing.length > 0) {
    summary.addRaw(`\n\nThe token lacks ${missing.map((p) => `\`${p}\``).join(' and ')}; see the log.\n`);
  }
  await summary.write();
}

function statusText(status: ChecklistResult['status']): string {
  if (!status) return 'not required (mode: comment)';
  if (status === 'not-set') return `${STATUS_CONTEXT} not set (missing permission)`;
  return `${STATUS_CONTEXT}: ${status}`;
}
