import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLUE_KEPT, type TimelineEntry } from '../../src/report/model.js';
import { renderPlanText, renderSummary, timelineOutput, writeSummary } from '../../src/report/summary.js';
import {
  BLUE,
  GREEN,
  IMAGE,
  TASK_DEF,
  blockedRun,
  canaryPlan,
  deployedRun,
  dryRun,
  entry,
  rolledBackRun,
} from './reports.js';

/** The fixed-width chart inside the summary's ```text block, as rows of plot cells (label and axis cut off). */
function textChart(markdown: string): { rows: Map<number, string>; marks: string; labels: string } {
  const block = /```text\n([\s\S]*?)\n```/.exec(markdown);
  if (!block) throw new Error('no text chart in the summary');
  const lines = block[1]!.split('\n');
  const rows = new Map<number, string>();
  for (const line of lines) {
    const match = /^\s*(\d+) ┤(.*)$/.exec(line);
    if (match) rows.set(Number(match[1]), match[2]!.padEnd(60));
  }
  const axis = lines.findIndex((l) => l.startsWith('  0 └'));
  const after = lines.slice(axis + 1);
  const marks = after.length > 1 ? after[0]!.slice(5).padEnd(60) : ''.padEnd(60);
  return { rows, marks, labels: after.at(-1)! };
}

function mermaidSeries(markdown: string, kind: 'line' | 'bar'): number[] | undefined {
  const match = new RegExp(`^\\s+${kind} \\[([^\\]]*)\\]$`, 'm').exec(markdown);
  return match ? match[1]!.split(', ').map(Number) : undefined;
}

function mermaidLabels(markdown: string): string[] {
  const match = /^\s+x-axis "time \(UTC\)" \[([^\]]*)\]$/m.exec(markdown);
  if (!match) throw new Error('no time axis in the Mermaid chart');
  return match[1]!.split(', ').map((label) => label.replace(/^"|"$/g, ''));
}

function tableRows(markdown: string, heading: string): string[] {
  const section = markdown.split(`### ${heading}\n`)[1]!.split('\n### ')[0]!;
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Time') && !l.startsWith('| Step'));
}

