import * as core from '@actions/core';
import { describeError } from '../errors.js';
import { formatDuration } from '../duration.js';
import { renderDiagnosisMarkdown } from './diagnosis.js';
import {
  BLUE_KEPT,
  FIRST_TASK_SET_DELETED,
  type DeployPlan,
  type DeployReport,
  type DeployResult,
  type TimelineEntry,
  type PlannedStep,
} from './model.js';
import { formatP, formatValue } from '../compare/format.js';
import type { ComparisonReport, StepResult } from '../compare/model.js';
import {
  alarmChanges,
  comparisonFailures,
  COMPARISON_MARK,
  describeAlarmChanges,
  mermaidTrafficChart,
  rollbackStart,
  ROLLBACK_MARK,
  textTrafficChart,
  trafficMoved,
  type ChartSpan,
} from './chart.js';

/** More alarm names than this are counted rather than listed (a prefix can match hundreds). */
const LISTED_ALARMS = 20;

const HEADLINES: Record<DeployResult, string> = {
  deployed: '✅ Deployed',
  'rolled-back': '↩️ Rolled back',
  blocked: '⛔ Blocked',
  'dry-run': '🔍 Dry run',
};

/** The job summary for one run, as Markdown: result first, then what, the traffic chart, the timeline, the plan. */
export function renderSummary(report: DeployReport): string {
  const { plan } = report;
  const span: ChartSpan = { startMs: Date.parse(report.startedAt), endMs: Date.parse(report.finishedAt) };
  const sections = [
    headline(report, span),
    ...(report.diagnosis ? [renderDiagnosisMarkdown(report.diagnosis)] : []),
    ...(report.leftovers?.length ? [leftoverSection(report)] : []),
    deployedTable(report),
    ...(report.manifestLines?.length ? [report.manifestLines.join('\n')] : []),
    trafficSection(report.timeline, span),
    ...(report.comparisons?.length ? [comparisonSection(report.comparisons, report.result)] : []),
    timelineTable(report.timeline, span.startMs),
    planSection(plan),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** Task sets of this run the end of the deploy found beside the serving version, and what became of them. */
function leftoverSection(report: DeployReport): string {
  const serving = report.result === 'deployed' ? report.taskSetArn : report.previousTaskSetArn;
  const rows = (report.leftovers ?? []).map(
    (left) =>
      `| ${code(left.arn)} | ${left.status} | ${left.scalePercent}% | ${left.removed ? 'removed' : '**not removed** (see the log)'} |`,
  );
  return [
    '### Left beside the serving version',
    '',
    `Once the deploy ended, the service held ${rows.length} task set(s) of this run beside ` +
      `${serving ? code(serving) : 'nothing (no task set serves)'} (a create whose answer was lost, retried):`,
    '',
    '| Task set | Status | Scale | |',
    '|---|---|--:|---|',
    ...rows,
  ].join('\n');
}

/** Appends the summary to `GITHUB_STEP_SUMMARY`. Outside a runner it does nothing; a write error is a warning. */
export async function writeSummary(report: DeployReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.debug('No GITHUB_STEP_SUMMARY: not writing a job summary');
    return;
  }
  try {
    await core.summary.addRaw(renderSummary(report), true).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${describeError(error)}`);
  }
}

/** The `timeline` output: a JSON list of `{at, phase, traffic, alarms}` (and `note` when there is one). */
export function timelineOutput(timeline: readonly TimelineEntry[]): string {
  return JSON.stringify(
    timeline.map((e) => ({
      at: e.at,
      phase: e.phase,
      traffic: e.traffic,
      alarms: e.alarms,
      ...(e.note ? { note: e.note } : {}),
    })),
  );
}

/** The plan as plain text for the log and dry-run: one numbered line per stage, then bake and alarms. */
export function renderPlanText(plan: DeployPlan): string {
  if (plan.kind) {
    const [what = '', ...steps] = plan.kind;
    return [
      `Plan for ${serviceName(plan)}: ${what}`,
      ...steps.map((l, i) => `  ${i + 1}. ${l}`),
      ...verifyAndReleaseText(plan),
      `  ${alarmText(plan)}`,
    ].join('\n');
  }
  const lines = [
    `Plan for ${serviceName(plan)} (${routingText(plan)}${plan.testListener ? ', test listener first' : ''}):`,
  ];
  lines.push(...verifyAndReleaseText(plan));
  let n = 0;
  if (plan.oneBox)
    lines.push(`  ${++n}. one box: 1 task${boxShareText(plan)}, bake ${formatDuration(plan.oneBox.bakeMs)}`);
  for (const step of plan.steps)
    lines.push(
      `  ${++n}. ${step.pause ? `${step.percent}% until promoted` : stepText(step.percent, step.holdMs)}${heldText(step)}`,
    );
  lines.push(`  then bake ${bakeText(plan)}, then promote green and ${blueAfterPromotion(plan)}`);
  lines.push(`  ${alarmText(plan)}`);
  for (const c of plan.comparisons ?? []) lines.push(`  comparing green with blue: ${c.text} (${c.rule})`);
  return lines.join('\n');
}

/** The release task's line of the plan (it runs once green is steady, before any traffic), and verify's. */
function verifyAndReleaseText(plan: DeployPlan): string[] {
  return [...verifiedText(plan), ...releaseTaskLine(plan)];
}

/** What verify found, in a line: the Validate group of the log lists each thing. */
function verifiedText(plan: DeployPlan): string[] {
  if (!plan.verified) return [];
  const { found, notVerified } = plan.verified;
  if (found.length === 0 && notVerified.length === 0) return [];
  if (found.length === 0)
    return [`  verify: ${notVerified.length} thing(s) it could not check (the log says which)`];
  const not = notVerified.length ? `; ${notVerified.length} not verified` : '';
  return [`  verified before any change: ${found.length} thing(s) the task definition names exist${not}`];
}

function releaseTaskLine(plan: DeployPlan): string[] {
  return plan.releaseTask
    ? [`  release task once green is steady, before any traffic: ${plan.releaseTask}`]
    : [];
}

function headline(report: DeployReport, span: ChartSpan): string {
  const took = formatDuration(span.endMs - span.startMs);
  const when = `${report.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}, took ${took}`;
  const reason = report.reason
    .split('\n')
    .map((line) => `> ${escapeHtml(line)}`)
    .join('\n');
  const outcome = rollbackOutcome(report.timeline, span.startMs, report.plan.firstDeploy === true);
  return [
    `## ${HEADLINES[report.result]} \`${serviceName(report.plan)}\``,
    reason,
    ...(report.result === 'rolled-back' && outcome ? [outcome] : []),
    `<sub>${when}</sub>`,
  ].join('\n\n');
}

/**
 * "Green reached 10% at most; all traffic was back on blue at +4m23s." for a rolled-back run; for a first
 * deploy, when its task set was deleted (there was no blue to go back to).
 */
function rollbackOutcome(
  timeline: readonly TimelineEntry[],
  startMs: number,
  firstDeploy: boolean,
): string | undefined {
  const peak = Math.max(0, ...timeline.map((e) => e.traffic));
  const green = firstDeploy ? 'The first task set' : 'Green';
  if (peak === 0 && !firstDeploy) return `${green} never took production traffic.`;
  const peakAt = timeline.findIndex((e) => e.traffic === peak);
  const back = firstDeploy
    ? timeline.find((e) => e.note === FIRST_TASK_SET_DELETED)
    : timeline.slice(peakAt).find((e) => e.traffic === 0);
  if (!back) return undefined;
  const at = formatDuration(Date.parse(back.at) - startMs);
  if (firstDeploy) {
    const took = peak === 0 ? 'never took production traffic' : `reached ${peak}% of production traffic`;
    return `${green} ${took}; it was deleted at **+${at}**, leaving the service with no task set, as before.`;
  }
  return `${green} reached ${peak}% at most; all traffic was back on blue at **+${at}**.`;
}

function deployedTable(report: DeployReport): string {
  const rows: [string, string | undefined][] = [
    ['Cluster / service', `${report.plan.cluster} / ${report.plan.service}`],
    ['Image', report.image],
    ['Task definition', report.taskDefinitionArn],
    [
      report.plan.firstDeploy
        ? report.result === 'deployed'
          ? 'First task set (now primary)'
          : 'First task set (new)'
        : report.result === 'deployed'
          ? 'Green task set (now primary)'
          : 'Green task set (new)',
      report.taskSetArn,
    ],
    [
      report.result !== 'deployed'
        ? 'Blue task set (previous)'
        : report.timeline.some((e) => e.note === BLUE_KEPT)
          ? 'Blue task set (kept at 0% for `safe-deploy rollback`)'
          : 'Blue task set (removed)',
      report.previousTaskSetArn,
    ],
    ...releaseTaskRows(report),
  ];
  const body = rows.filter(([, v]) => v).map(([k, v]) => `| ${k} | ${code(v!)} |`);
  return ['| What | |', '|---|---|', ...body].join('\n');
}

/** The release task's command, task and exit code (or why it has none). */
function releaseTaskRows(report: DeployReport): [string, string | undefined][] {
  const task = report.releaseTask;
  if (!task) return [];
  const exit = task.exitCode !== undefined ? `${task.exitCode}` : `none (${task.reason ?? 'it did not run'})`;
  return [
    ['Release task', task.command],
    ['Release task ARN', task.taskArn],
    ['Release task exit code', exit],
  ];
}

function trafficSection(timeline: readonly TimelineEntry[], span: ChartSpan): string {
  const changes = describeAlarmChanges(alarmChanges(timeline, span.startMs));
  const changeList = changes.length
    ? `\n\nAlarm changes (\`!\` entered ALARM, \`?\` INSUFFICIENT_DATA, \`o\` back to OK):\n\n${changes
        .map((c) => `- \`${c}\``)
        .join('\n')}`
    : '';
  const failed = comparisonFailures(timeline, span.startMs).map(
    (f) => `- \`${COMPARISON_MARK} +${formatDuration(f.offsetMs)}  comparison ${f.comparison} failed\``,
  );
  const failedList = failed.length
    ? `\n\nGreen versus blue (\`${COMPARISON_MARK}\` a comparison failed):\n\n${failed.join('\n')}`
    : '';
  const rollback = rollbackStart(timeline, span.startMs);
  const rollbackLine =
    rollback === undefined
      ? ''
      : `\n\n\`${ROLLBACK_MARK}\` the rollback began at +${formatDuration(rollback)}; the chart ends at green's share when the run ended.`;
  if (!trafficMoved(timeline)) {
    return `### Green's traffic share\n\nGreen took no production traffic.${changeList}`;
  }
  return [
    "### Green's traffic share",
    '',
    '```text',
    textTrafficChart(timeline, span),
    '```' + changeList + failedList + rollbackLine,
    '',
    '<details><summary>The same chart in Mermaid (line: green %, bars: a watched alarm not OK)</summary>',
    '',
    '```mermaid',
    mermaidTrafficChart(timeline, span),
    '```',
    '',
    '</details>',
  ].join('\n');
}

