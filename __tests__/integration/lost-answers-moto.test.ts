import { ECSClient } from '@aws-sdk/client-ecs';
import { clientConfig } from '../../src/aws/clients.js';
import { SdkEcs } from '../../src/aws/ecs.js';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { FakeClock } from '../support/fake-clock.js';
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

// CreateTaskSet answers lost after moto_server created the task set, retried by the real SDK (the client
// settings the action uses: 3 attempts). moto stores a clientToken but does not honour it, so each retry
// makes another task set with the run's tags: the deploy must neither take one for another run nor leave one.
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.stop());

let seeded: SeededService;
beforeEach(async () => {
  await moto.reset();
  seeded = await seedService(moto, { alarms: ['api-5xx'] });
});

/** An ECS client whose next `lost` CreateTaskSet answers are replaced by a 500 after moto acted. */
function losingClient(lost: number): ECSClient {
  const client = new ECSClient({ ...clientConfig({ region: 'us-east-1' }), ...motoClientConfig(moto) });
  let left = lost;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'CreateTaskSetCommand' && left > 0) {
        left--;
        // Inside the SDK's retry loop (deserialize runs after finalizeRequest's retry), as a lost answer is.
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
          name: 'ServerException',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return out;
    },
    { step: 'deserialize', name: 'loseCreateTaskSetAnswers' },
  );
  return client;
}

test.each([1, 3])(
  '%i CreateTaskSet answer(s) lost: deployed, green alone at 100%, the duplicates found and removed',
  async (lost) => {
    const settings = parseDeploySettings(
      recordInputs({
        cluster: seeded.cluster,
        service: seeded.service,
        'task-definition': seeded.taskDefinitionFile,
        'listener-arn': seeded.listenerArn,
        alarms: 'api-5xx',
        steps: '10%:1m, 100%',
        'poll-interval': '1s',
        'bake-time': '1m',
      }),
    );
    const warnings: string[] = [];
    const report = await runLifecycle(
      settings,
      { register: taskDefinitionJson(`shop/api@sha256:${'b'.repeat(64)}`) as never },
      motoDeployDeps(moto, {
        ecs: new SdkEcs(losingClient(lost)),
        clock: new FakeClock(),
        log: {
          info: () => undefined,
          warn: (m) => warnings.push(m),
          debug: () => undefined,
          group: (_n, run) => run(),
        },
      }),
    );
    expect(report.result).toBe('deployed');
    const state = await readDeployState(moto, seeded);
    expect(state).toMatchObject({ blueWeight: 0, greenWeight: 100 });
    expect(state.taskSets).toEqual([
      expect.objectContaining({ arn: report.taskSetArn, status: 'PRIMARY', scale: 100 }),
    ]);
    expect(report.leftovers?.length).toBeGreaterThanOrEqual(1);
    expect(report.leftovers!.every((left) => left.removed)).toBe(true);
    expect(warnings.some((w) => w.startsWith('Found '))).toBe(true);
  },
  60_000,
);
