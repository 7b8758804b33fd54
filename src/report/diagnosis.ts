import type { Diagnosis, Finding } from './model.js';

/** The diagnosis as a job summary section. */
export function renderDiagnosisMarkdown(d: Diagnosis): string {
  const out: string[] = ['### Why green failed', ''];
  const section = (title: string, findings: Finding[]): void => {
    if (findings.length === 0) return;
    out.push(`**${title}**`, '');
    for (const f of findings) {
      out.push(
        `- ${f.at ? `${f.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}: ` : ''}${escape(f.text)}${f.count > 1 ? ` (×${f.count})` : ''}`,
      );
    }
    out.push('');
  };
  section('Stopped tasks', d.stoppedTasks);
  section('Unhealthy targets', d.unhealthyTargets);
  section('Service events (newest first)', d.events);
  if (d.unreadable.length) out.push(`Could not read: ${escape(d.unreadable.join('; '))}`, '');
  if (d.events.length + d.stoppedTasks.length + d.unhealthyTargets.length + d.unreadable.length === 0)
    out.push('ECS reported no stopped tasks, unhealthy targets or service events since the start.', '');
  return out.join('\n').trimEnd();
}

/** ECS text goes into Markdown: keep it from opening tags, links or tables. */
function escape(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}
