import type { LogsPort } from '../../aws/logs.js';
import { lazyPort, perRegion } from '../../aws/lazy.js';
import type { VerifyPorts } from './verify.js';

/** The settings every SDK client of a deploy shares (region, retries, time limits). */
type ClientConfig = { region?: string } & Record<string, unknown>;

/**
 * The SDK adapters verify and the release task read through. Each loads its SDK client on its first
 * call, so a deploy whose task definition names no ECR image, secret, role or log group loads none of
 * them, and an input error never does.
 */
export function verifyAdapters(config: ClientConfig): { verify: VerifyPorts; logs: LogsPort } {
  const inRegion = (region: string | undefined) => ({ ...config, ...(region ? { region } : {}) });
  return {
    verify: {
      images: lazyPort(async () => {
        const [{ ECRClient }, { SdkEcr }] = await Promise.all([
          import('@aws-sdk/client-ecr'),
          import('../../aws/ecr.js'),
        ]);
        return new SdkEcr(perRegion((region) => new ECRClient(inRegion(region))));
      }),
      parameters: lazyPort(async () => {
        const [{ SSMClient }, { SdkSsm }] = await Promise.all([
          import('@aws-sdk/client-ssm'),
          import('../../aws/ssm.js'),
        ]);
        return new SdkSsm(perRegion((region) => new SSMClient(inRegion(region))));
      }),
      secrets: lazyPort(async () => {
        const [{ SecretsManagerClient }, { SdkSecretsManager }] = await Promise.all([
          import('@aws-sdk/client-secrets-manager'),
          import('../../aws/secrets-manager.js'),
        ]);
        return new SdkSecretsManager(perRegion((region) => new SecretsManagerClient(inRegion(region))));
      }),
      roles: lazyPort(async () => {
        const [{ IAMClient }, { SdkIam }] = await Promise.all([
          import('@aws-sdk/client-iam'),
          import('../../aws/iam.js'),
        ]);
        return new SdkIam(new IAMClient(config));
      }),
    },
    logs: lazyPort(async () => {
      const [{ CloudWatchLogsClient }, { SdkLogs }] = await Promise.all([
        import('@aws-sdk/client-cloudwatch-logs'),
        import('../../aws/logs.js'),
      ]);
      return new SdkLogs(perRegion((region) => new CloudWatchLogsClient(inRegion(region))));
    }),
  };
}
