import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/run-action.js';

// A representative bad input of each class, through the built bundles as the runner runs them. AWS and
// GitHub point at a closed port: any call would fail with a connection error instead of the input error
// asserted, so each refusal below came before anything in AWS or GitHub was touched.
const NOWHERE = 'http://127.0.0.1:9';
const DIGEST = `shop/api@sha256:${'c'.repeat(64)}`;
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa';
const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_ENDPOINT_URL: NOWHERE,
  GITHUB_API_URL: NOWHERE,
};

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'bad-input-'));
  writeFileSync(
    join(workspace, 'td.json'),
    JSON.stringify({ family: 'api', containerDefinitions: [{ name: 'app', image: 'placeholder' }] }),
  );
});

/** The run failed cleanly: exit 1, one error annotation with this text, no stack trace, in seconds. */
function expectRefused(run: ActionRun, message: string, started: number): void {
  expect(run.code).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toContain(message);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(Date.now() - started).toBeLessThan(15_000);
}

async function deploy(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const started = Date.now();
  const run = await runAction('deploy', {
    cwd: workspace,
    timeoutMs: 20_000,
    inputs: {
      cluster: 'web',
      service: 'api',
      'task-definition': 'td.json',
      'container-name': 'app',
      image: DIGEST,
      'listener-arn': LISTENER,
      steps: '20%:2s, 100%',
      'bake-time': '2s',
      'github-token': 'ghs_test',
      ...inputs,
    },
    env: { ...env, ...extraEnv },
  });
  return { run, started };
}

describe('deploy bundle', () => {
  test.each<[string, Record<string, string>, string]>([
    [
      'a list with an empty item',
      { steps: '10%:1m,, 100%' },
      `Input 'steps': "10%:1m,, 100%" is not valid: an empty item between two commas after "10%:1m"`,
    ],
    ['an alarm list of only commas', { alarms: ', ,' }, `Input 'alarms': ", ," is not valid: only commas`],
    [
      'a service ARN as cluster',
      { cluster: 'arn:aws:ecs:us-east-1:111111111111:service/web/api' },
      "this is a service ARN (that goes in 'service'), not a cluster ARN",
    ],
    [
      'an invalid digest',
      { image: 'nginx@sha256:xyz' },
      `Input 'image': "nginx@sha256:xyz" is not valid: the digest "sha256:xyz" is not sha256:`,
    ],
    [
      'a listener with task-set routing',
      { routing: 'task-sets' },
      "'routing: task-sets' moves traffic by task-set scale and never uses a listener",
    ],
    [
      'a first-task-set field the deploy sets itself',
      { 'first-task-set': '{"launchType": "FARGATE", "scale": {"value": 50}}' },
      `Input 'first-task-set': "{\\"launchType\\": \\"FARGATE\\", \\"scale\\": {\\"value\\": 50}}" is not valid: unknown field "scale" (the first task set is created at 100%)`,
    ],
    [
      'the test listener as the production listener',
      { 'test-listener-arn': LISTENER },
      "Input 'test-listener-arn'",
    ],
  ])('%s is refused before any AWS call', async (_what, inputs, message) => {
    const { run, started } = await deploy(inputs);
    expectRefused(run, message, started);
  });

  test('a listener of another region than AWS_REGION is refused, naming both regions', async () => {
    const { run, started } = await deploy({}, { AWS_REGION: 'eu-west-1' });
    expectRefused(
      run,
      `Input 'listener-arn': ${JSON.stringify(LISTENER)} is not valid: this ARN is in region us-east-1, but the deploy works in eu-west-1 (AWS_REGION)`,
      started,
    );
  });

  test('a task definition that is a FIFO is refused at once, not waited on', async () => {
    execFileSync('mkfifo', [join(workspace, 'fifo.json')]);
    const { run, started } = await deploy({ 'task-definition': 'fifo.json' });
    expectRefused(
      run,
      `Input 'task-definition': "fifo.json" is not valid: a named pipe (FIFO), not a regular file`,
      started,
    );
  });

  test('a task definition path at another file, or at a loop of links, is refused without echoing the file', async () => {
    // What a path pointing at the wrong file might show: the first bytes of a password file.
    writeFileSync(
      join(workspace, 'passwd'),
      'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/sbin/nologin\n',
    );
    const wrong = await deploy({ 'task-definition': 'passwd' });
    expectRefused(
      wrong.run,
      `Input 'task-definition': "passwd" is not valid: not valid JSON (an unexpected character at line 1, column 1)`,
      wrong.started,
    );
    symlinkSync('b.json', join(workspace, 'a.json'));
    symlinkSync('a.json', join(workspace, 'b.json'));
    const loop = await deploy({ 'task-definition': 'a.json' });
    expectRefused(
      loop.run,
      `Input 'task-definition': "a.json" is not valid: cannot be read (a loop of symbolic links: a link on the path leads back to itself)`,
      loop.started,
    );
    for (const { run } of [wrong, loop]) expect(`${run.stdout}${run.stderr}`).not.toMatch(/root:x|ELOOP/);
  });

  test('a task definition with a duplicate key or a bad sidecar image is refused', async () => {
    writeFileSync(
      join(workspace, 'td.json'),
      '{"family":"api","containerDefinitions":[{"name":"app","image":"x"},{"name":"envoy","image":"envoy latest"}]}',
    );
    let { run, started } = await deploy({});
    expectRefused(
      run,
      'container "envoy" of "td.json" has the image "envoy latest", which is not valid',
      started,
    );
    writeFileSync(join(workspace, 'td.json'), '{"family":"api","family":"web","containerDefinitions":[]}');
    ({ run, started } = await deploy({}));
    expectRefused(run, 'the key "family" appears twice in one object', started);
  });

  test('a manifest symlink that points out of the workspace is refused', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    writeFileSync(join(elsewhere, 'manifest.json'), '{}');
    symlinkSync(join(elsewhere, 'manifest.json'), join(workspace, 'manifest.json'));
    const { run, started } = await deploy({
      'task-definition': '',
      'container-name': '',
      image: '',
      manifest: 'manifest.json',
    });
    expectRefused(
      run,
      `Input 'manifest': "manifest.json" is not valid: it leads through the symbolic link`,
      started,
    );
  });
});

