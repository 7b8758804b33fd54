import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseFirstTaskSet,
  resolveFirstLaunch,
  taskDefinitionShape,
  type FirstLaunchFacts,
} from '../../src/deploy/first-task-set.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';

const TG_A = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/a/1111111111111111';
const TG_B = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/b/2222222222222222';
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/0123456789abcdef/aaaa';
const SUBNETS = { awsvpcConfiguration: { subnets: ['subnet-1'] } };

function parse(json: string) {
  return parseFirstTaskSet({ text: json, json, path: undefined });
}

describe('parsing first-task-set', () => {
  test('takes the CreateTaskSet launch fields', () => {
    const json = JSON.stringify({
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 3, base: 1 }],
      platformVersion: '1.4.0',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-1', 'subnet-2'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'DISABLED',
        },
      },
      loadBalancers: [{ targetGroupArn: TG_A, containerName: 'app', containerPort: 8080 }],
      serviceRegistries: [
        { registryArn: 'arn:aws:servicediscovery:us-east-1:111111111111:service/srv-abc123', port: 8080 },
      ],
    });
    expect(parse(json).launch).toEqual(JSON.parse(json));
  });

  test.each([
    [
      '{"launchType": "FARGATE", "taskDefinition": "api:1"}',
      `unknown field "taskDefinition" (the task definition comes from 'task-definition' (or 'manifest'))`,
    ],
    [
      '{"launchtype": "FARGATE"}',
      'unknown field "launchtype": it holds launchType or capacityProviderStrategy, platformVersion, networkConfiguration, loadBalancers, serviceRegistries',
    ],
    [
      '{"launchType": "FARGATE", "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}]}',
      'give launchType or capacityProviderStrategy, not both (ECS takes one)',
    ],
    ['{"launchType": "fargate"}', 'launchType: expected EC2, FARGATE, EXTERNAL or MANAGED_INSTANCES'],
    [
      '{"networkConfiguration": {"awsvpcConfiguration": {"subnets": []}}}',
      'networkConfiguration.awsvpcConfiguration.subnets: give at least one of subnets',
    ],
    [
      '{"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s"], "securityGroup": ["sg"]}}}',
      'unknown field "securityGroup" in networkConfiguration.awsvpcConfiguration',
    ],
    [
      '{"loadBalancers": [{"containerName": "a"}, {"containerName": "b"}]}',
      'loadBalancers: a task set takes one load balancer',
    ],
    [
      '{"loadBalancers": [{"targetGroupArn": "tg-1", "containerPort": 0}]}',
      'loadBalancers[0].targetGroupArn: expected an ELBv2 target group ARN; loadBalancers[0].containerPort: expected a whole number from 1 to 65535',
    ],
    ['{"launchType": "FARGATE",}', 'not valid JSON'],
    ['{"launchType": "EC2", "launchType": "FARGATE"}', 'the key "launchType" appears twice in one object'],
  ])('%s is an error naming the input and what is wrong', (json, problem) => {
    expect(() => parse(json)).toThrow(`Input 'first-task-set': ${JSON.stringify(json)} is not valid: `);
    expect(() => parse(json)).toThrow(problem);
  });

  test('a JSON value that is not an object', () => {
    expect(() => parse('["FARGATE"]')).toThrow(
      `Input 'first-task-set': "[\\"FARGATE\\"]" is not valid: expected a JSON object with launchType or capacityProviderStrategy`,
    );
  });
});

