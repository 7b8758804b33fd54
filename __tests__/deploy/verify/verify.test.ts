import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { DeployDeps } from '../../../src/deploy/context.js';
import { runLifecycle } from '../../../src/deploy/lifecycle.js';
import type { DeployReport } from '../../../src/report/model.js';
import { parseDeploySettings, type DeploySettings } from '../../../src/deploy/settings.js';
import { recordInputs } from '../../../src/inputs.js';
import { LISTENER } from '../../support/fake-aws.js';
import { ECS_TASKS_TRUST } from '../../support/fake-resources.js';
import { renderPlanText, renderSummary } from '../../../src/report/summary.js';
import { MUTATING, scenario, type Scenario } from '../harness.js';

const REGISTRY = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE = `${REGISTRY}/shop/api@${DIGEST}`;
const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:shop/api-key-AbCdEf';
const EXEC_ROLE = 'arn:aws:iam::111111111111:role/shop-exec';
const TASK_ROLE = 'arn:aws:iam::111111111111:role/shop-task';

/** A task definition naming an ECR image, an SSM parameter, a Secrets Manager JSON key, two roles and a log group. */
function definition(
  change: (td: RegisterTaskDefinitionCommandInput) => void = () => undefined,
): RegisterTaskDefinitionCommandInput {
  const td: RegisterTaskDefinitionCommandInput = {
    family: 'api',
    executionRoleArn: EXEC_ROLE,
    taskRoleArn: TASK_ROLE,
    containerDefinitions: [
      {
        name: 'app',
        image: IMAGE,
        portMappings: [{ containerPort: 80 }],
        secrets: [
          { name: 'DB_PASSWORD', valueFrom: '/shop/db-password' },
          { name: 'API_KEY', valueFrom: `${SECRET}:key:AWSCURRENT:` },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/ecs/api',
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'api',
          },
        },
      },
    ],
  };
  change(td);
  return td;
}

/** Everything the task definition names exists. */
function provision(s: Scenario): void {
  const r = s.aws.resources;
  r.pushImage(IMAGE);
  r.parameters.add('/shop/db-password');
  r.secrets.set(SECRET, { 'v-1': ['AWSCURRENT'] });
  r.addRole('shop-exec');
  r.addRole('shop-task');
  r.logGroups.add('/ecs/api');
}

function settingsOf(inputs: Record<string, string>): DeploySettings {
  return parseDeploySettings(
    recordInputs({
      cluster: 'web',
      service: 'api',
      'task-definition': 'api:7',
      'listener-arn': LISTENER,
      alarms: 'api-5xx',
      'poll-interval': '10s',
      'bake-time': '1m',
      ...inputs,
    }),
  );
}

function run(
  s: Scenario,
  td: RegisterTaskDefinitionCommandInput,
  inputs: Record<string, string> = {},
  change: (settings: DeploySettings) => DeploySettings = (x) => x,
  deps: Partial<DeployDeps> = {},
): Promise<DeployReport> {
  return runLifecycle(
    change(settingsOf(inputs)),
    { register: td },
    {
      ...s.aws.ports(),
      clock: s.clock,
      log: {
        info: (m) => s.logs.push(m),
        warn: (m) => s.logs.push(`warning: ${m}`),
        debug: () => undefined,
        group: (_name, body) => body(),
      },
      identity: { repository: 'octo/shop', commit: 'abc1234', runId: '99', runAttempt: '1' },
      runHook: async () => 0,
      saveState: () => undefined,
      region: 'us-east-1',
      ...deps,
    },
  );
}

const mutatingCalls = (s: Scenario): string[] => s.aws.calls.filter((c) => MUTATING.includes(c));

test('a task definition whose image, secrets, roles and log group exist deploys, and the log says what was verified', async () => {
  const s = scenario();
  provision(s);
  const report = await run(s, definition());
  expect(report.result).toBe('deployed');
  expect(s.logs).toEqual(
    expect.arrayContaining([
      `Verified container app: image ${IMAGE} is in ECR`,
      'Verified container app: secret DB_PASSWORD (SSM parameter /shop/db-password) exists',
      `Verified container app: secret API_KEY (Secrets Manager secret ${SECRET}:key:AWSCURRENT:) exists`,
      'Verified container app: awslogs group /ecs/api (us-east-1) exists',
      `Verified execution role ${EXEC_ROLE} exists and trusts ecs-tasks.amazonaws.com`,
      `Verified task role ${TASK_ROLE} exists and trusts ecs-tasks.amazonaws.com`,
    ]),
  );
  // Only reads: DescribeParameters (no value), DescribeSecret (no value), never GetParameter or GetSecretValue.
  expect(s.aws.calls).toEqual(
    expect.arrayContaining([
      'DescribeImages',
      'DescribeParameters',
      'DescribeSecret',
      'GetRole',
      'DescribeLogGroups',
    ]),
  );
  expect(s.aws.calls).not.toContain('GetParameter');
  // Verified before the first change.
  expect(s.aws.calls.indexOf('GetRole')).toBeLessThan(s.aws.calls.indexOf('RegisterTaskDefinition'));
});

