import type { ComparisonResult, Unit } from './model.js';

/** A value as the user reads it: a rate in percent, seconds in milliseconds, anything else as it is. */
export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 'rate') return `${trim(value * 100, value * 100 < 1 ? 3 : 2)}%`;
  if (unit === 'seconds') return `${trim(value * 1000, 1)} ms`;
  return String(Number(value.toPrecision(4)));
}

/** A p-value, short. */
export function formatP(p: number | undefined): string {
  if (p === undefined) return '';
  if (p < 0.0001) return 'p < 0.0001';
  return `p = ${Number(p.toPrecision(2))}`;
}

/** "blue 1.00%, green 3.10% (at most 1.60%), 1200 green requests": a result in one line. */
export function describeResult(result: ComparisonResult): string {
  const samples =
    result.unit === 'rate' ? `${result.samples} green requests` : `${result.samples} minutes of data`;
  const values = `blue ${formatValue(result.blue, result.unit)}, green ${formatValue(result.green, result.unit)}`;
  if (result.state === 'waiting') {
    return `${values}: not enough samples yet (${result.samples} of ${result.minSamples} ${
      result.unit === 'rate' ? 'green requests' : 'minutes'
    })`;
  }
  const bound = result.bound === undefined ? '' : ` (at most ${formatValue(result.bound, result.unit)})`;
  const p = result.pValue === undefined ? '' : `, ${formatP(result.pValue)}`;
  return `${values}${bound}, ${samples}${p}`;
}

function trim(n: number, decimals: number): string {
  return n.toFixed(decimals);
}
