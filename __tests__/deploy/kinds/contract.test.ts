import { BLUE_TG, GREEN_TG, LISTENER } from '../../support/fake-aws.js';
import { FakeEcsDeployments, TASK_DEFINITION } from '../../support/fake-ecs-deployments.js';
import { deploy, scenario, type Scenario } from '../harness.js';

// One contract for every kind of service, run through the whole lifecycle against the team's fake: a
// deploy that goes well ends with the new version alone serving all traffic; an alarm mid-deploy ends
// with the version that served before (or, on a first deploy, the empty service) as AWS shows it,
// confirmed; a passing fault in the middle of a traffic move never rolls a deploy back. What differs is
// only how each kind's serving version is read.

const NEW = TASK_DEFINITION(7);
const OLD_TASK_SET = TASK_DEFINITION(1);
const FIRST = JSON.stringify({
  launchType: 'FARGATE',
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
});
const throttled = (): Error =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

interface Kind {
  setup(): { s: Scenario; serving: () => string[] };
  inputs: Record<string, string>;
  /** What serves before the deploy, as `serving` reads it. */
  before: string[];
  /** The command that moves traffic for this kind (a passing fault is injected there). */
  moves: string;
}

/** The task definitions of the task sets left in the service (DRAINING ones are going), PRIMARY first. */
function taskSetsServing(s: Scenario): string[] {
  return s.aws.taskSets
    .filter((t) => t.status !== 'DRAINING')
    .sort((a, b) => (a.status === 'PRIMARY' ? -1 : b.status === 'PRIMARY' ? 1 : 0))
    .filter((t) => (t.scale?.value ?? 0) > 0)
    .map((t) => t.taskDefinition!);
}

const KINDS: Record<string, Kind> = {
  'task sets behind a listener': {
    setup: () => {
      const s = scenario();
      return {
        s,
        serving: () => {
          const weights = s.aws.weights(LISTENER);
          const group = Object.keys(weights).find((g) => weights[g] === 100);
          const primary = s.aws.primary();
          const behind = primary?.loadBalancers?.[0]?.targetGroupArn;
          return group === behind ? taskSetsServing(s) : [`traffic on ${group ?? 'two groups'}`];
        },
      };
    },
    inputs: { steps: '25%:1m, 100%', 'bake-time': '2m' },
    before: [OLD_TASK_SET],
    moves: 'ModifyListener',
  },
  'task sets by scale': {
    setup: () => {
      const s = scenario();
      return { s, serving: () => taskSetsServing(s) };
    },
    inputs: { 'listener-arn': '', routing: 'task-sets', steps: '25%:1m, 100%', 'bake-time': '2m' },
    before: [OLD_TASK_SET],
    moves: 'UpdateTaskSet',
  },
  'a first task set': {
    setup: () => {
      const s = scenario();
      s.aws.empty();
      return { s, serving: () => taskSetsServing(s) };
    },
    inputs: { 'first-task-set': FIRST, 'bake-time': '2m' },
    before: [],
    moves: 'DescribeListeners',
  },
  'ECS rolling': {
    setup: () => {
      const s = scenario();
      const ecs = new FakeEcsDeployments(s.aws, s.clock);
      return { s, serving: () => Object.keys(ecs.runningByTaskDefinition()) };
    },
    inputs: { 'listener-arn': '', 'bake-time': '2m', 'poll-interval': '5s' },
    before: [TASK_DEFINITION(1)],
    moves: 'DescribeServices',
  },
  "ECS's own blue/green": {
    setup: () => {
      const s = scenario();
      const ecs = new FakeEcsDeployments(s.aws, s.clock, { strategy: 'BLUE_GREEN' });
      return { s, serving: () => Object.keys(ecs.runningByTaskDefinition()) };
    },
    inputs: { 'listener-arn': '', 'bake-time': '2m', 'poll-interval': '5s' },
    before: [TASK_DEFINITION(1)],
    moves: 'DescribeServiceDeployments',
  },
};

describe.each(Object.keys(KINDS))('%s', (name) => {
  const kind = KINDS[name]!;

  it('deploys: the new version alone serves all traffic', async () => {
    const { s, serving } = kind.setup();
    expect(serving()).toEqual(kind.before);
    const report = await deploy(s, kind.inputs);
    expect(report.result).toBe('deployed');
    expect(serving()).toEqual([NEW]);
    expect(report.timeline.at(-1)).toMatchObject({ traffic: 100 });
  });

  it('an alarm mid-deploy: back to what served before, confirmed by AWS', async () => {
    const { s, serving } = kind.setup();
    s.clock.after(90_000, () => s.aws.setAlarm('api-5xx', 'ALARM', '5xx above 10'));
    const report = await deploy(s, kind.inputs);
    expect(report.result).toBe('rolled-back');
    expect(report.reason).toBe('alarm api-5xx is in ALARM: 5xx above 10');
    expect(s.logs.some((line) => line.startsWith('Rollback confirmed by AWS'))).toBe(true);
    expect(serving()).toEqual(kind.before);
    expect(report.timeline.at(-1)).toMatchObject({ phase: 'rollback', traffic: 0 });
  });

  it('a passing fault in the middle of moving traffic does not roll the deploy back', async () => {
    const { s, serving } = kind.setup();
    s.aws.fail(kind.moves, throttled(), 2);
    const report = await deploy(s, kind.inputs);
    expect(report.result).toBe('deployed');
    // Both throttled tries were made, and the call was tried again until it went through.
    expect(s.aws.count(kind.moves)).toBeGreaterThanOrEqual(3);
    expect(serving()).toEqual([NEW]);
  });
});

test('the listener kind reads weights from the groups blue and green sit behind', () => {
  // The contract's reading of "serving" for listener routing is only true when the fake starts as assumed.
  const { s } = KINDS['task sets behind a listener']!.setup();
  expect(s.aws.weights(LISTENER)).toEqual({ [BLUE_TG]: 100, [GREEN_TG]: 0 });
});
