import type { DeployDeps } from '../../src/deploy/context.js';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import { renderPlanText } from '../../src/report/summary.js';
import type { DeployReport } from '../../src/report/model.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { cadencedProgress } from '../../src/deploy/progress.js';
import { recordInputs } from '../../src/inputs.js';
import type { EcsControlPort, EcsControllerPort, EcsPort } from '../../src/aws/ecs.js';
import { TAG } from '../../src/deploy/leftovers.js';
import { BLUE_TG, FakeAws, GREEN_TG, LISTENER } from '../support/fake-aws.js';
import { FakeClock } from '../support/fake-clock.js';

export const MUTATING = [
  'CreateTaskSet',
  'UpdateTaskSet',
  'DeleteTaskSet',
  'UpdateServicePrimaryTaskSet',
  'ModifyListener',
  'ModifyRule',
  'RegisterTaskDefinition',
  'TagResource',
  'UpdateService',
  'StopServiceDeployment',
  'RunTask',
  'StopTask',
];

export interface Scenario {
  clock: FakeClock;
  aws: FakeAws;
  logs: string[];
  cancel: AbortController;
}

/** A fresh fake AWS and clock with the alarms given. */
export function scenario(alarms: string[] = ['api-5xx']): Scenario {
  const clock = new FakeClock();
  const aws = new FakeAws(clock);
  for (const name of alarms) aws.addAlarm(name);
  return { clock, aws, logs: [], cancel: new AbortController() };
}

/** Deploys with user-style inputs; the default is a listener canary watching api-5xx. */
export async function deploy(
  s: Scenario,
  inputs: Record<string, string> = {},
  deps: Partial<DeployDeps> = {},
): Promise<DeployReport> {
  const settings = parseDeploySettings(
    recordInputs({
      cluster: 'web',
      service: 'api',
      'task-definition': 'api:7',
      'listener-arn': LISTENER,
      alarms: 'api-5xx',
      'poll-interval': '10s',
      ...inputs,
    }),
  );
  return runLifecycle(
    settings,
    { existing: settings.taskDefinition.kind === 'existing' ? settings.taskDefinition.reference : 'api:7' },
    {
      ...s.aws.ports(),
      clock: s.clock,
      log: {
        info: (m) => s.logs.push(m),
        warn: (m) => s.logs.push(`warning: ${m}`),
        debug: () => undefined,
        group: (_name, run) => run(),
        // As the action's log: a progress line at each wait's start, on a change and every 30 s.
        progress: cadencedProgress((line) => s.logs.push(line)),
      },
      identity: { repository: 'octo/shop', commit: 'abc1234', runId: '99', runAttempt: '1' },
      runHook: async () => 0,
      saveState: () => undefined,
      describePlan: renderPlanText,
      signal: s.cancel.signal,
      ...deps,
    },
  );
}

/** Asserts what a user checks after a rollback: all traffic on blue, blue at 100% and PRIMARY, no green. */
export function expectRolledBack(s: Scenario, report: DeployReport): void {
  expect(report.result).toBe('rolled-back');
  const weights = s.aws.weights();
  expect(Object.values(weights).reduce((a, b) => a + b, 0)).toBe(weights[Object.keys(weights)[0]!]);
  expect(s.aws.taskSets).toHaveLength(1);
  expect(s.aws.primary()?.scale?.value).toBe(100);
  expect(report.timeline.at(-1)?.traffic).toBe(0);
}

/** A task set left by another safe-deploy run (or an earlier attempt of this one), with its tags. */
export function leftover(
  s: Scenario,
  options: {
    id: number;
    runId: string;
    attempt?: string;
    heartbeatAgoMs: number;
    scale?: number;
    tags?: Record<string, string>;
  },
): string {
  const arn = `arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/${String(options.id).padStart(19, '0')}`;
  const tags: Record<string, string> = {
    [TAG.repository]: 'octo/shop',
    [TAG.runId]: options.runId,
    [TAG.runAttempt]: options.attempt ?? '1',
    [TAG.heartbeat]: new Date(s.clock.now() - options.heartbeatAgoMs).toISOString(),
    ...options.tags,
  };
  s.aws.taskSets.push({
    taskSetArn: arn,
    status: 'ACTIVE',
    scale: { unit: 'PERCENT', value: options.scale ?? 100 },
    loadBalancers: [{ targetGroupArn: GREEN_TG, containerName: 'app', containerPort: 80 }],
    createdAt: new Date(s.clock.now() - options.heartbeatAgoMs),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  });
  return arn;
}

/**
 * An ECS port on which another run creates its green a moment before this run's CreateTaskSet answers,
 * and moves the listener to 90/10: the start race. `then` runs after both exist.
 */
export function racingRun(
  s: Scenario,
  then: () => void = () => undefined,
): { ecs: EcsPort & EcsControllerPort & EcsControlPort; rivalArn: string } {
  const ports = s.aws.ports();
  const rivalArn = 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000000';
  const ecs = Object.create(ports.ecs) as EcsPort & EcsControllerPort & EcsControlPort;
  ecs.createTaskSet = async (...args) => {
    const mine = await ports.ecs.createTaskSet(...args);
    s.aws.taskSets.push({
      taskSetArn: rivalArn,
      status: 'ACTIVE',
      scale: { unit: 'PERCENT', value: 100 },
      loadBalancers: [{ targetGroupArn: GREEN_TG }],
      createdAt: new Date(s.clock.now() - 1000),
      tags: [{ key: 'safe-deploy:run-id', value: '98' }],
    });
    s.aws.actions.set(LISTENER, [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: BLUE_TG, Weight: 90 },
            { TargetGroupArn: GREEN_TG, Weight: 10 },
          ],
        },
      },
    ]);
    then();
    return mine;
  };
  return { ecs, rivalArn };
}
