import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SdkEcs } from '../../src/aws/ecs.js';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { readTaskDefinitionFile, renderTaskDefinition } from '../../src/manifest/render.js';
import { motoDeployDeps } from '../support/moto-deploy.js';
import { serviceKind } from '../../src/deploy/kinds/service-kind.js';
import { motoClientConfig, startMoto, type Moto } from '../support/moto.js';

// The setup guide's commands run as written, with the AWS CLI, against moto; what they create is what
// each kind of deploy needs, and the EXTERNAL service's first deploy runs from the files they write.
const doc = readFileSync(join(import.meta.dirname, '../../docs/service-kinds.md'), 'utf8');
const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
// moto does not know this AWS managed policy (newer than moto 5.2); the line is the only one left out.
const MANAGED_POLICY =
  /aws iam attach-role-policy [^\n]*\\\n[^\n]*AmazonECSInfrastructureRolePolicyForLoadBalancers\n/;

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

test('the guide has the shared, EXTERNAL, rolling and native setup blocks', () => {
  expect(blocks).toHaveLength(4);
  expect(blocks.join('\n')).toMatch(MANAGED_POLICY);
});

test('the commands run as written and create each kind of service', async () => {
  const script = blocks.join('\n').replace(MANAGED_POLICY, '');
  const cwd = mkdtempSync(join(tmpdir(), 'safe-deploy-guide-'));
  // The child gets what it needs and nothing of how the suite was started: stdin from /dev/null (a
  // socket as stdin with SHLVL unset makes bash read /etc/bash.bashrc, where -u trips on PS1), and an
  // environment of PATH, a scratch HOME and moto's settings, with no AWS config file of the user's.
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: cwd,
      ...moto.env,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const listenerArn = /listener-arn: (\S+)/.exec(run.stdout)?.[1];
  expect(listenerArn).toMatch(/^arn:aws:elasticloadbalancing:/);

  const ecs = new SdkEcs(new ECSClient(motoClientConfig(moto)));
  const created = (await ecs.describeService('web', 'api'))!;
  expect(created.controller).toBe('EXTERNAL');
  expect(created.taskSets).toEqual([]);
  const first = JSON.parse(readFileSync(join(cwd, 'first-task-set.json'), 'utf8')) as {
    networkConfiguration: { awsvpcConfiguration: { subnets: string[]; securityGroups: string[] } };
  };
  expect(first.networkConfiguration.awsvpcConfiguration.subnets).toEqual([
    expect.stringMatching(/^subnet-/),
    expect.stringMatching(/^subnet-/),
  ]);

  // The first deploy, as the guide says: the task definition and first-task-set.json it wrote.
  const settings = parseDeploySettings(
    recordInputs({
      cluster: 'web',
      service: 'api',
      'task-definition': join(cwd, 'task-definition.json'),
      'listener-arn': listenerArn!,
      'first-task-set': join(cwd, 'first-task-set.json'),
      'bake-time': '1m',
      'poll-interval': '1s',
    }),
    { region: 'us-east-1', from: 'AWS_REGION' },
  );
  const config = motoClientConfig(moto);
  const report = await runLifecycle(
    settings,
    {
      register: renderTaskDefinition(
        readTaskDefinitionFile(join(cwd, 'task-definition.json'), 'task-definition'),
      ),
    },
    motoDeployDeps(moto, {
      ecs,
      identity: { repository: 'octo/shop', commit: 'c0ffee', runId: '1', runAttempt: '1' },
    }),
  );
  expect(report.result).toBe('deployed');
  const external = (await ecs.describeService('web', 'api'))!;
  expect(external.taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY', scalePercent: 100 })]);
  expect(external.taskSets[0]!.raw).toMatchObject({
    launchType: 'FARGATE',
    networkConfiguration: first.networkConfiguration,
    loadBalancers: [expect.objectContaining({ containerName: 'app', containerPort: 80 })],
  });
  const blueTg = external.taskSets[0]!.targetGroupArns[0];
  expect(blueTg).toMatch(/targetgroup\/api-blue\//);
  const listener = await new ElasticLoadBalancingV2Client(config).send(
    new DescribeListenersCommand({ ListenerArns: [listenerArn!] }),
  );
  const groups = listener.Listeners![0]!.DefaultActions![0]!.ForwardConfig!.TargetGroups!;
  expect(groups.map((g) => [g.TargetGroupArn === blueTg, g.Weight])).toEqual([
    [true, 100],
    [false, 0],
  ]);

  const rolling = (await ecs.describeServiceConfiguration('web', 'api-rolling'))!;
  expect(serviceKind(rolling)).toEqual({ kind: 'rolling' });
  expect(rolling.targetGroupArns).toEqual([blueTg]);
  const native = (await ecs.describeServiceConfiguration('web', 'api-native'))!;
  expect(native.raw.loadBalancers?.[0]?.advancedConfiguration).toMatchObject({
    alternateTargetGroupArn: expect.stringMatching(/targetgroup\/api-green\//),
    productionListenerRule: expect.stringMatching(/listener-rule\//),
    roleArn: expect.stringMatching(/role\/ecs-blue-green-api$/),
  });
  // As docs/service-kinds.md says: moto keeps no deployment strategy, so there the service is rolling.
  expect(native.raw.deploymentConfiguration?.strategy).toBeUndefined();
  expect(serviceKind(native)).toEqual({ kind: 'rolling' });
}, 150_000);
