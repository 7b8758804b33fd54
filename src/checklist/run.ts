import * as core from '@actions/core';
import { UserError } from '../errors.js';
import { isRateLimited } from '../github/client.js';
import type { InputReader } from '../inputs.js';
import * as log from '../log.js';
import {
  answersIn,
  applyAnswers,
  describeTally,
  isChecklistComment,
  isCurrent,
  parseItems,
  renderComment,
  tally,
  type Answer,
  type Tally,
} from './checklist.js';
import { readRunnerEvent, readTrigger, type Trigger } from './event.js';
import {
  STATUS_CONTEXT,
  httpStatus,
  octokitChecklistGitHub,
  type ChecklistGitHub,
  type PullComment,
} from './github.js';
import { readChecklistSettings, type ChecklistSettings } from './settings.js';
import {
  emptyState,
  rawStateLine,
  readState,
  stateDigest,
  stateLine,
  withState,
  type ChecklistState,
} from './state.js';

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
  /** Answers put back because nobody allowed to give them could be shown to have given them. */
  reverted: string[];
}

/**
 * The checklist action: keeps one checklist comment on the pull request, in which only people allowed to
 * (write access; not the pull request's author unless allowed) can answer items, counts the answers, and in
 * `require` mode sets the `safe-deploy/checklist` status on the head commit. A token without the
 * permissions it needs (a fork's read-only token) gets warnings that say how to grant them, never a crash.
 */
export async function runChecklist(read: InputReader, deps: ChecklistDeps = {}): Promise<ChecklistResult> {
  const settings = readChecklistSettings(
    read,
    deps.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd(),
  );
  log.registerSecret(settings.token);
  const event = deps.event ?? readRunnerEvent();
  const trigger = readTrigger(event.name, event.payload);
  if (trigger.kind === 'ignored') {
    log.info(`Nothing to do: ${trigger.reason}.`);
    return { comment: 'ignored', missingPermissions: [], reverted: [] };
  }
  const github =
    deps.github ?? octokitChecklistGitHub({ token: settings.token, ...repository(deps.repository) });
  const guard = new PermissionGuard();
  log.info(`Template: ${settings.templateSource}; mode: ${settings.mode}; pull request #${trigger.number}.`);
  const self = await identity(github);

  const found = await guard.attempt('read the pull request comments', 'pull-requests: read', async () => ({
    comment: await findChecklist(github, trigger.number, self),
  }));
  if (trigger.kind === 'checklist-edited' && found && found.comment?.id !== trigger.commentId) {
    const reason = found.comment
      ? `comment ${trigger.commentId} on #${trigger.number} carries the checklist marker but the checklist is comment ${found.comment.id}`
      : `comment ${trigger.commentId} on #${trigger.number} carries the checklist marker but is not the action's checklist`;
    log.info(`Nothing to do: ${reason}.`);
    return { comment: 'ignored', missingPermissions: guard.missing, reverted: [] };
  }
  const pull =
    trigger.kind === 'pull-request' && trigger.author
      ? { headSha: trigger.headSha, author: trigger.author }
      : await guard.attempt('read the pull request', 'pull-requests: read', () =>
          github.pullRequest(trigger.number),
        );
  const headSha = trigger.kind === 'pull-request' ? trigger.headSha : pull?.headSha;

  // Without reading the comments, posting could duplicate the checklist: report the template as it stands.
  if (!found)
    return report(
      github,
      guard,
      settings,
      { body: renderComment(settings.template), comment: 'not-written', state: emptyState() },
      [],
      headSha,
    );

  const existing = found.comment;
  const referee = new Referee(github, settings, pull?.author);
  let state = existing
    ? await verifiedRecord(github, settings, existing, trigger, headSha, self)
    : emptyState();
  const reverted: Reverted[] = [];
  if (trigger.kind === 'checklist-edited' && existing) {
    state = await attribute(trigger, state, referee, reverted, self);
  }

  const outcome = existing
    ? await keep(github, guard, settings, existing, state, reverted)
    : await create(github, guard, settings.template, trigger.number);
  return report(github, guard, settings, outcome, reverted, headSha);
}

/** An answer put back: the item's key and why. */
interface Reverted {
  key: string;
  why: string;
}

interface CommentOutcome {
  /** The checklist as it now stands (or would, when it could not be written). */
  body: string;
  comment: ChecklistResult['comment'];
  url?: string;
  /** The record the comment now carries (the old one when it could not be written). */
  state: ChecklistState;
}

/**
 * Who the token is. The checklist is only what that account wrote, and only its statuses vouch for a record:
 * any other account (another app, a maintainer's own tool) can post a copy with a record and a status of its
 * own, and nothing it writes is the checklist.
 */
