// npm run bench, the speed part (issue 22): how soon a breach puts all traffic back on blue when ECS is
// slow, what a steady poll costs by operation, what a 4-step canary costs, the request rate of 1 and N
// deploys against AWS's published default quotas, and peak memory at 5,000 named alarms. Each number
// sits beside its floor, measured in the same run on the same machine: the floor of breach → blue is a
// uniform wait for the next poll plus one alarm read and one listener write, timed here. The built
// actions run as the runner runs them (scripts/lib/run-action.mjs; SAFE_DEPLOY_DIST picks a build), ECS
// and ELB on moto_server behind a counting proxy that can slow ECS reads down, CloudWatch on the
// stand-in. Writes bench/speed.json and the table between the speed-bench markers in docs/benchmark.md.
// Speed is reported here, never asserted in a test.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { INSTALL_HINT, motoClientConfig, motoInstalled, seedService, startMoto } from './lib/emulator.mjs';
import { createCloudWatchStandIn } from './lib/cloudwatch-stand-in.mjs';
import { startCountingProxy } from './lib/counting-proxy.mjs';
import { node24, runAction } from './lib/run-action.mjs';

const BREACHES = Number(process.env.BENCH_SPEED_BREACHES ?? 20);
const CONCURRENCY = Number(process.env.BENCH_SPEED_CONCURRENCY ?? 4);
const FLEET = Number(process.env.BENCH_SPEED_FLEET ?? 20);
const SLOW_ECS_MS = 5_000;
const ROUND_TRIPS = 40;
/** BENCH_SPEED_QUICK=1 shortens every bake, to try the bench out; its numbers are not the ones to report. */
const QUICK = process.env.BENCH_SPEED_QUICK === '1';
const bakeOf = (full, quick) => (QUICK ? quick : full);
/** BENCH_SPEED_ONLY=canary (or breach, steady, fleet, memory) runs that part alone and prints it. */
const ONLY = process.env.BENCH_SPEED_ONLY;
const part = (name) => !ONLY || ONLY === name;

/**
 * AWS's published default request quotas (per account and Region) for the reads a steady poll makes.
 * ECS publishes its per-action rates on its throttling page only as a console table; they are not
 * restated here.
 */
const QUOTAS = {
  DescribeAlarms: {
    perSecond: 9,
    source: 'https://docs.aws.amazon.com/general/latest/gr/cw_region.html (adjustable)',
  },
  DescribeAlarmHistory: {
    perSecond: 20,
    source: 'https://docs.aws.amazon.com/general/latest/gr/cw_region.html',
  },
  DescribeListeners: {
    perSecond: 10,
    source:
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html ' +
      '(every non-mutating ELB call of the account shares a bucket of 40 refilled at 10 a second)',
  },
};

if (!motoInstalled()) {
  console.error(INSTALL_HINT);
  process.exit(1);
}

