// npm run bench: measures what matters for a hands-off deploy by running the built actions as the
// runner does, ECS and ELB on moto_server, CloudWatch alarms on an in-process stand-in that answers as
// CloudWatch does (moto ignores StateValue next to names and prefixes, never pages, has no alarm
// history), GitHub on a local stand-in. Writes bench/results.json and the table between the bench
// markers in docs/benchmark.md. Speed is reported here, never asserted in a test.
//
// The official ECS deploy action (aws-actions/amazon-ecs-deploy-task-definition) is measured beside ours in
// the same run when SAFE_DEPLOY_BENCH_OFFICIAL points at a copy of it built outside this repository (see
// docs/benchmark.md); none of its code lives here. Without it the output says it was not measured.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { INSTALL_HINT, motoClientConfig, motoInstalled, seedService, startMoto } from './lib/emulator.mjs';
import { createCloudWatchStandIn } from './lib/cloudwatch-stand-in.mjs';
import { startCountingProxy } from './lib/counting-proxy.mjs';
import { node24, runAction } from './lib/run-action.mjs';

const BREACHES = Number(process.env.BENCH_BREACHES ?? 50);
/** Deploys running at once in the breach runs (each on its own service), so 2 × 50 breaches take minutes. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 5);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 15);
const ALARM_COUNTS = [1, 100, 1_000, 5_000];
/** Long enough for one periodic full read (every 60 s) inside the bake. */
const CALLS_BAKE = process.env.BENCH_CALLS_BAKE ?? '70s';
const GITHUB_DELAY_MS = 300;
const OFFICIAL_REPO = 'aws-actions/amazon-ecs-deploy-task-definition';
const OFFICIAL_HOW_TO =
  'set SAFE_DEPLOY_BENCH_OFFICIAL to a copy of it built outside this repository (its folder, or its ' +
  'dist/index.js) and SAFE_DEPLOY_BENCH_OFFICIAL_REF to the commit it was built from; docs/benchmark.md says how';
let services = 0;
if (!motoInstalled()) {
  console.error(INSTALL_HINT);
  process.exit(1);
}
const official = officialAction();
if (!official)
  console.log(
    `The official ECS deploy action (${OFFICIAL_REPO}) is not measured in this run: ${OFFICIAL_HOW_TO}.`,
  );

const moto = await startMoto();
const cloudwatch = createCloudWatchStandIn();
const proxy = await startCountingProxy(moto.endpoint, { answer: cloudwatch.answer });
const github = await startGitHubStandIn();
const env = { ...moto.env, AWS_ENDPOINT_URL: proxy.url };
const elb = new ElasticLoadBalancingV2Client(motoClientConfig(moto));
// `npm run` puts node_modules/.bin first on PATH, so this runs on the node@24 package's Node, as the bundles do.
const results = {
  date: new Date().toISOString(),
  node: spawnSync(node24(), ['--version']).stdout.toString().trim(),
  machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  // What else ran meanwhile: compare a run's numbers with its floors (node -e 0), not with another run's.
  loadAverage: { start: round(loadavg()[0]) },
};
try {
  results.coldStart = await coldStarts();
  results.firstAwsCall = await firstAwsCall();
  results.breachToBlue = {};
  for (const poll of ['1s', '5s']) results.breachToBlue[poll] = await breachToBlue(poll);
  results.callsPerPoll = await callsPerPoll();
  results.canary = await canaryCalls();
  results.bundle = { distBytes: treeBytes('dist') };
  results.official = official
    ? {
        measured: true,
        repository: OFFICIAL_REPO,
        ref: official.ref,
        version: official.version,
        main: official.file,
        mainBytes: statSync(official.file).size,
        distBytes: treeBytes(dirname(official.file)),
      }
    : { measured: false, repository: OFFICIAL_REPO, howTo: OFFICIAL_HOW_TO };
  results.loadAverage.end = round(loadavg()[0]);
} finally {
  await github.stop();
  await proxy.stop();
  await moto.stop();
}
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
const table = renderTable(results);
const readme = readFileSync('docs/benchmark.md', 'utf8');
writeFileSync(
  'docs/benchmark.md',
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

/** A fresh EXTERNAL service behind its own listener (moto), each with its own names. */
function seed() {
  const n = ++services;
  return seedService(moto, { alarms: [], cluster: `bench-${n}`, service: `api${n}` });
}

// ── breach → all traffic on blue ─────────────────────────────────────────────────────────────────────

/**
 * An alarm set to ALARM at a uniformly random moment of a poll interval during a 20% step, until the
 * listener shows 100% on blue (read from outside every 10 ms). The read is the first DescribeAlarms
 * answer that returned the alarm in ALARM; the action's own share runs from that answer to its
 * ModifyListener putting blue back to 100%.
 */
async function breachToBlue(poll) {
  const pollMs = Number.parseInt(poll, 10) * 1000;
  const seeded = await Promise.all(Array.from({ length: CONCURRENCY }, () => seed()));
  const samples = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    seeded.map(async (service, k) => {
      for (let round = 0; next < BREACHES; round++) {
        const i = next++;
        const alarm = `breach-${poll}-${k}-${round}`;
        cloudwatch.put(alarm);
        let measuring;
        const run = await runAction('deploy', {
          inputs: baseInputs(service, { alarms: alarm, steps: '20%:10m, 100%', 'poll-interval': poll }),
          env,
          timeoutMs: 120_000,
          onStdout: (chunk) => {
            if (measuring || !chunk.includes('Green takes 20%')) return;
            measuring = measureBreach(service, alarm, pollMs);
          },
        });
        if (!measuring)
          throw new Error(`breach ${i}: the deploy never reached 20%: ${run.stdout.slice(-2000)}`);
        samples.push(await measuring);
        if (run.outputs.result !== 'rolled-back') throw new Error(`breach ${i}: ${run.outputs.reason}`);
        process.stdout.write(`${poll} breach ${samples.length}/${BREACHES}: ${samples.at(-1).totalMs} ms\n`);
      }
    }),
  );
  const pick = (key) => summary(samples.map((s) => s[key]));
  return {
    breaches: samples.length,
    concurrent: CONCURRENCY,
    seconds: Math.round((Date.now() - started) / 1000),
    breachToBlue: pick('totalMs'),
    breachToRead: pick('readMs'),
    readToModify: pick('actionMs'),
  };
}

