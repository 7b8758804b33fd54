import { UserError } from '../../src/errors.js';
import { githubClient } from '../../src/github/client.js';
import { branchOfRef, checkReviewed, reviewVerdict } from '../../src/github/review.js';
import { FakeGitHub, type Reply } from '../support/fake-github.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
/** The pull request's final head: the commit its approvals must be given to. */
const HEAD = 'feedfacefeedfacefeedfacefeedfacefeedface';
const OLDER = 'abad1deaabad1deaabad1deaabad1deaabad1dea';
const PULLS_OF_COMMIT = `/repos/octo/shop/commits/${SHA}/pulls`;
const REVIEWS = '/repos/octo/shop/pulls/(\\d+)/reviews';
const COMMITS = '/repos/octo/shop/pulls/(\\d+)/commits';
const PERMISSION = '/repos/octo/shop/collaborators/([^/]+)/permission';

let github: FakeGitHub;
let logged: string[];
/** Repository permission by login, as GET /collaborators/{login}/permission reports it; others get 404. */
let permissions: Record<string, string>;

beforeEach(async () => {
  github = new FakeGitHub();
  logged = [];
  permissions = { alice: 'write', bob: 'admin', carol: 'write', dave: 'write', reader: 'read' };
  github.on('GET', PERMISSION, (_req, [login]) => {
    const permission = permissions[decodeURIComponent(login!)];
    return permission
      ? { body: { permission, role_name: permission, user: { login } } }
      : { status: 404, body: { message: 'Not Found' } };
  });
  github.on('GET', COMMITS, () => ({ body: [{ sha: HEAD, author: { login: 'dave' } }] }));
  await github.start();
});

afterEach(async () => {
  await github.stop();
});

function pull(
  number: number,
  fields: { merged?: boolean; base?: string; mergeCommit?: string; head?: string; author?: string } = {},
) {
  return {
    number,
    state: fields.merged === false ? 'open' : 'closed',
    merged_at: fields.merged === false ? null : '2026-11-22T16:00:00Z',
    merge_commit_sha: fields.mergeCommit ?? SHA,
    head: { sha: fields.head ?? HEAD },
    user: { login: fields.author ?? 'dave' },
    base: { ref: fields.base ?? 'main' },
  };
}

let minute = 0;
function review(login: string, state: string, commit = HEAD) {
  minute += 1;
  return {
    id: minute,
    user: { login },
    state,
    commit_id: commit,
    submitted_at: `2026-11-22T15:${String(minute).padStart(2, '0')}:00Z`,
  };
}

/** The commit's pull requests and each one's reviews, as GitHub serves them. */
function serve(pulls: unknown[], reviews: Record<number, unknown[]> = {}): void {
  github.on('GET', PULLS_OF_COMMIT, () => ({ body: pulls }));
  github.on('GET', REVIEWS, (_req, [n]) => ({ body: reviews[Number(n)] ?? [] }));
}

function check(extra: { branch?: string } = {}) {
  return checkReviewed({
    token: 'ghs_test',
    baseUrl: github.url,
    owner: 'octo',
    repo: 'shop',
    sha: SHA,
    branch: 'main',
    info: (line) => logged.push(line),
    ...extra,
  });
}

const refused = (detail: string) => ({
  ok: false,
  reason: `commit 0123456 did not reach main through an approved pull request (${detail})`,
});

test('a commit merged through a pull request approved at its head by a maintainer passes, saying who', async () => {
  serve([pull(12)], { 12: [review('alice', 'APPROVED')] });

  await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['alice'] });
  const [lookup] = github.calls('GET', PULLS_OF_COMMIT);
  expect(lookup!.headers.authorization).toBe('token ghs_test');
  expect(github.calls('GET', PERMISSION).map((r) => r.path)).toEqual([
    '/repos/octo/shop/collaborators/alice/permission',
  ]);
  expect(logged).toEqual([
    'Review: commit 0123456 reached the branch through #12, approved at feedfac by alice (write access, not an author)',
  ]);
});

test('a commit with no pull request is refused, naming the commit and the branch', async () => {
  serve([]);
  await expect(check()).resolves.toEqual(refused('no merged pull request contains it'));
});