describe('renderSummary', () => {
  test('a deployed run leads with the result and shows what was deployed, the chart, the timeline and the plan', () => {
    const md = renderSummary(deployedRun());

    expect(md.split('\n')[0]).toBe('## ✅ Deployed `shop/api`');
    expect(md).toContain('> green is primary after 10% for 5m, 100%, bake 5m');
    expect(md).toContain(`| Image | \`${IMAGE}\` |`);
    expect(md).toContain(`| Task definition | \`${TASK_DEF}\` |`);
    expect(md).toContain(`| Green task set (now primary) | \`${GREEN}\` |`);
    expect(md).toContain(`| Blue task set (removed) | \`${BLUE}\` |`);
    expect(md).toContain('- Manifest `deploy-manifest.json`, checksum `sha256:1234`');

    // The chart climbs to 10% after green is steady, then to 100% for the bake, and stays there.
    const chart = textChart(md);
    const ten = chart.rows.get(10)!;
    const full = chart.rows.get(100)!;
    expect(ten.startsWith(' ')).toBe(true);
    expect(ten.indexOf('█')).toBeLessThan(full.indexOf('█'));
    expect(full.endsWith('█')).toBe(true);
    expect(chart.rows.get(50)!.trim()).toBe(full.trim());
    expect(chart.labels.trim().startsWith('0s')).toBe(true);
    expect(chart.labels.trim().endsWith('11m30s')).toBe(true);
    expect(md).not.toContain('Alarm changes');

    const line = mermaidSeries(md, 'line')!;
    expect(line[0]).toBe(0);
    expect(line).toContain(10);
    expect(line.at(-1)).toBe(100);
    expect(mermaidSeries(md, 'bar')).toBeUndefined();

    const timeline = tableRows(md, 'Timeline');
    expect(timeline).toHaveLength(7);
    expect(timeline[3]).toBe('| +1m21s | shift | 10% |  | traffic 10% |');
    expect(timeline[6]).toBe('| +11m30s | finished | 100% |  | deployed |');

    expect(tableRows(md, 'Plan')).toEqual(['| 1 | 10% | 5m |', '| 2 | 100% | — |']);
    expect(md).toContain('- Bake at 100%: 5m, then promote green and remove blue');
    expect(md).toContain('- Watched alarms (2): `api-5xx`, `api-latency-p99` (read every 10s)');
  });

  test('a rolled-back run shows green dropping back to 0% right after the alarm entered ALARM', () => {
    const md = renderSummary(rolledBackRun());

    expect(md.split('\n')[0]).toBe('## ↩️ Rolled back `shop/api`');
    expect(md).toContain('> alarm api-5xx is in ALARM: Threshold Crossed');
    expect(md).toContain('Green reached 10% at most; all traffic was back on blue at **+4m23s**.');
    expect(md).toContain(`| Green task set (new) | \`${GREEN}\` |`);

    const chart = textChart(md);
    const ten = chart.rows.get(10)!;
    expect(chart.rows.get(20)!.trim()).toBe('');
    const alarmColumn = chart.marks.indexOf('!');
    // 4m21s of a 10m run lands on column 26 of 60.
    expect(alarmColumn).toBe(Math.round((261 / 600) * 59));
    // Green carried 10% up to the breach, then nothing: the fill ends at the alarm's column.
    expect(ten[alarmColumn]).toBe('█');
    expect(ten.lastIndexOf('█')).toBeLessThanOrEqual(alarmColumn + 1);
    expect(ten.slice(alarmColumn + 2).trim()).toBe('');
    // The alarm returning to OK after the rollback is marked too.
    expect(chart.marks.indexOf('o')).toBe(Math.round((540 / 600) * 59));
    expect(md).toContain('- `! +4m21s  api-5xx OK → ALARM`');
    expect(md).toContain('- `o +9m  api-5xx ALARM → OK`');

    const line = mermaidSeries(md, 'line')!;
    const bar = mermaidSeries(md, 'bar')!;
    expect(Math.max(...line)).toBe(10);
    expect(line.at(-1)).toBe(0);
    expect(bar.indexOf(100)).toBeGreaterThan(0);
    // The first alarm bar falls while green still had traffic (the breach happened at 10%).
    expect(line[bar.indexOf(100)]).toBe(10);
    expect(bar.at(-1)).toBe(0);

    const timeline = tableRows(md, 'Timeline');
    expect(timeline).toContain('| +4m21s | shift | 10% | `api-5xx` **ALARM** | alarm api-5xx ALARM |');
    expect(timeline).toContain('| +4m23s | rollback | 0% | `api-5xx` **ALARM** | traffic back on blue |');
  });

  test('a blocked run says no traffic moved and names the alarm that was already firing', () => {
    const md = renderSummary(blockedRun());

    expect(md.split('\n')[0]).toBe('## ⛔ Blocked `shop/api`');
    expect(md).toContain('> blocker alarm checkout-incident is in ALARM');
    expect(md).toContain('Green took no production traffic.');
    expect(md).not.toContain('```text');
    expect(md).not.toContain('```mermaid');
    expect(md).toContain('- `! +0s  checkout-incident already ALARM at start`');
    expect(md).not.toContain('task set');
    expect(tableRows(md, 'Timeline')[1]).toBe(
      '| +2s | finished | 0% | `checkout-incident` **ALARM** | blocked |',
    );
  });

  test('a dry run shows the whole plan: one box, steps, bake with requests, test listener, alarms', () => {
    const md = renderSummary(dryRun());

    expect(md.split('\n')[0]).toBe('## 🔍 Dry run `shop/api`');
    expect(md).toContain('Green took no production traffic.');
    expect(tableRows(md, 'Plan')).toEqual([
      '| 1 | one box (1 task) | bake 10m |',
      '| 2 | 25% | 2m |',
      '| 3 | 50% | 2m |',
      '| 4 | 100% | — |',
    ]);
    expect(md).toContain('- Routing: task-sets routing; test listener gets green first');
    expect(md).toContain('- Steps: `25%:2m, 50%:2m, 100%`');
    expect(md).toContain('- Bake at 100%: 5m and until green served 1000 requests');
    expect(md).toContain('`svc-alarm-20` and 5 more (read every 10s)');
    expect(md).not.toContain('svc-alarm-21');
    expect(md).toContain('- One-box alarms (1): `api-canary-errors`');
  });

  test('ARNs in the headline are shortened to names', () => {
    const report = deployedRun();
    report.plan = canaryPlan({
      cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/shop',
      service: 'arn:aws:ecs:eu-west-1:123456789012:service/shop/api',
    });
    expect(renderSummary(report).split('\n')[0]).toBe('## ✅ Deployed `shop/api`');
  });

  test('text from hooks and alarms cannot break the tables or inject HTML', () => {
    const report = rolledBackRun();
    report.reason = 'before-traffic hook failed with exit code 1: curl -s a | grep <ok>';
    report.timeline[2]!.note = 'hook output: a | b <script>';
    const md = renderSummary(report);
    expect(md).toContain('> before-traffic hook failed with exit code 1: curl -s a | grep &lt;ok&gt;');
    expect(md).toContain('| hook output: a \\| b &lt;script&gt; |');
    expect(md).not.toContain('<script>');
  });

  test('a short step between two chart columns still shows, and short runs are charted in seconds', () => {
    const report = deployedRun();
    // A 60-minute run with a 20-second blip to 50%: one column is a minute, the blip falls inside it.
    report.timeline = [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(30 * 60_000 + 10_000, { phase: 'shift', traffic: 50, alarms: {} }),
      entry(30 * 60_000 + 30_000, { phase: 'rollback', traffic: 0, alarms: {} }),
      entry(60 * 60_000, { phase: 'finished', traffic: 0, alarms: {} }),
    ];
    report.finishedAt = report.timeline.at(-1)!.at;
    const chart = textChart(renderSummary(report));
    expect(chart.rows.get(50)!.trim()).toBe('█');

    const short = deployedRun();
    short.timeline = [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(30_000, { phase: 'shift', traffic: 100, alarms: {} }),
      entry(90_000, { phase: 'finished', traffic: 100, alarms: {} }),
    ];
    short.finishedAt = short.timeline.at(-1)!.at;
    expect(mermaidLabels(renderSummary(short)).slice(0, 3)).toEqual(['10:00:00', '10:00:03', '10:00:06']);
  });

  test('a rollback at the very end still shows the drop to 0%, marked where it began', () => {
    // The breach and the rollback fall in the chart's last column: the deploy ends right after them.
    const report = rolledBackRun();
    report.timeline = [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(60_000, { phase: 'shift', traffic: 50, alarms: {}, note: 'traffic 50%' }),
      entry(599_000, {
        phase: 'shift',
        traffic: 50,
        alarms: { 'api-5xx': 'ALARM' },
        note: 'alarm api-5xx ALARM',
      }),
      entry(599_500, { phase: 'rollback', traffic: 50, alarms: { 'api-5xx': 'ALARM' } }),
      entry(600_000, {
        phase: 'rollback',
        traffic: 0,
        alarms: { 'api-5xx': 'ALARM' },
        note: 'traffic back on blue',
      }),
      entry(601_000, {
        phase: 'finished',
        traffic: 0,
        alarms: { 'api-5xx': 'ALARM' },
        note: 'green deleted',
      }),
    ];
    report.finishedAt = report.timeline.at(-1)!.at;
    const md = renderSummary(report);
    const chart = textChart(md);
    const fifty = chart.rows.get(50)!;
    expect(fifty[58]).toBe('█');
    expect(fifty[59]).toBe(' ');
    expect(chart.marks.trim()).toBe('!'); // the rollback's R has no free column left after it
    expect(md).toContain('all traffic was back on blue at **+10m**');
    expect(mermaidSeries(md, 'line')!.at(-1)).toBe(0);
    expect(Math.max(...mermaidSeries(md, 'line')!)).toBe(50);

    // In the middle of a run, the rollback's start is marked right after its cause, and said under the chart.
    const middle = renderSummary(rolledBackRun());
    expect(textChart(middle).marks.indexOf('!R')).toBe(Math.round((261 / 600) * 59));
    expect(middle).toContain('`R` the rollback began at +4m22s');
  });

  test('the Mermaid x-axis reads times of day, each label once', () => {
    for (const run of [deployedRun(), rolledBackRun()]) {
      const labels = mermaidLabels(renderSummary(run));
      expect(labels[0]).toBe('10:00:00');
      expect(labels.every((label) => /^\d\d:\d\d:\d\d$/.test(label))).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
    }
    const quick = deployedRun();
    quick.timeline = [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(2_000, { phase: 'shift', traffic: 100, alarms: {} }),
      entry(4_500, { phase: 'finished', traffic: 100, alarms: {} }),
    ];
    quick.finishedAt = quick.timeline.at(-1)!.at;
    expect(mermaidLabels(renderSummary(quick))).toEqual([
      '10:00:00',
      '10:00:01',
      '10:00:02',
      '10:00:03',
      '10:00:04',
    ]);
  });

  test('with keep-previous the plan and the summary say blue is kept for a rollback, not removed', () => {
    const run = deployedRun();
    run.plan.keepPrevious = true;
    run.timeline.splice(
      -1,
      0,
      entry(11 * 60_000 + 29_000, { phase: 'promote', traffic: 100, alarms: {}, note: BLUE_KEPT }),
    );
    const md = renderSummary(run);
    expect(md).toContain(
      '- Bake at 100%: 5m, then promote green and keep blue, scaled to 0%, for `safe-deploy rollback` (keep-previous)',
    );
    expect(md).not.toContain('remove blue');
    expect(md).toContain(`| Blue task set (kept at 0% for \`safe-deploy rollback\`) | \`${BLUE}\` |`);
    expect(renderPlanText(run.plan)).toContain(
      'then promote green and keep blue, scaled to 0%, for `safe-deploy rollback` (keep-previous)',
    );
  });
});

