// node scripts/bench-compare.mjs: how the green-versus-blue comparison does on a canary at 1% of
// traffic, by simulation (src/compare/simulate.ts, bundled here with esbuild so the numbers come from the
// same judge the deploy runs): polls needed to catch green at 3x and 10x blue's error rate, false
// rollbacks of an equal green over at least 1,000 runs, and what a service-wide error-rate alarm sees
// at the same step. Prints a table and writes it between the compare-bench markers in docs/compare.md.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = mkdtempSync(join(tmpdir(), 'safe-deploy-bench-compare-'));
let sim;
try {
  await build({
    entryPoints: ['src/compare/simulate.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: join(out, 'index.mjs'),
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  sim = await import(pathToFileURL(join(out, 'index.mjs')).href);
} finally {
  rmSync(out, { recursive: true, force: true });
}
const { BENCH_CANARY: model, BENCH_RUNS: runs, STRICTEST_RULE, simulateMany } = sim;

const started = performance.now();
const equal = simulateMany({ ...model, greenErrorRate: model.blueErrorRate }, runs);
const strict = simulateMany({ ...model, rule: STRICTEST_RULE, greenErrorRate: model.blueErrorRate }, runs);
const times3 = simulateMany({ ...model, greenErrorRate: 3 * model.blueErrorRate }, runs);
const times10 = simulateMany({ ...model, greenErrorRate: 10 * model.blueErrorRate }, runs);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

const pct = (n, of) => `${((100 * n) / of).toFixed(1)}%`;
const serviceRate = (green) => model.blueErrorRate * (1 - model.share) + green * model.share;
const polls = (s) =>
  s.caught
    ? `median ${s.medianPoll} polls (${s.medianPoll * model.pollSeconds}s), p95 ${s.p95Poll}, max ${s.maxPoll}; caught in ${pct(s.caught, s.runs)} of ${s.runs} runs`
    : `never caught in ${s.runs} runs`;
const alarm = (s, green) =>
  `service-wide rate ${(100 * serviceRate(green)).toFixed(2)}%: alarm at ${(100 * model.alarmThreshold).toFixed(0)}% fired in ${s.alarms} of ${s.runs} runs`;

const rows = [
  ['green at 3× blue (3% errors)', polls(times3), alarm(times3, 3 * model.blueErrorRate)],
  ['green at 10× blue (10% errors)', polls(times10), alarm(times10, 10 * model.blueErrorRate)],
  [
    'green equal to blue (1% errors), default rule',
    `${equal.caught} false rollbacks in ${equal.runs} runs (${pct(equal.caught, equal.runs)})`,
    alarm(equal, model.blueErrorRate),
  ],
  [
    'green equal to blue, strictest rule `<= 1x blue`',
    `${strict.caught} false rollbacks in ${strict.runs} runs (${pct(strict.caught, strict.runs)})`,
    '',
  ],
];
const table = [
  `Simulated ${new Date().toISOString().slice(0, 10)} (${seconds}s): ${model.requestsPerSecond} requests/s, green at ${100 * model.share}% for ${model.polls} polls of ${model.pollSeconds}s, blue failing ${100 * model.blueErrorRate}% of requests, \`error-rate\` with its default rule (green ≤ ${model.rule.factor}× blue + ${100 * model.rule.margin} points, after ${model.minSamples} green requests).`,
  '',
  '| green | green-versus-blue comparison | service-wide alarm at the same step |',
  '| --- | --- | --- |',
  ...rows.map((cells) => `| ${cells.join(' | ')} |`),
].join('\n');
console.log(table);

const readme = readFileSync('docs/compare.md', 'utf8');
const start = '<!-- compare-bench:start -->';
const end = '<!-- compare-bench:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) {
  console.error('docs/compare.md has no compare-bench markers: not updated');
  process.exit(1);
}
writeFileSync('docs/compare.md', `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
console.log('\nupdated docs/compare.md');
