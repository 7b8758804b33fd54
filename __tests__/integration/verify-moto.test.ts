import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  ECSClient,
  ListTaskDefinitionsCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import type { DeployReport } from '../../src/report/model.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { motoDeployDeps } from '../support/moto-deploy.js';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';

// Verify against moto's own ECR, SSM, Secrets Manager, IAM and CloudWatch Logs, through the real SDK
// adapters: what exists is verified, and what does not is refused before the first change.
const ACCOUNT = '123456789012'; // moto's default account
const REGISTRY = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

let moto: Moto;
let seeded: SeededService;
let digest: string;
let secretArn: string;
const logs: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

beforeEach(async () => {
  await moto.reset();
  logs.length = 0;
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
  const config = motoClientConfig(moto);
  const ecr = new ECRClient(config);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'shop/api' }));
  const pushed = await ecr.send(
    new PutImageCommand({
      repositoryName: 'shop/api',
      imageTag: 'v1',
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { digest: 'sha256:1' },
        layers: [],
      }),
    }),
  );
  digest = pushed.image!.imageId!.imageDigest!;
  await new SSMClient(config).send(
    new PutParameterCommand({ Name: '/shop/db-password', Value: 'hunter2', Type: 'SecureString' }),
  );
  secretArn = (
    await new SecretsManagerClient(config).send(
      new CreateSecretCommand({ Name: 'shop/api-key', SecretString: '{"key":"k"}' }),
    )
  ).ARN!;
  await new IAMClient(config).send(
    new CreateRoleCommand({ RoleName: 'shop-exec', AssumeRolePolicyDocument: TRUST }),
  );
  await new CloudWatchLogsClient(config).send(new CreateLogGroupCommand({ logGroupName: '/ecs/api' }));
});

/** moto's task definition (bridge networking) naming the image, a parameter, a secret's JSON key, a role and a log group. */
function definition(
  image: string,
  overrides: Partial<RegisterTaskDefinitionCommandInput> = {},
): RegisterTaskDefinitionCommandInput {
  const td = taskDefinitionJson(image) as unknown as RegisterTaskDefinitionCommandInput;
  const app = td.containerDefinitions![0]!;
  app.secrets = [
    { name: 'DB_PASSWORD', valueFrom: '/shop/db-password' },
    { name: 'API_KEY', valueFrom: `${secretArn}:key::` },
  ];
  app.logConfiguration = {
    logDriver: 'awslogs',
    options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'api' },
  };
  return { ...td, executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-exec`, ...overrides };
}

function deploy(
  td: RegisterTaskDefinitionCommandInput,
  inputs: Record<string, string> = {},
): Promise<DeployReport> {
  const settings = parseDeploySettings(
    recordInputs({
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      steps: 'AllAtOnce',
      'poll-interval': '1s',
      'bake-time': '1m',
      ...inputs,
    }),
  );
  return runLifecycle(
    settings,
    { register: td },
    motoDeployDeps(moto, {
      region: 'us-east-1',
      log: {
        info: (m) => logs.push(m),
        warn: (m) => logs.push(`warning: ${m}`),
        debug: () => undefined,
        group: (_name, run) => run(),
      },
    }),
  );
}

async function taskDefinitionCount(): Promise<number> {
  const out = await new ECSClient(motoClientConfig(moto)).send(new ListTaskDefinitionsCommand({}));
  return out.taskDefinitionArns?.length ?? 0;
}

test('a task definition whose image digest, parameter, secret, role and log group exist deploys', async () => {
  const report = await deploy(definition(`${REGISTRY}/shop/api@${digest}`));
  expect(report.result).toBe('deployed');
  expect(logs).toEqual(
    expect.arrayContaining([
      `Verified container app: image ${REGISTRY}/shop/api@${digest} is in ECR`,
      'Verified container app: secret DB_PASSWORD (SSM parameter /shop/db-password) exists',
      `Verified container app: secret API_KEY (Secrets Manager secret ${secretArn}:key::) exists`,
      'Verified container app: awslogs group /ecs/api (us-east-1) exists',
      `Verified execution role arn:aws:iam::${ACCOUNT}:role/shop-exec exists and trusts ecs-tasks.amazonaws.com`,
    ]),
  );
});

test('an image by tag is verified by its tag', async () => {
  const report = await deploy(definition(`${REGISTRY}/shop/api:v1`), { 'dry-run': 'true' });
  expect(report.result).toBe('dry-run');
  expect(logs).toContain(`Verified container app: image ${REGISTRY}/shop/api:v1 is in ECR`);
});

describe('a missing ECR digest, SSM parameter and execution role are refused before any change', () => {
  const missing = `sha256:${'0'.repeat(64)}`;
  const broken = (): RegisterTaskDefinitionCommandInput => {
    const td = definition(`${REGISTRY}/shop/api@${missing}`, {
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/no-such-role`,
    });
    td.containerDefinitions![0]!.secrets![0]!.valueFrom = '/shop/no-such-parameter';
    return td;
  };
  const lines = [
    `- container app: image ${REGISTRY}/shop/api@${missing}: ECR repository shop/api has no image with digest ${missing}`,
    '- container app: secret DB_PASSWORD (SSM parameter /shop/no-such-parameter) does not exist in us-east-1',
    `- execution role arn:aws:iam::${ACCOUNT}:role/no-such-role does not exist`,
  ];

  test.each([
    ['a deploy', {}],
    ['a dry run', { 'dry-run': 'true' }],
  ])('%s', async (_, inputs) => {
    const error = await deploy(broken(), inputs).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Input 'task-definition' ".*task-definition\.json": 3 things it names do not exist/,
    );
    for (const line of lines) expect(message.split('\n')).toContain(line);
    // Nothing registered (only the seed's revision), no task set created, traffic untouched.
    expect(await taskDefinitionCount()).toBe(1);
    const state = await readDeployState(moto, seeded);
    expect(state.taskSets).toHaveLength(1);
    expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  });
});
