import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { errorName } from './ecs.js';

/** An image in a private ECR repository, by digest or by tag. */
export interface EcrImage {
  region: string;
  /** The registry's account. */
  registryId: string;
  repository: string;
  digest?: string;
  tag?: string;
}

/** What ECR says of an image. */
export type ImageLookup = 'found' | 'no-image' | 'no-repository';

/** The ECR read verify makes (`ecr:DescribeImages`): it returns image metadata, never layers. */
export interface ImageRegistryPort {
  findImage(image: EcrImage): Promise<ImageLookup>;
}

/** `ImageRegistryPort` over the AWS SDK, a client per region (a task definition may pull from several). */
export class SdkEcr implements ImageRegistryPort {
  constructor(private readonly client: (region: string | undefined) => ECRClient) {}

  async findImage(image: EcrImage): Promise<ImageLookup> {
    try {
      const out = await this.client(image.region).send(
        new DescribeImagesCommand({
          registryId: image.registryId,
          repositoryName: image.repository,
          imageIds: [image.digest ? { imageDigest: image.digest } : { imageTag: image.tag ?? 'latest' }],
        }),
      );
      return out.imageDetails?.length ? 'found' : 'no-image';
    } catch (error) {
      if (errorName(error) === 'ImageNotFoundException') return 'no-image';
      if (errorName(error) === 'RepositoryNotFoundException') return 'no-repository';
      throw error;
    }
  }
}
