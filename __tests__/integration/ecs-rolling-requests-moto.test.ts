import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { dimensionOf } from '../../src/aws/cloudwatch.js';
import { SdkLoadBalancer } from '../../src/aws/load-balancer.js';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import type { DeployReport } from '../../src/report/model.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { FakeClock } from '../support/fake-clock.js';
import { motoDeployDeps } from '../support/moto-deploy.js';
import {
  motoClientConfig,
  readServiceState,
  seedRollingService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededRollingService,
} from '../support/moto.js';

// min-requests on an ECS rolling service behind an Application Load Balancer: the real SDK over HTTP
// against moto_server (its rolling deployments from scripts/lib/moto-server.py, its DescribeTargetGroups,
// and GetMetricData over what PutMetricData stored); only time is simulated.
const MINUTE = 60_000;
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

let seeded: SeededRollingService;
beforeEach(async () => {
  await moto.reset();
  seeded = await seedRollingService(moto, { loadBalanced: true });
});

async function deploy(inputs: Record<string, string>, clock: FakeClock): Promise<DeployReport> {
  const settings = parseDeploySettings(
    recordInputs({
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      alarms: 'api-5xx',
      'poll-interval': '5s',
      'bake-time': '1m',
      ...inputs,
    }),
  );
  return runLifecycle(
    settings,
    { register: taskDefinitionJson('shop/api@sha256:' + 'e'.repeat(64)) as never },
    motoDeployDeps(moto, {
      clock,
      identity: { repository: 'octo/shop', commit: 'c0ffee', runId: '8', runAttempt: '1' },
    }),
  );
}

/** Requests the service's target group served in the minute starting at `at`, as the ALB reports them. */
async function served(at: number, requests: number): Promise<void> {
  await new CloudWatchClient(motoClientConfig(moto)).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ApplicationELB',
      MetricData: [
        {
          MetricName: 'RequestCount',
          Dimensions: [
            { Name: 'TargetGroup', Value: dimensionOf(seeded.targetGroupArn!) },
            { Name: 'LoadBalancer', Value: dimensionOf(seeded.loadBalancerArn!) },
          ],
          Timestamp: new Date(at),
          Value: requests,
          Unit: 'Count',
        },
      ],
    }),
  );
}

test("DescribeTargetGroups names the load balancer of the service's target group", async () => {
  const lb = new SdkLoadBalancer(new ElasticLoadBalancingV2Client(motoClientConfig(moto)));
  expect(await lb.targetGroupLoadBalancers(seeded.targetGroupArn!)).toEqual([seeded.loadBalancerArn]);
  const missing = seeded.targetGroupArn!.replace(/\/[0-9a-f]+$/, '/0000000000000000');
  await expect(lb.targetGroupLoadBalancers(missing)).rejects.toMatchObject({
    name: 'TargetGroupNotFoundException',
  });
});

test('the bake counts the target group from its start and ends once it served min-requests', async () => {
  const start = Date.now();
  const clock = new FakeClock(start);
  // Served before the bake (during the rollout): not the new revision's alone, so not counted.
  await served(start, 5000);
  clock.after(3 * MINUTE, () => served(start + 3 * MINUTE, 1200));
  const report = await deploy({ 'min-requests': '1000' }, clock);
  expect(report.result).toBe('deployed');
  expect(report.timeline.find((e) => e.note?.startsWith('baked'))?.note).toBe('baked 1m, 1200 requests');
  expect(clock.now() - start).toBeGreaterThanOrEqual(3 * MINUTE);
  expect((await readServiceState(moto, seeded)).taskDefinition).toBe(report.taskDefinitionArn);
});

test('no requests within the timeout: the service goes back to its previous task definition', async () => {
  const clock = new FakeClock(Date.now());
  const report = await deploy({ 'min-requests': '1', timeout: '3m' }, clock);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('the deploy did not finish within timeout 3m (bake, 0/1 requests)');
  const state = await readServiceState(moto, seeded);
  expect(state.taskDefinition).toBe(seeded.taskDefinitionArn);
  expect(state.deployments).toEqual([expect.objectContaining({ taskDefinition: seeded.taskDefinitionArn })]);
});

test('a rolling service without a load balancer is refused naming min-requests, before any change', async () => {
  await moto.reset();
  seeded = await seedRollingService(moto);
  await expect(deploy({ 'min-requests': '1' }, new FakeClock())).rejects.toThrow(
    /^Input 'min-requests': "1" is not valid: 'api-rolling' is an ECS rolling service: it has no load balancer/,
  );
  expect((await readServiceState(moto, seeded)).taskDefinition).toBe(seeded.taskDefinitionArn);
});
