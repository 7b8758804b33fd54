import { dimensionOf, type MetricQuery, type MetricSeries } from '../aws/cloudwatch.js';
import type { Comparison, Placeholder, Series, VersionIdentity } from './model.js';

/** ALB metrics have one-minute resolution; every comparison reads whole minutes. */
export const PERIOD_SECONDS = 60;

/** Which version a query reads. */
export type Version = 'blue' | 'green';

/** The part of a comparison a query reads. */
export type Part = 'errors' | 'requests' | 'value';

/** The queries of one comparison for one version, by part. */
export interface VersionQueries {
  comparison: number;
  version: Version;
  queries: { part: Part; query: MetricQuery }[];
}

/** What each placeholder is for one version (undefined where that version's identity is not known). */
export function placeholderValues(
  version: VersionIdentity,
  loadBalancerArn: string | undefined,
): Record<Placeholder, string | undefined> {
  const td = version.taskDefinitionArn;
  const family = td?.split('/').at(-1);
  const ts = version.taskSetArn;
  return {
    'target-group': version.targetGroupArn && dimensionOf(version.targetGroupArn),
    'target-group-arn': version.targetGroupArn,
    'load-balancer': loadBalancerArn && dimensionOf(loadBalancerArn),
    'task-definition': family,
    'task-definition-arn': td,
    revision: family?.split(':').at(-1),
    // arn:...:task-set/cluster/service/ecs-svc/123: the id is what follows the service's name.
    'task-set': ts?.split('/').slice(3).join('/'),
    'task-set-arn': ts,
  };
}

/**
 * The GetMetricData queries of every comparison for both versions, with each version's identity put in
 * place of the placeholders. Ids say which comparison, version and part a series answers.
 */
export function buildQueries(
  comparisons: readonly Comparison[],
  identities: Record<Version, Record<Placeholder, string | undefined>>,
): VersionQueries[] {
  const all: VersionQueries[] = [];
  comparisons.forEach((comparison, index) => {
    for (const version of ['blue', 'green'] as const) {
      const fill = (text: string): string =>
        text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
          const value = identities[version][name.trim() as Placeholder];
          if (value === undefined) throw new Error(`${version}'s \${${name}} is not known yet`);
          return value;
        });
      const parts: [Part, Series][] =
        comparison.measure.kind === 'rate'
          ? [
              ['errors', comparison.measure.errors],
              ['requests', comparison.measure.requests],
            ]
          : [['value', comparison.measure.value]];
      all.push({
        comparison: index,
        version,
        queries: parts.map(([part, series]) => ({
          part,
          query: toQuery(`c${index}_${version}_${part}`, series, fill),
        })),
      });
    }
  });
  return all;
}

function toQuery(id: string, series: Series, fill: (text: string) => string): MetricQuery {
  if (series.kind === 'expression') {
    return { id, expression: fill(series.expression), periodSeconds: PERIOD_SECONDS };
  }
  return {
    id,
    metric: {
      namespace: fill(series.namespace),
      name: fill(series.name),
      dimensions: series.dimensions.map((d) => ({ name: fill(d.name), value: fill(d.value) })),
      stat: series.stat,
    },
    periodSeconds: PERIOD_SECONDS,
  };
}

/** The sum of every value answered for a query id (an expression may answer several series). */
export function total(series: readonly MetricSeries[], id: string): number {
  return series
    .filter((s) => s.id === id)
    .flatMap((s) => s.values)
    .filter(Number.isFinite)
    .reduce((sum, v) => sum + v, 0);
}

/**
 * A query's values by minute. Throws when an expression answers several series: a per-minute value
 * must be one number (wrap a SEARCH in SUM or AVG).
 */
export function byMinute(series: readonly MetricSeries[], id: string): Map<number, number> {
  const answered = series.filter((s) => s.id === id && s.values.length > 0);
  if (answered.length > 1) {
    throw new Error(
      `answers ${answered.length} time series (${answered.map((s) => s.label).join(', ')}); ` +
        'a value to compare must be one: wrap the expression in SUM(...) or AVG(...)',
    );
  }
  const values = new Map<number, number>();
  const only = answered[0];
  only?.timestamps.forEach((t, i) => {
    const v = only.values[i];
    if (v !== undefined && Number.isFinite(v)) values.set(new Date(t).getTime(), v);
  });
  return values;
}
