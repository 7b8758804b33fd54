// npm run bench: measures what matters for a hands-off deploy, against moto_server on loopback, by
// running the built action (dist/deploy) as the runner does. Writes bench/results.json and the table
// between the bench markers in README.md. Speed is reported here, never asserted in a test.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  INSTALL_HINT,
  motoClientConfig,
  motoInstalled,
  putAlarm,
  seedService,
  setAlarm,
  startMoto,
} from './lib/emulator.mjs';
import { startCountingProxy } from './lib/counting-proxy.mjs';
import { runAction } from './lib/run-action.mjs';

const BREACHES = Number(process.env.BENCH_BREACHES ?? 20);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 10);
if (!motoInstalled()) {
  console.error(INSTALL_HINT);
  process.exit(1);
}

const moto = await startMoto();
const proxy = await startCountingProxy(moto.endpoint);
const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.url };
// `npm run` puts node_modules/.bin first on PATH, so this runs on the node@24 package's Node, as the bundles do.
const results = { date: new Date().toISOString(), node: process.version };
try {
  results.rollbackLatency = await rollbackLatency();
  results.callsPerPoll = await callsPerPoll();
  results.canary = await canaryCalls();
  results.coldStart = await coldStart();
  results.bundle = { distBytes: treeBytes('dist') };
} finally {
  await proxy.stop();
  await moto.stop();
}
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
const table = renderTable(results);
const readme = readFileSync('README.md', 'utf8');
writeFileSync(
  'README.md',
  readme.replace(
    /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
    `<!-- bench:start -->\n${table}\n<!-- bench:end -->`,
  ),
);
console.log(table);

function baseInputs(seeded, extra = {}) {
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

async function fresh(alarms) {
  await moto.reset();
  return seedService(moto, { alarms: [] }).then(async (seeded) => {
    for (const name of alarms) await putAlarm(moto, name);
    proxy.reset();
    return seeded;
  });
}

/** Alarm set to ALARM at a random moment of a step → the listener showing 100% on blue, seen from outside. */
async function rollbackLatency() {
  const samples = [];
  const elb = new ElasticLoadBalancingV2Client(motoClientConfig(moto));
  for (let i = 0; i < BREACHES; i++) {
    const seeded = await fresh(['api-5xx']);
    let measuring;
    await runAction('deploy', {
      inputs: baseInputs(seeded, { alarms: 'api-5xx', steps: '20%:60s, 100%', 'bake-time': '1s' }),
      env,
      onStdout: (chunk) => {
        if (measuring || !chunk.includes('Green takes 20%')) return;
        measuring = (async () => {
          await sleep(Math.random() * 3000);
          const setAt = Date.now();
          await setAlarm(moto, 'api-5xx', 'ALARM');
          for (;;) {
            const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [seeded.listenerArn] }));
            const groups = out.Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups;
            if (groups.find((g) => g.TargetGroupArn === seeded.blueTargetGroup)?.Weight === 100) break;
            await sleep(10);
          }
          samples.push(Date.now() - setAt);
        })();
      },
    });
    await measuring;
    process.stdout.write(`breach ${i + 1}/${BREACHES}: ${samples.at(-1)} ms\n`);
  }
  samples.sort((a, b) => a - b);
  return {
    breaches: samples.length,
    pollInterval: '1s',
    medianMs: percentile(samples, 0.5),
    p95Ms: percentile(samples, 0.95),
    maxMs: samples.at(-1),
  };
}

/**
 * AWS calls of one poll while holding, by watched alarm count. A poll's DescribeAlarms batches go out
 * together, so calls less than 200 ms apart belong to one poll; the bake's other calls are counted too.
 */
