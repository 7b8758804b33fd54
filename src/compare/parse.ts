import { inputError } from '../errors.js';
import type { Comparison, Measure, Placeholder, Rule, Series, Unit } from './model.js';

/**
 * The `compare` input: one comparison of green against blue a line.
 *
 *     [name:] measure [<= F x blue [+ M]] [min N]
 *
 * `measure` is a built-in (`error-rate`, `p99-latency`, `average-latency`: the ALB's metrics of each
 * version's target group), `rate(ERRORS, REQUESTS)` of two user series, or one user series; a series is
 * `Namespace/Metric{Dim=Value,...}:Stat` or a metric-math expression such as `SUM(SEARCH(...))`, naming
 * each version with placeholders (`${revision}`, `${task-set}`, `${target-group}`, ...). Hand-written:
 * the grammar is a line, and the errors must quote the part of it that is wrong.
 */

/** Placeholders a user series may name, and what each stands for (for the error text). */
export const PLACEHOLDERS: Record<Placeholder, string> = {
  'target-group': "the version's target group as CloudWatch names it (targetgroup/name/id)",
  'target-group-arn': "the version's target group ARN",
  'load-balancer': 'the load balancer as CloudWatch names it (app/name/id), the same for both',
  'task-definition': "the version's task definition as family:revision",
  'task-definition-arn': "the version's task definition ARN",
  revision: "the version's task definition revision number",
  'task-set': "the version's task set id (ecs-svc/...)",
  'task-set-arn': "the version's task set ARN",
};
const NEEDS_LISTENER: Placeholder[] = ['target-group', 'target-group-arn', 'load-balancer'];

/** The default rules of the built-ins, and how many green samples a rule waits for unless told. */
export const DEFAULT_ERROR_RULE: Rule = { factor: 1.5, margin: 0.001 };
export const DEFAULT_LATENCY_RULE: Rule = { factor: 1.2, margin: 0 };
export const DEFAULT_MIN_REQUESTS = 200;
export const DEFAULT_MIN_MINUTES = 3;

const LABEL = /^([A-Za-z][\w.-]{0,63}):\s+(.+)$/;
const MIN_TAIL = /\s+min\s+(\d{1,9})(?:\s+(requests|samples|minutes))?\s*$/i;
const RULE_TAIL =
  /\s*(?:<=|≤)\s*(?:(\d+(?:\.\d+)?)\s*[x×*]\s*)?blue(?:\s*\+\s*(\d+(?:\.\d+)?)\s*(%|pt|points?|ms|s)?)?\s*$/i;
