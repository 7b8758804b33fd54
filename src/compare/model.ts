/** The vocabulary of green-versus-blue comparisons, shared by the parser, the analysis and the report. */

/** A version-identity placeholder a user metric may name; each version's value is put in its place. */
export type Placeholder =
  | 'target-group'
  | 'target-group-arn'
  | 'load-balancer'
  | 'task-definition'
  | 'task-definition-arn'
  | 'revision'
  | 'task-set'
  | 'task-set-arn';

/** One CloudWatch time series: a metric with a statistic, or a metric-math expression. */
export type Series =
  | {
      kind: 'metric';
      namespace: string;
      name: string;
      dimensions: { name: string; value: string }[];
      stat: string;
    }
  | { kind: 'expression'; expression: string };

/**
 * What is compared. `rate`: errors out of requests (two count series), judged with an exact binomial
 * test. `value`: one series read per minute for each version (latency, say), judged minute by minute.
 */
export type Measure = { kind: 'rate'; errors: Series; requests: Series } | { kind: 'value'; value: Series };

/** How a value is shown: a rate in percent, seconds in milliseconds, anything else as it is. */
export type Unit = 'rate' | 'seconds' | 'plain';

/** "green ≤ factor × blue + margin", the margin in the measure's own unit (a rate as a fraction). */
export interface Rule {
  factor: number;
  margin: number;
}

/** One line of the `compare` input, parsed. */
export interface Comparison {
  /** The label: a built-in's name or the user's `name:` prefix (`error-rate`, `checkout-errors`). */
  name: string;
  /** The line as the user wrote it. */
  text: string;
  measure: Measure;
  rule: Rule;
  /** Green's samples (requests for a rate, minutes with data for a value) before the rule may fail. */
  minSamples: number;
  unit: Unit;
  /** The placeholders the line names, to check against the routing and to fill per version. */
  placeholders: Placeholder[];
}

/** Where each version's values come from: the identities the placeholders stand for. */
export interface VersionIdentity {
  targetGroupArn?: string;
  taskDefinitionArn?: string;
  taskSetArn?: string;
}

/** The state of one comparison at one poll. */
export type ComparisonState = 'pass' | 'fail' | 'waiting';

/** One comparison judged at one poll: both versions' values, the bound green was held to, the test. */
export interface ComparisonResult {
  name: string;
  state: ComparisonState;
  /** Blue's and green's values (a rate as a fraction; a value as the mean over minutes). */
  blue: number | undefined;
  green: number | undefined;
  /** The most green may be before it fails, from blue's value and the rule. */
  bound: number | undefined;
  /** Green's samples so far and how many the rule needs. */
  samples: number;
  minSamples: number;
  /** The test's p-value: how likely green's values are if green were within the bound. */
  pValue: number | undefined;
  unit: Unit;
}

/** One comparison's last result in one step of the deploy, for the summary. */
export interface StepResult {
  /** Green's traffic share during the step. */
  traffic: number;
  phase: string;
  /** ISO-8601 time of the poll the result comes from. */
  at: string;
  result: ComparisonResult;
  /** True when the comparison failed at some poll during the step. */
  failed: boolean;
}

/** What the summary shows of one comparison: its rule, then its values step by step. */
export interface ComparisonReport {
  name: string;
  text: string;
  rule: string;
  steps: StepResult[];
}

/**
 * The comparisons never judged: no poll had the samples their rule needs, so they neither passed nor
 * failed. Each with its last result (undefined when it was never read: green took no production traffic).
 */
export function neverJudged(
  reports: readonly ComparisonReport[],
): { name: string; last: ComparisonResult | undefined }[] {
  return reports
    .filter((report) => report.steps.every((step) => step.result.state === 'waiting'))
    .map((report) => ({ name: report.name, last: report.steps.at(-1)?.result }));
}
