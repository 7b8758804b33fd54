import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';
import { clientConfig } from '../aws/clients.js';
import { errorName, SdkEcs } from '../aws/ecs.js';
import { SdkLoadBalancer } from '../aws/load-balancer.js';
import { SdkIdentity } from '../aws/sts.js';
import { systemClock } from '../clock.js';
import { describeError, UserError } from '../errors.js';
import { boolean, duration, recordInputs, required, type InputReader } from '../inputs.js';
import {
  abortCommand,
  promoteCommand,
  statusCommand,
  type CommandResult,
  type ControlOptions,
  type ControlPorts,
  type DeploymentRecordPort,
} from './commands.js';
import { restoreKept, type RestoreOptions } from './restore.js';

/** The commands that act on a live deploy through AWS alone. */
export type ControlCommand = 'status' | 'promote' | 'abort' | 'rollback';

const FLAGS: Record<ControlCommand, readonly string[]> = {
  status: ['cluster', 'service', 'json'],
  promote: ['cluster', 'service', 'json', 'wait'],
  abort: ['cluster', 'service', 'json', 'wait'],
  rollback: ['cluster', 'service', 'stabilize-timeout', 'poll-interval', 'dry-run'],
};

/** Runs one control command with flags already split into a record; prints its text, returns the exit code. */
export async function runControlCommand(
  command: ControlCommand,
  flags: Record<string, string>,
  out: (text: string) => void,
  given?: ControlPorts,
): Promise<number> {
  const unknown = Object.keys(flags).filter((name) => !FLAGS[command].includes(name));
  if (unknown.length) {
    throw new UserError(
      `${command} does not take --${unknown.join(', --')}; it takes --${FLAGS[command].join(', --')}`,
    );
  }
  try {
    const ports = given ?? (await awsControlPorts());
    return await run(command, recordInputs(flags), out, ports);
  } catch (error) {
    // Missing permissions are the user's to fix: the message names the action, without a stack trace.
    if (
      /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${errorName(error)} ${describeError(error)}`)
    ) {
      throw new UserError(`${describeError(error)} (the IAM actions each command needs: docs/operating.md)`);
    }
    throw error;
  }
}

async function run(
  command: ControlCommand,
  read: InputReader,
  out: (text: string) => void,
  ports: ControlPorts,
): Promise<number> {
  let result: CommandResult;
  if (command === 'rollback') {
    const options: RestoreOptions = {
      cluster: required(read, 'cluster'),
      service: required(read, 'service'),
      stabilizeTimeoutMs: duration(read, 'stabilize-timeout', '10m'),
      pollIntervalMs: Math.max(1000, duration(read, 'poll-interval', '5s')),
      dryRun: boolean(read, 'dry-run', false),
    };
    const outcome = await restoreKept(options, {
      ...ports,
      info: (m) => out(`${m}\n`),
      warn: (m) => out(`warning: ${m}\n`),
    });
    result = { code: outcome.result === 'failed' ? 1 : 0, text: `${outcome.result}: ${outcome.reason}\n` };
  } else {
    const options: ControlOptions = {
      cluster: required(read, 'cluster'),
      service: required(read, 'service'),
      json: boolean(read, 'json', false),
      waitMs: duration(read, 'wait', '60s'),
    };
    const run = { status: statusCommand, promote: promoteCommand, abort: abortCommand }[command];
    result = await run(options, ports);
  }
  out(result.text);
  return result.code;
}

/** The SDK-backed ports, configured from the environment. */
export async function awsControlPorts(env: NodeJS.ProcessEnv = process.env): Promise<ControlPorts> {
  const config = clientConfig();
  // With a GitHub token at hand, abort can learn that a deploy's workflow run ended (a job that is gone).
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  const runs = token
    ? (await import('../github/workflow-runs.js')).githubWorkflowRuns(token, env.GITHUB_API_URL)
    : undefined;
  const records = token ? await deploymentRecords(token, env.GITHUB_API_URL) : undefined;
  return {
    ecs: new SdkEcs(new ECSClient(config)),
    lb: new SdkLoadBalancer(new ElasticLoadBalancingV2Client(config)),
    identity: new SdkIdentity(new STSClient(config)),
    clock: systemClock,
    ...(runs ? { runs } : {}),
    ...(records ? { records } : {}),
  };
}

/** Deployment records through the GitHub API, loaded only when a token is at hand. */
async function deploymentRecords(token: string, baseUrl: string | undefined): Promise<DeploymentRecordPort> {
  const { recordFromId } = await import('../report/deployment-record.js');
  return {
    async fail(repository, deploymentId, description) {
      const [owner = '', repo = ''] = repository.split('/');
      const problems: string[] = [];
      await recordFromId(token, owner, repo, deploymentId, {
        ...(baseUrl ? { baseUrl } : {}),
        warn: (message) => problems.push(message),
      }).finish(false, description);
      return problems.length ? problems.join('; ') : undefined;
    },
  };
}
