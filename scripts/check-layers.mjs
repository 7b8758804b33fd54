#!/usr/bin/env node
// Checks the structure docs/architecture.md draws, so that it stays true:
// 1. Imports go downward: each top-level part of src/ (a folder, or a file at its root) sits in one layer
//    of the diagram, and imports only parts of its own layer or of layers below it, with no cycle between
//    parts. (Static and dynamic imports alike: a lazy `await import()` is still a dependency.)
// 2. Only the router's constructor chooses a router, and the code that moves traffic through it (the
//    lifecycle, the kinds, the rollback, the post step, the operator commands under control/: the
//    kept-release restore, a dead run's takeover) never branches on how traffic is routed. The operator
//    commands make no traffic-moving AWS call of their own: listener weights only through a router, a task
//    set scaled or removed only through the call policy.
// 3. No decision reads green's share back from the timeline (it only records).
// Usage: node scripts/check-layers.mjs   (prints each violation; exits 1 when there is any)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The layers as docs/architecture.md draws them, top first: [{ name, parts }]. */
export function readLayers(markdown) {
  const block = /<!-- layers:start -->\s*```text\n([\s\S]*?)```\s*<!-- layers:end -->/.exec(markdown);
  if (!block) throw new Error('docs/architecture.md: no layers block between <!-- layers:start/end -->');
  return block[1]
    .split('\n')
    .map((line) => /^\s*(.+?)\s{2,}│\s*(.+?)\s*$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ name: match[1].trim(), parts: match[2].split(/\s+/).filter(Boolean) }));
}

/** Every .ts file under `dir`, as paths relative to `base`. */
function sources(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path, base);
    return name.endsWith('.ts') ? [relative(base, path).split(sep).join('/')] : [];
  });
}

/** The top-level part of src/ a file belongs to: its folder, or the file itself at the root (`cli.ts`). */
export function partOf(file) {
  const [first, ...rest] = file.split('/');
  return rest.length ? `${first}/` : first;
}

/** The relative imports of one file's text (static, re-exports and dynamic), as written. */
export function importsOf(text) {
  const found = [];
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
    found.push(match[1]);
  }
  return found;
}

function resolveImport(file, spec) {
  const target = join(dirname(file), spec).split(sep).join('/').replace(/\.js$/, '.ts');
  return target;
}

/** What breaks the layering: `files` maps a path under src/ to its text. */
export function layerViolations(files, layers) {
  const levelOf = new Map();
  layers.forEach((layer, index) => {
    for (const part of layer.parts) levelOf.set(part, layers.length - index);
  });
  const problems = [];
  const edges = new Map();
  for (const [file, text] of files) {
    const from = partOf(file);
    if (!levelOf.has(from)) problems.push(`${from} (src/${file}) is in no layer of docs/architecture.md`);
    for (const spec of importsOf(text)) {
      const target = resolveImport(file, spec);
      if (target.startsWith('..')) continue;
      const to = partOf(target);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from).set(to, `src/${file}`);
      const [a, b] = [levelOf.get(from), levelOf.get(to)];
      if (a !== undefined && b !== undefined && b > a) {
        problems.push(`src/${file} imports ${spec}: ${from} must not import ${to}, a layer above it`);
      }
    }
  }
  for (const cycle of cycles(edges)) {
    const where = cycle.map((part, i) => `${part} (${edges.get(part).get(cycle[(i + 1) % cycle.length])})`);
    problems.push(`parts of src/ import each other: ${where.join(' → ')} → ${cycle[0]}`);
  }
  return problems;
}

/** Strongly connected parts of more than one node (Tarjan's algorithm), each as a loop through its edges. */
function cycles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
    }
    if (low.get(node) !== index.get(node)) return;
    const group = [];
    for (let member; member !== node;) {
      member = stack.pop();
      onStack.delete(member);
      group.push(member);
    }
    if (group.length > 1) found.push(loopThrough(group, edges));
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** A walk around a strongly connected group that returns to its start, for the message. */
function loopThrough(group, edges) {
  const members = new Set(group);
  const start = [...group].sort()[0];
  const path = [start];
  const seen = new Set([start]);
  for (let at = start; ;) {
    const options = [...(edges.get(at)?.keys() ?? [])].filter((to) => members.has(to));
    const back = options.find((to) => to === start);
    const fresh = options.find((to) => !seen.has(to));
    if (back !== undefined && (fresh === undefined || path.length > 1)) return path;
    if (fresh === undefined) return path;
    path.push(fresh);
    seen.add(fresh);
    at = fresh;
  }
}

/** Files that move traffic only through the router port, never branching on the routing. */
const ROUTING_BLIND = [
  /^deploy\/lifecycle\.ts$/,
  /^deploy\/kinds\//,
  /^deploy\/rollback\.ts$/,
  /^deploy\/post\.ts$/,
  /^deploy\/restore\.ts$/,
  /^deploy\/kept\//,
  // The operator commands: the kept-release restore, a dead run's takeover, and whatever comes next.
  /^control\//,
];

