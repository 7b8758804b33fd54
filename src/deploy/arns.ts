import { inputError, quoteText, UserError } from '../errors.js';
import type { DeploySettings } from './settings.js';

/**
 * The ARNs among the deploy inputs: what kind of resource each names, and whether it can be the one the
 * deploy means (the client's region, the caller's account). Pure: the preflight supplies the account.
 */

/** An ARN split into its fields (`arn:partition:service:region:account:resource`). */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** The kinds of resource a deploy input may name by ARN. */
export type ArnKind = 'cluster' | 'service' | 'task definition' | 'listener' | 'listener rule';

/** The resource of each kind, as `service:resource-prefix`. */
const KIND_OF: Record<string, ArnKind> = {
  'ecs:cluster': 'cluster',
  'ecs:service': 'service',
  'ecs:task-definition': 'task definition',
  'elasticloadbalancing:listener': 'listener',
  'elasticloadbalancing:listener-rule': 'listener rule',
};

/** Other resources users mix up with the ones above, named so the error can say what was given. */
const OTHER_KINDS: Record<string, string> = {
  'ecs:task-set': 'an ECS task set',
  'ecs:task': 'an ECS task',
  'ecs:container-instance': 'an ECS container instance',
  'ecs:capacity-provider': 'an ECS capacity provider',
  'elasticloadbalancing:targetgroup': 'a target group',
  'elasticloadbalancing:loadbalancer': 'a load balancer',
};

/** Splits an ARN; `undefined` for text that is not one. */
export function parseArn(text: string): Arn | undefined {
  const groups =
    /^arn:(?<partition>[\w-]+):(?<service>[\w-]+):(?<region>[\w-]*):(?<account>\d{12}|):(?<resource>.+)$/.exec(
      text,
    )?.groups;
  if (!groups) return undefined;
  const { partition = '', service = '', region = '', account = '', resource = '' } = groups;
  return { partition, service, region, account, resource };
}

/** What an ARN names: one of the deploy's kinds, or a description of another resource. */
export function arnKind(arn: Arn): ArnKind | string {
  const type = arn.resource.split('/')[0] ?? '';
  const key = `${arn.service}:${type}`;
  return KIND_OF[key] ?? OTHER_KINDS[key] ?? `a ${arn.service} ${type || 'resource'}`;
}

const ARTICLE: Record<ArnKind, string> = {
  cluster: 'a cluster',
  service: 'a service',
  'task definition': 'a task definition',
  listener: 'a listener',
  'listener rule': 'a listener rule',
};

/** The input that takes an ARN of each kind, to point the user at the right one. */
const INPUT_FOR: Record<ArnKind, string> = {
  cluster: 'cluster',
  service: 'service',
  'task definition': 'task-definition',
  listener: 'listener-arn',
  'listener rule': 'listener-rule-arn',
};

/**
 * Checks that `text`, given to `input`, is an ARN of `expected` kind; throws a UserError naming the
 * input that says what it names instead (a service ARN given as `cluster`). Returns the parsed ARN, or
 * `undefined` for text that is not an ARN.
 */
export function expectArnKind(input: string, text: string, expected: ArnKind): Arn | undefined {
  const arn = parseArn(text);
  // Text that is no ARN at all is left to the caller's own pattern and message.
  if (!arn) return undefined;
  const kind = arnKind(arn);
  if (kind !== expected) {
    const named = kind in ARTICLE ? ARTICLE[kind as ArnKind] : kind;
    const hint = kind in INPUT_FOR ? ` (that goes in '${INPUT_FOR[kind as ArnKind]}')` : '';
    throw inputError(input, text, `this is ${named} ARN${hint}, not ${ARTICLE[expected]} ARN`);
  }
  return arn;
}

/** The partition a region belongs to (`cn-north-1` is `aws-cn`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/**
 * Checks that an ARN given to `input` is in the region (and so the partition) the AWS clients use: ECS
 * and ELBv2 only see their own region, so an ARN of another one would be "not found" at best.
 * `regionFrom` says where the region came from, for the message.
 */
