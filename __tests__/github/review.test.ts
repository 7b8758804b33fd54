import { UserError } from '../../src/errors.js';
import { githubClient } from '../../src/github/client.js';
import { branchOfRef, checkReviewed, reviewVerdict } from '../../src/github/review.js';
import { FakeGitHub, type Reply } from '../support/fake-github.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const PULLS_OF_COMMIT = `/repos/octo/shop/commits/${SHA}/pulls`;
const REVIEWS = '/repos/octo/shop/pulls/(\\d+)/reviews';

let github: FakeGitHub;

beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
});

afterEach(async () => {
  await github.stop();
});

function pull(number: number, fields: { merged?: boolean; base?: string; mergeCommit?: string } = {}) {
  return {
    number,
    state: fields.merged === false ? 'open' : 'closed',
    merged_at: fields.merged === false ? null : '2026-11-22T16:00:00Z',
    merge_commit_sha: fields.mergeCommit ?? SHA,
    base: { ref: fields.base ?? 'main' },
  };
}

let minute = 0;
function review(login: string, state: string) {
  minute += 1;
  return {
    id: minute,
    user: { login },
    state,
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
    ...extra,
  });
}

test('a commit merged through an approved pull request passes', async () => {
  serve([pull(12)], { 12: [review('alice', 'APPROVED')] });

  await expect(check()).resolves.toEqual({ ok: true, pr: 12, approvedBy: ['alice'] });
  const [lookup] = github.calls('GET', PULLS_OF_COMMIT);
  expect(lookup!.headers.authorization).toBe('token ghs_test');
});

test('a commit with no pull request is refused, naming the commit and the branch', async () => {
  serve([]);
  await expect(check()).resolves.toEqual({
    ok: false,
    reason:
      'commit 0123456 did not reach main through an approved pull request (no merged pull request contains it)',
  });
});

test('an open pull request does not count', async () => {
  serve([pull(14, { merged: false })], { 14: [review('alice', 'APPROVED')] });
  const result = await check();
  expect(result).toEqual({
    ok: false,
    reason:
      'commit 0123456 did not reach main through an approved pull request (no merged pull request contains it)',
  });
  expect(github.calls('GET', REVIEWS)).toHaveLength(0);
});

test('a pull request into another branch does not count for this branch', async () => {
  serve([pull(15, { base: 'develop' })], { 15: [review('alice', 'APPROVED')] });
  await expect(check()).resolves.toEqual({
    ok: false,
    reason:
      'commit 0123456 did not reach main through an approved pull request (it was merged only by #15 into develop)',
  });
});

test('a merged pull request without an approving review is refused', async () => {
  serve([pull(12)], { 12: [review('bob', 'COMMENTED')] });
  await expect(check()).resolves.toEqual({
    ok: false,
    reason:
      'commit 0123456 did not reach main through an approved pull request (#12 has no approving review)',
  });
});

test('an approval followed by a request for changes is refused and names who asked', async () => {
  serve([pull(12)], { 12: [review('alice', 'APPROVED'), review('bob', 'CHANGES_REQUESTED')] });
  await expect(check()).resolves.toEqual({
    ok: false,
    reason:
      'commit 0123456 did not reach main through an approved pull request (#12 has changes requested by bob)',
  });
});

test("a reviewer's later request for changes replaces their own approval, and a later approval clears it", async () => {
  serve([pull(12), pull(13, { mergeCommit: 'f'.repeat(40) })], {
    12: [review('alice', 'APPROVED'), review('alice', 'CHANGES_REQUESTED')],
    13: [review('carol', 'CHANGES_REQUESTED'), review('carol', 'APPROVED')],
  });
  await expect(check()).resolves.toEqual({ ok: true, pr: 13, approvedBy: ['carol'] });
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
  test('a dismissed approval no longer counts', () => {
    expect(reviewVerdict([review('alice', 'APPROVED'), review('alice', 'DISMISSED')])).toEqual({
      approvedBy: [],
      changesRequestedBy: [],
    });
  });

  test('orders reviews by submission time, not by list position', () => {
    const late = { user: { login: 'alice' }, state: 'APPROVED', submitted_at: '2026-11-22T18:00:00Z' };
    const early = {
      user: { login: 'alice' },
      state: 'CHANGES_REQUESTED',
      submitted_at: '2026-11-22T09:00:00Z',
    };
    expect(reviewVerdict([late, early]).approvedBy).toEqual(['alice']);
  });
});

test('branchOfRef reads branches only', () => {
  expect(branchOfRef('refs/heads/release/2026-11')).toBe('release/2026-11');
  expect(branchOfRef('refs/tags/v1.2.0')).toBeUndefined();
  expect(branchOfRef(undefined)).toBeUndefined();
});