test('an open pull request does not count', async () => {
  serve([pull(14, { merged: false })], { 14: [review('alice', 'APPROVED')] });
  await expect(check()).resolves.toEqual(refused('no merged pull request contains it'));
  expect(github.calls('GET', REVIEWS)).toHaveLength(0);
});

test('a pull request into another branch does not count for this branch', async () => {
  serve([pull(15, { base: 'develop' })], { 15: [review('alice', 'APPROVED')] });
  await expect(check()).resolves.toEqual(refused('it was merged only by #15 into develop'));
});

test('a merged pull request without an approving review is refused', async () => {
  serve([pull(12)], { 12: [review('bob', 'COMMENTED')] });
  await expect(check()).resolves.toEqual(refused('#12 has no approval that counts'));
});

describe('every way around the review', () => {
  test("a stranger's approval (not a collaborator) does not count", async () => {
    serve([pull(12)], { 12: [review('stranger', 'APPROVED')] });
    await expect(check()).resolves.toEqual(
      refused('#12 has no approval that counts; not counted: stranger (no write access)'),
    );
  });

  test("the author's second account with read access only does not count, whatever author_association says", async () => {
    permissions['dave-alt'] = 'read';
    const alt = { ...review('dave-alt', 'APPROVED'), author_association: 'COLLABORATOR' };
    serve([pull(12)], { 12: [alt] });
    await expect(check()).resolves.toEqual(
      refused('#12 has no approval that counts; not counted: dave-alt (no write access)'),
    );
  });

  test('a self-approval by the pull request author (with write access) does not count', async () => {
    serve([pull(12, { author: 'carol' })], { 12: [review('carol', 'APPROVED')] });
    await expect(check()).resolves.toEqual(
      refused('#12 has no approval that counts; not counted: carol (an author of the change)'),
    );
  });

  test('an approval by someone who wrote a commit of the pull request does not count', async () => {
    // dave wrote the head commit (the COMMITS route); erin opened the pull request.
    serve([pull(12, { author: 'erin' })], { 12: [review('dave', 'APPROVED')] });
    await expect(check()).resolves.toEqual(
      refused('#12 has no approval that counts; not counted: dave (an author of the change)'),
    );
  });

  test('an approval of an older commit of the pull request does not count', async () => {
    serve([pull(12)], { 12: [review('alice', 'APPROVED', OLDER)] });
    await expect(check()).resolves.toEqual(
      refused('#12 has no approval that counts; not counted: alice (approved abad1de, not the final head)'),
    );
  });

  test('deploying an earlier commit of a merged pull request does not borrow the approval of its head', async () => {
    serve([pull(12, { mergeCommit: 'f'.repeat(40) })], { 12: [review('alice', 'APPROVED')] });
    await expect(check()).resolves.toEqual(
      refused(
        '#12 has no approval that counts; not counted: alice (approved feedfac, not the final head) ' +
          '(0123456 is an earlier commit of it, not what its merge produced)',
      ),
    );
  });

  test('a fast-forwarded head (the deployed commit is the head) counts its own approval', async () => {
    serve([pull(12, { head: SHA, mergeCommit: SHA })], { 12: [review('alice', 'APPROVED', SHA)] });
    await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['alice'] });
  });

  test('a dismissed approval does not count', async () => {
    serve([pull(12)], { 12: [review('alice', 'APPROVED'), review('alice', 'DISMISSED')] });
    await expect(check()).resolves.toEqual(refused('#12 has no approval that counts'));
  });

  test("a maintainer's later request for changes blocks another maintainer's approval", async () => {
    serve([pull(12)], { 12: [review('alice', 'APPROVED'), review('bob', 'CHANGES_REQUESTED', OLDER)] });
    await expect(check()).resolves.toEqual(refused('#12 has changes requested by bob'));
  });

  test("a reviewer's later request for changes replaces their own approval", async () => {
    serve([pull(12)], { 12: [review('alice', 'APPROVED'), review('alice', 'CHANGES_REQUESTED')] });
    await expect(check()).resolves.toEqual(refused('#12 has changes requested by alice'));
  });

  test('a request for changes by someone without write access neither blocks nor approves', async () => {
    serve([pull(12)], { 12: [review('alice', 'APPROVED'), review('reader', 'CHANGES_REQUESTED')] });
    await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['alice'] });
  });

  test('a later approval at the head clears the same reviewer’s request for changes', async () => {
    serve([pull(12)], { 12: [review('carol', 'CHANGES_REQUESTED', OLDER), review('carol', 'APPROVED')] });
    await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['carol'] });
  });

  test('the log names the approvals that did not count next to the one that did', async () => {
    serve([pull(12)], { 12: [review('stranger', 'APPROVED'), review('alice', 'APPROVED')] });
    await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['alice'] });
    expect(logged[0]).toContain(
      'by alice (write access, not an author); not counted: stranger (no write access)',
    );
  });
});