let services = 0;
/** Clusters whose ECS reads are slow now: `speed-<n>`, matched in each request's body. */
const slowClusters = new Set();
const moto = await startMoto();
const cloudwatch = createCloudWatchStandIn();
const proxy = await startCountingProxy(moto.endpoint, {
  answer: cloudwatch.answer,
  delayMs: ({ op, service, body }) =>
    service.startsWith('AmazonEC2ContainerService') &&
    /^(Describe|List)/.test(op) &&
    slowClusters.has(/(speed-\d+)(?=[/"])/.exec(body)?.[1])
      ? SLOW_ECS_MS
      : 0,
});
const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.url };
const viaProxy = { ...motoClientConfig(moto), endpoint: proxy.url };
const elb = new ElasticLoadBalancingV2Client(motoClientConfig(moto));
const results = {
  date: new Date().toISOString(),
  node: spawnSync(node24(), ['--version']).stdout.toString().trim(),
  machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  loadAverage: { start: round(loadavg()[0]) },
};
try {
  results.roundTrips = await roundTrips();
  results.floor = floorOf(results.roundTrips, 1_000);
  results.breach = {};
  if (part('breach')) {
    for (const ecsMs of [0, SLOW_ECS_MS])
      results.breach[ecsMs ? 'slow' : 'quiet'] = await breachToBlue(ecsMs);
  }
  if (part('steady'))
    results.steady = {
      '1s': await steadyPoll('1s', bakeOf('70s', '15s')),
      '10s': await steadyPoll('10s', bakeOf('120s', '30s')),
    };
  if (part('canary')) results.canary = await canaryCalls();
  if (part('fleet'))
    results.fleet = {
      '1s': await fleet('1s', bakeOf('70s', '20s')),
      '10s': await fleet('10s', bakeOf('130s', '40s')),
    };
  if (part('memory')) results.memory = await memory();
  results.loadAverage.end = round(loadavg()[0]);
} finally {
  await proxy.stop();
  await moto.stop();
}
if (ONLY) {
  console.log(JSON.stringify(results, (k, v) => (k.endsWith('Samples') ? undefined : v), 2));
  process.exit(0);
}
mkdirSync('bench', { recursive: true });
writeFileSync('bench/speed.json', `${JSON.stringify(results, null, 2)}\n`);
const table = render(results);
const doc = readFileSync('docs/benchmark.md', 'utf8');
if (!doc.includes('<!-- speed-bench:start -->'))
  throw new Error('docs/benchmark.md has no speed-bench markers');
writeFileSync(
  'docs/benchmark.md',
  doc.replace(
    /<!-- speed-bench:start -->[\s\S]*<!-- speed-bench:end -->/,
    `<!-- speed-bench:start -->\n${table}\n<!-- speed-bench:end -->`,
  ),
);
console.log(table);

// ── the floor ────────────────────────────────────────────────────────────────────────────────────────

/** One DescribeAlarms (stand-in) and one ModifyListener (moto), both through the proxy, taking turns. */
async function roundTrips() {
  const seeded = await seed();
  cloudwatch.put('floor-alarm');
  const cw = new CloudWatchClient(viaProxy);
  const lb = new ElasticLoadBalancingV2Client(viaProxy);
  const actions = (await lb.send(new DescribeListenersCommand({ ListenerArns: [seeded.listenerArn] })))
    .Listeners[0].DefaultActions;
  const read = [];
  const write = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    let t = performance.now();
    await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM', MaxRecords: 100 }));
    read.push(performance.now() - t);
    t = performance.now();
    await lb.send(new ModifyListenerCommand({ ListenerArn: seeded.listenerArn, DefaultActions: actions }));
    write.push(performance.now() - t);
  }
  return { read: summary(read), write: summary(write), readSamples: read, writeSamples: write };
}

/**
 * The floor of breach → blue at a poll interval: the breach lands uniformly within a poll interval, then
 * one alarm read and one listener write, with round trips drawn from those timed in this run.
 */
function floorOf(trips, pollMs) {
  const samples = Array.from(
    { length: 10_000 },
    (_, i) =>
      Math.random() * pollMs +
      trips.readSamples[i % trips.readSamples.length] +
      trips.writeSamples[(i * 7) % trips.writeSamples.length],
  );
  return summary(samples);
}

// ── breach → all traffic on blue ─────────────────────────────────────────────────────────────────────

/**
 * Deploys hold 20% at a 1 s poll; once one is there its cluster's ECS reads are slowed by `ecsMs` (a
 * degraded control plane, exactly when deploys fail), a uniformly random moment of a poll later its alarm
 * goes to ALARM, and the listener is read from outside every 10 ms until it shows 100% on blue.
 */
async function breachToBlue(ecsMs) {
  const seeded = await Promise.all(Array.from({ length: CONCURRENCY }, () => seed()));
  const samples = [];
  let next = 0;
  await Promise.all(
    seeded.map(async (service, k) => {
      for (let round = 0; next < BREACHES; round++) {
        const i = next++;
        const alarm = `speed-breach-${ecsMs}-${k}-${round}`;
        cloudwatch.put(alarm);
        let measuring;
        const run = await runAction('deploy', {
          inputs: inputs(service, { alarms: alarm, steps: '20%:10m, 100%' }),
          env,
          timeoutMs: 180_000,
          onStdout: (chunk) => {
            if (measuring || !chunk.includes('Green takes 20%')) return;
            if (ecsMs) slowClusters.add(service.cluster);
            measuring = measureBreach(service, alarm).finally(() => slowClusters.delete(service.cluster));
          },
        });
        if (!measuring) throw new Error(`breach ${i}: never reached 20%: ${run.stdout.slice(-2000)}`);
        samples.push(await measuring);
        if (run.outputs.result !== 'rolled-back') throw new Error(`breach ${i}: ${run.outputs.reason}`);
        process.stdout.write(
          `ECS reads +${ecsMs} ms, breach ${samples.length}/${BREACHES}: ${samples.at(-1).totalMs} ms\n`,
        );
      }
    }),
  );
  const pick = (key) => summary(samples.map((s) => s[key]));
  return {
    ecsReadDelayMs: ecsMs,
    breaches: samples.length,
    concurrent: CONCURRENCY,
    breachToBlue: pick('totalMs'),
    breachToRead: pick('readMs'),
    readToTrafficCall: pick('actionMs'),
    firstCallAfterRead: tally(samples.map((s) => s.firstCall)),
  };
}

async function measureBreach(seeded, alarm) {
  await sleep(Math.random() * 1000);
  const setAt = Date.now();
  cloudwatch.set(alarm, 'ALARM');
  for (;;) {
    const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [seeded.listenerArn] }));
    const groups = out.Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups;
    if (groups.find((g) => g.TargetGroupArn === seeded.blueTargetGroup)?.Weight === 100) break;
    await sleep(10);
  }
  const doneAt = Date.now();
  const read = cloudwatch.log.find((e) => e.at >= setAt && e.alarmed?.includes(alarm));
  const mine = (c) =>
    c.body.includes(seeded.cluster) || c.body.includes(encodeURIComponent(seeded.listenerArn));
  // The deploy's first call to ECS or ELB after the read that saw the breach.
  const after = read
    ? proxy.calls.filter((c) => c.at >= read.at && c.service !== 'GraniteServiceVersion20100801' && mine(c))
    : [];
  const modify = after.find((c) => c.op === 'ModifyListener');
  return {
    totalMs: doneAt - setAt,
    readMs: read ? read.at - setAt : NaN,
    actionMs: read && modify ? Math.round(modify.at - read.at) : NaN,
    firstCall: after[0]?.op ?? 'none',
  };
}