/** Each comparison's values step by step: blue, green, the most green may be, samples, the verdict. */
function comparisonSection(comparisons: readonly ComparisonReport[], result: DeployResult): string {
  const parts = ['### Green versus blue'];
  for (const comparison of comparisons) {
    parts.push(`${code(comparison.text)}: ${comparison.rule}`);
    if (comparison.steps.length === 0) {
      parts.push('Not read: green took no production traffic.');
      continue;
    }
    parts.push(
      [
        '| Phase | Green traffic | Blue | Green | Green may be | Green samples | Result |',
        '|---|--:|--:|--:|--:|--:|---|',
        ...comparison.steps.map(comparisonRow),
      ].join('\n'),
    );
    if (result === 'deployed' && comparison.steps.every((s) => s.result.state === 'waiting')) {
      parts.push(
        `⚠️ ${code(comparison.name)} never had enough samples to be judged: green was promoted without it.`,
      );
    }
  }
  parts.push(
    '<sub>Values since green first took production traffic, as of the last poll of each phase and traffic ' +
      'share. A comparison fails only when a one-sided test at p < 0.001 says green is above its bound.</sub>',
  );
  return parts.join('\n\n');
}

function comparisonRow(step: StepResult): string {
  const r = step.result;
  const unitName = r.unit === 'rate' ? 'requests' : 'minutes';
  const samples =
    r.state === 'waiting' ? `${r.samples}/${r.minSamples} ${unitName}` : `${r.samples} ${unitName}`;
  const verdict = step.failed
    ? `❌ **failed**${r.pValue === undefined ? '' : ` (${formatP(r.pValue)})`}`
    : r.state === 'waiting'
      ? '⏳ not enough samples'
      : '✅ within the rule';
  const bound = r.bound === undefined ? '—' : `≤ ${formatValue(r.bound, r.unit)}`;
  return `| ${step.phase} | ${step.traffic}% | ${formatValue(r.blue, r.unit)} | ${formatValue(r.green, r.unit)} | ${bound} | ${samples} | ${verdict} |`;
}

