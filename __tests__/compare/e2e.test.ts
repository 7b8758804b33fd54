import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { dimensionOf } from '../../src/aws/cloudwatch.js';
import { FakeGitHub } from '../support/fake-github.js';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  startMoto,
  type Moto,
  type SeededService,
} from '../support/moto.js';
import { runAction, type ActionRun } from '../support/run-action.js';

// The built dist/deploy bundle against moto, which stores PutMetricData and answers GetMetricData for
// metric queries (its metric math only copies another query's values, so these use the built-ins).
let moto: Moto;
let github: FakeGitHub;
let seeded: SeededService;

beforeAll(async () => {
  moto = await startMoto();
  github = new FakeGitHub();
  github
    .on('POST', '/repos/octo/shop/deployments', () => ({ status: 201, body: { id: 17 } }))
    .on('POST', '/repos/octo/shop/deployments/(\\d+)/statuses', () => ({ status: 201, body: {} }));
  await github.start();
}, 30_000);
afterAll(async () => {
  await moto?.stop();
  await github?.stop();
});
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
});

/** Publishes one minute of the ALB's counts for a target group, as the load balancer would. */
async function publish(targetGroup: string, requests: number, errors: number): Promise<void> {
  const dimensions = [
    { Name: 'TargetGroup', Value: dimensionOf(targetGroup) },
    { Name: 'LoadBalancer', Value: dimensionOf(seeded.loadBalancerArn) },
  ];
  const at = new Date();
  await new CloudWatchClient(motoClientConfig(moto)).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/ApplicationELB',
      MetricData: [
        { MetricName: 'RequestCount', Dimensions: dimensions, Value: requests, Unit: 'Count', Timestamp: at },
        {
          MetricName: 'HTTPCode_Target_5XX_Count',
          Dimensions: dimensions,
          Value: errors,
          Unit: 'Count',
          Timestamp: at,
        },
      ],
    }),
  );
}

/** A 1% canary comparing error rates; once green takes its 1%, the ALB reports blue at 1% errors. */
function canary(
  greenErrors: number,
  greenRequests = 2000,
  inputs: Record<string, string> = {},
): Promise<ActionRun> {
  let published = false;
  return runAction('deploy', {
    inputs: {
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'container-name': 'app',
      image: `shop/api@sha256:${'c'.repeat(64)}`,
      'listener-arn': seeded.listenerArn,
      alarms: 'api-5xx',
      compare: 'error-rate',
      steps: '1%:8s, 100%',
      'bake-time': '2s',
      'poll-interval': '1s',
      'github-token': 'ghs_test',
      ...inputs,
    },
    env: { ...moto.env, GITHUB_API_URL: github.url },
    onStdout: (chunk) => {
      if (published || !chunk.includes('Green takes 1%')) return;
      published = true;
      // 99% of 200,000 requests on blue, 1% on green.
      void publish(seeded.blueTargetGroup, 198_000, 1980).then(() =>
        publish(seeded.greenTargetGroup, greenRequests, greenErrors),
      );
    },
  });
}

test('a green with blue error rate at 1% is promoted, the comparison values in the summary', async () => {
  const run = await canary(20);
  expect(run.stderr).toBe('');
  expect(run.outputs.result).toBe('deployed');
  expect(await readDeployState(moto, seeded)).toMatchObject({ blueWeight: 0, greenWeight: 100 });
  expect(run.stdout).toContain(
    'Comparing error-rate: green ≤ 1.5× blue + 0.1 points, judged after 200 green requests',
  );
  expect(run.stdout).toMatch(
    /Comparison error-rate: blue 1\.00%, green 1\.00% \(at most 1\.60%\), 2000 green requests/,
  );
  expect(run.outputs.inconclusive).toBe('');
  expect(run.summary).toContain('### Green versus blue');
  expect(run.summary).toContain(
    '| shift | 1% | 1.00% | 1.00% | ≤ 1.60% | 2000 requests | ✅ within the rule |',
  );
}, 60_000);

test('a green at 3x blue error rate at 1% is rolled back, naming the comparison and both values', async () => {
  const run = await canary(60);
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe('rolled-back');
  expect(run.outputs.reason).toMatch(
    /^green-versus-blue comparison error-rate failed: blue 1\.00%, green 3\.00% \(at most 1\.60%\), 2000 green requests, p [<=] [\d.]+; rule "error-rate"$/,
  );
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ arn: seeded.blueTaskSet, status: 'PRIMARY', scale: 100 }),
  ]);
  const timeline = JSON.parse(run.outputs.timeline!) as { traffic: number; note?: string }[];
  expect(Math.max(...timeline.map((e) => e.traffic))).toBe(1);
  expect(timeline.map((e) => e.note)).toContain('comparison error-rate failed');
  expect(run.summary).toMatch(
    /\| shift \| 1% \| 1\.00% \| 3\.00% \| ≤ 1\.60% \| 2000 requests \| ❌ \*\*failed\*\* \(p [<=] [\d.]+\) \|/,
  );
}, 60_000);

test('a comparison never judged (50 of 200 requests) is a warning and an output; on-inconclusive: rollback rolls back', async () => {
  const promoted = await canary(0, 50);
  expect(promoted.outputs.result).toBe('deployed');
  expect(promoted.outputs.inconclusive).toBe('error-rate');
  expect(promoted.warnings).toContain(
    'green-versus-blue comparison error-rate (50 of 200 green requests) never had enough samples to be judged: ' +
      'green is promoted without them (on-inconclusive: promote)',
  );

  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
  const rolledBack = await canary(0, 50, { 'on-inconclusive': 'rollback' });
  expect(rolledBack.code).toBe(1);
  expect(rolledBack.outputs).toMatchObject({ result: 'rolled-back', inconclusive: 'error-rate' });
  expect(rolledBack.outputs.reason).toBe(
    'green-versus-blue comparison error-rate (50 of 200 green requests) never had enough samples to be judged (on-inconclusive: rollback)',
  );
  expect(await readDeployState(moto, seeded)).toMatchObject({ blueWeight: 100, greenWeight: 0 });
}, 90_000);