async function identity(github: ChecklistGitHub): Promise<string> {
  try {
    const login = await github.identity();
    log.info(`The checklist is the comment ${login} (the github-token's account) posts.`);
    return login;
  } catch (error) {
    throw new Error(
      `Could not tell which account the github-token acts as (GraphQL viewer: ${describe(error)}); ` +
        'without it no comment can be told to be the checklist.',
      { cause: error },
    );
  }
}

/**
 * The pull request's checklist: the oldest comment posted by the token's own account (`self`) whose hidden
 * record names its own id. A copy of the checklist pasted into another comment names the original's id, and a
 * comment posted by any other account, bot or person, is never taken.
 */
async function findChecklist(
  github: ChecklistGitHub,
  pull: number,
  self: string,
): Promise<PullComment | undefined> {
  const candidates = await github.findComments(pull, (comment) => {
    const state = isChecklistComment(comment.body) ? readState(comment.body) : undefined;
    return typeof state === 'object' && state.comment === comment.id && !!comment.author;
  });
  const others = candidates.filter((comment) => comment.author!.login !== self);
  if (others.length > 0) {
    log.warning(
      `Ignored ${others.length} comment(s) that look like the checklist but were posted by ` +
        `${[...new Set(others.map((c) => c.author!.login))].join(', ')}, not by ${self} (the github-token's ` +
        `account): ${others.map((c) => c.url).join(' ')}`,
    );
  }
  return candidates.find((comment) => comment.author!.login === self);
}

function recordOf(comment: PullComment): ChecklistState {
  const state = readState(comment.body);
  return typeof state === 'object' ? state : emptyState(comment.id);
}

/**
 * The record to start from. In `require` mode every status the action sets carries the fingerprint of the
 * record it left in the comment; the comment's record must match it, or (when this event reports an edit)
 * the record just before or after that edit must. A record that matches none of them was edited outside
 * the action (a hand edit whose run was skipped, say): nothing in it is trusted, every answer is cleared.
 */
async function verifiedRecord(
  github: ChecklistGitHub,
  settings: ChecklistSettings,
  comment: PullComment,
  trigger: Exclude<Trigger, { kind: 'ignored' }>,
  headSha: string | undefined,
  self: string,
): Promise<ChecklistState> {
  const latest = recordOf(comment);
  const sha = trigger.kind === 'pull-request' && trigger.before ? trigger.before : headSha;
  if (settings.mode !== 'require' || !sha) return latest;
  let status: { description: string } | undefined;
  try {
    // Only a status the token's own account set vouches: any account with statuses: write can set the context.
    status = await github.latestStatus(sha, self);
  } catch (error) {
    // Without the statuses the record is checked per edit only; that is no reason to fail the run.
    log.warning(
      `Could not read the commit statuses of ${sha.slice(0, 7)} to verify the checklist's record (${describe(error)}); ` +
        'its answers are not trusted.',
    );
    return emptyState(comment.id);
  }
  const anchored = status && /record ([0-9a-f]{12})/.exec(status.description)?.[1];
  if (!anchored) {
    // No status of the action's vouches for any record yet: only an empty one can be taken on trust (a comment
    // someone else posted with answers already in it, before the action's first run, must not count).
    if (latest.answers.size === 0) return latest;
    log.warning(
      `No ${STATUS_CONTEXT} status set by ${self} on ${sha.slice(0, 7)} vouches for the answers ` +
        "in the checklist's record: they are cleared and must be given again.",
    );
    return emptyState(comment.id);
  }
  const edited = trigger.kind === 'checklist-edited' ? [trigger.from ?? '', trigger.body] : [];
  const candidates = [latest, ...edited.map(readState)].filter(
    (s): s is ChecklistState => typeof s === 'object' && s.comment === comment.id,
  );
  const verified = candidates.find((s) => stateDigest(s) === anchored);
  if (verified) return verified;
  log.warning(
    `The checklist's hidden record does not match the one the action last wrote (fingerprint ${anchored} on ` +
      `${sha.slice(0, 7)}): it was edited outside the action. Every answer is cleared and must be given again.`,
  );
  return emptyState(comment.id);
}

/** Decides who may answer items: write access, and not the pull request's author unless allowed. */
class Referee {
  private readonly known = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly github: ChecklistGitHub,
    private readonly settings: ChecklistSettings,
    private readonly author: string | undefined,
  ) {}

  /** Why `login` may not answer, or undefined when they may. */
  refusal(login: string): Promise<string | undefined> {
    let answer = this.known.get(login);
    if (!answer) {
      answer = this.decide(login);
      this.known.set(login, answer);
    }
    return answer;
  }

  private async decide(login: string): Promise<string | undefined> {
    const permission = await this.github.permission(login);
    if (permission !== 'admin' && permission !== 'write')
      return `${login} has ${permission} access, not write`;
    if (login === this.author && !this.settings.authorsMayTick) {
      return `${login} is the pull request's author (set authors-may-tick to allow it)`;
    }
    if (!this.author && !this.settings.authorsMayTick) return "the pull request's author is unknown";
    return undefined;
  }
}

