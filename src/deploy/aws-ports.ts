import type { CloudWatchPort } from '../aws/cloudwatch.js';
import type { EcsControlPort, EcsControllerPort, EcsPort } from '../aws/ecs.js';
import type { LoadBalancerPort, TargetGroupPort, TargetHealthPort } from '../aws/load-balancer.js';

/** The AWS ports a deploy uses. */
export interface AwsPorts {
  ecs: EcsPort & EcsControllerPort & EcsControlPort;
  lb: LoadBalancerPort & TargetHealthPort & TargetGroupPort;
  cloudwatch: CloudWatchPort;
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
  const [{ SdkCloudWatch }, { SdkEcs }, { SdkLoadBalancer }] = await Promise.all([
    import('../aws/cloudwatch.js'),
    import('../aws/ecs.js'),
    import('../aws/load-balancer.js'),
  ]);
  const config = clientConfig();
  return {
    ecs: new SdkEcs(new ECSClient(config)),
    lb: new SdkLoadBalancer(new ElasticLoadBalancingV2Client(config)),
    cloudwatch: new SdkCloudWatch(new CloudWatchClient(config)),
  };
}
