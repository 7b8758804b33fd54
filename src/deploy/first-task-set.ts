import type { RegisterTaskDefinitionCommandInput, Service as SdkService } from '@aws-sdk/client-ecs';
import * as z from 'zod';
import type { TaskSetLaunch } from '../aws/ecs.js';
import type { Weights } from '../aws/load-balancer.js';
import { inputError, UserError } from '../errors.js';
import { parseJsonFile } from '../manifest/json.js';
import type { FirstTaskSetSource } from './settings.js';

/**
 * The `first-task-set` input and what it decides: how a service's first task set runs. Later deploys copy
 * these settings from the running task set (blue); a service with no task set has none to copy, so they
 * come from this input, else from what the service itself carries, else the deploy is refused before
 * anything changes, saying exactly what to put in the input.
 */

export const FIRST_TASK_SET = 'first-task-set';

const FIELDS =
  'launchType or capacityProviderStrategy, platformVersion, networkConfiguration, loadBalancers, serviceRegistries';

/** Fields of CreateTaskSet the deploy sets itself, and where each comes from instead. */
const SET_ELSEWHERE: Record<string, string> = {
  taskDefinition: "the task definition comes from 'task-definition' (or 'manifest')",
  scale: 'the first task set is created at 100%',
  tags: "the run's tags are added to it",
  cluster: "the cluster is the input 'cluster'",
  service: "the service is the input 'service'",
  clientToken: 'the deploy makes its own requests',
};

const TARGET_GROUP_ARN = /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:targetgroup\/[\w-]+\/[0-9a-f]+$/;
const REGISTRY_ARN = /^arn:aws[\w-]*:servicediscovery:[\w-]+:\d{12}:service\/[\w-]+$/;

const name = z.string({ error: 'expected text' }).min(1, { error: 'must not be empty' });
const whole = (min: number, max: number) =>
  z
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int({ error: `expected a whole number from ${min} to ${max}` })
    .min(min, { error: `expected a whole number from ${min} to ${max}` })
    .max(max, { error: `expected a whole number from ${min} to ${max}` });
const names = (what: string, max: number) =>
  z
    .array(name, { error: `expected a list of ${what}` })
    .min(1, { error: `give at least one of ${what}` })
    .max(max, { error: `at most ${max} ${what}` });

const Launch = z
  .strictObject({
    launchType: z
      .enum(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'], {
        error: 'expected EC2, FARGATE, EXTERNAL or MANAGED_INSTANCES',
      })
      .optional(),
    capacityProviderStrategy: z
      .array(
        z.strictObject({
          capacityProvider: name,
          weight: whole(0, 1000).optional(),
          base: whole(0, 100_000).optional(),
        }),
        { error: 'expected a list of {"capacityProvider", "weight", "base"}' },
      )
      .min(1, { error: 'give at least one capacity provider' })
      .optional(),
    platformVersion: name.optional(),
    networkConfiguration: z
      .strictObject({
        awsvpcConfiguration: z.strictObject({
          subnets: names('subnets', 16),
          securityGroups: names('security groups', 5).optional(),
          assignPublicIp: z
            .enum(['ENABLED', 'DISABLED'], { error: 'expected ENABLED or DISABLED' })
            .optional(),
        }),
      })
      .optional(),
    loadBalancers: z
      .array(
        z.strictObject({
          targetGroupArn: z
            .string({ error: 'expected a target group ARN' })
            .regex(TARGET_GROUP_ARN, { error: 'expected an ELBv2 target group ARN' })
            .optional(),
          containerName: name.optional(),
          containerPort: whole(1, 65_535).optional(),
        }),
        { error: 'expected a list of {"targetGroupArn", "containerName", "containerPort"}' },
      )
      .max(1, { error: 'a task set takes one load balancer' })
      .optional(),
    serviceRegistries: z
      .array(
        z.strictObject({
          registryArn: z
            .string({ error: 'expected a Cloud Map service ARN' })
            .regex(REGISTRY_ARN, { error: 'expected a Cloud Map (servicediscovery) service ARN' }),
          port: whole(1, 65_535).optional(),
          containerName: name.optional(),
          containerPort: whole(1, 65_535).optional(),
        }),
        { error: 'expected a list of {"registryArn", "port", "containerName", "containerPort"}' },
      )
      .optional(),
  })
  .refine((launch) => !(launch.launchType && launch.capacityProviderStrategy), {
    error: 'give launchType or capacityProviderStrategy, not both (ECS takes one)',
  });

