import { FakeGitHub } from '../support/fake-github.js';
import { recordFromId, runLogUrl, startDeploymentRecord } from '../../src/report/deployment-record.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const LOG_URL = 'https://github.com/octo/shop/actions/runs/4242';
const DEPLOYMENTS = '/repos/octo/shop/deployments';
const STATUSES = '/repos/octo/shop/deployments/(\\d+)/statuses';

let github: FakeGitHub;
let warnings: string[];
const warn = (message: string): void => void warnings.push(message);

beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
  warnings = [];
});

afterEach(async () => {
  await github.stop();
});

/** GitHub's deployment endpoints, keeping every status posted per deployment id. */
function acceptDeployments(id = 77): Map<string, unknown[]> {
  const statuses = new Map<string, unknown[]>();
  github.on('POST', DEPLOYMENTS, () => ({ status: 201, body: { id, sha: SHA } }));
  github.on('POST', STATUSES, (req, [deployment]) => {
    statuses.set(deployment!, [...(statuses.get(deployment!) ?? []), req.body]);
    return { status: 201, body: { id: statuses.get(deployment!)!.length } };
  });
  return statuses;
}

function start(overrides: Partial<Parameters<typeof startDeploymentRecord>[0]> = {}) {
  return startDeploymentRecord({
    token: 'ghs_test',
    owner: 'octo',
    repo: 'shop',
    ref: SHA,
    environment: 'shop/api',
    description: 'safe-deploy shop/api',
    logUrl: LOG_URL,
    baseUrl: github.url,
    warn,
    ...overrides,
  });
}

test('creates the deployment for the commit, marks it in_progress, then success', async () => {
  const statuses = acceptDeployments(77);

  const record = await start();

  expect(record.id).toBe(77);
  const [create] = github.calls('POST', DEPLOYMENTS);
  expect(create!.headers.authorization).toBe('token ghs_test');
  expect(create!.body).toEqual({
    ref: SHA,
    environment: 'shop/api',
    description: 'safe-deploy shop/api',
    auto_merge: false,
    required_contexts: [],
  });
  expect(statuses.get('77')).toEqual([
    { state: 'in_progress', description: 'safe-deploy shop/api', log_url: LOG_URL },
  ]);

  await record.finish(true, 'deployed: green is primary');
  await record.finish(false, 'a second finish is ignored');

  expect(statuses.get('77')).toEqual([
    { state: 'in_progress', description: 'safe-deploy shop/api', log_url: LOG_URL },
    { state: 'success', description: 'deployed: green is primary', log_url: LOG_URL },
  ]);
  expect(warnings).toEqual([]);
});

test('a rollback finishes the record as failure, with the description cut to GitHub’s 140 characters', async () => {
  const statuses = acceptDeployments(78);
  const record = await start();

  await record.finish(false, `rolled-back: alarm api-5xx is in ALARM: ${'x'.repeat(200)}`);

  const last = statuses.get('78')!.at(-1) as { state: string; description: string };
  expect(last.state).toBe('failure');
  expect(last.description).toHaveLength(140);
  expect(last.description.startsWith('rolled-back: alarm api-5xx is in ALARM')).toBe(true);
});

test('a read-only token (403) is a warning naming deployments: write, and the deploy goes on', async () => {
  github.on('POST', DEPLOYMENTS, () => ({
    status: 403,
    body: { message: 'Resource not accessible by integration' },
  }));

  const record = await start();

  expect(record.id).toBeUndefined();
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('HTTP 403');
  expect(warnings[0]).toContain('Resource not accessible by integration');
  expect(warnings[0]).toContain('deployments: write');
  await expect(record.finish(true, 'deployed')).resolves.toBeUndefined();
  expect(github.calls('POST', STATUSES)).toHaveLength(0);
});

test('a status GitHub refuses is a warning, never an exception', async () => {
  github.on('POST', DEPLOYMENTS, () => ({ status: 201, body: { id: 79 } }));
  github.on('POST', STATUSES, () => ({ status: 404, body: { message: 'Not Found' } }));

  const record = await start();
  await expect(record.finish(true, 'deployed')).resolves.toBeUndefined();

  expect(github.calls('POST', STATUSES)).toHaveLength(2);
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/Could not mark GitHub deployment 79 in_progress \(HTTP 404/);
  expect(warnings[1]).toMatch(/Could not mark GitHub deployment 79 success \(HTTP 404.*deployments: write/);
});

test('an unreachable API is a warning too, and not blamed on a permission', async () => {
  const url = github.url;
  await github.stop();
  const record = await start({ baseUrl: url });
  expect(record.id).toBeUndefined();
  expect(warnings[0]).toContain('Could not create the GitHub deployment record for shop/api');
  expect(warnings[0]).toContain('GitHub could not be reached');
  expect(warnings[0]).not.toContain('deployments: write');
  await github.start();
});

test.each([
  [500, { message: 'Server Error' }, 'GitHub failed the request (HTTP 500)'],
  [401, { message: 'Bad credentials' }, 'GitHub refused the token itself'],
  [403, { message: 'API rate limit exceeded for installation' }, "GitHub's API rate limit was reached"],
  [422, { message: 'Validation Failed' }, 'GitHub did not accept the request'],
])('HTTP %i is said as what it is, without the permission hint', async (status, body, said) => {
  github.on('POST', DEPLOYMENTS, () => ({ status, body }));
  const record = await start();
  expect(record.id).toBeUndefined();
  expect(warnings[0]).toContain(said);
  expect(warnings[0]).not.toContain('deployments: write');
});

test('without a token there is no record and a warning says which permission a token needs', async () => {
  const record = await start({ token: '' });
  expect(record.id).toBeUndefined();
  expect(warnings[0]).toContain("no 'github-token'");
  expect(warnings[0]).toContain('deployments: write');
  expect(github.requests).toHaveLength(0);
});

test('uses GITHUB_API_URL when no base URL is given', async () => {
  acceptDeployments(80);
  const previous = process.env.GITHUB_API_URL;
  process.env.GITHUB_API_URL = github.url;
  try {
    const record = await start({ baseUrl: undefined });
    expect(record.id).toBe(80);
  } finally {
    if (previous === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = previous;
  }
});

test('the post step can mark a saved deployment failed from its id', async () => {
  const statuses = acceptDeployments();

  await recordFromId('ghs_test', 'octo', 'shop', 91, { baseUrl: github.url, logUrl: LOG_URL, warn }).finish(
    false,
    'cancelled: rolled back to blue',
  );

  expect(statuses.get('91')).toEqual([
    { state: 'failure', description: 'cancelled: rolled back to blue', log_url: LOG_URL },
  ]);
  expect(warnings).toEqual([]);
});

test('the log URL is the run page on the GitHub server', () => {
  expect(
    runLogUrl({
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_REPOSITORY: 'octo/shop',
      GITHUB_RUN_ID: '4242',
    }),
  ).toBe('https://ghe.example.com/octo/shop/actions/runs/4242');
  expect(runLogUrl({ GITHUB_REPOSITORY: 'octo/shop', GITHUB_RUN_ID: '4242' })).toBe(LOG_URL);
  expect(runLogUrl({})).toBeUndefined();
});