async function callsPerPoll() {
  const out = {};
  for (const n of [10, 100, 250]) {
    const names = Array.from({ length: n }, (_, i) => `api-alarm-${String(i).padStart(3, '0')}`);
    const seeded = await fresh(names);
    const run = await runAction('deploy', {
      inputs: baseInputs(seeded, { alarms: names.join(','), steps: 'AllAtOnce', 'bake-time': '20s' }),
      env,
    });
    if (run.outputs.result !== 'deployed') throw new Error(`bench deploy failed: ${run.outputs.reason}`);
    // The bake: from the last listener change (100%) to promotion.
    const start = proxy.calls.findLastIndex((c) => c.op === 'ModifyListener');
    const end = proxy.calls.findIndex((c) => c.op === 'UpdateServicePrimaryTaskSet');
    const bake = proxy.calls.slice(start + 1, end);
    const alarmCalls = bake.filter((c) => c.op === 'DescribeAlarms');
    let polls = 0;
    let last = -Infinity;
    for (const call of alarmCalls) {
      if (call.at - last > 200) polls++;
      last = call.at;
    }
    const others = bake.filter((c) => c.op !== 'DescribeAlarms');
    const seconds = (bake.at(-1).at - bake[0].at) / 1000;
    out[n] = {
      polls,
      describeAlarmsPerPoll: Number((alarmCalls.length / polls).toFixed(2)),
      otherCallsPerPoll: Number((others.length / polls).toFixed(2)),
      pollsPerSecond: Number((polls / seconds).toFixed(2)),
    };
  }
  return out;
}

/** Every AWS call of a whole 4-step canary (10%, 25%, 50%, 100%; 5s holds, 5s bake, 1s polls, 10 alarms). */
async function canaryCalls() {
  const names = Array.from({ length: 10 }, (_, i) => `api-alarm-${i}`);
  const seeded = await fresh(names);
  const run = await runAction('deploy', {
    inputs: baseInputs(seeded, {
      alarms: names.join(','),
      steps: '10%:5s, 25%:5s, 50%:5s, 100%',
      'bake-time': '5s',
    }),
    env,
  });
  if (run.outputs.result !== 'deployed') throw new Error(`bench deploy failed: ${run.outputs.reason}`);
  const byOperation = proxy.byOperation();
  const total = Object.values(byOperation).reduce((a, b) => a + b, 0);
  const polls = byOperation.DescribeAlarms ?? 0;
  return {
    steps: '10%:5s, 25%:5s, 50%:5s, 100%',
    bake: '5s',
    total,
    alarmPolls: polls,
    other: total - polls,
    byOperation,
  };
}

/** Process start to the first AWS request, dry-run (reads only). */
async function coldStart() {
  const seeded = await fresh(['api-5xx']);
  const samples = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    proxy.reset();
    const started = performance.timeOrigin + performance.now();
    await runAction('deploy', { inputs: baseInputs(seeded, { alarms: 'api-5xx', 'dry-run': 'true' }), env });
    samples.push(Math.round(proxy.calls[0].at - started));
  }
  samples.sort((a, b) => a - b);
  return { runs: samples.length, medianMs: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95) };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function renderTable(r) {
  const per = (n) => {
    const p = r.callsPerPoll[n];
    return `${p.describeAlarmsPerPoll} DescribeAlarms + ${p.otherCallsPerPoll} other (${p.polls} polls, ${p.pollsPerSecond} a second)`;
  };
  return [
    `Measured ${r.date.slice(0, 10)} on a 2-core, 24 GiB machine (the size CI runs on), Node ${r.node}, moto_server on loopback.`,
    '',
    '| what | result |',
    '| --- | --- |',
    `| rollback latency, alarm → listener 100% blue (${r.rollbackLatency.breaches} breaches, poll 1s) | median ${r.rollbackLatency.medianMs} ms, p95 ${r.rollbackLatency.p95Ms} ms, max ${r.rollbackLatency.maxMs} ms |`,
    `| AWS calls per poll, 10 alarms | ${per(10)} |`,
    `| AWS calls per poll, 100 alarms | ${per(100)} |`,
    `| AWS calls per poll, 250 alarms | ${per(250)} |`,
    `| AWS calls, whole 4-step canary (${r.canary.steps}, bake ${r.canary.bake}, 10 alarms) | ${r.canary.total}: ${r.canary.alarmPolls} alarm polls + ${r.canary.other} others |`,
    `| cold start, process start → first AWS request (${r.coldStart.runs} runs) | median ${r.coldStart.medianMs} ms, p95 ${r.coldStart.p95Ms} ms |`,
    `| size of dist/ (every action and the CLI, one shared bundle, licenses included) | ${(r.bundle.distBytes / 1024 / 1024).toFixed(2)} MiB |`,
  ].join('\n');
}

/** The bytes of every file under a folder. */
function treeBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (total, entry) =>
      total + (entry.isDirectory() ? treeBytes(join(dir, entry.name)) : statSync(join(dir, entry.name)).size),
    0,
  );
}
