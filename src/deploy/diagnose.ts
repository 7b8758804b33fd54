import type { EcsControlPort, ServiceEvent, StoppedTask } from '../aws/ecs.js';
import type { TargetHealthDetail, TargetHealthPort } from '../aws/load-balancer.js';
import { describeError } from '../errors.js';
import type { Diagnosis, Finding } from '../report/model.js';

export type { Diagnosis, Finding };

/**
 * Why green failed, in ECS's own words: the service's events since the deploy began, the reasons
 * green's tasks stopped (and their containers' exit codes), and why its targets are not healthy.
 * Bounded, newest first, and deduplicated, so a crash loop of 200 tasks reads as one line with a count.
 */

/** Where to look. */
export interface DiagnosisScope {
  cluster: string;
  service: string;
  /** Epoch ms: events before this belong to earlier deploys. */
  since: number;
  /** Green's task set ARN: its tasks are started by its id. */
  taskSetArn: string | undefined;
  /** Green's target group, when it has its own (listener routing). */
  targetGroupArn: string | undefined;
}

export const LIMITS = { events: 8, stoppedTasks: 5, unhealthyTargets: 5, text: 300, tasksRead: 100 } as const;

/**
 * For an ECS-controller service (rolling or ECS-native): the service's events since the deploy began;
 * its tasks are ECS's deployment's, not a task set's, and it has no green target group of its own.
 */
export function diagnoseService(
  ctx: { startedAt: number; deps: { ecs: EcsControlPort; lb: TargetHealthPort } },
  cluster: string,
  service: string,
): Promise<Diagnosis> {
  return diagnose(
    { cluster, service, since: ctx.startedAt, taskSetArn: undefined, targetGroupArn: undefined },
    ctx.deps,
  );
}

/** Reads what ECS and the load balancer say about green. Never throws: a diagnosis is best effort. */
export async function diagnose(
  scope: DiagnosisScope,
  ports: { ecs: EcsControlPort; lb: TargetHealthPort },
): Promise<Diagnosis> {
  const unreadable: string[] = [];
  const read = async <T>(what: string, call: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      unreadable.push(`${what}: ${describeError(error)}`);
      return fallback;
    }
  };
  const taskSetId = scope.taskSetArn ? taskSetIdOf(scope.taskSetArn) : undefined;
  const [events, tasks, targets] = await Promise.all([
    read('service events', () => ports.ecs.serviceEvents(scope.cluster, scope.service), []),
    taskSetId
      ? read('stopped tasks', () => ports.ecs.stoppedTasks(scope.cluster, taskSetId, LIMITS.tasksRead), [])
      : Promise.resolve([]),
    scope.targetGroupArn
      ? read('target health', () => ports.lb.targetHealthDetails(scope.targetGroupArn!), [])
      : Promise.resolve([]),
  ]);
  return {
    events: eventFindings(events, scope.since),
    stoppedTasks: taskFindings(tasks),
    unhealthyTargets: targetFindings(targets),
    unreadable,
  };
}

/** The id ECS puts in `startedBy` of a task set's tasks: `ecs-svc/123...` from the task set ARN. */
export function taskSetIdOf(arn: string): string {
  const parts = arn.split('/');
  return parts.slice(-2).join('/');
}

/** Whether anything was found to show. */
export function hasFindings(d: Diagnosis): boolean {
  return d.events.length + d.stoppedTasks.length + d.unhealthyTargets.length + d.unreadable.length > 0;
}

export function eventFindings(events: ServiceEvent[], since: number): Finding[] {
  const recent = events
    .filter((e) => (e.createdAt?.getTime() ?? since) >= since)
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  return dedupe(
    recent.map((e) => ({ at: e.createdAt?.toISOString(), text: e.message, key: withoutIds(e.message) })),
    LIMITS.events,
  );
}

export function taskFindings(tasks: StoppedTask[]): Finding[] {
  const newest = [...tasks].sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
  return dedupe(
    newest.map((t) => {
      const containers = t.containers
        .filter((c) => c.exitCode !== undefined || c.reason)
        .map(
          (c) =>
            `${c.name}${c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''}${c.reason ? ` (${c.reason})` : ''}`,
        );
      const text =
        `${t.stopCode ? `${t.stopCode}: ` : ''}${t.stoppedReason || 'stopped, no reason given'}` +
        (containers.length ? `; containers: ${containers.join(', ')}` : '');
      return { at: t.stoppedAt?.toISOString(), text, key: withoutIds(text) };
    }),
    LIMITS.stoppedTasks,
  );
}

export function targetFindings(targets: TargetHealthDetail[]): Finding[] {
  return dedupe(
    targets
      .filter((t) => t.state !== 'healthy')
      .map((t) => {
        const text = `${t.state}${t.reason ? ` ${t.reason}` : ''}${t.description ? `: ${t.description}` : ''}`;
        return { at: undefined, text, key: text };
      }),
    LIMITS.unhealthyTargets,
  );
}

/** Task ids, ENI ids, IPs and hex ids differ between otherwise equal messages: not part of the key. */
function withoutIds(text: string): string {
  return text
    .replace(/\b[0-9a-f]{32}\b/g, '#')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '#')
    .replace(/\b(?:eni|i|sg|subnet)-[0-9a-f]+\b/g, '#')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '#');
}

function dedupe(items: { at: string | undefined; text: string; key: string }[], limit: number): Finding[] {
  const found = new Map<string, Finding>();
  for (const item of items) {
    const seen = found.get(item.key);
    if (seen) seen.count++;
    else found.set(item.key, { at: item.at, text: cut(item.text), count: 1 });
  }
  return [...found.values()].slice(0, limit);
}

function cut(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > LIMITS.text ? `${flat.slice(0, LIMITS.text - 1)}…` : flat;
}

/** The diagnosis as plain lines for the log. */
export function renderDiagnosisText(d: Diagnosis): string {
  const lines: string[] = ['Why green failed, as ECS reports it:'];
  const section = (title: string, findings: Finding[]): void => {
    if (findings.length === 0) return;
    lines.push(`  ${title}:`);
    for (const f of findings)
      lines.push(`    ${f.at ? `${f.at} ` : ''}${f.text}${f.count > 1 ? ` (×${f.count})` : ''}`);
  };
  section('Stopped tasks', d.stoppedTasks);
  section('Unhealthy targets', d.unhealthyTargets);
  section('Service events', d.events);
  if (d.unreadable.length) lines.push(`  Could not read: ${d.unreadable.join('; ')}`);
  if (!hasFindings(d))
    lines.push('  nothing: no stopped tasks, unhealthy targets or service events since the start');
  return lines.join('\n');
}