describe('the first-task-set deploy input', () => {
  const base = { cluster: 'web', service: 'api', 'task-definition': 'api:7' };
  const settingsOf = (value: string) =>
    parseDeploySettings(recordInputs({ ...base, 'first-task-set': value })).firstTaskSet;

  test('inline JSON, or a file it names, read with the other inputs (its schema is checked in validation)', () => {
    expect(settingsOf('{"launchType": "EC2"}')).toEqual({
      text: '{"launchType": "EC2"}',
      json: '{"launchType": "EC2"}',
      path: undefined,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'first-')), 'first-task-set.json');
    const json = JSON.stringify({ launchType: 'FARGATE', networkConfiguration: SUBNETS });
    writeFileSync(file, json);
    const fromFile = settingsOf(file)!;
    expect(fromFile).toEqual({ text: file, json, path: file });
    expect(parseFirstTaskSet(fromFile)).toEqual({
      text: file,
      launch: { launchType: 'FARGATE', networkConfiguration: SUBNETS },
    });
    expect(parseDeploySettings(recordInputs(base)).firstTaskSet).toBeUndefined();
  });

  test('a path that is no file is an error naming the input', () => {
    expect(() => settingsOf('nope.json')).toThrow(
      `Input 'first-task-set': "nope.json" is not valid: no such file, and not inline JSON (which starts with "{")`,
    );
  });

  test('a file with bad content quotes its path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'first-')), 'first.json');
    writeFileSync(file, '{"scale": 100}');
    expect(() => parseFirstTaskSet(settingsOf(file)!)).toThrow(
      `Input 'first-task-set': ${JSON.stringify(file)} is not valid: unknown field "scale" (the first task set is created at 100%)`,
    );
  });
});

/** Facts for a FARGATE-ready input, a service with nothing, a one-container task definition, no listener. */
function facts(overrides: Partial<FirstLaunchFacts> = {}, launch?: object): FirstLaunchFacts {
  return {
    service: { name: 'api', raw: {} },
    given: launch ? parse(JSON.stringify(launch)) : undefined,
    taskDefinition: taskDefinitionShape({
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [{ name: 'app', image: 'a', portMappings: [{ containerPort: 8080 }] }],
    }),
    listener: undefined,
    ...overrides,
  };
}

const FARGATE = { launchType: 'FARGATE', networkConfiguration: SUBNETS };
const listener = (weights: Record<string, number>): FirstLaunchFacts['listener'] => ({
  kind: 'listener',
  arn: LISTENER,
  weights,
});

