import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** Who the AWS credentials in use belong to. */
export interface IdentityPort {
  /** The ARN of the calling IAM identity (an assumed-role session, a user). */
  callerArn(): Promise<string>;
}

/** `IdentityPort` over the AWS SDK (STS GetCallerIdentity needs no IAM permission). */
export class SdkIdentity implements IdentityPort {
  constructor(private readonly client: STSClient) {}

  async callerArn(): Promise<string> {
    const out = await this.client.send(new GetCallerIdentityCommand({}));
    if (!out.Arn) throw new Error('GetCallerIdentity returned no ARN');
    return out.Arn;
  }
}
