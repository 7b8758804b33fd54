import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { parseDuration, formatDuration } from '../../src/duration.js';
import { recordInputs } from '../../src/inputs.js';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa';
const base = { cluster: 'web', service: 'api', 'task-definition': 'api:7' };
const parse = (inputs: Record<string, string>) => parseDeploySettings(recordInputs({ ...base, ...inputs }));

describe('durations', () => {
  test.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1h', 3_600_000],
    ['2m30s', 150_000],
    ['0s', 0],
  ])('%s', (text, ms) => expect(parseDuration(text, 'x')).toBe(ms));

  test.each(['', '5', '5 m', '1.5m', '-5m', 'm', '5m1h', '10d'])('refuses %j', (text) => {
    expect(() => parseDuration(text, 'bake-time')).toThrow(
      `Input 'bake-time': ${JSON.stringify(text)} is not valid`,
    );
  });

  test.each([
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [0, '0s'],
  ])('formats %d as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('deploy settings', () => {
  test('defaults follow the product contract', () => {
    const s = parse({ 'listener-arn': LISTENER });
    expect(s).toMatchObject({
      route: { kind: 'listener' },
      minRequests: 0,
      stepsText: 'Canary10Percent5Minutes',
      oneBox: false,
      oneBoxBakeMs: 600_000,
      bakeMs: 300_000,
      pollIntervalMs: 10_000,
      insufficientData: 'ignore',
      stabilizeTimeoutMs: 600_000,
      timeoutMs: 3_600_000,
      requireReview: false,
      dryRun: false,
      environment: 'web/api',
      taskDefinition: { kind: 'existing', reference: 'api:7' },
    });
  });

  test('routing defaults to task-sets without a listener', () => {
    expect(parse({}).route).toEqual({ kind: 'task-sets' });
  });

  test('alarm lists split on commas and newlines', () => {
    expect(parse({ alarms: 'a, b\n\nc, a\n' }).alarms).toEqual(['a', 'b', 'c']);
  });

  test('a task definition file is found on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-'));
    const file = join(dir, 'task-definition.json');
    writeFileSync(file, '{}');
    expect(
      parse({ 'task-definition': file, 'container-name': 'app', image: 'shop/api@sha256:' + 'a'.repeat(64) })
        .taskDefinition,
    ).toEqual({
      kind: 'file',
      path: file,
      containerName: 'app',
      image: 'shop/api@sha256:' + 'a'.repeat(64),
    });
  });

  test.each([
    [{ cluster: '' }, `Input 'cluster': "" is not valid: a value is required`],
    [
      { cluster: 'web cluster' },
      `Input 'cluster': "web cluster" is not valid: expected a name or an ECS ARN`,
    ],
    [
      { 'listener-arn': 'arn:aws:elb:nope' },
      `Input 'listener-arn': "arn:aws:elb:nope" is not valid: expected an ELBv2 listener ARN`,
    ],
    [{ routing: 'dns' }, `Input 'routing': "dns" is not valid: expected one of listener, task-sets`],
    [
      { routing: 'listener' },
      `Input 'routing': "listener" is not valid: listener routing needs 'listener-arn'`,
    ],
    [{ 'poll-interval': '500ms' }, `Input 'poll-interval': "500ms" is not valid`],
    [{ 'poll-interval': '0s' }, `Input 'poll-interval': "0s" is not valid: the smallest interval is 1s`],
    [{ 'bake-time': '5 minutes' }, `Input 'bake-time': "5 minutes" is not valid`],
    [{ 'min-requests': '-1' }, `Input 'min-requests': "-1" is not valid: expected a whole number`],
    [
      { 'min-requests': '100', routing: 'task-sets' },
      `Input 'min-requests': "100" is not valid: counting green's requests needs 'routing: listener'`,
    ],
    [{ 'one-box': 'yes' }, `Input 'one-box': "yes" is not valid: expected true or false`],
    [
      { 'insufficient-data': 'fail' },
      `Input 'insufficient-data': "fail" is not valid: expected one of ignore, rollback`,
    ],
    [{ steps: '10%' }, `Input 'steps': "10%" is not valid: the last step must be 100%`],
    [
      { 'task-definition': 'missing.json' },
      `Input 'task-definition': "missing.json" is not valid: no such file`,
    ],
    [
      { 'task-definition': '' },
      `Input 'task-definition': "" is not valid: give a task definition file or ARN, or a 'manifest'`,
    ],
    [{ image: 'shop/api:1' }, "Inputs 'container-name' and 'image' go together"],
    [{ manifest: 'nope.json' }, "Input 'task-definition' cannot be used with 'manifest'"],
    [{ timeout: '0s' }, `Input 'timeout': "0s" is not valid: must be longer than 0s`],
    [
      { timeout: '20m', steps: 'Linear10PercentEvery3Minutes', 'bake-time': '5m' },
      `Input 'timeout': "20m" is not valid: the plan alone holds traffic for 32m (steps 27m + bake-time 5m): give a longer timeout`,
    ],
    [
      { steps: 'Canary10Percent15Minutes', 'one-box': 'true', 'one-box-bake': '30m', 'bake-time': '15m' },
      `Input 'timeout': "60m" is not valid: the plan alone holds traffic for 1h (steps 15m + one-box-bake 30m + bake-time 15m)`,
    ],
  ])('refuses %j', (inputs, message) => {
    expect(() => parse(inputs as Record<string, string>)).toThrow(message);
  });
});