// ── steady polls ─────────────────────────────────────────────────────────────────────────────────────

/**
 * One deploy alone, 10 alarms by name, all traffic on green baking at `poll`: every call in the bake
 * (from 2 s after it starts to the promote) is this deploy's; per poll and per second, by operation.
 */
async function steadyPoll(poll, bake) {
  const seeded = await seed();
  const names = alarms(`steady-${poll}-`, 10);
  const marks = {};
  proxy.reset();
  cloudwatch.log.splice(0);
  const run = await runAction('deploy', {
    inputs: inputs(seeded, {
      alarms: names.join(','),
      steps: 'AllAtOnce',
      'bake-time': bake,
      'poll-interval': poll,
    }),
    env,
    timeoutMs: 600_000,
    onStdout: (chunk) => {
      if (chunk.includes('::group::Bake')) marks.bake ??= Date.now() + 2_000;
      if (chunk.includes('::group::Promote')) marks.promote ??= Date.now();
    },
  });
  if (run.outputs.result !== 'deployed') throw new Error(`steady ${poll}: ${run.outputs.reason}`);
  const calls = proxy.calls.filter((c) => c.at >= marks.bake && c.at < marks.promote);
  const seconds = (marks.promote - marks.bake) / 1000;
  const polls = seconds / Number.parseInt(poll, 10);
  const byOperation = tally(calls.map((c) => c.op));
  return {
    poll,
    seconds: round(seconds),
    polls: round(polls),
    callsPerPoll: round(calls.length / polls),
    perPollByOperation: mapValues(byOperation, (n) => round(n / polls)),
    perSecondByOperation: mapValues(byOperation, (n) => round(n / seconds, 3)),
  };
}

