import type { CloudWatchPort, MetricSeries } from '../aws/cloudwatch.js';
import { describeError, UserError } from '../errors.js';
import { describeResult, formatValue } from './format.js';
import { judgeRate, judgeValues, type Judgement } from './judge.js';
import type {
  Comparison,
  ComparisonReport,
  ComparisonResult,
  Series,
  StepResult,
  VersionIdentity,
} from './model.js';
import { describeRule } from './parse.js';
import { buildQueries, byMinute, placeholderValues, total, type VersionQueries } from './queries.js';

const MINUTE = 60_000;
/** How far back `verify` reads blue, to check the queries and show the user blue's recent values. */
const VERIFY_WINDOW_MS = 15 * MINUTE;

/** The comparisons at one poll: every result, and the first that failed. */
export interface Verdict {
  results: ComparisonResult[];
  failed: ComparisonResult | undefined;
  /** Results whose state differs from the last poll's (or that are the first), for the log. */
  changed: ComparisonResult[];
  /** For a failure: the breach reason, naming the comparison and both versions' values. */
  reason: string | undefined;
}

/** Where green stands in the deploy at a poll: its traffic share and the phase, to group results by step. */
export interface PollStep {
  traffic: number;
  phase: string;
  /**
   * When green first took production traffic (epoch ms). The comparisons count from that minute: the
   * first poll can come a poll interval later, past a minute boundary, and green's first requests would
   * otherwise fall in a minute never read.
   */
  since?: number;
}

/**
 * Green versus blue on the user's comparisons, poll after poll: one GetMetricData call reads every
 * comparison for both versions since green took production traffic, each is judged (judge.ts), and
 * the last result of each step is kept for the summary. It decides nothing about the deploy: the
 * engine treats a failed verdict as a breach.
 */
export class GreenBlueAnalysis {
  private readonly green: VersionIdentity;
  private startedAt: number | undefined;
  private readonly steps: { step: PollStep; results: Map<string, StepResult> }[] = [];
  private readonly lastState = new Map<string, string>();

  constructor(
    private readonly comparisons: readonly Comparison[],
    private readonly cloudwatch: Pick<CloudWatchPort, 'getMetricData'>,
    private readonly versions: { blue: VersionIdentity; green: VersionIdentity; loadBalancerArn?: string },
  ) {
    this.green = { ...versions.green };
    const lb = versions.loadBalancerArn;
    const elb = comparisons.find((c) =>
      seriesOf(c).some((x) => x.kind === 'metric' && x.namespace === 'AWS/ApplicationELB'),
    );
    if (elb && lb && !/:loadbalancer\/app\//.test(lb)) {
      throw new UserError(
        `Input 'compare': ${JSON.stringify(elb.text)} reads ApplicationELB metrics, but ${lb} is not an ` +
          'Application Load Balancer',
      );
    }
  }

  /**
   * Green's task set and task definition, once created: the placeholders of user series need them. A
   * comparison whose queries come out the same for both versions (green runs blue's task definition and
   * the series names the revision) could never tell them apart: that is an input error.
   */
  greenCreated(identity: VersionIdentity): void {
    Object.assign(this.green, identity);
    const queries = this.queries(this.green);
    const same = this.comparisons.find((_, index) => {
      const of = (version: 'blue' | 'green') =>
        JSON.stringify(
          queries
            .find((q) => q.comparison === index && q.version === version)!
            .queries.map(({ query }) => ({ ...query, id: '' })),
        );
      return of('blue') === of('green');
    });
    if (same) {
      throw new UserError(
        `Input 'compare': ${JSON.stringify(same.text)} reads the same series for blue and green ` +
          "(green's identity in it is blue's): name the version with a placeholder that differs, such as ${task-set}",
      );
    }
  }

  /**
   * Reads blue's series over the last minutes before anything changes: CloudWatch refusing a query (a
   * bad expression, a missing permission) is an input error naming `compare` and quoting the line.
   * Returns a line per comparison with blue's recent value, for the log and the dry run; `noData` when
   * blue has none (a typo in a metric or a dimension reads as no data, never as an error).
   */
  async verify(now: number): Promise<{ line: string; noData: boolean }[]> {
    // Green does not exist yet: its queries are checked with blue's identity where green's is unknown.
    const stand = { ...this.versions.blue, ...definedOnly(this.green) };
    const queries = this.queries(stand);
    const end = Math.ceil((now + 1) / MINUTE) * MINUTE;
    const start = end - VERIFY_WINDOW_MS;
    const read = async (which: VersionQueries[]): Promise<MetricSeries[]> =>
      this.cloudwatch.getMetricData(
        which.flatMap((q) => q.queries.map((p) => p.query)),
        new Date(start),
        new Date(end),
      );
    let series: MetricSeries[];
    try {
      series = await read(queries);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      // One call holds every query: ask again one comparison at a time to say which line was refused.
      for (const [index, comparison] of this.comparisons.entries()) {
        try {
          await read(queries.filter((q) => q.comparison === index));
        } catch (each) {
          if (isRefusal(each)) throw refused(comparison, each);
        }
      }
      throw new UserError(`Input 'compare': CloudWatch refused the comparisons: ${describeError(error)}`);
    }
    return this.comparisons.map((comparison, index) => {
      const { blue } = this.judge(comparison, index, queries, series);
      const minutes = VERIFY_WINDOW_MS / MINUTE;
      const recent =
        blue === undefined
          ? `blue has no data in the last ${minutes} minutes: check the metric, its dimensions and ` +
            'placeholders, as without data the comparison can never fail'
          : `blue ${formatValue(blue, comparison.unit)} in the last ${minutes} minutes`;
      return {
        line: `${comparison.name}: ${describeRule(comparison)}; ${recent}`,
        noData: blue === undefined,
      };
    });
  }