function timelineTable(timeline: readonly TimelineEntry[], startMs: number): string {
  const rows = timeline.map((e) => {
    const offset = `+${formatDuration(Date.parse(e.at) - startMs)}`;
    const alarms = Object.entries(e.alarms)
      .map(([name, state]) => `${code(name)} ${state === 'ALARM' ? '**ALARM**' : state}`)
      .join(', ');
    return `| ${offset} | ${e.phase} | ${e.traffic}% | ${alarms} | ${cell(e.note ?? '')} |`;
  });
  return [
    '### Timeline',
    '',
    '| Time | Phase | Green | Alarms not OK | Note |',
    '|---|---|--:|---|---|',
    ...rows,
  ].join('\n');
}

function planSection(plan: DeployPlan): string {
  if (plan.kind) {
    // An ECS-controller service: ECS moves the traffic; the plan says how, a line each.
    const [what = '', ...steps] = plan.kind;
    return [
      '### Plan',
      '',
      what,
      '',
      ...steps.map((line, i) => `${i + 1}. ${line}`),
      '',
      `- ${alarmMarkdown('Watched alarms', plan.alarms)} (read every ${formatDuration(plan.pollIntervalMs)})`,
      ...verifiedMarkdown(plan),
    ].join('\n');
  }
  const rows: string[] = [];
  let n = 0;
  if (plan.oneBox) {
    rows.push(
      `| ${++n} | one box (1 task${boxShareText(plan)}) | bake ${formatDuration(plan.oneBox.bakeMs)} |`,
    );
  }
  for (const step of plan.steps) {
    const hold = step.pause ? 'until promoted' : step.holdMs ? formatDuration(step.holdMs) : '—';
    rows.push(`| ${++n} | ${step.percent}%${heldText(step)} | ${hold} |`);
  }
  const details = [
    `- Routing: ${routingText(plan)}${plan.testListener ? '; test listener gets green first' : ''}`,
    `- Steps: ${code(plan.stepsText)}`,
    `- Bake at 100%: ${bakeText(plan)}, then promote green and ${blueAfterPromotion(plan)}`,
    `- ${alarmMarkdown('Watched alarms', plan.alarms)} (read every ${formatDuration(plan.pollIntervalMs)})`,
    ...(plan.oneBox?.alarms.length ? [`- ${alarmMarkdown('One-box alarms', plan.oneBox.alarms)}`] : []),
    ...(plan.comparisons ?? []).map((c) => `- Green versus blue: ${code(c.text)} (${c.rule})`),
    ...verifiedMarkdown(plan),
  ];
  return ['### Plan', '', '| Step | Green traffic | Hold |', '|--:|--:|---|', ...rows, '', ...details].join(
    '\n',
  );
}

