import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { errorName } from './ecs.js';

/** One log event of a stream. */
export interface LogEvent {
  timestamp: number | undefined;
  message: string;
}

/** A page of a stream's events and the token to read on from. */
export interface LogPage {
  events: LogEvent[];
  /** Pass it to the next read; the same token again means nothing new yet. */
  nextToken: string | undefined;
}

/** The CloudWatch Logs reads: whether a log group exists, and a stream's events (a release task's output). */
export interface LogsPort {
  /** `logs:DescribeLogGroups`. */
  logGroupExists(region: string | undefined, name: string): Promise<boolean>;
  /** `logs:GetLogEvents`, oldest first from `token`; undefined while the stream does not exist yet. */
  readStream(
    region: string | undefined,
    group: string,
    stream: string,
    token: string | undefined,
  ): Promise<LogPage | undefined>;
}

/** `LogsPort` over the AWS SDK, a client per region. */
export class SdkLogs implements LogsPort {
  constructor(private readonly client: (region: string | undefined) => CloudWatchLogsClient) {}

  async logGroupExists(region: string | undefined, name: string): Promise<boolean> {
    let nextToken: string | undefined;
    // The prefix is the whole name: the group itself, and only groups whose names continue it, come back.
    for (let page = 0; page < 20; page++) {
      const out = await this.client(region).send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: name, ...(nextToken ? { nextToken } : {}) }),
      );
      if ((out.logGroups ?? []).some((g) => g.logGroupName === name)) return true;
      nextToken = out.nextToken;
      if (!nextToken) return false;
    }
    return false;
  }

  async readStream(
    region: string | undefined,
    group: string,
    stream: string,
    token: string | undefined,
  ): Promise<LogPage | undefined> {
    try {
      const out = await this.client(region).send(
        new GetLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          startFromHead: true,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      return {
        events: (out.events ?? []).map((e) => ({ timestamp: e.timestamp, message: e.message ?? '' })),
        nextToken: out.nextForwardToken,
      };
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}
