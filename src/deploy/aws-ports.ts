import type { CloudWatchPort } from '../aws/cloudwatch.js';
import type { EcsControlPort, EcsControllerPort, EcsPort } from '../aws/ecs.js';
import type { TaskRunPort } from '../aws/ecs-tasks.js';
import type { LoadBalancerPort, TargetGroupPort, TargetHealthPort } from '../aws/load-balancer.js';
import type { LogsPort } from '../aws/logs.js';
import type { VerifyPorts } from './verify/verify.js';

/** The AWS ports a deploy uses. */
export interface AwsPorts {
  ecs: EcsPort & EcsControllerPort & EcsControlPort;
  lb: LoadBalancerPort & TargetHealthPort & TargetGroupPort;
  cloudwatch: CloudWatchPort;
  /** What verify reads; each loads its SDK client on first use. */
  verify: VerifyPorts;
  /** CloudWatch Logs: log groups (verify) and the release task's output. */
  logs: LogsPort;
  /** The release task: RunTask, DescribeTasks, StopTask. */
  tasks: TaskRunPort;
}

/** The SDK-backed ports, configured from the environment; the SDK is loaded only when they are needed. */
export async function awsPorts(): Promise<AwsPorts> {
  const [{ clientConfig }, { CloudWatchClient }, { ECSClient }, { ElasticLoadBalancingV2Client }] =
    await Promise.all([
      import('../aws/clients.js'),
      import('@aws-sdk/client-cloudwatch'),
      import('@aws-sdk/client-ecs'),
      import('@aws-sdk/client-elastic-load-balancing-v2'),
    ]);
  const [{ SdkCloudWatch }, { SdkEcs }, { SdkLoadBalancer }, { SdkEcsTasks }, { verifyAdapters }] =
    await Promise.all([
      import('../aws/cloudwatch.js'),
      import('../aws/ecs.js'),
      import('../aws/load-balancer.js'),
      import('../aws/ecs-tasks.js'),
      import('./verify/adapters.js'),
    ]);
  const config = clientConfig();
  const ecs = new ECSClient(config);
  return {
    ecs: new SdkEcs(ecs),
    tasks: new SdkEcsTasks(ecs),
    ...verifyAdapters(config),
    lb: new SdkLoadBalancer(new ElasticLoadBalancingV2Client(config)),
    cloudwatch: new SdkCloudWatch(new CloudWatchClient(config)),
  };
}