/** The release task and what verify found, as the plan's last items. */
function verifiedMarkdown(plan: DeployPlan): string[] {
  const release = plan.releaseTask
    ? [`- Release task once green is steady, before any traffic: ${code(plan.releaseTask)}`]
    : [];
  const verified = plan.verified;
  if (!verified || verified.found.length + verified.notVerified.length === 0) return release;
  const items = [
    ...verified.found.map((line) => `<li>✓ ${escapeHtml(line)}</li>`),
    ...verified.notVerified.map((line) => `<li>– ${escapeHtml(line)}</li>`),
  ];
  return [
    ...release,
    `- <details><summary>Verified before any change: ${verified.found.length} found` +
      `${verified.notVerified.length ? `, ${verified.notVerified.length} not verified` : ''}</summary><ul>${items.join('')}</ul></details>`,
  ];
}

/** ", ~20% of traffic" once the service's size is known. */
function boxShareText(plan: DeployPlan): string {
  return plan.oneBox?.share !== undefined ? `, ~${plan.oneBox.share}% of traffic` : '';
}

/** A step at or below the one box's share holds at the box's share: the plan says so. */
function heldText(step: PlannedStep): string {
  return step.heldAt !== undefined ? ` (held at the one box's ${step.heldAt}%)` : '';
}

