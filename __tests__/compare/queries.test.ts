import { parseComparisons } from '../../src/compare/parse.js';
import { buildQueries, placeholderValues } from '../../src/compare/queries.js';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';
const ECS = 'arn:aws:ecs:us-east-1:111111111111';
const blue = placeholderValues(
  {
    targetGroupArn: `${ELB}:targetgroup/blue/1111111111111111`,
    taskDefinitionArn: `${ECS}:task-definition/api:41`,
    taskSetArn: `${ECS}:task-set/web/api/ecs-svc/0000000000000000001`,
  },
  `${ELB}:loadbalancer/app/shop/0123456789abcdef`,
);

test('each placeholder is what CloudWatch dimensions usually hold for a version', () => {
  expect(blue).toEqual({
    'target-group': 'targetgroup/blue/1111111111111111',
    'target-group-arn': `${ELB}:targetgroup/blue/1111111111111111`,
    'load-balancer': 'app/shop/0123456789abcdef',
    'task-definition': 'api:41',
    'task-definition-arn': `${ECS}:task-definition/api:41`,
    revision: '41',
    'task-set': 'ecs-svc/0000000000000000001',
    'task-set-arn': `${ECS}:task-set/web/api/ecs-svc/0000000000000000001`,
  });
});

test('one query a part and version, each version filled in, ids naming comparison, version and part', () => {
  const comparisons = parseComparisons(
    `error-rate\nq: AVG(SEARCH('{Shop,TaskSet} TaskSet="\${task-set}"', 'p99', 60)) <= 1.2x blue`,
    { listenerRouting: true },
  );
  const green = placeholderValues(
    {
      targetGroupArn: `${ELB}:targetgroup/green/2222222222222222`,
      taskDefinitionArn: `${ECS}:task-definition/api:42`,
      taskSetArn: `${ECS}:task-set/web/api/ecs-svc/0000000000000000002`,
    },
    `${ELB}:loadbalancer/app/shop/0123456789abcdef`,
  );
  const queries = buildQueries(comparisons, { blue, green });
  expect(queries.flatMap((q) => q.queries.map((p) => p.query.id))).toEqual([
    'c0_blue_errors',
    'c0_blue_requests',
    'c0_green_errors',
    'c0_green_requests',
    'c1_blue_value',
    'c1_green_value',
  ]);
  expect(queries[1]!.queries[1]!.query.metric).toEqual({
    namespace: 'AWS/ApplicationELB',
    name: 'RequestCount',
    dimensions: [
      { name: 'TargetGroup', value: 'targetgroup/green/2222222222222222' },
      { name: 'LoadBalancer', value: 'app/shop/0123456789abcdef' },
    ],
    stat: 'Sum',
  });
  expect(queries[3]!.queries[0]!.query.expression).toBe(
    `AVG(SEARCH('{Shop,TaskSet} TaskSet="ecs-svc/0000000000000000002"', 'p99', 60))`,
  );
});