describe('package bundle', () => {
  test('a task definition the deploy would refuse is refused and no manifest is written', async () => {
    writeFileSync(
      join(workspace, 'td.json'),
      JSON.stringify({
        family: 'api',
        containerDefinitions: [
          { name: 'app', image: 'x' },
          { name: 'envoy', image: 'envoy@sha256:xyz' },
        ],
      }),
    );
    const started = Date.now();
    const run = await runAction('package', {
      cwd: workspace,
      inputs: {
        'task-definition': 'td.json',
        'container-name': 'app',
        image: DIGEST,
        path: 'out/manifest.json',
      },
      env,
    });
    expectRefused(
      run,
      'container "envoy" of "td.json" has the image "envoy@sha256:xyz", which is not valid',
      started,
    );
    expect(existsSync(join(workspace, 'out'))).toBe(false);
  });
});

describe('gate bundle', () => {
  test('a calendar that is a FIFO is refused at once, not waited on', async () => {
    execFileSync('mkfifo', [join(workspace, 'freeze.ics')]);
    const started = Date.now();
    const run = await runAction('gate', {
      cwd: workspace,
      inputs: { calendar: 'freeze.ics' },
      env,
      timeoutMs: 20_000,
    });
    expectRefused(
      run,
      `Input 'calendar': "freeze.ics" is not valid: a named pipe (FIFO), not a regular file`,
      started,
    );
  });
});

describe('plan bundle', () => {
  test.each([
    ['a directory', (dir: string) => (mkdirSync(join(dir, 'p.yml')), 'a directory, not a regular file')],
    [
      'an alias bomb',
      (dir: string) => {
        const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
        for (let i = 1; i < 9; i++) {
          const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
          lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
        }
        writeFileSync(join(dir, 'p.yml'), `${lines.join('\n')}\nstages: *i\n`);
        return 'p.yml is not a valid pipeline file: Excessive alias count';
      },
    ],
    [
      'a custom tag',
      (dir: string) => {
        writeFileSync(
          join(dir, 'p.yml'),
          "defaults: { cluster: !!js/function 'function () {}' }\nstages: []\n",
        );
        return 'Unresolved tag: tag:yaml.org,2002:js/function';
      },
    ],
  ])('%s is refused naming the file', async (_what, make) => {
    const message = make(workspace);
    const started = Date.now();
    const run = await runAction('plan', { cwd: workspace, inputs: { config: 'p.yml' }, env });
    expectRefused(run, message, started);
  });
});