async function measureBreach(seeded, alarm, pollMs) {
  await sleep(Math.random() * pollMs);
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
  const listener = encodeURIComponent(seeded.listenerArn);
  const modify = proxy.calls.find(
    (c) => c.op === 'ModifyListener' && c.at >= setAt && c.body.includes(listener),
  );
  return {
    totalMs: doneAt - setAt,
    readMs: read ? read.at - setAt : NaN,
    actionMs: read && modify ? Math.round(modify.at - read.at) : NaN,
  };
}

// ── DescribeAlarms calls per poll ────────────────────────────────────────────────────────────────────

/**
 * A deploy watching N alarms, named or by one prefix, bakes long enough for one periodic full read;
 * every configuration runs at once, each on its own service and alarm names. A poll's calls go out
 * together, so calls of one run less than 200 ms apart belong to one poll. Peak memory is the deploy
 * process's maximum resident set size.
 */
async function callsPerPoll() {
  // The breach runs leave their alarms in ALARM, and an account-wide read of the alarms in ALARM pages
  // through every one of them: these deploys start from an account with none.
  cloudwatch.clear();
  const configs = ALARM_COUNTS.flatMap((n) => [
    { n, kind: 'named', tag: `n${n}-` },
    { n, kind: 'prefix', tag: `p${n}-` },
  ]);
  const peakDir = mkdtempSync(join(tmpdir(), 'safe-deploy-peak-'));
  const peakHook = join(peakDir, 'peak.mjs');
  writeFileSync(
    peakHook,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.BENCH_PEAK_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  const runs = await Promise.all(
    configs.map(async (config) => {
      const names = Array.from({ length: config.n }, (_, i) => `${config.tag}${String(i).padStart(4, '0')}`);
      for (const name of names) cloudwatch.put(name);
      const seeded = await seed();
      const peakFile = join(peakDir, `${config.tag}rss`);
      const started = Date.now();
      const run = await runAction('deploy', {
        inputs: baseInputs(seeded, {
          ...(config.kind === 'named' ? { alarms: names.join(',') } : { 'alarm-prefixes': config.tag }),
          steps: 'AllAtOnce',
          'bake-time': CALLS_BAKE,
        }),
        // Its own access key id, so its account-wide reads (StateValue alone) are told apart from the others'.
        env: {
          ...env,
          AWS_ACCESS_KEY_ID: `bench-${config.tag}`,
          NODE_OPTIONS: `--import=${peakHook}`,
          BENCH_PEAK_FILE: peakFile,
        },
        timeoutMs: 300_000,
      });
      if (run.outputs.result !== 'deployed') throw new Error(`bench deploy failed: ${run.outputs.reason}`);
      return { config, names, started, ended: Date.now(), peakKiB: Number(readFileSync(peakFile, 'utf8')) };
    }),
  );
  // History reads are account-wide, so they are told apart only by time: these runs had the stand-in alone.
  const from = Math.min(...runs.map((r) => r.started));
  const to = Math.max(...runs.map((r) => r.ended));
  const history = cloudwatch.log.filter((e) => e.op === 'DescribeAlarmHistory' && e.at >= from && e.at <= to);
  let polls = 0;
  const out = {};
  for (const { config, names, peakKiB } of runs) {
    const accountWide = (e) => !e.input.AlarmNames && e.input.AlarmNamePrefix === undefined;
    const mine = cloudwatch.log.filter(
      (e) =>
        e.op === 'DescribeAlarms' &&
        (accountWide(e)
          ? e.caller === `bench-${config.tag}`
          : config.kind === 'named'
            ? names.includes(e.input.AlarmNames?.[0])
            : e.input.AlarmNamePrefix === config.tag),
    );
    // A read starts with its first name batch (or its prefix's first page, or the first page of an
    // account-wide read of the alarms in ALARM); the rest of its calls follow.
    const starts = (e) =>
      !e.input.NextToken &&
      (accountWide(e) || config.kind === 'prefix' || e.input.AlarmNames[0] === names[0]);
    const steady = reads(
      mine.filter((e) => e.input.StateValue),
      starts,
    );
    // Unfiltered reads: the resolve at validation, the watch's first read, then one full read a minute.
    const full = reads(
      mine.filter((e) => !e.input.StateValue),
      starts,
    );
    polls += steady.length + 1;
    const periodic = full.slice(2);
    const fullReadCalls = (periodic[0] ?? full.at(-1)).length;
    const perSteadyPoll = mean(steady.map((g) => g.length));
    out[`${config.kind} ${config.n}`] = {
      alarms: config.n,
      by: config.kind,
      steadyPolls: steady.length,
      describeAlarmsPerSteadyPoll: round(perSteadyPoll),
      fullReadCalls,
      periodicFullReads: periodic.length,
      // The full read once a minute, spread over the polls of that minute (1 s polls).
      amortisedPerPoll: round(perSteadyPoll + fullReadCalls / 60),
      peakRssMiB: round(peakKiB / 1024),
    };
  }
  const historyReads = history.filter((e) => !e.input.NextToken).length;
  out.history = { readsPerPoll: round(historyReads / polls), pages: history.length, reads: historyReads };
  return out;
}

function reads(entries, starts) {
  const out = [];
  for (const entry of entries) {
    if (starts(entry) || !out.length) out.push([]);
    out.at(-1).push(entry);
  }
  return out;
}

/** Every AWS call of a whole 4-step canary (10%, 25%, 50%, 100%; 5s holds, 5s bake, 1s polls, 10 alarms). */
async function canaryCalls() {
  const names = Array.from({ length: 10 }, (_, i) => `canary-alarm-${i}`);
  for (const name of names) cloudwatch.put(name);
  const seeded = await seed();
  proxy.reset();
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
  const describeAlarms = byOperation.DescribeAlarms ?? 0;
  const history = byOperation.DescribeAlarmHistory ?? 0;
  return {
    steps: '10%:5s, 25%:5s, 50%:5s, 100%',
    bake: '5s',
    total,
    describeAlarms,
    describeAlarmHistory: history,
    other: total - describeAlarms - history,
    byOperation,
  };
}

// ── cold start ───────────────────────────────────────────────────────────────────────────────────────

/** Each action's main (and the deploy's post step) from its action.yml, as the runner finds them. */
function actionEntries() {
  const entries = [];
  for (const folder of ['.', 'gate', 'checklist', 'package', 'plan', 'queue']) {
    const runs = parseYaml(readFileSync(join(folder, 'action.yml'), 'utf8')).runs;
    const name = folder === '.' ? 'deploy' : folder;
    entries.push({ name, step: 'main', file: resolve(folder, runs.main) });
    if (runs.post) entries.push({ name, step: 'post', file: resolve(folder, runs.post) });
  }
  return entries;
}

/**
 * Spawn → exit of each action failing on an input error (the post step: with nothing saved, nothing to
 * do), beside two floors run the same way: `node -e 0`, and a one-file esbuild bundle that only reads an
 * input with @actions/core. Runs are interleaved so load on the machine hits every subject alike.
 */
async function coldStarts() {
  // Inside node_modules, so the bundler finds @actions/core from it.
  const floorDir = resolve('node_modules', '.cache', 'safe-deploy-bench-floor');
  mkdirSync(floorDir, { recursive: true });
  writeFileSync(
    join(floorDir, 'floor.mjs'),
    "import * as core from '@actions/core';\ncore.info(`input: ${core.getInput('name')}`);\n",
  );
  // Bundled as the actions are (esbuild, one ESM file), so the floor pays what a bundled action pays.
  const floorBundle = join(floorDir, 'dist', 'index.mjs');
  const bundled = spawnSync('npx', [
    'esbuild',
    join(floorDir, 'floor.mjs'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outfile=${floorBundle}`,
    '--log-level=warning',
    "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  ]);
  if (bundled.status !== 0) throw new Error(`could not bundle the floor action: ${bundled.stderr}`);
  const errors = {
    deploy: { cluster: 'web', service: 'api', steps: 'bogus' },
    gate: { windows: 'bogus' },
    checklist: { mode: 'bogus' },
    package: {},
    // The plan action's one input is a path: a pipeline file that is not there.
    plan: { config: 'no-such-pipeline.yml' },
    queue: { release: 'latest', result: 'success' },
  };
  const subjects = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'one-file action reading an input (@actions/core)', args: [floorBundle], inputs: { name: 'x' } },
    ...actionEntries().map((e) => ({
      label: `${e.name} ${e.step}${e.step === 'post' ? ', nothing to do' : ', input error'}`,
      args: [e.file],
      inputs: e.step === 'main' ? errors[e.name] : {},
      state: e.step === 'post' ? { isPost: 'true' } : {},
      file: e.file,
    })),
  ];
  // A whole gate evaluation, not an input error: windows, two holiday calendars and an .ics file, with the
  // search for the next opening (what a unit test must not time).
  subjects.push({
    label: 'gate main, a whole evaluation (holidays US and DE-BY, an .ics calendar, Europe/Berlin)',
    args: [resolve('gate', parseYaml(readFileSync('gate/action.yml', 'utf8')).runs.main)],
    inputs: {
      windows: 'Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-11:00',
      holidays: 'US, DE-BY',
      timezone: 'Europe/Berlin',
      calendar: resolve('__tests__/gate/fixtures/weekly-freeze.ics'),
      at: '2026-11-24T19:00:00Z',
      'on-closed': 'skip',
    },
  });
  if (official) {
    checkOfficialFailsOnInput();
    // The runner's input error for its one required input: task-definition left unset.
    subjects.push({
      label: `official ECS deploy action main, input error (task-definition unset)`,
      args: [official.file],
      inputs: {},
      official: true,
    });
  }
  const samples = subjects.map(() => []);
  for (let i = 0; i < COLD_STARTS; i++) {
    for (const [k, subject] of subjects.entries()) samples[k].push(await timeProcess(subject));
  }
  const floor = median(samples[0]);
  return subjects.map((s, k) => ({
    what: s.label,
    ...(s.file ? { bundle: s.file.slice(process.cwd().length + 1) } : {}),
    ...(s.official ? { official: `${officialName(official)}, ${relativeBundle(official.file)}` } : {}),
    ...summary(samples[k]),
    timesNodeStart: round(median(samples[k]) / floor),
  }));
}

function timeProcess({ args, inputs = {}, state = {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-cold-'));
  const childEnv = { PATH: process.env.PATH, HOME: dir, RUNNER_TEMP: dir, GITHUB_ACTIONS: 'true' };
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV']) {
    childEnv[name] = join(dir, name);
    writeFileSync(childEnv[name], '');
  }
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(state)) childEnv[`STATE_${name}`] = value;
  return new Promise((resolveTime, reject) => {
    const started = performance.now();
    const child = spawn(node24(), args, { env: childEnv, cwd: dir, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolveTime(Math.round(performance.now() - started)));
  });
}

/**
 * The official action, built outside this repository: SAFE_DEPLOY_BENCH_OFFICIAL is its folder (its
 * action.yml's runs.main, else dist/index.js) or its bundle file. A path that is given but holds no
 * bundle stops the bench rather than leaving the official action out.
 */
function officialAction() {
  const given = process.env.SAFE_DEPLOY_BENCH_OFFICIAL;
  if (!given) return undefined;
  const path = resolve(given);
  if (!existsSync(path)) throw new Error(`SAFE_DEPLOY_BENCH_OFFICIAL=${given}: no such file or folder`);
  let file = path;
  if (statSync(path).isDirectory()) {
    const yml = join(path, 'action.yml');
    file = existsSync(yml)
      ? resolve(path, parseYaml(readFileSync(yml, 'utf8')).runs.main)
      : join(path, 'dist', 'index.js');
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new Error(
      `SAFE_DEPLOY_BENCH_OFFICIAL=${given}: no bundle at ${file} (build it first: docs/benchmark.md)`,
    );
  }
  // Its package.json sits beside dist/ when the folder is a checkout built as that project builds it.
  const manifest = join(dirname(dirname(file)), 'package.json');
  const version = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
  return { file, version, ref: process.env.SAFE_DEPLOY_BENCH_OFFICIAL_REF || undefined };
}

/** `aws-actions/amazon-ecs-deploy-task-definition v2.4.0, commit …`, from what was given. */
function officialName({ version, ref }) {
  const at = [version && `v${version}`, ref ? `commit ${ref}` : 'commit not given'].filter(Boolean);
  return `${OFFICIAL_REPO} ${at.join(', ')}`;
}

/** `dist/index.js` of the official bundle, whatever folder holds its copy. */
function relativeBundle(file) {
  return `${basename(dirname(file))}/${basename(file)}`;
}

/** Once, before timing: the official bundle must start and fail on the missing input as the action does. */
function checkOfficialFailsOnInput() {
  const dir = mkdtempSync(join(tmpdir(), 'safe-deploy-cold-'));
  const run = spawnSync(node24(), [official.file], {
    env: { PATH: process.env.PATH, HOME: dir, RUNNER_TEMP: dir, GITHUB_ACTIONS: 'true' },
    cwd: dir,
    encoding: 'utf8',
  });
  const expected = '::error::Input required and not supplied: task-definition';
  if (run.status === 0 || !run.stdout.includes(expected)) {
    throw new Error(
      `the official action at ${official.file} did not fail on the missing task-definition input ` +
        `(exit ${run.status}): ${run.stdout.slice(-1000)}${run.stderr.slice(-1000)}`,
    );
  }
}

// ── start → first AWS call with a slow GitHub API ────────────────────────────────────────────────────

/**
 * A real (not dry-run) deploy with a GitHub token, against a GitHub API stand-in answering every
 * request after 0 ms and after GITHUB_DELAY_MS; a blocker alarm in ALARM ends it in validation.
 * Spawn → first AWS request at the proxy.
 */
async function firstAwsCall() {
  const seeded = await seed();
  cloudwatch.put('first-call-blocker');
  cloudwatch.set('first-call-blocker', 'ALARM');
  const delays = [0, GITHUB_DELAY_MS];
  const samples = delays.map(() => []);
  const out = {};
  // The two latencies take turns, so whatever else slows the machine (or moto) meanwhile hits both alike.
  for (let i = 0; i < 10; i++) {
    for (const [k, delay] of delays.entries()) {
      github.delayMs = delay;
      proxy.reset();
      github.requests.splice(0);
      let spawnedAt = 0;
      const run = await runAction('deploy', {
        inputs: baseInputs(seeded, { 'blocker-alarms': 'first-call-blocker', 'github-token': 'ghs_bench' }),
        env: { ...env, GITHUB_API_URL: github.url },
        onStart: () => (spawnedAt = performance.timeOrigin + performance.now()),
      });
      if (run.outputs.result !== 'blocked') throw new Error(`expected blocked: ${run.outputs.reason}`);
      samples[k].push(Math.round(proxy.calls[0].at - spawnedAt));
      out.githubRequestsBeforeExit = github.requests.length;
    }
  }
  for (const [k, delay] of delays.entries()) out[`github${delay}ms`] = summary(samples[k]);
  out.githubDelayMs = GITHUB_DELAY_MS;
  return out;
}

/** Answers the deployment-record calls after `delayMs`, as a slow GitHub API would. */
async function startGitHubStandIn() {
  const state = { delayMs: 0, requests: [] };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests.push(`${req.method} ${req.url}`);
      setTimeout(() => {
        const status = req.method === 'POST' ? 201 : 200;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(req.url?.endsWith('/deployments') ? { id: 4242 } : { id: 1, state: 'ok' }));
      }, state.delayMs);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(state, {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((r) => server.close(r)),
  });
}

// ── bundles ──────────────────────────────────────────────────────────────────────────────────────────

// ── helpers and the table ────────────────────────────────────────────────────────────────────────────

function summary(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { medianMs: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95), maxMs: sorted.at(-1) };
}

function median(values) {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function mean(values) {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function round(value) {
  return Math.round(value * 100) / 100;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function renderTable(r) {
  const ms = (s) => `median ${s.medianMs} ms, p95 ${s.p95Ms} ms, max ${s.maxMs} ms`;
  const rows = [];
  for (const [poll, b] of Object.entries(r.breachToBlue)) {
    rows.push(
      `| breach → listener 100% blue, poll ${poll} (${b.breaches} breaches, ${b.concurrent} deploys at once) | ${ms(b.breachToBlue)} |`,
      `| … of which waiting for the next poll's read, poll ${poll} | ${ms(b.breachToRead)} |`,
      `| … of which the action's own reaction, read → ModifyListener, poll ${poll} | ${ms(b.readToModify)} |`,
    );
  }
  for (const n of ALARM_COUNTS) {
    for (const kind of ['named', 'prefix']) {
      const c = r.callsPerPoll[`${kind} ${n}`];
      rows.push(
        `| DescribeAlarms per steady poll, ${n.toLocaleString('en')} alarm${n === 1 ? '' : 's'} ${kind === 'named' ? 'by name' : 'by one prefix'} | ` +
          `${c.describeAlarmsPerSteadyPoll} (+ full read of ${c.fullReadCalls} once a minute: ${c.amortisedPerPoll} a poll at 1 s; peak RSS ${c.peakRssMiB} MiB) |`,
      );
    }
  }
  const h = r.callsPerPoll.history;
  rows.push(
    `| DescribeAlarmHistory reads per poll (account-wide, whatever the alarm count) | ${h.readsPerPoll} (${h.pages} pages for ${h.reads} reads) |`,
    `| AWS calls, whole 4-step canary (${r.canary.steps}, bake ${r.canary.bake}, 10 alarms, poll 1s) | ${r.canary.total}: ${r.canary.describeAlarms} DescribeAlarms + ${r.canary.describeAlarmHistory} DescribeAlarmHistory + ${r.canary.other} others |`,
  );
  for (const c of r.coldStart) {
    const where = c.bundle ?? c.official;
    rows.push(
      `| cold start, spawn → exit: ${c.what}${where ? ` (${where})` : ''} | ${ms(c)}; ${c.timesNodeStart}× node -e 0 |`,
    );
  }
  if (!r.official.measured) {
    rows.push(
      `| cold start and dist/ size of the official ECS deploy action (${r.official.repository}) | not measured in this run: ${r.official.howTo} |`,
    );
  }
  const f = r.firstAwsCall;
  rows.push(
    `| spawn → first AWS call, GitHub API answering at once | ${ms(f.github0ms)} |`,
    `| spawn → first AWS call, GitHub API answering after ${f.githubDelayMs} ms | ${ms(f[`github${f.githubDelayMs}ms`])} |`,
  );
  rows.push(
    `| size of dist/ (every action and the CLI, one shared bundle, licenses included) | ${mib(r.bundle.distBytes)} MiB |`,
  );
  if (r.official.measured) {
    const o = r.official;
    rows.push(
      `| size of the official ECS deploy action's ${basename(dirname(o.main))}/ (${officialName(o)}, built with ncc as that project builds it) | ${mib(o.distBytes)} MiB |`,
    );
  }
  return [
    `Measured ${r.date.slice(0, 10)} in one \`npm run bench\` on one machine (${r.machine}, load average ${r.loadAverage.start} at the start and ${r.loadAverage.end} at the end), Node ${r.node}; ECS and ELB on moto_server, CloudWatch alarms on the stand-in, GitHub on a local stand-in.`,
    '',
    '| what | result |',
    '| --- | --- |',
    ...rows,
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

function mib(bytes) {
  return (bytes / 1024 / 1024).toFixed(2);
}