/** What promotion does with blue: removed, or with `keep-previous` kept at 0% for a rollback. */
function blueAfterPromotion(plan: DeployPlan): string {
  return plan.keepPrevious
    ? 'keep blue, scaled to 0%, for `safe-deploy rollback` (keep-previous)'
    : 'remove blue';
}

function stepText(percent: number, holdMs: number): string {
  return holdMs ? `${percent}% for ${formatDuration(holdMs)}` : `${percent}%`;
}

function bakeText(plan: DeployPlan): string {
  const requests = plan.minRequests ? ` and until green served ${plan.minRequests} requests` : '';
  return `${formatDuration(plan.bakeMs)}${requests}`;
}

function alarmText(plan: DeployPlan): string {
  const every = `every ${formatDuration(plan.pollIntervalMs)}`;
  const oneBox = plan.oneBox?.alarms.length ? `; during one box also ${listNames(plan.oneBox.alarms)}` : '';
  if (plan.alarms.length === 0)
    return `watching no alarms: nothing will roll back automatically on errors${oneBox}`;
  return `watching ${plan.alarms.length} alarm${plan.alarms.length === 1 ? '' : 's'} ${every}: ${listNames(plan.alarms)}${oneBox}`;
}

function alarmMarkdown(label: string, names: readonly string[]): string {
  if (names.length === 0) return `${label}: none (nothing rolls back automatically on errors)`;
  const shown = names.slice(0, LISTED_ALARMS).map(code);
  const more = names.length > LISTED_ALARMS ? ` and ${names.length - LISTED_ALARMS} more` : '';
  return `${label} (${names.length}): ${shown.join(', ')}${more}`;
}

function listNames(names: readonly string[]): string {
  const more = names.length > LISTED_ALARMS ? ` and ${names.length - LISTED_ALARMS} more` : '';
  return `${names.slice(0, LISTED_ALARMS).join(', ')}${more}`;
}

function routingText(plan: DeployPlan): string {
  return plan.routing === 'listener' ? 'listener routing' : 'task-sets routing';
}

/** `cluster/service` with ARNs shortened to their names. */
function serviceName(plan: DeployPlan): string {
  return `${lastSegment(plan.cluster)}/${lastSegment(plan.service)}`;
}

function lastSegment(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').at(-1) ?? nameOrArn) : nameOrArn;
}

/** A code span safe inside a table cell (entities are not decoded in code, so only pipes are escaped). */
function code(text: string): string {
  return `\`${text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|')}\``;
}

/** Text safe inside a Markdown table cell: no line breaks, escaped pipes and HTML. */
function cell(text: string): string {
  return escapeHtml(text.replace(/\s*\n\s*/g, ' ')).replace(/\|/g, '\\|');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
