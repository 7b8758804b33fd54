import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { SdkEcs } from '../../src/aws/ecs.js';
import { rollingProgress, rollingRollbackProgress } from '../../src/deploy/kinds/ecs-progress.js';
import { serviceKind } from '../../src/deploy/kinds/service-kind.js';
import {
  motoClientConfig,
  readServiceState,
  seedRollingService,
  startMoto,
  taskDefinitionJson,
  type Moto,
  type SeededRollingService,
} from '../support/moto.js';

// The SDK adapter for ECS-controller services over HTTP against moto_server (with the rolling
// deployments scripts/lib/moto-server.py adds to moto 5.2).
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

let seeded: SeededRollingService;
let ecs: SdkEcs;
let client: ECSClient;
beforeEach(async () => {
  await moto.reset();
  seeded = await seedRollingService(moto);
  client = new ECSClient(motoClientConfig(moto));
  ecs = new SdkEcs(client);
});

async function register(image: string): Promise<string> {
  const out = await client.send(new RegisterTaskDefinitionCommand(taskDefinitionJson(image) as never));
  return out.taskDefinition!.taskDefinitionArn!;
}

test('the emulator rolls ECS deployments (the Python with moto was found)', () => {
  expect(moto.ecsRolling).toBe(true);
});

test('a seeded rolling service reads as an ECS controller, rolling, running its first task definition', async () => {
  const service = (await ecs.describeServiceConfiguration(seeded.cluster, seeded.service))!;
  expect(service).toMatchObject({
    controller: 'ECS',
    strategy: 'ROLLING',
    taskDefinition: seeded.taskDefinitionArn,
    desiredCount: 3,
  });
  expect(serviceKind(service)).toEqual({ kind: 'rolling' });
  expect(service.deployments).toEqual([
    expect.objectContaining({
      status: 'PRIMARY',
      taskDefinition: seeded.taskDefinitionArn,
      rolloutState: 'COMPLETED',
      runningCount: 3,
    }),
  ]);
  expect(await ecs.describeServiceConfiguration(seeded.cluster, 'no-such-service')).toBeUndefined();
});

test('UpdateService starts a rolling deployment that completes, read back through DescribeServices', async () => {
  const next = await register('shop/api@sha256:' + 'b'.repeat(64));
  const updated = await ecs.updateService(seeded.cluster, seeded.service, {
    taskDefinition: next,
    deploymentConfiguration: { strategy: 'ROLLING', maximumPercent: 200, minimumHealthyPercent: 100 },
  });
  // The UpdateService answer shows the new deployment beside the old one.
  expect(updated.deployments.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
    ['PRIMARY', next, 'IN_PROGRESS'],
    ['ACTIVE', seeded.taskDefinitionArn, 'COMPLETED'],
  ]);
  expect(rollingProgress(updated, next).state).toBe('progress');

  const after = (await ecs.describeServiceConfiguration(seeded.cluster, seeded.service))!;
  expect(after.taskDefinition).toBe(next);
  expect(after.deploymentConfiguration).toMatchObject({ strategy: 'ROLLING', maximumPercent: 200 });
  expect(rollingProgress(after, next)).toEqual({
    state: 'done',
    note: 'deployment completed: 3/3 running, 0 pending',
  });
  expect(await readServiceState(moto, seeded)).toEqual({
    taskDefinition: next,
    runningCount: 3,
    deployments: [{ status: 'PRIMARY', taskDefinition: next, rolloutState: 'COMPLETED', runningCount: 3 }],
  });
});

test('an update back to the previous task definition reads as a finished rollback', async () => {
  const next = await register('shop/api@sha256:' + 'c'.repeat(64));
  await ecs.updateService(seeded.cluster, seeded.service, { taskDefinition: next });
  await ecs.describeServiceConfiguration(seeded.cluster, seeded.service);
  await ecs.updateService(seeded.cluster, seeded.service, { taskDefinition: seeded.taskDefinitionArn });
  const back = (await ecs.describeServiceConfiguration(seeded.cluster, seeded.service))!;
  expect(rollingRollbackProgress(back, seeded.taskDefinitionArn, next).state).toBe('done');
  expect((await readServiceState(moto, seeded)).deployments).toEqual([
    {
      status: 'PRIMARY',
      taskDefinition: seeded.taskDefinitionArn,
      rolloutState: 'COMPLETED',
      runningCount: 3,
    },
  ]);
});

test('moto has no service-deployment API: it answers as an endpoint without it does, at once', async () => {
  await expect(ecs.listServiceDeployments(seeded.cluster, seeded.service)).rejects.toMatchObject({
    name: 'UnknownOperationException',
    $metadata: { httpStatusCode: 400 },
  });
});