/**
 * Applies one edit of the checklist (from the `issue_comment` `edited` event: who, the body before and
 * after) to the record: the answers it changed are recorded as the sender's when the sender may answer,
 * and put back otherwise. An edit of the hidden record itself is refused whole.
 */
function showsItsRecord(body: string): boolean {
  const record = readState(body);
  if (typeof record !== 'object') return false;
  return [...answersIn(body)].every(([key, shown]) => shown === record.answers.get(key)?.answer);
}

async function attribute(
  edit: Extract<Trigger, { kind: 'checklist-edited' }>,
  state: ChecklistState,
  referee: Referee,
  reverted: Reverted[],
  self: string,
): Promise<ChecklistState> {
  if (edit.from === undefined) return state;
  // With a personal access token or an app's, the action's own writes come back as edits too: a body that
  // shows exactly its record, by the token's own account, is one.
  if (edit.sender === self && showsItsRecord(edit.body)) return state;
  const before = answersIn(edit.from);
  const after = answersIn(edit.body);
  const changed = [...after].filter(([key, answer]) =>
    before.has(key) || answer ? before.get(key) !== answer : false,
  );
  if (changed.length === 0 && rawStateLine(edit.from) === rawStateLine(edit.body)) return state;
  const sender = edit.sender ?? 'an unknown account';
  if (rawStateLine(edit.from) !== rawStateLine(edit.body)) {
    log.warning(
      `${sender} edited the checklist's hidden record; only the action writes it. The edit's answers are not counted.`,
    );
    reverted.push(...changed.map(([key]) => ({ key, why: `edited with the record, by ${sender}` })));
    // Keep the record the run started from, unless that is the edited one (nothing vouched for another).
    const edited = readState(edit.body);
    if (typeof edited !== 'object' || stateDigest(edited) !== stateDigest(state)) return state;
    const previous = readState(edit.from);
    return typeof previous === 'object' ? previous : emptyState(state.comment);
  }
  const refusal = edit.sender ? await referee.refusal(edit.sender) : 'the edit names no sender';
  if (refusal) {
    log.warning(
      `Put back ${changed.length} answer(s) changed by ${sender}: ${refusal}. ` +
        `Changed: ${changed.map(([key, answer]) => `"${key}" ${describeAnswer(answer)}`).join('; ')}`,
    );
    reverted.push(...changed.map(([key]) => ({ key, why: `by ${sender}` })));
    return state;
  }
  const answers = new Map(state.answers);
  for (const [key, answer] of changed) {
    if (answer) answers.set(key, { answer, by: sender });
    else answers.delete(key);
  }
  log.info(
    `Counted ${changed.length} answer(s) by ${sender}: ${changed.map(([key, answer]) => `"${key}" ${describeAnswer(answer)}`).join('; ')}`,
  );
  return { comment: state.comment, answers };
}

function describeAnswer(answer: Answer | undefined): string {
  return answer === 'checked' ? 'ticked' : answer === 'struck' ? 'struck through' : 'cleared';
}

/**
 * Makes the comment show the record: the template's current version (the text reviewers wrote kept while
 * the template is unchanged), every item answered as the record says. An answer shown in the comment that
 * the record does not hold (ticked by someone not allowed, or in an edit no run attributed) is put back.
 */
async function keep(
  github: ChecklistGitHub,
  guard: PermissionGuard,
  { template }: ChecklistSettings,
  existing: PullComment,
  state: ChecklistState,
  reverted: Reverted[],
): Promise<CommentOutcome> {
  const current = isCurrent(existing.body, template);
  const inTemplate = new Set(parseItems(template).map((item) => item.key));
  // Answers to items gone from the template are forgotten with them.
  const kept: ChecklistState = current
    ? state
    : { comment: existing.id, answers: new Map([...state.answers].filter(([key]) => inTemplate.has(key))) };
  const struck = new Set(
    parseItems(template)
      .filter((item) => item.struck)
      .map((item) => item.key),
  );
  const answerFor = (key: string) => kept.answers.get(key)?.answer;
  const source = current ? existing.body : renderComment(template);
  const body = withState(applyAnswers(source, answerFor, struck), { ...kept, comment: existing.id });
  if (current) {
    const already = new Set(reverted.map((r) => r.key));
    const unattributed = [...answersIn(existing.body)]
      .filter(([key, shown]) => !struck.has(key) && shown !== answerFor(key) && !already.has(key))
      .map(([key]) => key);
    if (unattributed.length > 0) {
      reverted.push(...unattributed.map((key) => ({ key, why: 'not attributed to anyone allowed' })));
      log.warning(
        `Put back ${unattributed.length} answer(s) in the checklist that no edit by someone allowed accounts for ` +
          `(given by someone not allowed, or in an edit whose run was skipped; answer them again): ` +
          unattributed.map((key) => `"${key}"`).join('; '),
      );
    }
  }
  if (body === existing.body) {
    log.info(`The checklist comment is up to date: ${existing.url}`);
    return { body, comment: 'unchanged', url: existing.url, state: kept };
  }
  const updated = await guard.attempt('update the checklist comment', 'pull-requests: write', () =>
    github.updateComment(existing.id, body),
  );
  if (!updated) return { body, comment: 'not-written', url: existing.url, state: recordOf(existing) };
  log.info(
    current
      ? `Updated the checklist to show its record: ${updated.url}`
      : `The template changed; updated the checklist, keeping the answers to items still in it: ${updated.url}`,
  );
  return { body: updated.body, comment: 'updated', url: updated.url, state: kept };
}