/** Every AWS call of a whole 4-step canary (10%, 25%, 50%, 100%; 5 s holds, 5 s bake, 1 s polls, 10 alarms). */
async function canaryCalls() {
  const seeded = await seed();
  const names = alarms('canary-', 10);
  proxy.reset();
  const run = await runAction('deploy', {
    inputs: inputs(seeded, {
      alarms: names.join(','),
      steps: '10%:5s, 25%:5s, 50%:5s, 100%',
      'bake-time': '5s',
    }),
    env,
    timeoutMs: 300_000,
  });
  if (run.outputs.result !== 'deployed') throw new Error(`canary: ${run.outputs.reason}`);
  const byOperation = tally(proxy.calls.map((c) => c.op));
  return { total: proxy.calls.length, byOperation, sequence: proxy.calls.map((c) => c.op).join(' ') };
}

/**
 * `FLEET` deploys at once in one account and Region, each on its own service with its own 10 alarms,
 * baking at `poll`: the request rate by operation over the time all of them were baking.
 */
async function fleet(poll, bake) {
  const seeded = await Promise.all(Array.from({ length: FLEET }, () => seed()));
  const marks = seeded.map(() => ({}));
  proxy.reset();
  const runs = await Promise.all(
    seeded.map((service, k) =>
      runAction('deploy', {
        inputs: inputs(service, {
          alarms: alarms(`fleet-${poll}-${k}-`, 10).join(','),
          steps: 'AllAtOnce',
          'bake-time': bake,
          'poll-interval': poll,
        }),
        env,
        timeoutMs: 900_000,
        onStdout: (chunk) => {
          if (chunk.includes('::group::Bake')) marks[k].bake ??= Date.now() + 2_000;
          if (chunk.includes('::group::Promote')) marks[k].promote ??= Date.now();
        },
      }),
    ),
  );
  for (const run of runs)
    if (run.outputs.result !== 'deployed') throw new Error(`fleet: ${run.outputs.reason}`);
  const from = Math.max(...marks.map((m) => m.bake));
  const to = Math.min(...marks.map((m) => m.promote));
  if (!(to > from))
    throw new Error(`fleet ${poll}: the deploys never all baked at once; give them a longer bake`);
  const seconds = (to - from) / 1000;
  const calls = proxy.calls.filter((c) => c.at >= from && c.at < to);
  const rates = mapValues(tally(calls.map((c) => c.op)), (n) => round(n / seconds, 2));
  return { deploys: FLEET, poll, seconds: round(seconds), perSecondByOperation: rates };
}

// ── memory ───────────────────────────────────────────────────────────────────────────────────────────

/** Peak RSS of a deploy watching 5,000 alarms by name through a 65 s bake, beside 5,000 by a prefix and 1. */
async function memory() {
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-speed-peak-'));
  if (process.env.BENCH_SPEED_NODE_OPTIONS) console.log(`memory runs' output in ${dir}`);
  const hook = join(dir, 'peak.mjs');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.BENCH_PEAK_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  const out = {};
  const runs = [
    { key: '1', n: 1 },
    { key: '5000', n: 5_000 },
    { key: '5000 by prefix', n: 5_000, prefix: true },
  ];
  await Promise.all(
    runs.map(async ({ key, n, prefix }) => {
      const seeded = await seed();
      const tag = `rss-${key.replace(/\W+/g, '-')}-`;
      const names = alarms(tag, n);
      const file = join(dir, tag);
      const run = await runAction('deploy', {
        inputs: inputs(seeded, {
          ...(prefix ? { 'alarm-prefixes': tag } : { alarms: names.join(',') }),
          steps: 'AllAtOnce',
          'bake-time': bakeOf('65s', '15s'),
        }),
        env: {
          ...env,
          // BENCH_SPEED_NODE_OPTIONS adds flags for a look inside (--trace-gc); the table is measured without.
          NODE_OPTIONS: `--import=${hook} ${process.env.BENCH_SPEED_NODE_OPTIONS ?? ''}`.trim(),
          BENCH_PEAK_FILE: file,
        },
        timeoutMs: 300_000,
      });
      if (run.outputs.result !== 'deployed') throw new Error(`memory ${key}: ${run.outputs.reason}`);
      if (process.env.BENCH_SPEED_NODE_OPTIONS) writeFileSync(`${file}.stdout`, run.stdout + run.stderr);
      out[key] = round(Number(readFileSync(file, 'utf8')) / 1024);
    }),
  );
  return { peakRssMiB: out };
}

// ── helpers and the table ────────────────────────────────────────────────────────────────────────────

