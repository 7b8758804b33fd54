import { DescribeParametersCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { errorName } from './ecs.js';

/** The SSM reads verify makes. Neither returns a parameter's decrypted value. */
export interface ParameterPort {
  /**
   * Whether a parameter of one of these names exists in the caller's account (DescribeParameters,
   * `ssm:DescribeParameters`: metadata only, no value).
   */
  parameterExists(region: string | undefined, names: string[]): Promise<boolean>;
  /**
   * Whether the parameter an ARN names exists, for one shared from another account, which
   * DescribeParameters does not list (GetParameter without decryption, `ssm:GetParameter`).
   */
  sharedParameterExists(region: string, arn: string): Promise<boolean>;
}

/** `ParameterPort` over the AWS SDK, a client per region. */
export class SdkSsm implements ParameterPort {
  constructor(private readonly client: (region: string | undefined) => SSMClient) {}

  async parameterExists(region: string | undefined, names: string[]): Promise<boolean> {
    const out = await this.client(region).send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: names }],
        MaxResults: 10,
      }),
    );
    return (out.Parameters ?? []).length > 0;
  }

  async sharedParameterExists(region: string, arn: string): Promise<boolean> {
    try {
      await this.client(region).send(new GetParameterCommand({ Name: arn, WithDecryption: false }));
      return true;
    } catch (error) {
      if (errorName(error) === 'ParameterNotFound') return false;
      throw error;
    }
  }
}
