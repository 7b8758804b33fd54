import type {
  RollingDeployment,
  ServiceConfiguration,
  ServiceDeploymentRecord,
} from '../../../src/aws/ecs.js';
import {
  canStop,
  failedTaskThreshold,
  phaseOfStage,
  rollingProgress,
  rollingRollbackProgress,
  serviceDeploymentProgress,
  serviceRollbackProgress,
} from '../../../src/deploy/kinds/ecs-progress.js';

const TD = 'arn:aws:ecs:us-east-1:111111111111:task-definition/api';
const OLD = `${TD}:1`;
const NEW = `${TD}:2`;

function deployment(taskDefinition: string, over: Partial<RollingDeployment> = {}): RollingDeployment {
  return {
    id: `ecs-svc/${taskDefinition.at(-1)}`,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount: 4,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: undefined,
    createdAt: new Date(taskDefinition === NEW ? 2000 : 1000),
    updatedAt: undefined,
    ...over,
  };
}

function service(deployments: RollingDeployment[], taskDefinition = NEW): ServiceConfiguration {
  return {
    arn: 'arn:aws:ecs:us-east-1:111111111111:service/web/api',
    name: 'api',
    clusterArn: 'arn:aws:ecs:us-east-1:111111111111:cluster/web',
    controller: 'ECS',
    strategy: 'ROLLING',
    taskDefinition,
    desiredCount: 4,
    runningCount: 4,
    pendingCount: 0,
    deploymentConfiguration: {},
    deployments,
    targetGroupArns: [],
    currentServiceDeployment: undefined,
    raw: {},
  };
}

describe('a rolling update', () => {
  test('in progress while old tasks remain, with the counts', () => {
    const state = service([
      deployment(NEW, { runningCount: 2, pendingCount: 1 }),
      deployment(OLD, { status: 'ACTIVE', runningCount: 2, rolloutState: 'COMPLETED' }),
    ]);
    expect(rollingProgress(state, NEW)).toEqual({
      state: 'progress',
      note: '2/4 running, 1 pending, 2 old tasks left',
    });
  });

  test('done only when COMPLETED and no old task is left', () => {
    const completedButOld = service([
      deployment(NEW, { runningCount: 4, rolloutState: 'COMPLETED' }),
      deployment(OLD, { status: 'ACTIVE', runningCount: 1 }),
    ]);
    expect(rollingProgress(completedButOld, NEW).state).toBe('progress');
    const done = service([deployment(NEW, { runningCount: 4, rolloutState: 'COMPLETED' })]);
    expect(rollingProgress(done, NEW)).toEqual({
      state: 'done',
      note: 'deployment completed: 4/4 running, 0 pending',
    });
  });

  test('without rolloutState (Classic Load Balancer) all tasks running is done', () => {
    const done = service([deployment(NEW, { runningCount: 4, rolloutState: undefined })]);
    expect(rollingProgress(done, NEW).state).toBe('done');
    const notYet = service([deployment(NEW, { runningCount: 3, pendingCount: 1, rolloutState: undefined })]);
    expect(rollingProgress(notYet, NEW).state).toBe('progress');
  });

  test('the circuit breaker failing it is a failure with ECS reason', () => {
    const state = service([
      deployment(NEW, {
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      }),
      deployment(OLD, { status: 'ACTIVE', runningCount: 4 }),
    ]);
    expect(rollingProgress(state, NEW)).toEqual({
      state: 'failed',
      reason: 'ECS failed the deployment: ECS deployment circuit breaker: tasks failed to start.',
    });
  });

  test('failed tasks past ECS circuit-breaker threshold fail it even without the breaker', () => {
    expect(failedTaskThreshold(4)).toBe(3);
    expect(failedTaskThreshold(30)).toBe(15);
    expect(failedTaskThreshold(1000)).toBe(200);
    const two = service([
      deployment(NEW, { failedTasks: 2 }),
      deployment(OLD, { status: 'ACTIVE', runningCount: 4 }),
    ]);
    expect(rollingProgress(two, NEW)).toEqual({
      state: 'progress',
      note: '0/4 running, 0 pending, 2 failed, 4 old tasks left',
    });
    const three = service([
      deployment(NEW, { failedTasks: 3 }),
      deployment(OLD, { status: 'ACTIVE', runningCount: 4 }),
    ]);
    expect(rollingProgress(three, NEW)).toEqual({
      state: 'failed',
      reason: '3 tasks of api:2 failed to start',
    });
  });

  test('before ECS lists the deployment it waits; someone else updating the service fails it', () => {
    const notYet = service([deployment(OLD, { runningCount: 4, rolloutState: 'COMPLETED' })], NEW);
    expect(rollingProgress(notYet, NEW)).toEqual({
      state: 'progress',
      note: 'waiting for ECS to start the deployment',
    });
    const other = `${TD}:9`;
    const overwritten = service(
      [
        deployment(other, { createdAt: new Date(3000) }),
        deployment(NEW, { status: 'ACTIVE', runningCount: 2 }),
      ],
      other,
    );
    expect(rollingProgress(overwritten, NEW)).toEqual({
      state: 'failed',
      reason: 'the service was updated to api:9 while deploying api:2',
    });
  });
});

