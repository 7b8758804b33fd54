import { ECSClient } from '@aws-sdk/client-ecs';
import { SdkEcs } from '../../../src/aws/ecs.js';
import { AwsCalls } from '../../../src/deploy/calls.js';
import { rollBackEcs } from '../../../src/deploy/kinds/ecs-rollback.js';
import type { EcsTarget } from '../../../src/deploy/saved.js';
import { FakeAws } from '../../support/fake-aws.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FakeEcsDeployments, TASK_DEFINITION } from '../../support/fake-ecs-deployments.js';

// The rollback the post step runs from saved state alone (no service-deployment ARN saved yet: the run was
// killed right after UpdateService), against the fake.
const OLD = TASK_DEFINITION(1);
const NEW = TASK_DEFINITION(7);
let clock: FakeClock;
let fake: FakeAws;
let ecs: SdkEcs;
const logs: string[] = [];
beforeEach(() => {
  clock = new FakeClock();
  fake = new FakeAws(clock);
  ecs = new SdkEcs(
    new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );
  logs.length = 0;
});

function rollBack(target: EcsTarget) {
  const log = {
    info: (m: string) => logs.push(m),
    warn: (m: string) => logs.push(`warning: ${m}`),
    debug: () => undefined,
    group: <T>(_n: string, run: () => Promise<T>) => run(),
  };
  const calls = new AwsCalls({
    clock,
    log,
    callTimeoutMs: 30_000,
    pause: () => clock.sleep(5000),
    timer: () => new Promise(() => undefined),
  });
  return rollBackEcs(target, { ecs, clock, calls, info: log.info, warn: log.warn, waitMs: 5 * 60_000 });
}

const target = (mode: EcsTarget['mode']): EcsTarget => ({
  cluster: 'web',
  service: 'api',
  mode,
  previousTaskDefinition: OLD,
  taskDefinition: NEW,
  serviceDeploymentArn: undefined,
});

test('a native deploy killed mid-shift: the deployment is found by its task definition and stopped with rollback', async () => {
  const service = new FakeEcsDeployments(fake, clock, { strategy: 'CANARY' });
  await ecs.updateService('web', 'api', { taskDefinition: NEW });
  await clock.sleep(30_000);
  const outcome = await rollBack(target('native'));
  expect(outcome).toMatchObject({ verified: true, problems: [] });
  expect(outcome.confirmation).toMatch(/^the service runs api:1 again/);
  expect(fake.count('StopServiceDeployment')).toBe(1);
  expect(service.runs[0]?.status).toBe('ROLLBACK_SUCCESSFUL');
  expect(service.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('run again after it finished (the post step after the main step), it changes nothing more', async () => {
  const service = new FakeEcsDeployments(fake, clock, { strategy: 'BLUE_GREEN' });
  await ecs.updateService('web', 'api', { taskDefinition: NEW });
  await clock.sleep(3_000);
  await rollBack(target('native'));
  const calls = fake.calls.length;
  const again = await rollBack(target('native'));
  expect(again.verified).toBe(true);
  expect(
    fake.calls.slice(calls).filter((c) => c === 'UpdateService' || c === 'StopServiceDeployment'),
  ).toEqual([]);
  expect(service.updates).toHaveLength(1);
});

test('a rolling deploy where the service-deployment API is missing is updated back', async () => {
  const service = new FakeEcsDeployments(fake, clock, { serviceDeploymentApi: false });
  await ecs.updateService('web', 'api', { taskDefinition: NEW });
  const outcome = await rollBack(target('rolling'));
  expect(outcome.verified).toBe(true);
  expect(service.updates.map((u) => u.taskDefinition)).toEqual([NEW, OLD]);
  expect(logs).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^warning: Could not list the service deployments \(The service-deployment API is not available\)/,
      ),
    ]),
  );
  expect(service.runningByTaskDefinition()).toEqual({ [OLD]: 4 });
});

test('a deploy of the task definition the service already ran has nothing to undo', async () => {
  new FakeEcsDeployments(fake, clock);
  const outcome = await rollBack({ ...target('rolling'), taskDefinition: OLD });
  expect(outcome).toMatchObject({ verified: true, confirmation: 'the service still runs api:1' });
  expect(fake.count('UpdateService')).toBe(0);
});

test('a service someone else updated meanwhile is left to their deployment', async () => {
  const service = new FakeEcsDeployments(fake, clock);
  await ecs.updateService('web', 'api', { taskDefinition: NEW });
  await ecs.updateService('web', 'api', { taskDefinition: TASK_DEFINITION(9) });
  const outcome = await rollBack(target('rolling'));
  expect(outcome).toMatchObject({
    verified: false,
    problems: ['the service was updated to api:9 by someone else; not rolled back'],
  });
  expect(service.updates.map((u) => u.taskDefinition)).toEqual([NEW, TASK_DEFINITION(9)]);
  expect(fake.count('StopServiceDeployment')).toBe(0);
});