function seed() {
  const n = ++services;
  return seedService(moto, { alarms: [], cluster: `speed-${n}`, service: `sp${n}` });
}

function alarms(prefix, n) {
  const names = Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
  for (const name of names) cloudwatch.put(name);
  return names;
}

function inputs(seeded, extra) {
  return {
    cluster: seeded.cluster,
    service: seeded.service,
    'task-definition': seeded.taskDefinitionFile,
    'container-name': 'app',
    image: `shop/api@sha256:${'e'.repeat(64)}`,
    'listener-arn': seeded.listenerArn,
    'poll-interval': '1s',
    'github-token': '',
    ...extra,
  };
}

function summary(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const at = (p) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]);
  return { p50: at(0.5), p95: at(0.95), max: Math.round(sorted.at(-1)) };
}

function tally(values) {
  const out = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

function mapValues(object, f) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, f(v)]));
}

function round(value, digits = 2) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function render(r) {
  const ms = (s) => `p50 ${s.p50} / p95 ${s.p95} / max ${s.max} ms`;
  const ops = (o) =>
    Object.entries(o)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
  const rows = [
    `| floor: uniform wait for the next 1 s poll + one DescribeAlarms (${ms(r.roundTrips.read)}) + one ModifyListener (${ms(r.roundTrips.write)}) | ${ms(r.floor)} |`,
  ];
  for (const [name, b] of Object.entries(r.breach)) {
    const what = b.ecsReadDelayMs ? `ECS reads ${b.ecsReadDelayMs / 1000} s slow` : 'ECS answering at once';
    rows.push(
      `| breach → listener 100% blue, poll 1 s, ${what} (${b.breaches} breaches, ${b.concurrent} deploys at once) | ${ms(b.breachToBlue)}; p50 ${round(b.breachToBlue.p50 / r.floor.p50)}× the floor's |`,
      `| … the action's own reaction, alarm answer → ModifyListener sent (${name}) | ${ms(b.readToTrafficCall)} |`,
      `| … the deploy's first ECS/ELB call after the alarm answer (${name}) | ${ops(b.firstCallAfterRead)} |`,
    );
  }
  for (const s of Object.values(r.steady)) {
    rows.push(
      `| AWS calls per steady bake poll, poll ${s.poll}, 10 alarms (${s.polls} polls) | ${s.callsPerPoll}: ${ops(s.perPollByOperation)} |`,
    );
  }
  rows.push(
    `| AWS calls, whole 4-step canary (10%:5s, 25%:5s, 50%:5s, 100%; bake 5s; 10 alarms; poll 1s) | ${r.canary.total}: ${ops(r.canary.byOperation)} |`,
  );
  for (const s of Object.values(r.steady)) {
    rows.push(`| requests a second, 1 deploy baking, poll ${s.poll} | ${ops(s.perSecondByOperation)} |`);
  }
  for (const f of Object.values(r.fleet)) {
    const against = Object.entries(QUOTAS)
      .map(([op, q]) => `${op} ${f.perSecondByOperation[op] ?? 0}/${q.perSecond}`)
      .join(', ');
    rows.push(
      `| requests a second, ${f.deploys} deploys baking at once, poll ${f.poll} (${f.seconds} s all baking) | ${ops(f.perSecondByOperation)}; against the default quotas: ${against} |`,
    );
  }
  rows.push(
    `| peak RSS of a deploy through a 65 s bake, 5,000 alarms by name (beside: 5,000 by one prefix; 1 alarm) | ${r.memory.peakRssMiB['5000']} MiB (${r.memory.peakRssMiB['5000 by prefix']} MiB; ${r.memory.peakRssMiB['1']} MiB) |`,
  );
  return [
    `Measured ${r.date.slice(0, 10)} by \`node scripts/bench-speed.mjs\` on one machine (${r.machine}, load average ${r.loadAverage.start} at the start and ${r.loadAverage.end} at the end), Node ${r.node}; ECS and ELB on moto_server, CloudWatch on the stand-in.`,
    '',
    '| what | result |',
    '| --- | --- |',
    ...rows,
    '',
    'Quotas: ' +
      Object.entries(QUOTAS)
        .map(([op, q]) => `${op} ${q.perSecond}/s, ${q.source}`)
        .join('; ') +
      '.',
  ].join('\n');
}