describe('resolving a first task set', () => {
  test('the input wins over the service, field by field; the rest comes from the service', () => {
    const resolved = resolveFirstLaunch(
      facts(
        {
          service: {
            name: 'api',
            raw: {
              capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }],
              platformVersion: '1.4.0',
              networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-svc'] } },
            },
          },
        },
        { launchType: 'FARGATE' },
      ),
    );
    expect(resolved.launch).toEqual({
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-svc'] } },
    });
    expect(resolved.sources).toEqual([
      'launch type FARGATE (first-task-set)',
      'platform version 1.4.0 (the service)',
      'network configuration (the service)',
    ]);
  });

  test('an empty network configuration on the service (as DescribeServices may return) does not count', () => {
    expect(() =>
      resolveFirstLaunch(
        facts({ service: { name: 'api', raw: { launchType: 'FARGATE', networkConfiguration: {} } } }),
      ),
    ).toThrow("Input 'first-task-set' is needed: service 'api' has no task set yet");
  });

  test('the launch type must be one the task definition is compatible with', () => {
    expect(() =>
      resolveFirstLaunch(
        facts({ service: { name: 'api', raw: { launchType: 'EC2' } } }, { networkConfiguration: SUBNETS }),
      ),
    ).toThrow(
      'the launch type is EC2 (the service), but the task definition requires FARGATE: add {"launchType":"FARGATE"}',
    );
  });

  test('everything missing at once is said at once', () => {
    expect(() => resolveFirstLaunch(facts({ listener: listener({ [TG_A]: 100, [TG_B]: 0 }) }))).toThrow(
      'the first task set needs where its tasks run (a launch type or capacity provider strategy), and a network ' +
        'configuration (the task definition uses the awsvpc network mode); the service itself does not say. Give ' +
        "'first-task-set' as a JSON file or inline JSON such as " +
        '{"launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-…"],"securityGroups":["sg-…"]}}}',
    );
  });

  describe('behind a listener', () => {
    test('registers in the target group with the weight, the container defaulting to the only one with a port', () => {
      const resolved = resolveFirstLaunch(facts({ listener: listener({ [TG_A]: 0, [TG_B]: 100 }) }, FARGATE));
      expect(resolved).toMatchObject({ targetGroup: TG_B, otherTargetGroup: TG_A });
      expect(resolved.launch.loadBalancers).toEqual([
        { targetGroupArn: TG_B, containerName: 'app', containerPort: 8080 },
      ]);
      expect(resolved.sources.at(-1)).toBe(
        `load balancer: container app:8080 (the task definition) in target group ${TG_B}`,
      );
    });

    test('a tie goes to the first target group listed', () => {
      expect(
        resolveFirstLaunch(facts({ listener: listener({ [TG_A]: 50, [TG_B]: 50 }) }, FARGATE)).targetGroup,
      ).toBe(TG_A);
    });

    test('a target group the input names must be one of the listener’s', () => {
      const other = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/c/3333333333333333';
      expect(() =>
        resolveFirstLaunch(
          facts(
            { listener: listener({ [TG_A]: 100, [TG_B]: 0 }) },
            { ...FARGATE, loadBalancers: [{ targetGroupArn: other }] },
          ),
        ),
      ).toThrow(`names the target group ${other}, which is not one of the listener's (${TG_A}, ${TG_B})`);
    });

    test('several containers with ports: the error lists them and shows the JSON to add', () => {
      const shape = taskDefinitionShape({
        networkMode: 'awsvpc',
        containerDefinitions: [
          { name: 'app', portMappings: [{ containerPort: 8080 }] },
          { name: 'envoy', portMappings: [{ containerPort: 9901 }, { containerPort: 15000 }] },
        ],
      });
      expect(() =>
        resolveFirstLaunch(
          facts({ listener: listener({ [TG_A]: 100, [TG_B]: 0 }), taskDefinition: shape }, FARGATE),
        ),
      ).toThrow(
        'the first task set needs the container and port its load balancer sends traffic to (the task definition ' +
          'maps app:8080, envoy:9901, envoy:15000): add {"loadBalancers":[{"containerName":"app","containerPort":8080}]}',
      );
      const named = resolveFirstLaunch(
        facts(
          { listener: listener({ [TG_A]: 100, [TG_B]: 0 }), taskDefinition: shape },
          { ...FARGATE, loadBalancers: [{ containerName: 'app' }] },
        ),
      );
      expect(named.launch.loadBalancers).toEqual([
        { targetGroupArn: TG_A, containerName: 'app', containerPort: 8080 },
      ]);
      expect(() =>
        resolveFirstLaunch(
          facts(
            { listener: listener({ [TG_A]: 100, [TG_B]: 0 }), taskDefinition: shape },
            { ...FARGATE, loadBalancers: [{ containerName: 'envoy', containerPort: 80 }] },
          ),
        ),
      ).toThrow(
        'first-task-set names envoy:80, but the task definition maps app:8080, envoy:9901, envoy:15000',
      );
    });
  });

  describe('with task-sets routing', () => {
    test('no load balancer is fine (a worker)', () => {
      const resolved = resolveFirstLaunch(facts({}, FARGATE));
      expect(resolved.launch.loadBalancers).toBeUndefined();
      expect(resolved.targetGroup).toBeUndefined();
    });

    test('a load balancer must name the target group', () => {
      expect(() =>
        resolveFirstLaunch(facts({}, { ...FARGATE, loadBalancers: [{ containerName: 'app' }] })),
      ).toThrow(
        "with 'routing: task-sets' the load balancer (first-task-set) must name the target group both versions share",
      );
      const resolved = resolveFirstLaunch(
        facts({}, { ...FARGATE, loadBalancers: [{ targetGroupArn: TG_A }] }),
      );
      expect(resolved.launch.loadBalancers).toEqual([
        { targetGroupArn: TG_A, containerName: 'app', containerPort: 8080 },
      ]);
    });
  });
});