describe('what does not exist is refused before any change, all of it in one error', () => {
  const broken = (s: Scenario): RegisterTaskDefinitionCommandInput => {
    provision(s);
    s.aws.resources.parameters.delete('/shop/db-password');
    s.aws.resources.roles.delete('shop-exec');
    // The digest was never pushed: only another one is in the repository.
    s.aws.resources.images.set('111111111111/shop/api', new Set([`sha256:${'e'.repeat(64)}`]));
    return definition();
  };
  const expected = [
    `Input 'task-definition' "api:7": 3 things it names do not exist or cannot be used, so its tasks would not start; nothing was changed:`,
    `- container app: image ${IMAGE}: ECR repository shop/api has no image with digest ${DIGEST}`,
    '- container app: secret DB_PASSWORD (SSM parameter /shop/db-password) does not exist in us-east-1',
    `- execution role ${EXEC_ROLE} does not exist`,
    '(verify: false turns these checks off)',
  ].join('\n');

  test('a deploy', async () => {
    const s = scenario();
    await expect(run(s, broken(s))).rejects.toThrow(expected);
    expect(mutatingCalls(s)).toEqual([]);
    expect(s.aws.count('RegisterTaskDefinition')).toBe(0);
    expect(s.aws.count('CreateTaskSet')).toBe(0);
    expect(s.aws.weightHistory).toEqual([]);
  });

  test('a dry run', async () => {
    const s = scenario();
    await expect(run(s, broken(s), { 'dry-run': 'true' })).rejects.toThrow(expected);
    expect(mutatingCalls(s)).toEqual([]);
  });

  test('deployed from a manifest, the error names the manifest', async () => {
    const s = scenario();
    await expect(
      run(s, broken(s), {}, (settings) => ({
        ...settings,
        taskDefinition: { kind: 'manifest', path: 'release/manifest.json' },
      })),
    ).rejects.toThrow(/^Input 'manifest' "release\/manifest.json": 3 things it names do not exist/);
  });
});