  /**
   * Reads and judges every comparison since green first took production traffic (`step.since`, else
   * the first poll), in one GetMetricData call (or one per 500 queries). Errors reading CloudWatch are
   * thrown, for the caller's retry policy.
   */
  async poll(now: number, step: PollStep): Promise<Verdict> {
    this.startedAt ??= Math.min(step.since ?? now, now);
    const queries = this.queries(this.green);
    const start = Math.floor(this.startedAt / MINUTE) * MINUTE;
    const end = Math.ceil((now + 1) / MINUTE) * MINUTE;
    const series = await this.cloudwatch.getMetricData(
      queries.flatMap((q) => q.queries.map((p) => p.query)),
      new Date(start),
      new Date(end),
    );
    const results = this.comparisons.map((comparison, index) => ({
      ...this.judge(comparison, index, queries, series),
      name: comparison.name,
      unit: comparison.unit,
    }));
    this.record(now, step, results);
    const changed = results.filter((r) => this.lastState.get(r.name) !== r.state);
    for (const r of results) this.lastState.set(r.name, r.state);
    const failed = results.find((r) => r.state === 'fail');
    const comparison = failed && this.comparisons.find((c) => c.name === failed.name)!;
    return {
      results,
      failed,
      changed,
      reason:
        failed &&
        `green-versus-blue comparison ${failed.name} failed: ${describeResult(failed)}; rule ${JSON.stringify(comparison!.text)}`,
    };
  }

  /** Each comparison's rule and its last result in every step, for the job summary. */
  report(): ComparisonReport[] {
    return this.comparisons.map((comparison) => ({
      name: comparison.name,
      text: comparison.text,
      rule: describeRule(comparison),
      steps: this.steps.flatMap(({ results }) => {
        const result = results.get(comparison.name);
        return result ? [result] : [];
      }),
    }));
  }

  private queries(green: VersionIdentity): VersionQueries[] {
    const lb = this.versions.loadBalancerArn;
    return buildQueries(this.comparisons, {
      blue: placeholderValues(this.versions.blue, lb),
      green: placeholderValues(green, lb),
    });
  }

  private judge(
    comparison: Comparison,
    index: number,
    queries: VersionQueries[],
    series: MetricSeries[],
  ): Judgement {
    const idOf = (version: 'blue' | 'green', part: string): string =>
      queries
        .find((q) => q.comparison === index && q.version === version)!
        .queries.find((p) => p.part === part)!.query.id;
    if (comparison.measure.kind === 'rate') {
      const counts = (version: 'blue' | 'green') => ({
        errors: total(series, idOf(version, 'errors')),
        requests: total(series, idOf(version, 'requests')),
      });
      return judgeRate(counts('blue'), counts('green'), comparison.rule, comparison.minSamples);
    }
    let blue: Map<number, number>;
    let green: Map<number, number>;
    try {
      blue = byMinute(series, idOf('blue', 'value'));
      green = byMinute(series, idOf('green', 'value'));
    } catch (error) {
      throw new UserError(`Input 'compare': ${JSON.stringify(comparison.text)} ${describeError(error)}`);
    }
    const minutes = [...green]
      .filter(([t]) => blue.has(t))
      .sort(([a], [b]) => a - b)
      .map(([t, value]) => ({ blue: blue.get(t)!, green: value }));
    if (minutes.length === 0 && blue.size > 0) {
      // No minute with both yet: still show blue's value.
      const values = [...blue.values()];
      return {
        ...judgeValues([], comparison.rule, comparison.minSamples),
        blue: values.reduce((s, v) => s + v, 0) / values.length,
      };
    }
    return judgeValues(minutes, comparison.rule, comparison.minSamples);
  }

  private record(now: number, step: PollStep, results: ComparisonResult[]): void {
    let current = this.steps.at(-1);
    if (!current || current.step.traffic !== step.traffic || current.step.phase !== step.phase) {
      current = { step: { ...step }, results: new Map() };
      this.steps.push(current);
    }
    for (const result of results) {
      const failed = result.state === 'fail' || current.results.get(result.name)?.failed === true;
      current.results.set(result.name, {
        traffic: step.traffic,
        phase: step.phase,
        at: new Date(now).toISOString(),
        result,
        failed,
      });
    }
  }
}

/** An error CloudWatch answers for a query it will not run (not throttling, not a passing fault). */
function isRefusal(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return /Invalid|Validation|AccessDenied|NotAuthorized|Unauthorized|LimitExceeded|MissingParameter/.test(
    name,
  );
}

function refused(comparison: Comparison, error: unknown): UserError {
  const name = error instanceof Error ? error.name : '';
  const hint = /AccessDenied|NotAuthorized|Unauthorized/.test(name)
    ? ' (the deploy role needs cloudwatch:GetMetricData)'
    : '';
  return new UserError(
    `Input 'compare': CloudWatch refused ${JSON.stringify(comparison.text)}: ${describeError(error)}${hint}`,
  );
}

function seriesOf(comparison: Comparison): Series[] {
  const m = comparison.measure;
  return m.kind === 'rate' ? [m.errors, m.requests] : [m.value];
}

function definedOnly(identity: VersionIdentity): VersionIdentity {
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined)) as VersionIdentity;
}
