import {
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import type { DeployReport } from '../../src/report/model.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { FakeClock } from '../support/fake-clock.js';
import { motoDeployDeps } from '../support/moto-deploy.js';
import {
  motoClientConfig,
  readDeployState,
  seedService,
  setAlarm,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededService,
} from '../support/moto.js';

// The first deploy to an EXTERNAL service created with only a name, through the real SDK against
// moto_server. moto runs task sets only with launchType FARGATE (and the task definition uses bridge
// networking, so no network configuration is needed).
const FIRST = JSON.stringify({ launchType: 'FARGATE' });

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

let seeded: SeededService;
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'], empty: true });
});

async function deploy(inputs: Record<string, string>, clock = new FakeClock()): Promise<DeployReport> {
  const settings = parseDeploySettings(
    recordInputs({
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'listener-arn': seeded.listenerArn,
      'first-task-set': FIRST,
      alarms: 'api-5xx',
      'poll-interval': '1s',
      'bake-time': '1m',
      ...inputs,
    }),
  );
  return runLifecycle(
    settings,
    { register: taskDefinitionJson('shop/api@sha256:' + 'b'.repeat(64)) as never },
    motoDeployDeps(moto, { clock }),
  );
}

test('the service starts with no task set', async () => {
  expect((await readDeployState(moto, seeded)).taskSets).toEqual([]);
});

test('deploys the first task set: PRIMARY at 100%, in the target group with all the listener traffic', async () => {
  const report = await deploy({});
  expect(report.result).toBe('deployed');
  expect(report.previousTaskSetArn).toBeUndefined();
  const state = await readDeployState(moto, seeded);
  expect(state.taskSets).toEqual([
    {
      arn: report.taskSetArn,
      status: 'PRIMARY',
      scale: 100,
      targetGroup: seeded.blueTargetGroup,
      taskDefinition: report.taskDefinitionArn,
      tags: expect.objectContaining({
        'safe-deploy:repository': 'octo/shop',
        'safe-deploy:commit': 'c0ffee',
        'safe-deploy:run-id': '7',
        'safe-deploy:run-attempt': '1',
      }),
    },
  ]);
  expect(state).toMatchObject({ blueWeight: 100, greenWeight: 0 });

  // The next deploy is an ordinary canary beside it, into the other target group; first-task-set is unused.
  const second = await deploy({ steps: '20%:1m, 100%' });
  expect(second.result).toBe('deployed');
  expect(second.previousTaskSetArn).toBe(report.taskSetArn);
  const after = await readDeployState(moto, seeded);
  expect(after).toMatchObject({ blueWeight: 0, greenWeight: 100 });
  expect(after.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', scale: 100, targetGroup: seeded.greenTargetGroup }),
  ]);
});

test('a listener split between the two target groups ends all on the first task set’s', async () => {
  await new ElasticLoadBalancingV2Client(motoClientConfig(moto)).send(
    new ModifyListenerCommand({
      ListenerArn: seeded.listenerArn,
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: seeded.blueTargetGroup, Weight: 30 },
              { TargetGroupArn: seeded.greenTargetGroup, Weight: 70 },
            ],
          },
        },
      ],
    }),
  );
  const report = await deploy({});
  expect(report.result).toBe('deployed');
  const state = await readDeployState(moto, seeded);
  expect(state).toMatchObject({ blueWeight: 0, greenWeight: 100 });
  expect(state.taskSets).toEqual([
    expect.objectContaining({ status: 'PRIMARY', scale: 100, targetGroup: seeded.greenTargetGroup }),
  ]);
});

test('a breach during the bake deletes the first task set: the service is empty again', async () => {
  const clock = new FakeClock();
  clock.after(30_000, () => setAlarm(moto, 'api-5xx', 'ALARM', 'Threshold Crossed: 3 errors'));
  const report = await deploy({ 'bake-time': '5m' }, clock);
  expect(report.result).toBe('rolled-back');
  expect(report.reason).toBe('alarm api-5xx is in ALARM: Threshold Crossed: 3 errors');
  expect((await readDeployState(moto, seeded)).taskSets.filter((t) => t.status !== 'DRAINING')).toEqual([]);
});

test('without first-task-set, the launch type moto reports on the service is used', async () => {
  // moto answers DescribeServices with launchType EC2 for a service created with only a name; the task
  // definition needs no network configuration, so that is enough to create the task set.
  const settings = parseDeploySettings(
    recordInputs({
      cluster: seeded.cluster,
      service: seeded.service,
      'task-definition': seeded.taskDefinitionFile,
      'listener-arn': seeded.listenerArn,
      'dry-run': 'true',
    }),
  );
  const logs: string[] = [];
  const report = await runLifecycle(
    settings,
    { register: taskDefinitionJson('shop/api@sha256:' + 'b'.repeat(64)) as never },
    motoDeployDeps(moto, {
      log: {
        info: (m) => logs.push(m),
        warn: () => undefined,
        debug: () => undefined,
        group: (_n, run) => run(),
      },
    }),
  );
  expect(report.result).toBe('dry-run');
  expect(logs.join('\n')).toContain('launch type EC2 (the service)');
  expect((await readDeployState(moto, seeded)).taskSets).toEqual([]);
});
