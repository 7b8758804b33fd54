import {
  checkBalancers,
  judgeRole,
  judgeSecret,
  parseEcrImage,
  planVerify,
  trustsEcsTasks,
} from '../../../src/deploy/verify/checks.js';

const REGISTRY = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const place = { region: 'us-east-1', account: '111111111111' };

describe('parseEcrImage', () => {
  test.each([
    [`${REGISTRY}/shop/api@${DIGEST}`, { repository: 'shop/api', digest: DIGEST }],
    [`${REGISTRY}/shop/api:v1.2@${DIGEST}`, { repository: 'shop/api', digest: DIGEST }],
    [`${REGISTRY}/shop/api:v1.2`, { repository: 'shop/api', tag: 'v1.2' }],
    [`${REGISTRY}/api`, { repository: 'api', tag: 'latest' }],
    [
      '222222222222.dkr.ecr-fips.us-gov-west-1.amazonaws.com/x:1',
      { registryId: '222222222222', region: 'us-gov-west-1', tag: '1' },
    ],
    ['333333333333.dkr.ecr.cn-north-1.amazonaws.com.cn/x:1', { region: 'cn-north-1' }],
    ['444444444444.dkr-ecr.eu-west-1.on.aws/x@' + DIGEST, { region: 'eu-west-1', digest: DIGEST }],
  ])('%s is an ECR image', (uri, expected) => {
    expect(parseEcrImage(uri)).toMatchObject(expected);
  });

  test.each([
    'nginx:1.27',
    'public.ecr.aws/nginx/nginx:1.27',
    'ghcr.io/octo/shop@' + DIGEST,
    'localhost:5000/x',
  ])('%s is not in a private ECR registry', (uri) => expect(parseEcrImage(uri)).toBeUndefined());
});

describe('planVerify', () => {
  test('lists a read for each image, secret, role and log group, and says what it cannot check', () => {
    const plan = planVerify(
      {
        executionRoleArn: 'arn:aws:iam::111111111111:role/service/exec',
        taskRoleArn: 'arn:aws:iam::999999999999:role/elsewhere',
        containerDefinitions: [
          {
            name: 'app',
            image: `${REGISTRY}/shop/api@${DIGEST}`,
            secrets: [
              { name: 'PLAIN', valueFrom: 'db-password' },
              { name: 'ONE', valueFrom: 'arn:aws:ssm:us-east-1:111111111111:parameter/x' },
              { name: 'PATH', valueFrom: 'arn:aws:ssm:eu-west-1:111111111111:parameter/shop/db' },
              { name: 'SHARED', valueFrom: 'arn:aws:ssm:us-east-1:999999999999:parameter/shared' },
              {
                name: 'KEY',
                valueFrom:
                  'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf:password:AWSPREVIOUS:',
              },
            ],
            repositoryCredentials: {
              credentialsParameter: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:hub-123456',
            },
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-west-2' },
            },
          },
          {
            name: 'sidecar',
            image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40',
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/otel', 'awslogs-create-group': 'true' },
            },
          },
        ],
      },
      place,
      [],
    );
    expect(plan.findings).toEqual([]);
    expect(plan.checks).toEqual([
      expect.objectContaining({
        kind: 'image',
        container: 'app',
        ecr: expect.objectContaining({ repository: 'shop/api', digest: DIGEST }),
      }),
      expect.objectContaining({
        kind: 'parameter',
        what: 'secret PLAIN',
        names: ['db-password'],
        region: 'us-east-1',
      }),
      // The ARN of `x` and of `/x` read the same: both names are asked for.
      expect.objectContaining({ kind: 'parameter', what: 'secret ONE', names: ['x', '/x'] }),
      expect.objectContaining({
        kind: 'parameter',
        what: 'secret PATH',
        names: ['/shop/db'],
        region: 'eu-west-1',
      }),
      expect.objectContaining({ kind: 'shared-parameter', what: 'secret SHARED' }),
      expect.objectContaining({
        kind: 'secret',
        what: 'secret KEY',
        secretId: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf',
        versionStage: 'AWSPREVIOUS',
        versionId: undefined,
      }),
      expect.objectContaining({
        kind: 'secret',
        what: 'repository credentials',
        secretId: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:hub-123456',
      }),
      expect.objectContaining({ kind: 'log-group', group: '/ecs/api', region: 'us-west-2' }),
      expect.objectContaining({ kind: 'role', role: 'execution', name: 'exec' }),
    ]);
    expect(plan.unchecked).toEqual([
      'log group /ecs/otel (container sidecar): awslogs-create-group is "true", so ECS creates it',
      'image public.ecr.aws/aws-observability/aws-otel-collector:v0.40: not in a private ECR registry, so not verified',
      "task role arn:aws:iam::999999999999:role/elsewhere: in account 999999999999, not the service's, so not verified",
    ]);
  });

  test('a valueFrom of another service is a finding, with no read', () => {
    const plan = planVerify(
      {
        containerDefinitions: [
          { name: 'app', secrets: [{ name: 'X', valueFrom: 'arn:aws:s3:::bucket/key' }] },
        ],
      },
      place,
      [],
    );
    expect(plan.checks).toEqual([]);
    expect(plan.findings).toEqual([
      {
        container: 'app',
        problem: 'secret X: arn:aws:s3:::bucket/key is neither an SSM parameter nor a Secrets Manager secret',
      },
    ]);
  });
});

