import { parseSavedDeploy } from '../../src/deploy/saved-schema.js';
import type { SavedDeploy } from '../../src/deploy/saved.js';

// The post step's only input is checked like every other input: what the main step saved reads back as
// it was, and anything else (edited, or from another version of the action) is refused, naming what does
// not fit, before any AWS call.

const saved: SavedDeploy = {
  kind: 'task-sets',
  stage: 'deploying',
  target: {
    cluster: 'web',
    service: 'api',
    routing: 'listener',
    blueArn: 'arn:blue',
    greenArn: 'arn:green',
    listener: {
      kind: 'listener',
      production: { kind: 'listener', arn: 'arn:listener' },
      blueTargetGroup: 'arn:tg/blue',
      greenTargetGroup: 'arn:tg/green',
    },
    runTags: { 'safe-deploy:run-id': '42' },
  },
  deploymentId: 7,
};

test('what the main step saved reads back as it was, for each kind', () => {
  expect(parseSavedDeploy(JSON.stringify(saved))).toEqual(saved);
  const ecs: SavedDeploy = {
    kind: 'ecs',
    stage: 'promoting',
    target: {
      cluster: 'web',
      service: 'api',
      mode: 'native',
      previousTaskDefinition: 'api:6',
      taskDefinition: 'api:7',
    },
  };
  expect(parseSavedDeploy(JSON.stringify(ecs))).toEqual(ecs);
  const first: SavedDeploy = {
    kind: 'first-task-set',
    stage: 'yielded',
    target: { cluster: 'web', service: 'api', routing: 'task-sets', runTags: {} },
  };
  expect(parseSavedDeploy(JSON.stringify(first))).toEqual(first);
});

test('a saved state that does not fit is refused, naming where', () => {
  const edited = { ...saved, stage: 'rolling-forward', target: { ...saved.target, blueArn: 42 } };
  expect(() => parseSavedDeploy(JSON.stringify(edited))).toThrow(/stage: .*; target\.blueArn: /);
  expect(() => parseSavedDeploy(JSON.stringify({ kind: 'lambda', stage: 'deploying' }))).toThrow(
    /does not fit this version: kind: /,
  );
  expect(() => parseSavedDeploy('{"kind": "task-sets",')).toThrow(/not JSON/);
});