export function expectRegion(input: string, text: string, region: string, regionFrom: string): void {
  const arn = parseArn(text);
  if (!arn) return;
  if (arn.region !== region) {
    throw inputError(
      input,
      text,
      `this ARN is in region ${arn.region || '(none)'}, but the deploy works in ${region} (${regionFrom}): ` +
        `give the ARN of the resource in ${region}, or deploy in ${arn.region}`,
    );
  }
  const partition = partitionOf(region);
  if (arn.partition !== partition) {
    throw inputError(
      input,
      text,
      `this ARN is in partition ${arn.partition}, but region ${region} is in partition ${partition}`,
    );
  }
}

/** The region the AWS clients use, as the SDK reads it, and where it came from. */
export function clientRegion(env: NodeJS.ProcessEnv): { region: string; from: string } | undefined {
  if (env.AWS_REGION) return { region: env.AWS_REGION, from: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { region: env.AWS_DEFAULT_REGION, from: 'AWS_DEFAULT_REGION' };
  return undefined;
}

/** The listener a listener rule belongs to: its ARN is the rule's without the last part. */
export function ruleListenerArn(ruleArn: string): string | undefined {
  const match = /^(arn:[^:]+:elasticloadbalancing:[^:]*:\d{12}:)listener-rule\/(.+)\/[^/]+$/.exec(ruleArn);
  return match ? `${match[1]}listener/${match[2]}` : undefined;
}

/** One deploy input that holds an ARN. */
export interface ArnInput {
  input: string;
  arn: string;
}

/** The ARN-valued deploy inputs of some settings, in input order (names are skipped). */
export function arnInputs(
  settings: Pick<DeploySettings, 'cluster' | 'service' | 'route'> & {
    taskDefinition?: DeploySettings['taskDefinition'] | undefined;
  },
): ArnInput[] {
  const found: ArnInput[] = [
    { input: 'cluster', arn: settings.cluster },
    { input: 'service', arn: settings.service },
  ];
  if (settings.taskDefinition?.kind === 'existing') {
    found.push({ input: 'task-definition', arn: settings.taskDefinition.reference });
  }
  const { route } = settings;
  if (route.kind === 'listener') {
    const input = route.production.kind === 'rule' ? 'listener-rule-arn' : 'listener-arn';
    found.push({ input, arn: route.production.arn });
    if (route.testListenerArn) found.push({ input: 'test-listener-arn', arn: route.testListenerArn });
  }
  return found.filter((entry) => entry.arn.startsWith('arn:'));
}

/** The ARN inputs of another account than `account`, each with the account its ARN names. */
export function otherAccountArns(
  inputs: readonly ArnInput[],
  account: string,
): (ArnInput & { account: string })[] {
  return inputs.flatMap((entry) => {
    const arnAccount = parseArn(entry.arn)?.account;
    return arnAccount && account && arnAccount !== account ? [{ ...entry, account: arnAccount }] : [];
  });
}

/**
 * For the preflight, once it knows the caller's account (STS GetCallerIdentity): an error naming every
 * ARN input of another account, or `undefined`. ECS and ELBv2 act only in the caller's account, so such
 * an ARN would fail later as "not found" or "access denied" with less to go on.
 */
export function otherAccountError(inputs: readonly ArnInput[], callerAccount: string): UserError | undefined {
  const foreign = otherAccountArns(inputs, callerAccount);
  if (!foreign.length) return undefined;
  const lines = foreign.map(
    (entry) => `Input '${entry.input}': ${quoteText(entry.arn)} is in account ${entry.account}`,
  );
  return new UserError(
    `${lines.join('; ')}; the deploy's credentials are for account ${callerAccount}: ` +
      'use credentials of the account that owns the service, or ARNs of this account',
  );
}

/**
 * The error for a well-formed ARN (or name) that AWS says does not exist: names the input, the ARN and
 * the region looked in, with AWS's own words (`The specified listener does not exist.`) after them.
 */
export function notFoundError(
  input: string,
  arnOrName: string,
  kind: ArnKind,
  region: string | undefined,
  awsMessage?: string,
): UserError {
  const where = region ? ` in region ${region}` : '';
  const said = awsMessage ? ` (AWS said: ${awsMessage})` : '';
  return new UserError(
    `Input '${input}': ${quoteText(arnOrName)}: no such ${kind}${where}${said}; check the ${kind} exists ` +
      'in this region and account, and that the ARN is copied whole',
  );
}
