import { isAccessDenied } from '../../aws/access.js';
import type { ImageRegistryPort } from '../../aws/ecr.js';
import type { RolePort } from '../../aws/iam.js';
import type { SecretPort } from '../../aws/secrets-manager.js';
import type { ParameterPort } from '../../aws/ssm.js';
import { errorName } from '../../aws/ecs.js';
import { describeError, quoteText, UserError } from '../../errors.js';
import type { DeployContext } from '../context.js';
import {
  judgeRole,
  judgeSecret,
  PERMISSION,
  planVerify,
  type Verdict,
  type BalancedContainer,
  type Check,
  type Finding,
  type VerifiedDefinition,
  type VerifyPlace,
} from './checks.js';

/** What verify found, for the log and the dry run. */
export interface VerifyOutcome {
  /** One line per thing found to exist ("container app: image … is in ECR"). */
  verified: string[];
  /** What could not be read (AccessDenied), one line per permission. */
  denied: string[];
  unchecked: string[];
}

/** How a read ended: the thing exists, a finding, or the credentials may not read it. */
type Answer = Verdict | { denied: true } | { unknown: string };

/**
 * Verifies, before anything changes, that what the task definition names exists: its ECR images, its
 * secrets' SSM parameters and Secrets Manager secrets, its execution and task roles (trusting ECS
 * tasks), its `awslogs` groups, and the load balancer's container and port. Every finding is listed in
 * one UserError naming the input (`task-definition` or `manifest`); a read the credentials may not make
 * is a warning naming the permission; throttling goes through the deploy's call policy.
 */
export async function verifyRelease(
  ctx: DeployContext,
  definition: VerifiedDefinition,
  place: VerifyPlace,
  balancers: BalancedContainer[],
): Promise<VerifyOutcome> {
  const { log } = ctx.deps;
  const plan = planVerify(definition, place, balancers);
  const findings: Finding[] = [...plan.findings];
  const verified: string[] = [];
  const deniedBy = new Map<string, string[]>();
  const answers = new Map<string, Promise<Answer>>();
  for (const check of plan.checks) {
    // The same image or secret named twice is read once.
    const key = JSON.stringify({ ...check, container: 0, what: 0, role: 0, text: 0, valueFrom: 0, image: 0 });
    let answer = answers.get(key);
    if (!answer) {
      answer = read(ctx, check);
      answers.set(key, answer);
    }
    const result = await answer;
    const subject = subjectOf(check);
    const container = 'container' in check ? check.container : undefined;
    if ('ok' in result)
      verified.push(`${container ? `container ${container}: ` : ''}${subject} ${result.ok}`);
    else if ('missing' in result) {
      const gap = result.missing.startsWith(':') ? '' : ' ';
      findings.push({ container, problem: `${subject}${gap}${result.missing}` });
    } else if ('denied' in result) {
      const permission = PERMISSION[check.kind];
      deniedBy.set(permission, [...(deniedBy.get(permission) ?? []), subject]);
    } else
      log.warn(
        `Could not verify ${subject}${container ? ` (container ${container})` : ''}: ${result.unknown}`,
      );
  }
  for (const line of verified) log.info(`Verified ${line}`);
  for (const line of plan.unchecked) log.info(`Not verified: ${line}`);
  const denied = [...deniedBy].map(
    ([permission, subjects]) =>
      `Could not verify ${subjects.join(', ')}: the credentials may not call ${permission} ` +
      `(allow it to verify, or set 'verify: false')`,
  );
  for (const line of denied) log.warn(line);
  if (findings.length) throw verifyError(ctx, findings);
  return { verified, denied, unchecked: plan.unchecked };
}

/** One error listing every finding, naming the input the task definition came from. */
function verifyError(ctx: DeployContext, findings: Finding[]): UserError {
  const source = ctx.settings.taskDefinition;
  const input = source.kind === 'manifest' ? 'manifest' : 'task-definition';
  const text = source.kind === 'existing' ? source.reference : source.path;
  const lines = findings.map((f) => `- ${f.container ? `container ${f.container}: ` : ''}${f.problem}`);
  return new UserError(
    `Input '${input}' ${quoteText(text)}: ${findings.length === 1 ? 'what it names does' : `${findings.length} things it names do`} ` +
      `not exist or cannot be used, so its tasks would not start; nothing was changed:\n${lines.join('\n')}\n` +
      `(verify: false turns these checks off)`,
  );
}

/** The thing a check reads, as a user names it. */
function subjectOf(check: Check): string {
  switch (check.kind) {
    case 'image':
      return `image ${check.image}`;
    case 'parameter':
    case 'shared-parameter':
      return `${check.what} (SSM parameter ${check.valueFrom})`;
    case 'secret':
      return `${check.what} (Secrets Manager secret ${check.valueFrom})`;
    case 'role':
      return `${check.role} role ${check.text}`;
    case 'log-group':
      return `awslogs group ${check.group}${check.region ? ` (${check.region})` : ''}`;
  }
}

/** Reads one thing through the deploy's call policy (throttling waits and tries again, watched). */
async function read(ctx: DeployContext, check: Check): Promise<Answer> {
  const { calls, deps } = ctx;
  const what = `verify ${subjectOf(check)}`;
  try {
    switch (check.kind) {
      case 'image': {
        const found = await calls.retry(what, () => deps.verify.images.findImage(check.ecr));
        const { repository, digest, tag, registryId, region } = check.ecr;
        if (found === 'found') return { ok: 'is in ECR' };
        if (found === 'no-repository') {
          return {
            missing: `: ECR repository ${repository} does not exist in account ${registryId} (${region})`,
          };
        }
        return {
          missing: `: ECR repository ${repository} has no image ${digest ? `with digest ${digest}` : `tagged ${tag ?? 'latest'}`}`,
        };
      }
      case 'parameter': {
        const found = await calls.retry(what, () =>
          deps.verify.parameters.parameterExists(check.region, check.names),
        );
        return found
          ? { ok: 'exists' }
          : { missing: `does not exist${check.region ? ` in ${check.region}` : ''}` };
      }
      case 'shared-parameter': {
        const found = await calls.retry(what, () =>
          deps.verify.parameters.sharedParameterExists(check.region, check.arn),
        );
        return found ? { ok: 'exists' } : { missing: 'does not exist, or is not shared with this account' };
      }
      case 'secret':
        return judgeSecret(
          check,
          await calls.retry(what, () => deps.verify.secrets.describeSecret(check.region, check.secretId)),
        );
      case 'role': {
        return judgeRole(check, await calls.retry(what, () => deps.verify.roles.getRole(check.name)));
      }
      case 'log-group': {
        const found = await calls.retry(what, () => deps.logs.logGroupExists(check.region, check.group));
        return found
          ? { ok: 'exists' }
          : { missing: 'does not exist: create it, or set the awslogs-create-group option to "true"' };
      }
    }
  } catch (error) {
    if (isAccessDenied(error)) return { denied: true };
    // A name AWS refuses to look up is one ECS cannot resolve either.
    if (
      /^(ValidationException|InvalidParameterException|InvalidParameterValueException|ValidationError)$/.test(
        errorName(error),
      )
    ) {
      return { missing: `cannot be looked up: ${describeError(error)}` };
    }
    return { unknown: describeError(error) };
  }
}

/** The reads verify makes, one port per AWS service (log groups are read through the deploy's `logs`). */
export interface VerifyPorts {
  images: ImageRegistryPort;
  parameters: ParameterPort;
  secrets: SecretPort;
  roles: RolePort;
}
