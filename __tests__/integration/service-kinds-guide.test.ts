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
import { serviceKind } from '../../src/deploy/kinds/service-kind.js';
import { motoClientConfig, startMoto, type Moto } from '../support/moto.js';

// The setup guide's commands run as written, with the AWS CLI, against moto; what they create is what
// each kind of deploy needs.
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
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: mkdtempSync(join(tmpdir(), 'safe-deploy-guide-')),
    env: { ...process.env, ...moto.env, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const listenerArn = /listener-arn: (\S+)/.exec(run.stdout)?.[1];
  expect(listenerArn).toMatch(/^arn:aws:elasticloadbalancing:/);

  const ecs = new SdkEcs(new ECSClient(motoClientConfig(moto)));
  const external = (await ecs.describeService('web', 'api'))!;
  expect(external.controller).toBe('EXTERNAL');
  expect(external.taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY', scalePercent: 100 })]);
  const blueTg = external.taskSets[0]!.targetGroupArns[0];
  const listener = await new ElasticLoadBalancingV2Client(motoClientConfig(moto)).send(
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
}, 150_000);