/** The `first-task-set` input, parsed. */
export interface FirstTaskSet {
  /** The input as given (a path, or the inline JSON), for messages. */
  text: string;
  launch: z.output<typeof Launch>;
}

/**
 * Parses the input's JSON (inline, or read from its file by the settings): an error names the input and
 * the bad text (the path, for a file).
 */
export function parseFirstTaskSet(source: FirstTaskSetSource): FirstTaskSet {
  const quoted = source.path ?? source.text;
  const raw = parseJsonFile(source.json, FIRST_TASK_SET, quoted);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw inputError(FIRST_TASK_SET, quoted, `expected a JSON object with ${FIELDS}`);
  }
  const parsed = Launch.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const why = issue.keys.map((key) => SET_ELSEWHERE[key] ?? undefined).find(Boolean);
        const at = issue.path.length ? ` in ${formatPath(issue.path)}` : '';
        return (
          `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${at}` +
          (why ? ` (${why})` : issue.path.length ? '' : `: it holds ${FIELDS}`)
        );
      }
      return issue.path.length ? `${formatPath(issue.path)}: ${issue.message}` : issue.message;
    });
    throw inputError(FIRST_TASK_SET, quoted, problems.join('; '));
  }
  return { text: source.text, launch: parsed.data };
}

/** `loadBalancers[0].containerPort`, the way the JSON is written. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
}

/** What a first task set is made of, once resolved, and where each part came from (for the log). */
export interface FirstLaunch {
  launch: TaskSetLaunch;
  /** The target group its tasks register in, when it has a load balancer. */
  targetGroup: string | undefined;
  /** With listener routing: the listener's other target group (the next deploy's green). */
  otherTargetGroup: string | undefined;
  /** "launch type FARGATE (first-task-set)", one a resolved part. */
  sources: string[];
}

/** What the resolution reads: the input, the service, the task definition, the listener's weights. */
export interface FirstLaunchFacts {
  service: { name: string; raw: Pick<SdkService, keyof TaskSetLaunch & keyof SdkService> };
  given: FirstTaskSet | undefined;
  taskDefinition: TaskDefinitionShape;
  /** With listener routing: the production route and its forward action's weights. */
  listener: { arn: string; kind: 'listener' | 'rule'; weights: Weights } | undefined;
}

/** The parts of a task definition a first task set's settings depend on. */
export interface TaskDefinitionShape {
  networkMode: string | undefined;
  requiresCompatibilities: string[];
  /** Each container with the container ports it maps. */
  containers: { name: string; ports: number[] }[];
}

/** The shape of a task definition, registered or described. */
export function taskDefinitionShape(
  definition: Partial<
    Pick<
      RegisterTaskDefinitionCommandInput,
      'networkMode' | 'requiresCompatibilities' | 'containerDefinitions'
    >
  >,
): TaskDefinitionShape {
  return {
    networkMode: definition.networkMode,
    requiresCompatibilities: definition.requiresCompatibilities ?? [],
    containers: (definition.containerDefinitions ?? []).map((c) => ({
      name: c.name ?? '',
      ports: (c.portMappings ?? []).flatMap((p) => (p.containerPort ? [p.containerPort] : [])),
    })),
  };
}

/**
 * Resolves a first task set's launch settings, field by field: the input's, else the service's own, else
 * (the load balancer's container) the task definition's only container with a port mapping; with listener
 * routing its tasks register in the target group that carries the listener's weight. Throws a UserError
 * naming `first-task-set`, with the JSON to add, for what none of them gives. Pure: nothing is read here.
 */