describe('inputs that would be ignored or name the wrong thing', () => {
  const RULE =
    'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener-rule/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbb';
  const SERVICE = 'arn:aws:ecs:us-east-1:111111111111:service/web/api';
  const dir = mkdtempSync(join(tmpdir(), 'settings-'));

  test.each([
    [
      { cluster: SERVICE },
      `Input 'cluster': ${JSON.stringify(SERVICE)} is not valid: this is a service ARN (that goes in 'service'), not a cluster ARN`,
    ],
    [
      { service: 'arn:aws:ecs:us-east-1:111111111111:cluster/web' },
      "this is a cluster ARN (that goes in 'cluster'), not a service ARN",
    ],
    [
      { service: 'arn:aws:ecs:us-east-1:111111111111:service/other/api' },
      "this service ARN is of cluster other, but 'cluster' is web",
    ],
    [
      { 'listener-arn': RULE },
      "this is a listener rule ARN (that goes in 'listener-rule-arn'), not a listener ARN",
    ],
    [
      { 'task-definition': 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/1' },
      'Input \'task-definition\': "arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/1" is not valid: this is an ECS task set ARN, not a task definition ARN',
    ],
    [
      { routing: 'task-sets', 'listener-arn': LISTENER },
      `Input 'listener-arn': ${JSON.stringify(LISTENER)} is not valid: 'routing: task-sets' moves traffic by task-set scale and never uses a listener`,
    ],
    [{ routing: 'task-sets', 'listener-rule-arn': RULE }, "Input 'listener-rule-arn': "],
    [
      { 'one-box-alarms': 'api-one-box' },
      `Input 'one-box-alarms': "api-one-box" is not valid: these alarms are watched only in the one-box stage, which runs with 'one-box: true'`,
    ],
    [{ alarms: ' , ,' }, `Input 'alarms': ", ," is not valid: only commas`],
    [{ alarms: '   ' }, `Input 'alarms': "   " is not valid: a list of only spaces`],
    [{ 'blocker-alarms': 'sev1,,sev2' }, `Input 'blocker-alarms': "sev1,,sev2" is not valid: an empty item`],
    [{ steps: '  ' }, `Input 'steps': "  " is not valid: only spaces`],
    [
      { 'listener-arn': LISTENER, 'test-listener-arn': LISTENER },
      `Input 'test-listener-arn': ${JSON.stringify(LISTENER)} is not valid: this is the production listener ('listener-arn'): give a separate test listener`,
    ],
    [
      { 'listener-rule-arn': RULE, 'test-listener-arn': LISTENER },
      "this is the listener of the production rule ('listener-rule-arn'): give a separate test listener",
    ],
    [
      { 'task-definition': 'td.json', 'container-name': 'app', image: 'nginx@sha256:xyz' },
      `Input 'image': "nginx@sha256:xyz" is not valid: the digest "sha256:xyz" is not sha256: followed by 64 lowercase hex digits`,
    ],
    [
      { 'task-definition': 'td.json', 'container-name': 'app', image: 'shop/api latest' },
      `Input 'image': "shop/api latest" is not valid: an image reference has no spaces`,
    ],
  ])('refuses %j', (inputs, message) => {
    expect(() => parse(inputs as Record<string, string>)).toThrow(message);
  });

  test('a task definition or manifest that is a directory or a FIFO is refused before anything runs', () => {
    const fifo = join(dir, 'td.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => parse({ 'task-definition': fifo })).toThrow(
      `Input 'task-definition': ${JSON.stringify(fifo)} is not valid: a named pipe (FIFO), not a regular file`,
    );
    expect(() => parse({ 'task-definition': dir })).toThrow(
      `Input 'task-definition': ${JSON.stringify(dir)} is not valid: a directory, not a regular file`,
    );
    expect(() => parse({ 'task-definition': '', manifest: fifo })).toThrow(
      `Input 'manifest': ${JSON.stringify(fifo)} is not valid: a named pipe (FIFO), not a regular file`,
    );
  });

  describe('regions', () => {
    const inRegion = (region: string | undefined, inputs: Record<string, string>) =>
      parseDeploySettings(
        recordInputs({ ...base, ...inputs }),
        region ? { region, from: 'AWS_REGION' } : undefined,
      );

    test.each([
      ['listener-arn', LISTENER],
      ['test-listener-arn', LISTENER.replace('aaaaaaaaaaaaaaaa', 'cccccccccccccccc')],
      ['listener-rule-arn', RULE],
      ['cluster', 'arn:aws:ecs:us-east-1:111111111111:cluster/web'],
      ['service', SERVICE],
      ['task-definition', 'arn:aws:ecs:us-east-1:111111111111:task-definition/api:7'],
    ])("%s of another region than the client's is refused", (input, arn) => {
      const extra: Record<string, string> = { [input]: arn };
      if (input === 'test-listener-arn') extra['listener-arn'] = LISTENER.replace('us-east-1', 'eu-west-1');
      expect(() => inRegion('eu-west-1', extra)).toThrow(
        `Input '${input}': ${JSON.stringify(arn)} is not valid: this ARN is in region us-east-1, but the deploy works in eu-west-1 (AWS_REGION)`,
      );
      if (input !== 'test-listener-arn') expect(() => inRegion('us-east-1', extra)).not.toThrow();
    });

    test('the region comes from AWS_REGION, then AWS_DEFAULT_REGION', async () => {
      const { clientRegion } = await import('../../src/deploy/arns.js');
      expect(clientRegion({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' })).toEqual({
        region: 'eu-west-1',
        from: 'AWS_REGION',
      });
      expect(clientRegion({ AWS_DEFAULT_REGION: 'us-east-1' })).toEqual({
        region: 'us-east-1',
        from: 'AWS_DEFAULT_REGION',
      });
      expect(clientRegion({})).toBeUndefined();
    });
  });
});