const LATENCY = /^(p(\d{1,2}(?:\.\d{1,2})?)|average)-latency$/;
const METRIC = /^([^\s{}()'"]+)\/([^\s/{}():'"]+)(?:\{(.*)\})?(?::([^\s{}]+))?$/;
const STAT =
  /^(SampleCount|Average|Sum|Minimum|Maximum|IQM|p\d{1,2}(\.\d+)?|(tm|wm|tc|ts|pr|TM|WM|TC|TS|PR)\d{1,2}(\.\d+)?|(TM|WM|TC|TS|PR)\([\d.%:]*\))$/;
const FUNCTION_CALL = /^[A-Z][A-Z0-9_]*\s*\(/;
const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** Parses the `compare` input. Throws a UserError naming the input and quoting the bad line. */
export function parseComparisons(
  text: string,
  options: { listenerRouting: boolean },
  input = 'compare',
): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const comparison = parseLine(line, options, input);
    if (comparisons.some((c) => c.name === comparison.name)) {
      throw inputError(
        input,
        line,
        `a comparison named ${comparison.name} is already given; name one "other-name: ..."`,
      );
    }
    comparisons.push(comparison);
  }
  return comparisons;
}

function parseLine(line: string, options: { listenerRouting: boolean }, input: string): Comparison {
  const bad = (why: string): Error => inputError(input, line, why);
  let rest = line;
  let label: string | undefined;
  const labelled = LABEL.exec(rest);
  if (labelled) {
    label = labelled[1]!;
    rest = labelled[2]!;
  }

  let minSamples: number | undefined;
  const min = MIN_TAIL.exec(rest);
  if (min) {
    minSamples = Number(min[1]);
    rest = rest.slice(0, min.index);
  }

  let written: { factor: number; margin?: number; unit?: string } | undefined;
  const rule = RULE_TAIL.exec(rest);
  if (rule) {
    written = {
      factor: rule[1] === undefined ? 1 : Number(rule[1]),
      ...(rule[2] !== undefined ? { margin: Number(rule[2]) } : {}),
      ...(rule[3] !== undefined ? { unit: rule[3].toLowerCase() } : {}),
    };
    rest = rest.slice(0, rule.index);
  } else if (/\bblue\b[^{}()]*$/i.test(rest) || /(>=|≥|<=|≤|>|<)\s*[\d.]*\s*[x×*]?\s*\w*\s*$/.test(rest)) {
    throw bad(
      'the rule must read "<= F x blue", optionally "+ M" (points for a rate, ms or s for latency): ' +
        'green is held to at most F times blue plus M',
    );
  }
  const measureText = rest.trim();
  if (!measureText) throw bad('name what to compare first: error-rate, p99-latency, rate(...), or a metric');

  const builtin = builtinMeasure(measureText);
  let measure: Measure;
  let unit: Unit;
  let name: string;
  if (builtin) {
    if (!options.listenerRouting) {
      throw bad(
        `${measureText} reads each version's target group, which needs 'routing: listener' ` +
          '(with task-sets routing both versions share one target group); compare a metric your service ' +
          'publishes per version instead, with ${revision} or ${task-set}',
      );
    }
    ({ measure, unit } = builtin);
    name = label ?? measureText;
  } else {
    const rateArgs = /^rate\s*\((.*)\)$/s.exec(measureText);
    if (rateArgs) {
      const parts = splitTopLevel(rateArgs[1]!);
      if (parts.length !== 2) throw bad('rate(...) takes two series: rate(ERRORS, REQUESTS)');
      measure = {
        kind: 'rate',
        errors: parseSeries(parts[0]!.trim(), 'Sum', bad),
        requests: parseSeries(parts[1]!.trim(), 'Sum', bad),
      };
      unit = 'rate';
    } else {
      measure = { kind: 'value', value: parseSeries(measureText, 'Average', bad) };
      unit = 'plain';
    }
    if (!written) {
      throw bad('give a rule for your own series, such as "<= 1.2x blue" or "<= 2x blue + 0.5pt"');
    }
    name = label ?? (measure.kind === 'rate' ? 'rate' : shortSeriesName(measure.value));
  }

  const placeholders = placeholdersOf(measureText, bad);
  if (!builtin) {
    if (!placeholders.some((p) => p !== 'load-balancer')) {
      throw bad(
        'name each version in the series with a placeholder (${revision}, ${task-definition}, ${task-set}, ' +
          '${target-group}): without one, blue and green read the same numbers',
      );
    }
    const needsListener = placeholders.find((p) => NEEDS_LISTENER.includes(p));
    if (needsListener && !options.listenerRouting) {
      throw bad(
        `\${${needsListener}} needs 'routing: listener': with task-sets routing both versions share one ` +
          'target group; use ${revision} or ${task-set}',
      );
    }
  }

  const parsedRule = toRule(written, unit, builtin?.defaultRule, bad);
  return {
    name,
    text: line,
    measure,
    rule: parsedRule,
    minSamples: minSamples ?? (measure.kind === 'rate' ? DEFAULT_MIN_REQUESTS : DEFAULT_MIN_MINUTES),
    unit,
    placeholders: builtin ? ['target-group', 'load-balancer'] : placeholders,
  };
}

function builtinMeasure(text: string): { measure: Measure; unit: Unit; defaultRule: Rule } | undefined {
  const elb = (name: string, stat: string): Series => ({
    kind: 'metric',
    namespace: 'AWS/ApplicationELB',
    name,
    dimensions: [
      { name: 'TargetGroup', value: '${target-group}' },
      { name: 'LoadBalancer', value: '${load-balancer}' },
    ],
    stat,
  });
  if (text === 'error-rate') {
    return {
      measure: {
        kind: 'rate',
        errors: elb('HTTPCode_Target_5XX_Count', 'Sum'),
        requests: elb('RequestCount', 'Sum'),
      },
      unit: 'rate',
      defaultRule: DEFAULT_ERROR_RULE,
    };
  }
  const latency = LATENCY.exec(text);
  if (latency) {
    const percentile = latency[2];
    if (percentile !== undefined && (Number(percentile) <= 0 || Number(percentile) >= 100)) return undefined;
    return {
      measure: { kind: 'value', value: elb('TargetResponseTime', percentile ? `p${percentile}` : 'Average') },
      unit: 'seconds',
      defaultRule: DEFAULT_LATENCY_RULE,
    };
  }
  return undefined;
}

function parseSeries(text: string, defaultStat: string, bad: (why: string) => Error): Series {
  if (FUNCTION_CALL.test(text)) {
    checkBalanced(text, bad);
    return { kind: 'expression', expression: text };
  }
  const metric = METRIC.exec(text);
  if (!metric) {
    throw bad(
      `${JSON.stringify(text)} is not a built-in (error-rate, p99-latency, average-latency), a metric ` +
        '(Namespace/Metric{Dim=Value}:Stat) or a metric-math expression (such as SUM(SEARCH(...)))',
    );
  }
  const [, namespace, name, dims, stat = defaultStat] = metric;
  if (!STAT.test(stat)) {
    throw bad(`${JSON.stringify(stat)} is not a CloudWatch statistic (Sum, Average, p99, tm90, ...)`);
  }
  const dimensions = (dims ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => {
      const eq = d.indexOf('=');
      if (eq <= 0 || eq === d.length - 1) throw bad(`dimension ${JSON.stringify(d)} must read Name=Value`);
      return { name: d.slice(0, eq).trim(), value: d.slice(eq + 1).trim() };
    });
  if (dimensions.length > 30) throw bad('CloudWatch takes at most 30 dimensions a metric');
  return { kind: 'metric', namespace: namespace!, name: name!, dimensions, stat };
}

function toRule(
  written: { factor: number; margin?: number; unit?: string } | undefined,
  unit: Unit,
  fallback: Rule | undefined,
  bad: (why: string) => Error,
): Rule {
  if (!written) return fallback!;
  const { factor } = written;
  if (factor < 1) {
    throw bad(`a factor of ${factor} below 1 fails a green that is exactly as good as blue: give 1x or more`);
  }
  if (factor > 1000) throw bad(`a factor of ${factor} can never fail: give at most 1000x`);
  const raw = written.margin ?? 0;
  const given = written.unit;
  let margin: number;
  if (unit === 'rate') {
    if (given !== undefined && !['%', 'pt', 'point', 'points'].includes(given)) {
      throw bad(`a margin on a rate is in points (+ 0.5pt or + 0.5%), not ${given}`);
    }
    if (raw > 0 && given === undefined) throw bad(`say what + ${raw} is: points of error rate, + ${raw}pt`);
    if (raw >= 100) throw bad(`a margin of ${raw} points can never fail: give less than 100`);
    margin = raw / 100;
  } else if (unit === 'seconds') {
    if (given !== undefined && given !== 'ms' && given !== 's') {
      throw bad(`a margin on latency is a time (+ 50ms or + 0.05s), not ${given}`);
    }
    if (raw > 0 && given === undefined) throw bad(`say what + ${raw} is: + ${raw}ms or + ${raw}s`);
    margin = given === 'ms' ? raw / 1000 : raw;
  } else {
    if (given !== undefined) {
      throw bad(`a margin on your own series is in its own unit: write a plain number, not ${given}`);
    }
    margin = raw;
  }
  return { factor, margin };
}

function placeholdersOf(text: string, bad: (why: string) => Error): Placeholder[] {
  const found = new Set<Placeholder>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim();
    if (!(name in PLACEHOLDERS)) {
      throw bad(
        `\${${name}} is not a placeholder; known: ${Object.keys(PLACEHOLDERS)
          .map((p) => `\${${p}}`)
          .join(', ')}`,
      );
    }
    found.add(name as Placeholder);
  }
  return [...found];
}