export function resolveFirstLaunch(facts: FirstLaunchFacts): FirstLaunch {
  const { given, service, taskDefinition: td } = facts;
  const input = given?.launch ?? {};
  const own = service.raw;
  const sources: string[] = [];
  const from = (fromInput: boolean): string => (fromInput ? FIRST_TASK_SET : 'the service');
  const launch: TaskSetLaunch = {};

  // Where the tasks run: the input's choice, else the service's.
  const inputPlace = input.launchType !== undefined || input.capacityProviderStrategy !== undefined;
  const strategy = inputPlace ? input.capacityProviderStrategy : nonEmpty(own.capacityProviderStrategy);
  const launchType = inputPlace ? input.launchType : own.launchType;
  if (strategy) {
    launch.capacityProviderStrategy = strategy;
    sources.push(
      `capacity providers ${strategy.map((p) => p.capacityProvider).join(', ')} (${from(inputPlace)})`,
    );
  } else if (launchType) {
    launch.launchType = launchType;
    sources.push(`launch type ${launchType} (${from(inputPlace)})`);
  }
  const platformVersion = input.platformVersion ?? own.platformVersion;
  if (platformVersion) {
    launch.platformVersion = platformVersion;
    sources.push(`platform version ${platformVersion} (${from(input.platformVersion !== undefined)})`);
  }
  const network =
    input.networkConfiguration ??
    (own.networkConfiguration?.awsvpcConfiguration ? own.networkConfiguration : undefined);
  if (network) {
    launch.networkConfiguration = network;
    sources.push(`network configuration (${from(input.networkConfiguration !== undefined)})`);
  }
  const registries = input.serviceRegistries ?? nonEmpty(own.serviceRegistries);
  if (registries) {
    launch.serviceRegistries = registries;
    sources.push(`service registries (${from(input.serviceRegistries !== undefined)})`);
  }

  const missing: Missing[] = [];
  if (!launch.launchType && !launch.capacityProviderStrategy) missing.push({ kind: 'place' });
  const awsvpc = td.networkMode === 'awsvpc';
  if (awsvpc && !network) missing.push({ kind: 'network' });
  if (
    launch.launchType &&
    td.requiresCompatibilities.length &&
    !td.requiresCompatibilities.includes(launch.launchType)
  ) {
    throw refusal(
      facts,
      `the launch type is ${launch.launchType} (${from(inputPlace)}), but the task definition requires ` +
        `${td.requiresCompatibilities.join(' or ')}`,
      { launchType: td.requiresCompatibilities[0] },
    );
  }

  // The load balancer: the listener's production target group, or the one the input or service names.
  const inputBalancer = input.loadBalancers?.[0];
  const balancer = inputBalancer ?? own.loadBalancers?.[0];
  const balancerFrom = from(inputBalancer !== undefined);
  let targetGroup: string | undefined;
  let otherTargetGroup: string | undefined;
  if (facts.listener) {
    const chosen = productionTargetGroup(facts, facts.listener, balancer?.targetGroupArn, balancerFrom);
    targetGroup = chosen.production;
    otherTargetGroup = chosen.other;
  } else if (balancer) {
    if (!balancer.targetGroupArn) {
      throw refusal(
        facts,
        `with 'routing: task-sets' the load balancer (${balancerFrom}) must name the target group both versions share`,
        {
          loadBalancers: [
            {
              targetGroupArn: 'arn:aws:elasticloadbalancing:…:targetgroup/…',
              ...(balancer.containerName ? { containerName: balancer.containerName } : {}),
              ...(balancer.containerPort ? { containerPort: balancer.containerPort } : {}),
            },
          ],
        },
      );
    }
    targetGroup = balancer.targetGroupArn;
  }
  if (targetGroup) {
    const container = loadBalancerContainer(td, balancer, balancerFrom);
    if ('missing' in container) missing.push(container.missing);
    else {
      launch.loadBalancers = [{ targetGroupArn: targetGroup, ...container.pick }];
      sources.push(
        `load balancer: container ${container.pick.containerName}:${container.pick.containerPort} (${container.from}) ` +
          `in target group ${targetGroup}`,
      );
    }
  }
  if (missing.length) throw missingRefusal(facts, missing);
  return { launch, targetGroup, otherTargetGroup, sources };
}

/** Something the first task set needs that nothing gives. */
type Missing =
  | { kind: 'place' }
  | { kind: 'network' }
  | { kind: 'container'; why: string; example: { containerName: string; containerPort: number } };

/**
 * The target group a first task set registers in: the one the load balancer names (one of the
 * listener's two), else the one that carries the listener's weight (the first listed on a tie).
 */
