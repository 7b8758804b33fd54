// @ts-expect-error: a plain ES module script, checked by running it
import * as layers from '../../scripts/check-layers.mjs';

interface Checker {
  checkRepository(): string[];
  readLayers(markdown: string): { name: string; parts: string[] }[];
  layerViolations(files: Map<string, string>, drawn: { name: string; parts: string[] }[]): string[];
  routingViolations(files: Map<string, string>): string[];
}
const checker = layers as Checker;

// docs/architecture.md draws the layers; the script checks every import of src/ against the drawing and
// that only the router chooses how traffic moves. Both hold for the repository as it is, and each catches
// what it is there to catch.

test('every import of src/ goes downward, and only the router branches on the routing', () => {
  expect(checker.checkRepository()).toEqual([]);
});

const drawn = checker.readLayers(
  [
    '<!-- layers:start -->',
    '```text',
    'commands   │ control/',
    'engine     │ deploy/',
    'below      │ report/ control-protocol/',
    'base       │ errors.ts',
    '```',
    '<!-- layers:end -->',
  ].join('\n'),
);

test('the drawing reads as layers, top first', () => {
  expect(drawn).toEqual([
    { name: 'commands', parts: ['control/'] },
    { name: 'engine', parts: ['deploy/'] },
    { name: 'below', parts: ['report/', 'control-protocol/'] },
    { name: 'base', parts: ['errors.ts'] },
  ]);
});

test('an import of a layer above, and two parts importing each other, are refused', () => {
  const files = new Map([
    ['deploy/run.ts', "import { x } from '../report/summary.js';\nimport { y } from '../errors.js';"],
    ['report/summary.ts', "import type { DeployPlan } from '../deploy/model.js';"],
    ['control-protocol/channel.ts', "const job = await import('../control/job.js');"],
    ['control/commands.ts', "import { z } from '../deploy/calls.js';"],
    ['errors.ts', 'export class UserError extends Error {}'],
  ]);
  const problems = checker.layerViolations(files, drawn);
  expect(problems).toEqual([
    'src/report/summary.ts imports ../deploy/model.js: report/ must not import deploy/, a layer above it',
    'src/control-protocol/channel.ts imports ../control/job.js: control-protocol/ must not import control/, a layer above it',
    expect.stringMatching(
      /^parts of src\/ import each other: deploy\/ \(src\/deploy\/run\.ts\) → report\/ \(src\/report\/summary\.ts\) → deploy\/$/,
    ),
  ]);
  expect(checker.layerViolations(new Map([['queue/queue.ts', '']]), drawn)).toEqual([
    'queue/ (src/queue/queue.ts) is in no layer of docs/architecture.md',
  ]);
});

test('a branch on the routing outside the router, a router made elsewhere, a share read from the timeline', () => {
  const files = new Map([
    ['deploy/lifecycle.ts', "if (s.route.kind === 'listener') await x();\nconst t = timeline.traffic;"],
    ['deploy/kinds/task-sets.ts', 'if (this.listener) await this.listener.shift(0, 10);'],
    ['deploy/post.ts', "const r = target.routing === 'listener' ? a : b;"],
    ['control/restore.ts', 'if (router instanceof ListenerRouter) return;'],
    ['deploy/rollback.ts', 'const router = new ScaleRouter(blue, pair, ports);'],
    ['deploy/routing/router.ts', 'return new ScaleRouter(blue, pair, ports);'],
    ['deploy/routing/check.ts', "if (route.kind === 'listener') return read();"],
  ]);
  expect(checker.routingViolations(files)).toEqual([
    'src/deploy/lifecycle.ts:1 branches on route.kind: only the router may',
    "src/deploy/lifecycle.ts:2 reads green's share from the timeline: the lifecycle's GreenShare holds it",
    'src/deploy/kinds/task-sets.ts:1 branches on this.listener: only the router may',
    'src/deploy/post.ts:1 compares the routing: only the router may',
    'src/control/restore.ts:1 asks which router it holds: only the router may',
    'src/deploy/rollback.ts:1 makes a router itself: only trafficRouter() (routing/router.ts) may',
  ]);
});

test('an operator command (a takeover) that branches on the routing or moves traffic outside the router and the call policy', () => {
  const takeover = [
    'if (refs.length) {',
    '  for (const ref of refs) await lb.setWeights(ref, allBlue);',
    '} else await ecs.scaleTaskSet(cluster, service, green.arn, 0);',
    'const moves = route.listener ? 1 : 0;',
    'await ecs.deleteTaskSet(cluster, service, green.arn);',
  ].join('\n');
  const throughThePolicy = [
    "await calls.persist('remove green', () =>",
    '  ecs.deleteTaskSet(cluster, service, green.arn),',
    ');',
    "await this.calls.retry('scale up', () => ecs.scaleTaskSet(cluster, service, kept.arn, 100));",
  ].join('\n');
  expect(
    checker.routingViolations(
      new Map([
        ['control/takeover.ts', takeover],
        ['control/restore.ts', throughThePolicy],
      ]),
    ),
  ).toEqual([
    'src/control/takeover.ts:2 sets listener weights itself: only a router moves traffic',
    "src/control/takeover.ts:3 calls scaleTaskSet outside the call policy (AwsCalls): a rollback's calls go through it",
    "src/control/takeover.ts:5 calls deleteTaskSet outside the call policy (AwsCalls): a rollback's calls go through it",
    'src/control/takeover.ts:1 branches on whether a listener routes: only the router may',
    'src/control/takeover.ts:4 branches on whether a listener routes: only the router may',
  ]);
});