test('a run that stopped before its first event still renders a readable summary', () => {
  const report = rolledBackRun();
  report.timeline = [];
  report.finishedAt = report.startedAt;
  const md = renderSummary(report);
  expect(md.split('\n')[0]).toBe('## ↩️ Rolled back `shop/api`');
  expect(md).toContain('Green never took production traffic.');
  expect(tableRows(md, 'Timeline')).toEqual([]);
  expect(md).toContain('### Plan');
});

describe('renderPlanText', () => {
  test('numbers one box and each step, then the bake and the alarms', () => {
    expect(renderPlanText(dryRun().plan)).toBe(
      [
        'Plan for shop/api (task-sets routing, test listener first):',
        '  1. one box: 1 task, bake 10m',
        '  2. 25% for 2m',
        '  3. 50% for 2m',
        '  4. 100%',
        '  then bake 5m and until green served 1000 requests, then promote green and remove blue',
        '  watching 25 alarms every 10s: ' +
          Array.from({ length: 20 }, (_, i) => `svc-alarm-${String(i + 1).padStart(2, '0')}`).join(', ') +
          ' and 5 more; during one box also api-canary-errors',
      ].join('\n'),
    );
  });

  test('warns in the plan when no alarm is watched', () => {
    const text = renderPlanText(canaryPlan({ alarms: [] }));
    expect(text).toContain('  1. 10% for 5m\n  2. 100%\n  then bake 5m, then promote');
    expect(text).toContain('watching no alarms: nothing will roll back automatically on errors');
  });
});

