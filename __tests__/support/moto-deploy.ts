import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SdkCloudWatch } from '../../src/aws/cloudwatch.js';
import { SdkEcs } from '../../src/aws/ecs.js';
import { SdkLoadBalancer } from '../../src/aws/load-balancer.js';
import type { DeployDeps } from '../../src/deploy/context.js';
import { verifyAdapters } from '../../src/deploy/verify/adapters.js';
import { SdkEcsTasks } from '../../src/aws/ecs-tasks.js';
import { FakeClock } from './fake-clock.js';
import { motoClientConfig, type Moto } from './moto.js';

/**
 * The deploy engine's ports as the integration tests give them: the real SDK adapters over HTTP to moto,
 * a simulated clock (holds take no wall time), a silent log, hooks that pass and no saved state. Each
 * test overrides what it watches (the clock, the log, the run's identity, onTrafficRestored).
 */
export function motoDeployDeps(moto: Moto, overrides: Partial<DeployDeps> = {}): DeployDeps {
  const config = motoClientConfig(moto);
  const ecs = new ECSClient(config);
  return {
    ecs: new SdkEcs(ecs),
    tasks: new SdkEcsTasks(ecs),
    ...verifyAdapters(config),
    lb: new SdkLoadBalancer(new ElasticLoadBalancingV2Client(config)),
    cloudwatch: new SdkCloudWatch(new CloudWatchClient(config)),
    clock: new FakeClock(),
    log: {
      info: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      group: (_name, run) => run(),
    },
    identity: { repository: 'octo/shop', commit: 'c0ffee', runId: '7', runAttempt: '1' },
    runHook: async () => 0,
    saveState: () => undefined,
    ...overrides,
  };
}