test.each([
  [
    'a role ECS tasks may not assume',
    (s: Scenario) =>
      s.aws.resources.addRole(
        'shop-task',
        JSON.stringify({
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      ),
    `- task role ${TASK_ROLE} does not trust ecs-tasks.amazonaws.com: its trust policy must allow that service sts:AssumeRole`,
  ],
  [
    'a missing log group',
    (s: Scenario) => s.aws.resources.logGroups.clear(),
    '- container app: awslogs group /ecs/api (us-east-1) does not exist: create it, or set the awslogs-create-group option to "true"',
  ],
  [
    'a Secrets Manager version stage the secret does not have',
    (s: Scenario) => s.aws.resources.secrets.set(SECRET, { 'v-1': ['AWSPREVIOUS'] }),
    `- container app: secret API_KEY (Secrets Manager secret ${SECRET}:key:AWSCURRENT:) has no version labelled AWSCURRENT`,
  ],
  [
    'a missing ECR repository',
    (s: Scenario) => s.aws.resources.images.clear(),
    `- container app: image ${IMAGE}: ECR repository shop/api does not exist in account 111111111111 (us-east-1)`,
  ],
])('%s is refused', async (_, change, line) => {
  const s = scenario();
  provision(s);
  change(s);
  const error = await run(s, definition()).catch((e: unknown) => e as Error);
  expect((error as Error).message.split('\n')).toContain(line);
  expect(mutatingCalls(s)).toEqual([]);
});

test("a task definition that does not map the load balancer's container port is refused", async () => {
  const s = scenario();
  provision(s);
  const td = definition((t) => (t.containerDefinitions![0]!.portMappings = [{ containerPort: 8080 }]));
  await expect(run(s, td)).rejects.toThrow(
    '- container app: the load balancer sends traffic to port 80, which the container does not map (it maps 8080)',
  );
  expect(mutatingCalls(s)).toEqual([]);
});

test('awslogs-create-group skips the log group, and an image outside ECR is said once, not read', async () => {
  const s = scenario();
  provision(s);
  s.aws.resources.logGroups.clear();
  const td = definition((t) => {
    const app = t.containerDefinitions![0]!;
    app.logConfiguration!.options!['awslogs-create-group'] = 'true';
    t.containerDefinitions!.push(
      { name: 'proxy', image: 'envoyproxy/envoy:v1.31' },
      { name: 'otel', image: 'envoyproxy/envoy:v1.31' },
    );
  });
  const report = await run(s, td, { 'dry-run': 'true' });
  expect(report.result).toBe('dry-run');
  expect(s.logs).toContain(
    'Not verified: image envoyproxy/envoy:v1.31: not in a private ECR registry, so not verified',
  );
  expect(s.logs).toContain(
    'Not verified: log group /ecs/api (container app): awslogs-create-group is "true", so ECS creates it',
  );
  expect(s.aws.count('DescribeLogGroups')).toBe(0);
  expect(s.aws.count('DescribeImages')).toBe(1);
});

test('a read the credentials may not make is a warning naming the permission, never a block', async () => {
  const s = scenario();
  provision(s);
  s.aws.resources.deny.add('ecr:DescribeImages');
  s.aws.resources.deny.add('iam:GetRole');
  const report = await run(s, definition());
  expect(report.result).toBe('deployed');
  expect(s.logs).toContain(
    `warning: Could not verify image ${IMAGE}: the credentials may not call ecr:DescribeImages (allow it to verify, or set 'verify: false')`,
  );
  expect(s.logs).toContain(
    `warning: Could not verify execution role ${EXEC_ROLE}, task role ${TASK_ROLE}: the credentials may not call iam:GetRole (allow it to verify, or set 'verify: false')`,
  );
  expect(s.logs).toContain(
    'Verified container app: secret DB_PASSWORD (SSM parameter /shop/db-password) exists',
  );
});

test('throttling on a verify read goes through the call policy: tried again, then verified', async () => {
  const s = scenario();
  provision(s);
  s.aws.fail('DescribeImages', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), 2);
  const report = await run(s, definition());
  expect(report.result).toBe('deployed');
  expect(s.aws.count('DescribeImages')).toBe(3);
  expect(s.logs).toContain(`Verified container app: image ${IMAGE} is in ECR`);
});

test("'verify: false' reads none of it", async () => {
  const s = scenario();
  const report = await run(s, definition(), { verify: 'false' });
  expect(report.result).toBe('deployed');
  for (const call of [
    'DescribeImages',
    'DescribeParameters',
    'DescribeSecret',
    'GetRole',
    'DescribeLogGroups',
  ]) {
    expect(s.aws.count(call)).toBe(0);
  }
});

test('the same role named twice is read once', async () => {
  const s = scenario();
  provision(s);
  const report = await run(
    s,
    definition((t) => (t.taskRoleArn = EXEC_ROLE)),
  );
  expect(report.result).toBe('deployed');
  expect(s.aws.count('GetRole')).toBe(1);
});

test('the trust policy comes URL-encoded from IAM and is read decoded', async () => {
  const s = scenario();
  provision(s);
  expect(encodeURIComponent(ECS_TASKS_TRUST)).not.toBe(ECS_TASKS_TRUST);
  await expect(run(s, definition())).resolves.toMatchObject({ result: 'deployed' });
});

test('the dry run shows what was verified: in the plan, and each thing in the job summary', async () => {
  const s = scenario();
  provision(s);
  const td = definition((t) =>
    t.containerDefinitions!.push({ name: 'proxy', image: 'envoyproxy/envoy:v1.31' }),
  );
  const report = await run(s, td, { 'dry-run': 'true' });
  expect(report.result).toBe('dry-run');
  expect(renderPlanText(report.plan)).toContain(
    'verified before any change: 6 thing(s) the task definition names exist; 1 not verified',
  );
  const summary = renderSummary(report);
  expect(summary).toContain('Verified before any change: 6 found, 1 not verified');
  expect(summary).toContain(`<li>✓ container app: image ${IMAGE} is in ECR</li>`);
  expect(summary).toContain(
    '<li>– image envoyproxy/envoy:v1.31: not in a private ECR registry, so not verified</li>',
  );
  expect(mutatingCalls(s)).toEqual([]);
});