describe('rolling back a rolling update', () => {
  test('done only when the previous task definition is PRIMARY, completed and no new task is left', () => {
    const rollingBack = service(
      [
        deployment(OLD, { createdAt: new Date(3000), runningCount: 4, rolloutState: 'COMPLETED' }),
        deployment(NEW, { status: 'ACTIVE', runningCount: 1 }),
      ],
      OLD,
    );
    expect(rollingRollbackProgress(rollingBack, OLD, NEW)).toEqual({
      state: 'progress',
      note: 'api:1 4/4 running, 1 tasks of api:2 left',
    });
    const back = service(
      [deployment(OLD, { createdAt: new Date(3000), runningCount: 4, rolloutState: 'COMPLETED' })],
      OLD,
    );
    expect(rollingRollbackProgress(back, OLD, NEW)).toEqual({
      state: 'done',
      note: 'api:1 4/4 running, 0 tasks of api:2 left',
    });
  });

  test('waits while the new task definition is still PRIMARY', () => {
    const stillNew = service([deployment(NEW, { runningCount: 4 }), deployment(OLD, { status: 'ACTIVE' })]);
    expect(rollingRollbackProgress(stillNew, OLD, NEW).state).toBe('progress');
  });

  test('ECS failing the rollback deployment is reported', () => {
    const failed = service(
      [deployment(OLD, { rolloutState: 'FAILED', rolloutStateReason: 'no capacity' })],
      OLD,
    );
    expect(rollingRollbackProgress(failed, OLD, NEW)).toEqual({
      state: 'failed',
      reason: 'ECS failed the rollback to api:1: no capacity',
    });
  });
});

function record(over: Partial<ServiceDeploymentRecord>): ServiceDeploymentRecord {
  return {
    arn: 'arn:aws:ecs:us-east-1:111111111111:service-deployment/web/api/abc',
    status: 'IN_PROGRESS',
    statusReason: undefined,
    lifecycleStage: undefined,
    targetServiceRevisionArn: undefined,
    sourceServiceRevisionArns: [],
    targetProductionTraffic: undefined,
    targetTestTraffic: undefined,
    targetRunningCount: undefined,
    circuitBreakerFailures: undefined,
    triggeredAlarms: [],
    rollback: undefined,
    createdAt: undefined,
    finishedAt: undefined,
    deploymentConfiguration: undefined,
    ...over,
  };
}

describe('a native service deployment', () => {
  test('in progress with its stage and traffic, done when SUCCESSFUL', () => {
    expect(
      serviceDeploymentProgress(
        record({ lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', targetProductionTraffic: 10 }),
      ),
    ).toEqual({
      state: 'progress',
      note: 'IN_PROGRESS at PRODUCTION_TRAFFIC_SHIFT, 10% of production',
    });
    expect(serviceDeploymentProgress(record({ status: 'PENDING' })).state).toBe('progress');
    expect(serviceDeploymentProgress(record({ status: 'SUCCESSFUL' })).state).toBe('done');
  });

  test('ECS rolling back on its own is a failure saying why', () => {
    expect(
      serviceDeploymentProgress(
        record({
          status: 'ROLLBACK_IN_PROGRESS',
          lifecycleStage: 'SCALE_UP',
          statusReason: 'circuit breaker detected failures',
          circuitBreakerFailures: 3,
        }),
      ),
    ).toEqual({
      state: 'failed',
      reason:
        'ECS ended the service deployment ROLLBACK_IN_PROGRESS at SCALE_UP: circuit breaker detected failures (3 failed tasks)',
    });
    expect(
      serviceDeploymentProgress(record({ status: 'ROLLBACK_REQUESTED', triggeredAlarms: ['ecs-own-5xx'] }))
        .state,
    ).toBe('failed');
    expect(serviceDeploymentProgress(record({ status: 'STOPPED', statusReason: 'stopped by user' }))).toEqual(
      {
        state: 'failed',
        reason: 'ECS ended the service deployment STOPPED: stopped by user',
      },
    );
  });

  test('a requested rollback: done on ROLLBACK_SUCCESSFUL, failed on ROLLBACK_FAILED or finishing without it', () => {
    for (const status of [
      'IN_PROGRESS',
      'STOP_REQUESTED',
      'ROLLBACK_REQUESTED',
      'ROLLBACK_IN_PROGRESS',
    ] as const) {
      expect(serviceRollbackProgress(record({ status })).state).toBe('progress');
    }
    expect(serviceRollbackProgress(record({ status: 'ROLLBACK_SUCCESSFUL' })).state).toBe('done');
    expect(
      serviceRollbackProgress(record({ status: 'ROLLBACK_FAILED', statusReason: 'tasks failed' })),
    ).toEqual({
      state: 'failed',
      reason: "ECS's rollback ended ROLLBACK_FAILED: tasks failed",
    });
    expect(serviceRollbackProgress(record({ status: 'SUCCESSFUL' })).state).toBe('failed');
    expect(serviceRollbackProgress(record({ status: 'STOPPED' })).state).toBe('failed');
  });

  test('StopServiceDeployment acts only on deployments that have not finished', () => {
    expect(
      ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'].every((s) =>
        canStop(s as never),
      ),
    ).toBe(true);
    expect(
      ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].some((s) => canStop(s as never)),
    ).toBe(false);
  });

  test.each([
    ['RECONCILE_SERVICE', 'prepare'],
    ['SCALE_UP', 'stabilize'],
    ['POST_TEST_TRAFFIC_SHIFT', 'test-traffic'],
    ['PRODUCTION_TRAFFIC_SHIFT', 'shift'],
    ['BAKE_TIME', 'bake'],
    ['CLEAN_UP', 'promote'],
  ])('stage %s is shown as phase %s', (stage, phase) => {
    expect(phaseOfStage(stage)).toBe(phase);
  });
});