const ROUTING_BRANCHES = [
  { pattern: /\broute\.kind\b/, what: 'branches on route.kind' },
  { pattern: /\bthis\.listener\b/, what: 'branches on this.listener' },
  { pattern: /\brouting\s*[!=]==/, what: 'compares the routing' },
  { pattern: /\binstanceof\s+\w*Router\b/, what: 'asks which router it holds' },
  {
    // `if (refs.length)`, `if (!route.listener)`, `listener ? … : …`: is there a listener to move, or not.
    pattern:
      /(\b(if|while)\s*\(\s*!*\s*([\w.]*\.)?(listener|refs|routes)(\.length)?\s*[)&|]|\b([\w.]*\.)?(listener|refs|routes)(\.length)?\s*\?\s)/,
    what: 'branches on whether a listener routes',
    // Held to the operator commands for now (a kind still maps its listener to the kept release's tag).
    only: /^control\//,
  },
];

/** Files that move traffic only through a router and the call policy: they make no traffic-moving call. */
const THROUGH_THE_ROUTER = [/^control\//];

/**
 * What moves traffic in AWS (a listener's weights; a task set's scale or its removal, which move traffic
 * routed by scale), and the call policy's methods that a call must be made through.
 */
const TRAFFIC_CALL = /\.(setWeights|scaleTaskSet|deleteTaskSet)\s*\(/g;
const POLICY_CALL = /\bcalls\s*\.\s*(retry|persist|once|create|bestEffort)\s*\(/g;

/**
 * The traffic-moving AWS calls of an operator command made outside the call policy: a listener's weights set
 * at all (only a router sets them), a task set scaled or removed other than inside a `calls.…(…)` call.
 */
function directTrafficCalls(file, text) {
  const problems = [];
  const lineOf = (index) => text.slice(0, index).split('\n').length;
  // The spans of text inside the call policy's calls: from the method's `(` to its matching `)`.
  const wrapped = [];
  for (const match of text.matchAll(POLICY_CALL)) {
    let depth = 0;
    for (let i = match.index + match[0].length - 1; i < text.length; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) {
        wrapped.push([match.index, i]);
        break;
      }
    }
  }
  for (const match of text.matchAll(TRAFFIC_CALL)) {
    const line = text.slice(text.lastIndexOf('\n', match.index) + 1, match.index);
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue;
    const where = `src/${file}:${lineOf(match.index)}`;
    if (match[1] === 'setWeights') {
      problems.push(`${where} sets listener weights itself: only a router moves traffic`);
    } else if (!wrapped.some(([from, to]) => match.index > from && match.index < to)) {
      problems.push(
        `${where} calls ${match[1]} outside the call policy (AwsCalls): a rollback's calls go through it`,
      );
    }
  }
  return problems;
}

/** Where the routing decides: `files` maps a path under src/ to its text. */
export function routingViolations(files) {
  const problems = [];
  for (const [file, text] of files) {
    if (THROUGH_THE_ROUTER.some((pattern) => pattern.test(file)))
      problems.push(...directTrafficCalls(file, text));
    const lines = text.split('\n');
    const blind = ROUTING_BLIND.some((pattern) => pattern.test(file));
    lines.forEach((line, i) => {
      const where = `src/${file}:${i + 1}`;
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
      if (blind) {
        for (const { pattern, what, only } of ROUTING_BRANCHES) {
          if (only && !only.test(file)) continue;
          if (pattern.test(line)) problems.push(`${where} ${what}: only the router may`);
        }
      }
      if (/\bnew\s+(ListenerRouter|ScaleRouter|SoleTaskSetRouter|EcsRouter)\b/.test(line)) {
        if (file !== 'deploy/routing/router.ts') {
          problems.push(`${where} makes a router itself: only trafficRouter() (routing/router.ts) may`);
        }
      }
      if (/\btimeline\.traffic\b/.test(line)) {
        problems.push(`${where} reads green's share from the timeline: the lifecycle's GreenShare holds it`);
      }
    });
  }
  return problems;
}

/** Every check over the repository as it is. */
export function checkRepository(base = root) {
  const files = new Map(
    sources(join(base, 'src')).map((file) => [file, readFileSync(join(base, 'src', file), 'utf8')]),
  );
  const layers = readLayers(readFileSync(join(base, 'docs/architecture.md'), 'utf8'));
  return [...layerViolations(files, layers), ...routingViolations(files)];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkRepository();
  for (const problem of problems) console.error(problem);
  if (problems.length) process.exit(1);
  console.log('layers: every import goes downward; only the router chooses a router');
}