describe('timelineOutput', () => {
  test('is a JSON list of {at, phase, traffic, alarms}, with note only where there is one', () => {
    const timeline: TimelineEntry[] = rolledBackRun().timeline;
    const parsed = JSON.parse(timelineOutput(timeline)) as Record<string, unknown>[];

    expect(parsed).toHaveLength(timeline.length);
    expect(parsed[0]).toEqual({ at: '2026-11-23T10:00:00.000Z', phase: 'validate', traffic: 0, alarms: {} });
    expect(parsed[4]).toEqual({
      at: '2026-11-23T10:04:21.000Z',
      phase: 'shift',
      traffic: 10,
      alarms: { 'api-5xx': 'ALARM' },
      note: 'alarm api-5xx ALARM',
    });
    expect(Object.keys(parsed[5]!)).toEqual(['at', 'phase', 'traffic', 'alarms']);
  });
});

describe('writeSummary', () => {
  test('appends the rendered summary to GITHUB_STEP_SUMMARY', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'summary-')), 'step-summary.md');
    writeFileSync(file, 'earlier step\n');
    const previous = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = file;
    try {
      await writeSummary(rolledBackRun());
    } finally {
      if (previous === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = previous;
    }
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith('earlier step\n## ↩️ Rolled back `shop/api`')).toBe(true);
    expect(written).toContain('| +4m23s | rollback | 0% |');
  });
});

describe('the text chart draws real heights', () => {
  test.each([
    [1, '▁'],
    [5, '▄'],
    [10, '█'],
  ])('a %d%% canary stands at its own height in the lowest band', (percent, cellChar) => {
    const report = deployedRun();
    report.timeline = [
      entry(0, { phase: 'validate', traffic: 0, alarms: {} }),
      entry(60_000, { phase: 'shift', traffic: percent, alarms: {} }),
      entry(10 * 60_000, { phase: 'finished', traffic: percent, alarms: {} }),
    ];
    report.finishedAt = report.timeline.at(-1)!.at;
    const chart = textChart(renderSummary(report));
    expect(chart.rows.get(10)!.trim().split('')).toEqual(expect.arrayContaining([cellChar]));
    expect(new Set(chart.rows.get(10)!.trim().split(''))).toEqual(new Set([cellChar]));
    expect(chart.rows.get(20)!.trim()).toBe('');
  });

  test('15% fills the lowest band and half of the next', () => {
    const report = deployedRun();
    report.timeline = [
      entry(0, { phase: 'shift', traffic: 15, alarms: {} }),
      entry(10 * 60_000, { phase: 'finished', traffic: 15, alarms: {} }),
    ];
    report.finishedAt = report.timeline.at(-1)!.at;
    const chart = textChart(renderSummary(report));
    expect(new Set(chart.rows.get(10)!.trim().split(''))).toEqual(new Set(['█']));
    expect(new Set(chart.rows.get(20)!.trim().split(''))).toEqual(new Set(['▄']));
  });
});
