import {
  describeNativeStrategy,
  mergeDeploymentConfiguration,
  nativeStrategyConfiguration,
} from '../../../src/deploy/kinds/ecs-strategy.js';
import { parseSteps } from '../../../src/deploy/steps.js';

const MINUTE = 60_000;
const derive = (text: string, bakeMs = 5 * MINUTE) =>
  nativeStrategyConfiguration(parseSteps(text), text, bakeMs);

describe('steps and bake-time as an ECS-native strategy', () => {
  test.each([
    ['AllAtOnce', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }],
    ['100%', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }],
    [
      'Canary10Percent15Minutes',
      {
        strategy: 'CANARY',
        bakeTimeInMinutes: 5,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 15 },
      },
    ],
    [
      'CodeDeployDefault.ECSCanary25Percent3Minutes',
      {
        strategy: 'CANARY',
        bakeTimeInMinutes: 5,
        canaryConfiguration: { canaryPercent: 25, canaryBakeTimeInMinutes: 3 },
      },
    ],
    [
      '20%:2m, 100%',
      {
        strategy: 'CANARY',
        bakeTimeInMinutes: 5,
        canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 2 },
      },
    ],
    [
      'Linear10PercentEvery3Minutes',
      {
        strategy: 'LINEAR',
        bakeTimeInMinutes: 5,
        linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 3 },
      },
    ],
    [
      '30%:1m, 60%:1m, 90%:1m, 100%',
      {
        strategy: 'LINEAR',
        bakeTimeInMinutes: 5,
        linearConfiguration: { stepPercent: 30, stepBakeTimeInMinutes: 1 },
      },
    ],
    [
      '25%:0s, 50%:0s, 75%:0s, 100%',
      {
        strategy: 'LINEAR',
        bakeTimeInMinutes: 5,
        linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 0 },
      },
    ],
  ])('%s', (text, expected) => {
    expect(derive(text)).toEqual(expected);
  });

  test('bake-time becomes bakeTimeInMinutes', () => {
    expect(derive('AllAtOnce', 90 * MINUTE)).toEqual({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 90 });
    expect(derive('AllAtOnce', 0)).toEqual({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 });
  });

  test('a bake that is not whole minutes names bake-time and the nearest whole minutes', () => {
    expect(() => derive('AllAtOnce', 90_000)).toThrow(
      `Input 'bake-time': "1m30s" is not valid: ECS bakes in whole minutes: give 2m`,
    );
  });

  test('holds that are not whole minutes name steps with the nearest form', () => {
    expect(() => derive('10%:30s, 100%')).toThrow(
      /^Input 'steps': "10%:30s, 100%" is not valid: ECS holds each step for whole minutes, 0 to 1440; the nearest form ECS accepts is Canary10Percent1Minutes/,
    );
    expect(() =>
      derive('10%:30s, 20%:30s, 30%:30s, 40%:30s, 50%:30s, 60%:30s, 70%:30s, 80%:30s, 90%:30s, 100%'),
    ).toThrow(/nearest form ECS accepts is Linear10PercentEvery1Minutes/);
  });

  test('a step held longer than ECS allows is refused', () => {
    expect(() => derive('10%:25h, 100%')).toThrow(
      /whole minutes, 0 to 1440; the nearest form ECS accepts is Canary10Percent1440Minutes/,
    );
  });

  test('uneven steps are refused with the nearest canary', () => {
    expect(() => derive('10%:5m, 50%:10m, 100%')).toThrow(
      `Input 'steps': "10%:5m, 50%:10m, 100%" is not valid: ECS runs one canary step, or equal steps every equal hold ` +
        `(LinearNPercentEveryMMinutes); the nearest form ECS accepts is Canary10Percent5Minutes (10% for 5 minute(s), then 100%)`,
    );
  });

  test('equal steps that stop short of where ECS would keep adding are refused', () => {
    // ECS adds 10% until 100, so 10, 20, 30 then 100 is not a linear deploy ECS can run.
    expect(() => derive('10%:1m, 20%:1m, 30%:1m, 100%')).toThrow(
      /nearest form ECS accepts is Linear10PercentEvery1Minutes/,
    );
  });

  test('linear steps under 3% are refused naming the 3% limit', () => {
    expect(() => derive('Linear2PercentEvery1Minutes')).toThrow(
      /ECS's linear steps are at least 3%; the nearest form ECS accepts is Linear3PercentEvery1Minutes/,
    );
  });

  test('a hold on the 100% step goes to bake-time', () => {
    expect(() => derive('10%:5m, 100%:5m')).toThrow(
      /drop the hold on the 100% step and add it to 'bake-time'/,
    );
  });
});

describe('merging the derived strategy into the service configuration', () => {
  test('only strategy, bake and the strategy block change; alarms, hooks and percents stay', () => {
    const current = {
      strategy: 'BLUE_GREEN' as const,
      bakeTimeInMinutes: 10,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      alarms: { alarmNames: ['ecs-own'], enable: true, rollback: true },
      lifecycleHooks: [
        {
          hookTargetArn: 'arn:aws:lambda:us-east-1:111111111111:function:check',
          lifecycleStages: ['POST_SCALE_UP' as const],
        },
      ],
      linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 1 },
    };
    const { configuration, changed } = mergeDeploymentConfiguration(
      current,
      derive('Canary10Percent5Minutes'),
    );
    expect(configuration).toEqual({
      strategy: 'CANARY',
      bakeTimeInMinutes: 5,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      alarms: current.alarms,
      lifecycleHooks: current.lifecycleHooks,
    });
    expect(changed).toEqual([
      'strategy: "BLUE_GREEN" → "CANARY"',
      'bakeTimeInMinutes: 10 → 5',
      'linearConfiguration: {"stepPercent":10,"stepBakeTimeInMinutes":1} → unset',
      'canaryConfiguration: unset → {"canaryPercent":10,"canaryBakeTimeInMinutes":5}',
    ]);
  });

  test('nothing to say when the service already has that configuration', () => {
    const current = { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 5 };
    expect(mergeDeploymentConfiguration(current, derive('AllAtOnce')).changed).toEqual([]);
  });
});

test('the plan says what each native strategy will do', () => {
  expect(describeNativeStrategy(derive('Linear20PercentEvery2Minutes'))).toEqual([
    'ECS LINEAR: production traffic moves 20% every 2 minute(s) until 100%',
    'ECS bakes 5 minute(s) with both revisions running, then removes the old one',
  ]);
  expect(describeNativeStrategy(derive('Canary5Percent10Minutes'))[0]).toBe(
    'ECS CANARY: 5% of production traffic for 10 minute(s), then 100%',
  );
  expect(describeNativeStrategy(derive('AllAtOnce'))[0]).toBe(
    'ECS BLUE_GREEN: the new revision scales up, then takes all production traffic at once',
  );
});
