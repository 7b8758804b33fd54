import type { DeployDeps } from '../../src/deploy/context.js';
import { runLifecycle } from '../../src/deploy/lifecycle.js';
import { renderPlanText } from '../../src/report/summary.js';
import type { DeployReport } from '../../src/deploy/model.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';
import { FakeAws, LISTENER } from '../support/fake-aws.js';
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
