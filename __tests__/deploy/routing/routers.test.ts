import { AwsCalls } from '../../../src/deploy/calls.js';
import { savedRouter } from '../../../src/deploy/rollback.js';
import type { ListenerRoute } from '../../../src/deploy/routing/listener.js';
import { trafficRouter, type TaskSetRouter, type TrafficRouter } from '../../../src/deploy/routing/router.js';
import { Stop } from '../../../src/deploy/watch.js';
import {
  BLUE_TASK_SET,
  BLUE_TG,
  FakeAws,
  GREEN_TG,
  LISTENER,
  TEST_LISTENER,
} from '../../support/fake-aws.js';
import { FakeClock } from '../../support/fake-clock.js';

// One contract for every way of moving traffic, run against the team's fake AWS: each router is made by
// the one constructor (`trafficRouter`, here through `savedRouter` as a rollback or the post step makes
// it) and goes through the same cases. Where a router has nothing of its own to move (ECS moves traffic;
// a first task set alone takes it all), the case says what it does instead.

const accessDenied = (): Error =>
  Object.assign(new Error('User is not authorized to perform this action'), {
    name: 'AccessDeniedException',
    $metadata: { httpStatusCode: 403 },
  });

interface Harness {
  clock: FakeClock;
  aws: FakeAws;
  router: TrafficRouter;
  logs: string[];
  /** Where production traffic is: green's share as the user would read it in the console. */
  greenShare(): number;
  /** Someone else moves traffic under the deploy; undefined where there is nothing another party moves. */
  moveBySomeoneElse?: () => void;
  /** A call in the middle of a move fails for good (not a passing fault). */
  failMidMove?: () => void;
}

const route: ListenerRoute = {
  kind: 'listener',
  production: { kind: 'listener', arn: LISTENER },
  testListenerArn: TEST_LISTENER,
  blueTargetGroup: BLUE_TG,
  greenTargetGroup: GREEN_TG,
};

function base() {
  const clock = new FakeClock();
  const aws = new FakeAws(clock);
  const logs: string[] = [];
  const log = {
    info: (m: string) => logs.push(m),
    warn: (m: string) => logs.push(`warning: ${m}`),
    debug: () => undefined,
    group: <T>(_n: string, run: () => Promise<T>) => run(),
  };
  const calls = new AwsCalls({ clock, log, callTimeoutMs: 30_000, pause: () => clock.sleep(5000) });
  // What savedRouter is given, as a rollback or the post step gives it.
  const ports = { ...aws.ports(), clock, calls, info: log.info, warn: (m: string) => logs.push(m) };
  return { clock, aws, calls, logs, ports };
}

/** Green created beside blue behind its own target group (listener) or the shared one (scale). */
async function createGreen(aws: FakeAws, targetGroup: string | undefined, scale: number): Promise<string> {
  const blue = aws.primary();
  const created = await aws.ports().ecs.createTaskSet('web', 'api', {
    taskDefinition: 'api:7',
    launch: { launchType: 'FARGATE', loadBalancers: blue?.loadBalancers ?? [] },
    targetGroupArn: targetGroup,
    scalePercent: scale,
    tags: {},
  });
  return created.arn;
}

function scaleOf(aws: FakeAws, arn: string): number {
  return aws.taskSets.find((t) => t.taskSetArn === arn)?.scale?.value ?? 0;
}

const ROUTERS: Record<string, () => Promise<Harness>> = {
  'listener weights': async () => {
    const { clock, aws, logs, ports } = base();
    const green = await createGreen(aws, GREEN_TG, 100);
    const router = savedRouter(
      { cluster: 'web', service: 'api', blueArn: BLUE_TASK_SET, listener: route },
      green,
      ports,
    );
    return {
      clock,
      aws,
      router,
      logs,
      greenShare: () => aws.weights()[GREEN_TG] ?? 0,
      moveBySomeoneElse: () => aws.actions.set(LISTENER, forward(70, 30)),
      failMidMove: () => aws.fail('ModifyListener', accessDenied()),
    };
  },
  'task-set scale': async () => {
    const { clock, aws, logs, ports } = base();
    const green = await createGreen(aws, undefined, 0);
    const router = savedRouter(
      { cluster: 'web', service: 'api', blueArn: BLUE_TASK_SET, listener: undefined },
      green,
      ports,
    );
    return {
      clock,
      aws,
      router,
      logs,
      // Both task sets sit behind one target group: green's share is its share of the running tasks.
      greenShare: () => scaleOf(aws, green),
      moveBySomeoneElse: () => {
        const set = aws.taskSets.find((t) => t.taskSetArn === green)!;
        set.scale = { unit: 'PERCENT', value: 0 };
      },
      // Green scaled up and its tasks starting, then blue's scale-down refused: traffic is split when the
      // move stops, and only a restore puts it back.
      failMidMove: () => {
        aws.taskStartMs = 1000;
        clock.after(500, () => aws.fail('UpdateTaskSet', accessDenied()));
      },
    };
  },
  'a first task set alone': async () => {
    const { clock, aws, logs, ports } = base();
    aws.empty();
    const green = await createGreen(aws, undefined, 100);
    const router = savedRouter(
      { cluster: 'web', service: 'api', blueArn: '', listener: undefined },
      green,
      ports,
    );
    return { clock, aws, router, logs, greenShare: () => scaleOf(aws, green) };
  },
  'ECS moves traffic itself': async () => {
    const { clock, aws, logs } = base();
    let followed = 0;
    const router = trafficRouter({
      moves: 'ecs',
      followShift: () => {
        followed++;
        return Promise.resolve();
      },
    });
    return { clock, aws, router, logs, greenShare: () => (followed > 0 ? 100 : 0) };
  },
};

