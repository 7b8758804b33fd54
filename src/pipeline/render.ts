import { describeRule, parseComparisons } from '../compare/parse.js';
import { chosenRouting } from '../deploy/input-rules.js';
import { shortName } from './settings.js';
import type { Plan, PlannedStage, PlannedTarget } from './plan.js';

/** The columns of the plan table, one row per target. */
const COLUMNS = ['stage', 'target', 'steps', 'bake', 'one-box', 'alarms', 'environment'] as const;
type Row = Record<(typeof COLUMNS)[number], string>;

// Defaults of the deploy action, shown when the file leaves a setting unset (PRODUCT.md, Deploy inputs).
const DEFAULT_STEPS = 'Canary10Percent5Minutes';
const DEFAULT_BAKE = '5m';
const DEFAULT_ONE_BOX_BAKE = '10m';

function rows(plan: Plan): Row[] {
  return plan.stages.flatMap((stage) =>
    stage.targets.map((target, i) => ({
      stage: i === 0 ? stageLabel(stage) : '',
      target: targetLabel(target),
      steps: target.entry.steps ?? `${DEFAULT_STEPS} (default)`,
      bake: target.entry['bake-time'] ?? `${DEFAULT_BAKE} (default)`,
      'one-box': target.settings['one-box']
        ? `yes, ${target.entry['one-box-bake'] ?? DEFAULT_ONE_BOX_BAKE}`
        : 'no',
      alarms: alarmsLabel(target),
      // Each target deploys under the stage's environment: said on its own row, not only the first.
      environment: stage.environment ?? '-',
    })),
  );
}

function stageLabel(stage: PlannedStage): string {
  const parallel = stage.targets.length > 1 ? ` (${stage.maxParallel} at once)` : '';
  return `${stage.number}. ${stage.name}${parallel}`;
}

function targetLabel(target: PlannedTarget): string {
  const { cluster, service } = target.settings;
  return `${target.region} ${shortName(cluster!)}/${shortName(service!)} @${target.entry.account}`;
}

function alarmsLabel(target: PlannedTarget): string {
  const names = (target.entry.alarms ?? '').split('\n').filter(Boolean);
  const prefixes = (target.entry['alarm-prefixes'] ?? '').split('\n').filter(Boolean);
  const parts = [...names, ...prefixes.map((prefix) => `${prefix}*`)];
  return parts.length ? parts.join(', ') : 'none';
}

function gateLine(plan: Plan): string {
  const gate = plan.gate;
  const listed = (value: string | string[] | undefined) => [value ?? []].flat().filter(Boolean).join(', ');
  const parts = [`${gate.windows ?? 'Mon-Thu 09:00-16:00 (default)'}, ${gate.timezone ?? 'UTC'}`];
  if (gate.holidays) {
    const types = listed(gate['holiday-types']) || 'public';
    parts.push(`closed on ${types} holidays of ${listed(gate.holidays)}`);
  }
  if (gate.blackout) parts.push(`blackout ${listed(gate.blackout)}`);
  if (gate.calendar) parts.push(`blackout events of ${gate.calendar}`);
  const prefixes = [gate['alarm-prefixes'] ?? []].flat().map((prefix) => `${prefix}*`);
  const blockers = [[gate['blocker-alarms'] ?? []].flat(), prefixes].flat().filter(Boolean);
  if (blockers.length) parts.push(`blocked by ${blockers.join(', ')}`);
  const onClosed = gate['on-closed'] ?? 'fail';
  parts.push(
    `when closed: ${onClosed}${onClosed === 'queue' ? ` (in ${gate.environment ?? 'production'}, shipped by a scheduled run)` : ''}`,
  );
  return `Gate: ${parts.join('; ')}`;
}

/** One line per target that compares green with blue: its comparisons and their rules. */
function comparisonLines(plan: Plan): string[] {
  return plan.stages.flatMap((stage) =>
    stage.targets.flatMap((target) => {
      const text = target.entry.compare;
      if (!text) return [];
      // Validated with the deploy action's parser when the file was read: this parse cannot fail.
      const routing = chosenRouting({
        routing: target.settings.routing,
        listenerArn: target.settings['listener-arn'],
        ruleArn: target.settings['listener-rule-arn'],
      });
      const comparisons = parseComparisons(text, { listenerRouting: routing === 'listener' });
      return [
        `Green versus blue, ${stage.name} ${targetLabel(target)}: ${comparisons
          .map((c) => `${c.text} (${describeRule(c)})`)
          .join('; ')}`,
      ];
    }),
  );
}

/** The plan as a plain-text table for a terminal. */
export function renderPlanTable(plan: Plan): string {
  const table = rows(plan);
  const widths = COLUMNS.map((column) => Math.max(column.length, ...table.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const targets = plan.stages.reduce((sum, stage) => sum + stage.targets.length, 0);
  return [
    `${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}, ${targets} target${targets === 1 ? '' : 's'}, in order; a failed target stops the later stages.`,
    gateLine(plan),
    '',
    line([...COLUMNS]),
    line(widths.map((width) => '-'.repeat(width))),
    ...table.map((row) => line(COLUMNS.map((column) => row[column]))),
    ...(comparisonLines(plan).length ? ['', ...comparisonLines(plan)] : []),
  ].join('\n');
}

/** The plan as a Markdown table for the job summary. */
export function renderPlanMarkdown(plan: Plan): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|') || ' ';
  return [
    '### safe-deploy plan',
    '',
    gateLine(plan),
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows(plan).map((row) => `| ${COLUMNS.map((column) => escape(row[column])).join(' | ')} |`),
    '',
    ...comparisonLines(plan).flatMap((line) => [`- ${line.replace(/[|<>]/g, (c) => `\\${c}`)}`, '']),
  ].join('\n');
}
