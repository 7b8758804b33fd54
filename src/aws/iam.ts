import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { errorName } from './ecs.js';

/** An IAM role: its ARN and who may assume it. */
export interface Role {
  arn: string;
  /** The trust policy (AssumeRolePolicyDocument), as JSON text. */
  trustPolicy: string;
}

/** The IAM read verify makes (`iam:GetRole`). */
export interface RolePort {
  /** The caller's account's role of that name, or undefined when there is none. */
  getRole(name: string): Promise<Role | undefined>;
}

/** `RolePort` over the AWS SDK. */
export class SdkIam implements RolePort {
  constructor(private readonly client: IAMClient) {}

  async getRole(name: string): Promise<Role | undefined> {
    try {
      const out = await this.client.send(new GetRoleCommand({ RoleName: name }));
      if (!out.Role?.Arn) return undefined;
      // IAM returns the policy URL-encoded (RFC 3986), as the IAM API reference says of policy documents.
      const document = out.Role.AssumeRolePolicyDocument ?? '';
      return { arn: out.Role.Arn, trustPolicy: safeDecode(document) };
    } catch (error) {
      if (errorName(error) === 'NoSuchEntity' || errorName(error) === 'NoSuchEntityException')
        return undefined;
      throw error;
    }
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
