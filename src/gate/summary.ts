import type { GateDecision } from './evaluate.js';
import { daysAhead, formatInstant } from './evaluate.js';
import type { GateSettings } from './settings.js';

/** The job summary: the decision a person reads in ten seconds, then the week's windows. */
export function renderGateSummary(
  settings: GateSettings,
  decision: GateDecision,
  queue: readonly string[] = [],
): string {
  const zone = settings.timezone;
  const lines = [
    `## ${decision.open ? '🟢 Deploy gate open' : '🔴 Deploy gate closed'}${decision.overridden ? ' (overridden)' : ''}`,
    '',
    `**${escape(decision.reason)}**`,
    '',
    '| | |',
    '|---|---|',
    `| Evaluated at | ${formatInstant(decision.at, zone)}${settings.at !== undefined ? ' (preview)' : ''} |`,
  ];
  if (decision.overridden) lines.push(`| Override | ${escape(settings.override ?? '')} |`);
  if (decision.closesAt !== undefined)
    lines.push(`| Window closes | ${formatInstant(decision.closesAt, zone)} |`);
  if (!decision.calendarOpen) {
    const next =
      decision.nextOpen !== undefined ? formatInstant(decision.nextOpen, zone) : 'not within a year';
    lines.push(`| Next opening | ${next} |`);
  }
  if (decision.alarms.length) {
    lines.push(`| Alarms in ALARM | ${decision.alarms.map((a) => `\`${escape(a.name)}\``).join(', ')} |`);
  }
  lines.push(`| Windows | ${escape(settings.windows.map((w) => w.text).join('; '))} (${zone}) |`);
  // What the release queue did and holds comes before the week's calendar: it is what changed.
  if (queue.length) lines.push('', ...queue);
  lines.push('', `### Next 7 days (${zone})`, '', '| Day | Date | Open |', '|---|---|---|');
  for (const day of daysAhead(settings, decision.at)) {
    const open = day.open.length ? day.open.join(', ') : `closed: ${escape(day.closed ?? '')}`;
    lines.push(`| ${day.weekday} | ${day.date} | ${open} |`);
  }
  return `${lines.join('\n')}\n`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