test('the load balancer container and port must be in the task definition', () => {
  const containers = [{ name: 'app', portMappings: [{ containerPort: 8080 }] }, { name: 'worker' }];
  expect(checkBalancers(containers, [{ containerName: 'app', containerPort: 8080 }])).toEqual([]);
  expect(checkBalancers(containers, [{ containerName: 'app', containerPort: 80 }])).toEqual([
    {
      container: 'app',
      problem: 'the load balancer sends traffic to port 80, which the container does not map (it maps 8080)',
    },
  ]);
  expect(checkBalancers(containers, [{ containerName: 'web', containerPort: 80 }])).toEqual([
    {
      container: 'web',
      problem:
        'the load balancer sends traffic to container web, which the task definition does not have (it has app, worker)',
    },
  ]);
});

describe('trustsEcsTasks', () => {
  const policy = (...statements: object[]) =>
    JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const allow = {
    Effect: 'Allow',
    Principal: { Service: 'ecs-tasks.amazonaws.com' },
    Action: 'sts:AssumeRole',
  };
  test.each([
    ['an Allow to the service', policy(allow), true],
    [
      'the service among others, actions in a list',
      policy({
        ...allow,
        Principal: { Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
        Action: ['sts:TagSession', 'sts:AssumeRole'],
      }),
      true,
    ],
    ['a single statement object', JSON.stringify({ Statement: allow }), true],
    ['a wildcard action', policy({ ...allow, Action: 'sts:*' }), true],
    ['another service only', policy({ ...allow, Principal: { Service: 'ec2.amazonaws.com' } }), false],
    ['an Allow and a Deny', policy(allow, { ...allow, Effect: 'Deny' }), false],
    ['another action only', policy({ ...allow, Action: 'sts:AssumeRoleWithWebIdentity' }), false],
    ['no policy', '', false],
  ])('%s: %s', (_, text, expected) => expect(trustsEcsTasks(text)).toBe(expected));
});

describe('judgeSecret', () => {
  const check = (versionStage?: string, versionId?: string) => ({
    kind: 'secret' as const,
    container: 'app',
    what: 'secret X',
    valueFrom: 'arn',
    region: 'us-east-1',
    secretId: 'arn',
    versionStage,
    versionId,
  });
  const secret = { versions: { 'v-1': ['AWSCURRENT'], 'v-0': ['AWSPREVIOUS'] }, deletedDate: undefined };
  test.each([
    ['any version', check(), secret, { ok: 'exists' }],
    ['a stage some version has', check('AWSPREVIOUS'), secret, { ok: 'exists' }],
    ['a stage no version has', check('PENDING'), secret, { missing: 'has no version labelled PENDING' }],
    ['a version id and its stage', check('AWSCURRENT', 'v-1'), secret, { ok: 'exists' }],
    [
      'a stage another version has',
      check('AWSCURRENT', 'v-0'),
      secret,
      { missing: 'has no version labelled AWSCURRENT with id v-0' },
    ],
    ['a version id it lacks', check(undefined, 'v-9'), secret, { missing: 'has no version v-9' }],
    [
      'a secret scheduled for deletion',
      check(),
      { ...secret, deletedDate: new Date() },
      { missing: 'is scheduled for deletion' },
    ],
    ['no secret', check(), undefined, { missing: 'does not exist' }],
  ])('%s', (_, c, found, verdict) => expect(judgeSecret(c, found)).toEqual(verdict));
});

describe('judgeRole', () => {
  const trust = JSON.stringify({
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const arn = 'arn:aws:iam::111111111111:role/app/exec';
  const check = (named: string | undefined) => ({
    kind: 'role' as const,
    role: 'execution' as const,
    text: named ?? 'exec',
    name: 'exec',
    arn: named,
  });
  test('found as named, trusting ECS tasks', () => {
    expect(judgeRole(check(arn), { arn, trustPolicy: trust })).toEqual({
      ok: 'exists and trusts ecs-tasks.amazonaws.com',
    });
    expect(judgeRole(check(undefined), { arn, trustPolicy: trust })).toMatchObject({
      ok: expect.any(String),
    });
  });
  test('a role of that name at another path is not the one named', () => {
    expect(judgeRole(check('arn:aws:iam::111111111111:role/exec'), { arn, trustPolicy: trust })).toEqual({
      missing: `does not exist (the role named exec is ${arn})`,
    });
  });
  test('a role that does not trust ECS tasks', () => {
    expect(judgeRole(check(arn), { arn, trustPolicy: '{}' })).toEqual({
      missing:
        'does not trust ecs-tasks.amazonaws.com: its trust policy must allow that service sts:AssumeRole',
    });
  });
});