function forward(blue: number, green: number) {
  return [
    {
      Type: 'forward' as const,
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE_TG, Weight: blue },
          { TargetGroupArn: GREEN_TG, Weight: green },
        ],
      },
    },
  ];
}

describe.each(Object.keys(ROUTERS))('the %s router', (name) => {
  const make = ROUTERS[name]!;

  it('shifts green to each share, and confirms it there', async () => {
    const h = await make();
    await h.router.shift(0, 100);
    expect(h.greenShare()).toBe(100);
    await expect(h.router.confirm(100)).resolves.toBeUndefined();
    await expect(h.router.verifyAt(100)).resolves.toEqual([]);
  });

  it('sees traffic someone else moved: the next poll stops the deploy, naming what changed', async () => {
    const h = await make();
    await h.router.shift(0, 50);
    await expect(h.router.drift(50)).resolves.toBeUndefined();
    if (!h.moveBySomeoneElse) {
      // Nothing of its own to move back: ECS owns the traffic, or one task set alone takes all of it.
      const before = h.aws.calls.length;
      await expect(h.router.drift(50)).resolves.toBeUndefined();
      expect(h.aws.calls.length).toBe(before);
      return;
    }
    h.moveBySomeoneElse();
    await expect(h.router.drift(50)).rejects.toThrow(Stop);
    await expect(h.router.drift(50)).rejects.toThrow(/outside this deploy/);
    await expect(h.router.confirm(50)).rejects.toThrow(/outside this deploy/);
    expect((await h.router.verifyAt(50)).join()).toMatch(/outside this deploy/);
  });

  it('restores: all traffic back on blue, verified by reading AWS', async () => {
    const h = await make();
    await h.router.shift(0, 50);
    let restoredAt: number | undefined;
    await h.router.restore(() => (restoredAt = h.clock.now()));
    expect(restoredAt).toBeDefined();
    await expect(h.router.verifyRestored()).resolves.toEqual([]);
    if (h.moveBySomeoneElse) {
      expect(h.greenShare()).toBe(0);
      expect(scaleOf(h.aws, BLUE_TASK_SET)).toBe(100);
    }
  });

  it('a call failing mid-move stops the move with the error; a restore then puts all traffic on blue', async () => {
    const h = await make();
    if (!h.failMidMove) {
      await expect(h.router.shift(0, 100)).resolves.toBeUndefined();
      return;
    }
    h.failMidMove();
    await expect(h.router.shift(0, 50)).rejects.toThrow(/not authorized/);
    await h.router.restore();
    await expect(h.router.verifyRestored()).resolves.toEqual([]);
    expect(h.greenShare()).toBe(0);
    expect(scaleOf(h.aws, BLUE_TASK_SET)).toBe(100);
  });
});

test('the task-set scale router: blue deleted by someone during a restore leaves green its tasks, and says so', async () => {
  const h = await ROUTERS['task-set scale']!();
  await h.router.shift(0, 50);
  // Someone deletes blue right after the restore scaled it back up: its tasks are gone with it.
  h.aws.afterNext('UpdateTaskSet', () => h.aws.removeTaskSet(BLUE_TASK_SET));
  await expect(h.router.restore()).rejects.toThrow(
    `blue task set ${BLUE_TASK_SET} disappeared: green keeps its tasks, the only ones left`,
  );
  // Green was not scaled down: its tasks are the only ones serving.
  expect(h.greenShare()).toBe(50);
});

test.each([
  ['listener weights', { routing: 'listener', production: route.production, testListenerArn: TEST_LISTENER }],
  ['task-set scale', { routing: 'task-sets', production: undefined, testListenerArn: undefined }],
  ['a first task set alone', { routing: 'task-sets', production: undefined, testListenerArn: undefined }],
])('the %s router says how a release kept under it is reached again', async (name, kept) => {
  const { router } = await ROUTERS[name]!();
  expect((router as TaskSetRouter).keptRoute).toEqual(kept);
});