/** Splits at commas outside parentheses, braces and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function checkBalanced(text: string, bad: (why: string) => Error): void {
  let depth = 0;
  let quote: string | undefined;
  for (const c of text.replace(PLACEHOLDER, 'x')) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) break;
  }
  if (quote) throw bad(`the expression ${JSON.stringify(text)} leaves a ${quote} quote open`);
  if (depth !== 0) throw bad(`the expression ${JSON.stringify(text)} has unbalanced parentheses`);
}

function shortSeriesName(series: Series): string {
  return series.kind === 'metric' ? series.name : 'expression';
}

/** The rule in words: "green ≤ 1.5 × blue + 0.1 points, after 200 green requests". */
export function describeRule(comparison: Comparison): string {
  const { factor, margin } = comparison.rule;
  const plus = margin > 0 ? ` + ${formatMargin(margin, comparison.unit)}` : '';
  const samples =
    comparison.measure.kind === 'rate'
      ? `${comparison.minSamples} green requests`
      : `${comparison.minSamples} minutes of data`;
  return `green ≤ ${factor}× blue${plus}, judged after ${samples}`;
}

function formatMargin(margin: number, unit: Unit): string {
  if (unit === 'rate') return `${round(margin * 100)} points`;
  if (unit === 'seconds') return `${round(margin * 1000)} ms`;
  return String(margin);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
