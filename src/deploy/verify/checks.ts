import type { ContainerDefinition, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { EcrImage } from '../../aws/ecr.js';
import { parseArn } from '../arns.js';

/**
 * What a task definition names that must exist for its tasks to start, and the read that finds each one.
 * Pure: the task definition in, the list of reads (and what needs no read) out; verify.ts makes the reads.
 */

/** The parts of a task definition verify reads, registered or described. */
export type VerifiedDefinition = Partial<
  Pick<RegisterTaskDefinitionCommandInput, 'containerDefinitions' | 'executionRoleArn' | 'taskRoleArn'>
>;

/** Where the deploy runs: its clients' region and the service's account (the caller's). */
export interface VerifyPlace {
  region: string | undefined;
  account: string | undefined;
}

/** A container and port a load balancer sends traffic to. */
export interface BalancedContainer {
  containerName?: string | undefined;
  containerPort?: number | undefined;
}

/** One thing to read, with who names it. */
export type Check =
  | { kind: 'image'; container: string; image: string; ecr: EcrImage }
  | {
      kind: 'parameter';
      container: string;
      what: string;
      valueFrom: string;
      region: string | undefined;
      names: string[];
    }
  | {
      kind: 'shared-parameter';
      container: string;
      what: string;
      valueFrom: string;
      region: string;
      arn: string;
    }
  | {
      kind: 'secret';
      container: string;
      what: string;
      valueFrom: string;
      region: string | undefined;
      secretId: string;
      versionStage: string | undefined;
      versionId: string | undefined;
    }
  | { kind: 'role'; role: 'execution' | 'task'; text: string; name: string; arn: string | undefined }
  | { kind: 'log-group'; container: string; group: string; region: string | undefined };

/** A thing that does not exist or cannot be used: the container that names it (none for a role) and what. */
export interface Finding {
  container: string | undefined;
  problem: string;
}

/** What verify reads, what it already knows is wrong, and what it cannot check (said once in the log). */
export interface VerifyPlan {
  checks: Check[];
  findings: Finding[];
  unchecked: string[];
}

/** The IAM permission each read needs: a denied read is a warning naming it. */
export const PERMISSION: Record<Check['kind'], string> = {
  image: 'ecr:DescribeImages',
  parameter: 'ssm:DescribeParameters',
  'shared-parameter': 'ssm:GetParameter',
  secret: 'secretsmanager:DescribeSecret',
  role: 'iam:GetRole',
  'log-group': 'logs:DescribeLogGroups',
};

/** The service ECS tasks assume their roles as. */
export const ECS_TASKS = 'ecs-tasks.amazonaws.com';

/** Lists the reads that verify a task definition, and the load balancer findings that need none. */
export function planVerify(
  definition: VerifiedDefinition,
  place: VerifyPlace,
  balancers: BalancedContainer[],
): VerifyPlan {
  const plan: VerifyPlan = { checks: [], findings: [], unchecked: [] };
  const containers = definition.containerDefinitions ?? [];
  const elsewhere: string[] = [];
  for (const c of containers) {
    const name = c.name ?? '';
    if (c.image) {
      const ecr = parseEcrImage(c.image);
      if (ecr) plan.checks.push({ kind: 'image', container: name, image: c.image, ecr });
      else elsewhere.push(c.image);
    }
    for (const secret of c.secrets ?? []) {
      addSecret(plan, place, name, `secret ${secret.name ?? ''}`, secret.valueFrom);
    }
    for (const secret of c.logConfiguration?.secretOptions ?? []) {
      addSecret(plan, place, name, `log option ${secret.name ?? ''}`, secret.valueFrom);
    }
    const credentials = c.repositoryCredentials?.credentialsParameter;
    if (credentials) addRepositoryCredentials(plan, place, name, credentials);
    addLogGroup(plan, place, c);
  }
  if (elsewhere.length) {
    const images = [...new Set(elsewhere)];
    plan.unchecked.push(
      `image${images.length > 1 ? 's' : ''} ${images.join(', ')}: not in a private ECR registry, so not verified`,
    );
  }
  addRole(plan, place, 'execution', definition.executionRoleArn);
  addRole(plan, place, 'task', definition.taskRoleArn);
  plan.findings.push(...checkBalancers(containers, balancers));
  return plan;
}

// Private ECR registries: <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn] and the dual-stack
// <account>.dkr-ecr.<region>.on.aws (ECR user guide, "Amazon ECR private registry").
const ECR_HOST =
  /^(?<account>\d{12})\.(?:dkr\.ecr(?:-fips)?\.(?<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|dkr-ecr\.(?<region2>[a-z0-9-]+)\.on\.aws)\/(?<path>.+)$/;

/** An image reference in a private ECR registry, split into what DescribeImages takes; undefined for another registry. */
export function parseEcrImage(image: string): EcrImage | undefined {
  const groups = ECR_HOST.exec(image)?.groups;
  if (!groups?.account || !groups.path) return undefined;
  const region = groups.region ?? groups.region2 ?? '';
  let path = groups.path;
  let digest: string | undefined;
  const at = path.indexOf('@');
  if (at >= 0) {
    digest = path.slice(at + 1);
    path = path.slice(0, at);
  }
  // A tag follows the last ':' after the last '/' (a repository name has no ':').
  const colon = path.lastIndexOf(':');
  const tag = colon > path.lastIndexOf('/') ? path.slice(colon + 1) : undefined;
  const repository = tag === undefined ? path : path.slice(0, colon);
  return {
    region,
    registryId: groups.account,
    repository,
    ...(digest ? { digest } : { tag: tag ?? 'latest' }),
  };
}

/**
 * A `valueFrom` (ECS developer guide, "Pass sensitive data to a container"): an SSM parameter's name (in
 * the task's region) or ARN, or a Secrets Manager secret's ARN, which may end in
 * `:json-key:version-stage:version-id`.
 */
function addSecret(
  plan: VerifyPlan,
  place: VerifyPlace,
  container: string,
  what: string,
  valueFrom: string | undefined,
): void {
  if (!valueFrom) return;
  const arn = parseArn(valueFrom);
  if (!arn) {
    // A name: a parameter of the caller's account in the task's region. A selector (`name:3`,
    // `name:label`) is not part of the name.
    const name = valueFrom.split(':')[0] ?? valueFrom;
    plan.checks.push({ kind: 'parameter', container, what, valueFrom, region: place.region, names: [name] });
    return;
  }
  if (arn.service === 'ssm' && arn.resource.startsWith('parameter/')) {
    const rest = arn.resource.slice('parameter'.length).split(':')[0] ?? '';
    if (place.account && arn.account && arn.account !== place.account) {
      plan.checks.push({
        kind: 'shared-parameter',
        container,
        what,
        valueFrom,
        region: arn.region,
        arn: valueFrom,
      });
      return;
    }
    // The ARN of `/a/b` is `parameter/a/b`, and of `x` is `parameter/x` (so is that of `/x`): both are asked for.
    const names = rest.indexOf('/', 1) > 0 ? [rest] : [rest.slice(1), rest];
    plan.checks.push({
      kind: 'parameter',
      container,
      what,
      valueFrom,
      region: arn.region || place.region,
      names,
    });
    return;
  }
  if (arn.service === 'secretsmanager' && arn.resource.startsWith('secret:')) {
    const [, name = '', , versionStage, versionId] = arn.resource.split(':');
    plan.checks.push({
      kind: 'secret',
      container,
      what,
      valueFrom,
      region: arn.region || place.region,
      secretId: `arn:${arn.partition}:secretsmanager:${arn.region}:${arn.account}:secret:${name}`,
      versionStage: versionStage || undefined,
      versionId: versionId || undefined,
    });
    return;
  }
  plan.findings.push({
    container,
    problem: `${what}: ${valueFrom} is neither an SSM parameter nor a Secrets Manager secret`,
  });
}

/** `repositoryCredentials.credentialsParameter`: a Secrets Manager secret, by ARN or name. */
function addRepositoryCredentials(
  plan: VerifyPlan,
  place: VerifyPlace,
  container: string,
  text: string,
): void {
  const arn = parseArn(text);
  const what = 'repository credentials';
  if (arn && arn.service !== 'secretsmanager') {
    plan.findings.push({ container, problem: `${what}: ${text} is not a Secrets Manager secret` });
    return;
  }
  const secretId = arn ? text.split(':').slice(0, 7).join(':') : text;
  plan.checks.push({
    kind: 'secret',
    container,
    what,
    valueFrom: text,
    region: arn?.region || place.region,
    secretId,
    versionStage: undefined,
    versionId: undefined,
  });
}

/** The `awslogs` driver's group, unless the driver creates it (`awslogs-create-group: "true"`). */
function addLogGroup(plan: VerifyPlan, place: VerifyPlace, c: ContainerDefinition): void {
  const config = c.logConfiguration;
  if (config?.logDriver !== 'awslogs') return;
  const options = config.options ?? {};
  const group = options['awslogs-group'];
  if (!group) return;
  if (options['awslogs-create-group'] === 'true') {
    plan.unchecked.push(
      `log group ${group} (container ${c.name ?? ''}): awslogs-create-group is "true", so ECS creates it`,
    );
    return;
  }
  plan.checks.push({
    kind: 'log-group',
    container: c.name ?? '',
    group,
    region: options['awslogs-region'] ?? place.region,
  });
}

/** A role named by ARN or name; one of another account is said, not read (GetRole reads the caller's own). */
function addRole(
  plan: VerifyPlan,
  place: VerifyPlace,
  role: 'execution' | 'task',
  text: string | undefined,
): void {
  if (!text) return;
  const arn = parseArn(text);
  if (arn && (arn.service !== 'iam' || !arn.resource.startsWith('role/'))) {
    plan.findings.push({ container: undefined, problem: `${role} role ${text} is not an IAM role ARN` });
    return;
  }
  if (arn && place.account && arn.account !== place.account) {
    plan.unchecked.push(
      `${role} role ${text}: in account ${arn.account}, not the service's, so not verified`,
    );
    return;
  }
  const name = (arn ? arn.resource : text).split('/').at(-1) ?? text;
  plan.checks.push({ kind: 'role', role, text, name, arn: arn ? text : undefined });
}

/** The load balancer's container and port must be in the task definition, or ECS refuses the task set. */
export function checkBalancers(containers: ContainerDefinition[], balancers: BalancedContainer[]): Finding[] {
  const findings: Finding[] = [];
  for (const balancer of balancers) {
    const name = balancer.containerName;
    if (!name) continue;
    const container = containers.find((c) => c.name === name);
    if (!container) {
      const names = containers.map((c) => c.name).join(', ');
      findings.push({
        container: name,
        problem: `the load balancer sends traffic to container ${name}, which the task definition does not have (it has ${names || 'none'})`,
      });
      continue;
    }
    const port = balancer.containerPort;
    const ports = (container.portMappings ?? []).flatMap((p) => (p.containerPort ? [p.containerPort] : []));
    if (port !== undefined && !ports.includes(port)) {
      findings.push({
        container: name,
        problem: `the load balancer sends traffic to port ${port}, which the container does not map (it maps ${ports.join(', ') || 'no port'})`,
      });
    }
  }
  return findings;
}

/** What a read found: the thing is there (and how it is said), or what is wrong with it. */
export type Verdict = { ok: string } | { missing: string };

/** A role as GetRole found it (or not): it must be the one named, and trust ECS tasks. */
export function judgeRole(
  check: Extract<Check, { kind: 'role' }>,
  role: { arn: string; trustPolicy: string } | undefined,
): Verdict {
  if (!role) return { missing: 'does not exist' };
  if (check.arn && role.arn !== check.arn) {
    return { missing: `does not exist (the role named ${check.name} is ${role.arn})` };
  }
  if (!trustsEcsTasks(role.trustPolicy)) {
    return {
      missing: `does not trust ${ECS_TASKS}: its trust policy must allow that service sts:AssumeRole`,
    };
  }
  return { ok: `exists and trusts ${ECS_TASKS}` };
}

/**
 * A secret as DescribeSecret found it (or not): not scheduled for deletion, with the version id and the
 * staging label the `valueFrom` asks for (on that version, when it names one).
 */
export function judgeSecret(
  check: Extract<Check, { kind: 'secret' }>,
  secret: { versions: Record<string, string[]>; deletedDate: Date | undefined } | undefined,
): Verdict {
  if (!secret) return { missing: 'does not exist' };
  if (secret.deletedDate) return { missing: 'is scheduled for deletion' };
  const { versionId, versionStage } = check;
  if (versionId && !(versionId in secret.versions)) return { missing: `has no version ${versionId}` };
  if (versionStage) {
    const stages = versionId ? (secret.versions[versionId] ?? []) : Object.values(secret.versions).flat();
    if (!stages.includes(versionStage)) {
      return {
        missing: `has no version labelled ${versionStage}${versionId ? ` with id ${versionId}` : ''}`,
      };
    }
  }
  return { ok: 'exists' };
}

/**
 * Whether a role's trust policy lets ECS tasks assume it: an Allow of `sts:AssumeRole` (or a wildcard)
 * to the service principal `ecs-tasks.amazonaws.com` (or `*`), and no Deny of it.
 */
export function trustsEcsTasks(policy: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return false;
  }
  const raw = (document as { Statement?: unknown } | null)?.Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as {
    Effect?: unknown;
    Action?: unknown;
    Principal?: unknown;
  }[];
  const applies = (s: (typeof statements)[number]): boolean =>
    list(s.Action).some((a) => /^(sts:assumerole|sts:\*|\*)$/i.test(a)) && namesEcsTasks(s.Principal);
  return (
    statements.some((s) => s.Effect === 'Allow' && applies(s)) &&
    !statements.some((s) => s.Effect === 'Deny' && applies(s))
  );
}

function namesEcsTasks(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const { Service, AWS } = principal as { Service?: unknown; AWS?: unknown };
  return list(Service).includes(ECS_TASKS) || list(AWS).includes('*');
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