test('a comment after an approval leaves the approval standing', async () => {
  serve([pull(12)], {
    12: [review('alice', 'APPROVED'), review('alice', 'COMMENTED'), review('bob', 'COMMENTED')],
  });
  await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['alice'] });
});

test('reviews are read across pages', async () => {
  serve([pull(12)]);
  const pages: Record<string, Reply> = {
    '1': {
      body: Array.from({ length: 100 }, (_, i) => review(`reader${i}`, 'COMMENTED')),
      headers: { link: `<${github.url}/repos/octo/shop/pulls/12/reviews?per_page=100&page=2>; rel="next"` },
    },
    '2': { body: [review('alice', 'APPROVED')] },
  };
  github.on('GET', REVIEWS, (req) => pages[req.query.get('page') ?? '1']!);

  await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['alice'] });
  const calls = github.calls('GET', REVIEWS);
  expect(calls).toHaveLength(2);
  expect(calls[0]!.query.get('per_page')).toBe('100');
});

test('the branch defaults to the one in GITHUB_REF, and a client can be passed in', async () => {
  serve([pull(12, { base: 'release' })], { 12: [review('alice', 'APPROVED')] });
  const previous = process.env.GITHUB_REF;
  process.env.GITHUB_REF = 'refs/heads/main';
  try {
    const octokit = githubClient({ token: 'ghs_other', baseUrl: github.url });
    const result = await checkReviewed({ octokit, owner: 'octo', repo: 'shop', sha: SHA });
    expect(result).toEqual({
      ok: false,
      reason:
        'commit 0123456 did not reach main through an approved pull request (it was merged only by #12 into release)',
    });
    expect(github.requests[0]!.headers.authorization).toBe('token ghs_other');
  } finally {
    if (previous === undefined) delete process.env.GITHUB_REF;
    else process.env.GITHUB_REF = previous;
  }
});

test('an API refusal is a UserError naming the permissions the token needs', async () => {
  github.on('GET', PULLS_OF_COMMIT, () => ({
    status: 403,
    body: { message: 'Resource not accessible by integration' },
  }));
  const error = await check().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toContain('could not list the pull requests of commit 0123456 (HTTP 403');
  expect((error as Error).message).toContain('contents: read and pull-requests: read');
});

test('no token is a UserError before any request', async () => {
  const error = await checkReviewed({ token: '', owner: 'octo', repo: 'shop', sha: SHA }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toContain("needs 'github-token'");
  expect(github.requests).toHaveLength(0);
});

describe('reviewVerdict', () => {
  const policy = { commits: new Set([HEAD]), authors: new Set<string>(), canWrite: async () => true };

  test('orders reviews by submission time, not by list position', async () => {
    const late = { ...review('alice', 'APPROVED'), submitted_at: '2026-11-22T18:00:00Z' };
    const early = { ...review('alice', 'CHANGES_REQUESTED'), submitted_at: '2026-11-22T09:00:00Z' };
    expect((await reviewVerdict([late, early], policy)).approvedBy).toEqual(['alice']);
  });
});

test('branchOfRef reads branches only', () => {
  expect(branchOfRef('refs/heads/release/2026-11')).toBe('release/2026-11');
  expect(branchOfRef('refs/tags/v1.2.0')).toBeUndefined();
  expect(branchOfRef(undefined)).toBeUndefined();
});