function productionTargetGroup(
  facts: FirstLaunchFacts,
  listener: NonNullable<FirstLaunchFacts['listener']>,
  named: string | undefined,
  namedFrom: string,
): { production: string; other: string } {
  const [first, second, ...more] = Object.keys(listener.weights);
  if (!first || !second || more.length) {
    throw new UserError(
      `The ${listener.kind} ${listener.arn} must forward to two target groups: the first task set registers in ` +
        `the one that takes its traffic, the next deploy's green in the other; it forwards to ` +
        `${Object.keys(listener.weights).join(', ') || 'none'}`,
    );
  }
  if (named && named !== first && named !== second) {
    throw refusal(
      facts,
      `the load balancer (${namedFrom}) names the target group ${named}, which is not one of the ${listener.kind}'s ` +
        `(${first}, ${second}); name one of them, or leave targetGroupArn out for the one with the traffic`,
    );
  }
  const weight = (group: string): number => listener.weights[group] ?? 0;
  const production = named ?? (weight(second) > weight(first) ? second : first);
  return { production, other: production === first ? second : first };
}

/** The container and port the load balancer sends to: as named, else the task definition's only one. */
function loadBalancerContainer(
  td: TaskDefinitionShape,
  balancer: { containerName?: string | undefined; containerPort?: number | undefined } | undefined,
  balancerFrom: string,
): { pick: { containerName: string; containerPort: number }; from: string } | { missing: Missing } {
  const name = balancer?.containerName;
  const port = balancer?.containerPort;
  const all = td.containers.flatMap((c) => c.ports.map((p) => ({ name: c.name, port: p })));
  const matching = all.filter(
    (c) => (name === undefined || c.name === name) && (port === undefined || c.port === port),
  );
  const only = matching.length === 1 ? matching[0] : undefined;
  if (!only) {
    const choices = all.map((c) => `${c.name}:${c.port}`).join(', ');
    const asked = [name, port].filter((part) => part !== undefined).join(':');
    const why = !all.length
      ? 'no container of the task definition maps a port'
      : matching.length > 1
        ? `the task definition maps ${choices}${asked ? `, more than one of them ${asked}` : ''}`
        : asked
          ? `${balancerFrom} names ${asked}, but the task definition maps ${choices}`
          : `the task definition maps ${choices}`;
    const example = matching[0] ?? all[0];
    return {
      missing: {
        kind: 'container',
        why,
        example: {
          containerName: example?.name ?? name ?? 'app',
          containerPort: example?.port ?? port ?? 80,
        },
      },
    };
  }
  const from =
    name && port
      ? balancerFrom
      : name || port
        ? `${balancerFrom} and the task definition`
        : 'the task definition';
  return { pick: { containerName: only.name, containerPort: only.port }, from };
}

/** Refuses with what nothing gave, and the JSON that gives it. */
function missingRefusal(facts: FirstLaunchFacts, missing: Missing[]): UserError {
  const what: string[] = [];
  const add: Record<string, unknown> = {};
  for (const m of missing) {
    if (m.kind === 'place') {
      what.push('where its tasks run (a launch type or capacity provider strategy)');
      add.launchType = facts.taskDefinition.requiresCompatibilities[0] ?? 'FARGATE';
    } else if (m.kind === 'network') {
      what.push('a network configuration (the task definition uses the awsvpc network mode)');
      add.networkConfiguration = {
        awsvpcConfiguration: { subnets: ['subnet-…'], securityGroups: ['sg-…'] },
      };
    } else {
      what.push(`the container and port its load balancer sends traffic to (${m.why})`);
      add.loadBalancers = [m.example];
    }
  }
  return refusal(facts, `the first task set needs ${what.join(', and ')}`, add);
}

/**
 * The error for a first task set that cannot be made: with the input, its problem; without, that it is
 * needed. Either way it shows the JSON to put in `first-task-set`.
 */
function refusal(facts: FirstLaunchFacts, problem: string, add?: Record<string, unknown>): UserError {
  const json = add ? JSON.stringify(add) : undefined;
  const context = `service '${facts.service.name}' has no task set yet, so this deploy creates its first one`;
  if (facts.given) {
    return inputError(
      FIRST_TASK_SET,
      facts.given.text,
      `${context}, and ${problem}${json ? `: add ${json}` : ''}`,
    );
  }
  return new UserError(
    `Input '${FIRST_TASK_SET}' is needed: ${context}, and ${problem}; the service itself does not say. ` +
      (json
        ? `Give '${FIRST_TASK_SET}' as a JSON file or inline JSON such as ${json}`
        : `Give '${FIRST_TASK_SET}' as a JSON file or inline JSON`) +
      ` (it holds the CreateTaskSet fields ${FIELDS}; later deploys copy them from the running task set)`,
  );
}

function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list?.length ? list : undefined;
}
