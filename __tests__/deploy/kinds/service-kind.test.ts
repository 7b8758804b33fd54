import {
  checkKindInputs,
  describeKind,
  serviceKind,
  type KindInputs,
} from '../../../src/deploy/kinds/service-kind.js';
import { parseSteps } from '../../../src/deploy/steps.js';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa';

describe('the service kind from its controller and strategy', () => {
  test.each([
    ['EXTERNAL', undefined, { kind: 'task-sets' }],
    ['ECS', undefined, { kind: 'rolling' }],
    ['ECS', 'ROLLING', { kind: 'rolling' }],
    ['ECS', 'BLUE_GREEN', { kind: 'native', strategy: 'BLUE_GREEN' }],
    ['ECS', 'LINEAR', { kind: 'native', strategy: 'LINEAR' }],
    ['ECS', 'CANARY', { kind: 'native', strategy: 'CANARY' }],
  ] as const)('%s %s', (controller, strategy, expected) => {
    expect(serviceKind({ name: 'api', controller, strategy })).toEqual(expected);
  });

  test('CODE_DEPLOY is refused with the way to migrate', () => {
    expect(() => serviceKind({ name: 'api', controller: 'CODE_DEPLOY', strategy: undefined })).toThrow(
      /^Service 'api' uses the CODE_DEPLOY deployment controller: CodeDeploy runs its deployments, so safe-deploy cannot watch or roll them back\. Migrate it to ECS blue\/green .* see "Migrating from CodeDeploy" in docs\/service-kinds\.md$/,
    );
  });

  test('an unknown strategy or controller is refused, not guessed', () => {
    expect(() => serviceKind({ name: 'api', controller: 'ECS', strategy: 'SHADOW' as never })).toThrow(
      /strategy SHADOW, which safe-deploy does not know/,
    );
    expect(() => serviceKind({ name: 'api', controller: 'LATTICE', strategy: undefined })).toThrow(
      /deployment controller LATTICE, which safe-deploy does not know/,
    );
  });

  test('the plan names the controller and strategy', () => {
    expect(describeKind({ kind: 'rolling' })).toMatch(
      /^ECS controller, rolling update: ECS replaces the tasks in place/,
    );
    expect(describeKind({ kind: 'native', strategy: 'LINEAR' })).toMatch(/^ECS controller, LINEAR strategy/);
    expect(describeKind({ kind: 'task-sets' })).toMatch(/^EXTERNAL controller: a new task set/);
  });
});

describe('inputs each kind cannot honour', () => {
  const none: KindInputs = {
    steps: undefined,
    listenerArn: undefined,
    testListenerArn: undefined,
    oneBox: false,
    minRequests: 0,
    beforeTraffic: undefined,
  };
  const steps = (text: string) => ({ text, steps: parseSteps(text) });
  const rolling = { kind: 'rolling' } as const;
  const native = { kind: 'native', strategy: 'BLUE_GREEN' } as const;

  test('a rolling service takes the default steps or AllAtOnce', () => {
    expect(() => checkKindInputs('api', rolling, none)).not.toThrow();
    expect(() => checkKindInputs('api', rolling, { ...none, steps: steps('AllAtOnce') })).not.toThrow();
    expect(() => checkKindInputs('api', rolling, { ...none, steps: steps('100%') })).not.toThrow();
  });

  test('a rolling service with steps is told traffic moves with its tasks and how to get steps', () => {
    expect(() =>
      checkKindInputs('api', rolling, { ...none, steps: steps('Canary10Percent5Minutes') }),
    ).toThrow(
      `Input 'steps': "Canary10Percent5Minutes" is not valid: 'api' is an ECS rolling service: its traffic moves ` +
        `with its tasks as ECS replaces them, so it has no traffic steps. Give AllAtOnce (or leave steps out); for ` +
        `steps, set the service's strategy to LINEAR or CANARY, or use an EXTERNAL service (see docs/service-kinds.md)`,
    );
  });

  test('a rolling service with a test listener is an error naming test-listener-arn', () => {
    expect(() => checkKindInputs('api', rolling, { ...none, testListenerArn: LISTENER })).toThrow(
      new RegExp(
        `^Input 'test-listener-arn': "${LISTENER}" is not valid: 'api' is an ECS rolling service: there is no second revision`,
      ),
    );
  });

  test('a native service points test traffic at its own testListenerRule', () => {
    expect(() => checkKindInputs('api', native, { ...none, testListenerArn: LISTENER })).toThrow(
      /'api' runs ECS's own BLUE_GREEN strategy: ECS sends test traffic through the testListenerRule/,
    );
  });

  test.each([
    ['listener-arn', { listenerArn: LISTENER }],
    ['one-box', { oneBox: true }],
    ['before-traffic', { beforeTraffic: './smoke.sh' }],
    ['first-task-set', { firstTaskSet: '{"launchType": "FARGATE"}' }],
  ])('%s is refused for both ECS kinds', (input, given) => {
    for (const kind of [rolling, native]) {
      expect(() => checkKindInputs('api', kind, { ...none, ...given })).toThrow(
        new RegExp(`^Input '${input}'`),
      );
    }
  });

  test('min-requests is refused for a native strategy, which bakes by time, before the listener it would need', () => {
    expect(() =>
      checkKindInputs('api', native, { ...none, minRequests: 100, listenerArn: LISTENER }),
    ).toThrow(
      `Input 'min-requests': "100" is not valid: 'api' runs ECS's own BLUE_GREEN strategy: ECS ends its bake ` +
        `after bakeTimeInMinutes (set from bake-time) and cannot wait for a request count; leave min-requests ` +
        `out (the bake of a ROLLING service behind an Application Load Balancer, or of an EXTERNAL service, can ` +
        `wait for one: see docs/service-kinds.md)`,
    );
  });

  test('a rolling service takes min-requests (its target groups are checked once read); a listener is still refused', () => {
    expect(() => checkKindInputs('api', rolling, { ...none, minRequests: 100 })).not.toThrow();
    expect(() =>
      checkKindInputs('api', rolling, { ...none, minRequests: 100, listenerArn: LISTENER }),
    ).toThrow(
      `Input 'listener-arn': "${LISTENER}" is not valid: 'api' is an ECS rolling service: traffic reaches the new ` +
        `tasks through the service's own target group, whose requests min-requests counts; leave this input out`,
    );
  });

  test('native services take any steps here (their shape is checked when the strategy is derived)', () => {
    expect(() =>
      checkKindInputs('api', native, { ...none, steps: steps('Canary10Percent5Minutes') }),
    ).not.toThrow();
  });

  test('task-set services are not checked here', () => {
    expect(() =>
      checkKindInputs(
        'api',
        { kind: 'task-sets' },
        { ...none, oneBox: true, testListenerArn: LISTENER, listenerArn: LISTENER },
      ),
    ).not.toThrow();
  });
});
