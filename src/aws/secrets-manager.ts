import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { errorName } from './ecs.js';

/** A Secrets Manager secret as DescribeSecret shows it: never its value. */
export interface SecretDescription {
  arn: string;
  /** Its versions by id, each with the staging labels attached to it (AWSCURRENT, AWSPREVIOUS...). */
  versions: Record<string, string[]>;
  /** Set when the secret is scheduled for deletion: ECS can no longer read it. */
  deletedDate: Date | undefined;
}

/** The Secrets Manager read verify makes (`secretsmanager:DescribeSecret`). */
export interface SecretPort {
  /** The secret, or undefined when it does not exist. */
  describeSecret(region: string | undefined, secretId: string): Promise<SecretDescription | undefined>;
}

/** `SecretPort` over the AWS SDK, a client per region. */
export class SdkSecretsManager implements SecretPort {
  constructor(private readonly client: (region: string | undefined) => SecretsManagerClient) {}

  async describeSecret(region: string | undefined, secretId: string): Promise<SecretDescription | undefined> {
    try {
      const out = await this.client(region).send(new DescribeSecretCommand({ SecretId: secretId }));
      return {
        arn: out.ARN ?? secretId,
        versions: out.VersionIdsToStages ?? {},
        deletedDate: out.DeletedDate,
      };
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}