/** Posts the checklist, then writes its own id into its record (the id exists only once it is posted). */
async function create(
  github: ChecklistGitHub,
  guard: PermissionGuard,
  template: string,
  pull: number,
): Promise<CommentOutcome> {
  const draft = renderComment(template, stateLine(emptyState()));
  const created = await guard.attempt('comment on the pull request', 'pull-requests: write', () =>
    github.createComment(pull, draft),
  );
  if (!created) return { body: draft, comment: 'not-written', state: emptyState() };
  const state = emptyState(created.id);
  const bound = await guard.attempt('update the checklist comment', 'pull-requests: write', () =>
    github.updateComment(created.id, withState(created.body, state)),
  );
  log.info(`Posted the checklist: ${created.url}`);
  return {
    body: bound?.body ?? created.body,
    comment: 'created',
    url: created.url,
    state: bound ? state : emptyState(),
  };
}

async function report(
  github: ChecklistGitHub,
  guard: PermissionGuard,
  settings: ChecklistSettings,
  outcome: CommentOutcome,
  reverted: Reverted[],
  headSha: string | undefined,
): Promise<ChecklistResult> {
  const { state } = outcome;
  const counted = tally(parseItems(settings.template), parseItems(outcome.body));
  log.info(`Checklist: ${describeTally(counted)}${counted.complete ? ' (complete)' : ''}.`);
  for (const [key, { answer, by }] of state.answers)
    log.info(`  "${key}" ${describeAnswer(answer)} by ${by}`);
  if (counted.missing.length > 0) {
    log.info(`Items missing from the comment, counted as unticked: ${counted.missing.join('; ')}`);
  }
  core.setOutput('total', String(counted.total));
  core.setOutput('checked', String(counted.checked));
  core.setOutput('complete', String(counted.complete));

  let status: ChecklistResult['status'];
  if (settings.mode === 'require') {
    const state_ = counted.complete ? 'success' : 'failure';
    const set =
      headSha !== undefined &&
      (await guard.attempt('set the commit status', 'statuses: write', async () => {
        await github.setStatus(headSha, {
          state: state_,
          // The fingerprint lets the next run tell whether the record was edited by hand in between.
          description: `${describeTally(counted)} · record ${stateDigest(state)}`,
          ...(outcome.url ? { targetUrl: outcome.url } : {}),
        });
        return true;
      }));
    status = set ? state_ : 'not-set';
    if (set) log.info(`Set ${STATUS_CONTEXT} to ${state_} on ${headSha.slice(0, 7)}.`);
  }

  await writeSummary(counted, outcome, status, guard.missing);
  return {
    tally: counted,
    comment: outcome.comment,
    ...(outcome.url ? { commentUrl: outcome.url } : {}),
    ...(status ? { status } : {}),
    missingPermissions: guard.missing,
    reverted: reverted.map(({ key, why }) => `${key} (${why})`),
  };
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
      // A rate limit answers 403 too: that is no missing permission, and the run fails saying so.
      if ((status !== 403 && status !== 404) || isRateLimited(error)) throw error;
      const wanted = permission.replace(/: read$/, ': write');
      if (!this.missing.includes(wanted)) this.missing.push(wanted);
      log.warning(
        `The token could not ${what} (${describe(error)}). It needs the permission '${permission}': ` +
          `add "permissions: { ${wanted} }" to the workflow job (see docs/checklist.md). ` +
          'Pull requests from forks get a read-only token on pull_request events whatever the workflow asks, ' +
          'and that is as it should be: see "Forks" in docs/checklist.md. Carrying on.',
      );
      return undefined;
    }
  }
}

function describe(error: unknown): string {
  const status = httpStatus(error);
  const message =
    error instanceof Error
      ? error.message.replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, '')
      : String(error);
  return status ? `HTTP ${status}: ${message}` : message;
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
