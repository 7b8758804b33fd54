import type { AlarmState, CloudWatchPort } from '../aws/cloudwatch.js';
import { UserError } from '../errors.js';

/** The alarms that exist, plus the prefixes that matched none of them (likely typos: warn about them). */
export type ResolvedAlarms = AlarmState[] & { readonly unmatchedPrefixes: readonly string[] };

/**
 * Resolves alarm names and prefixes to the alarms that exist, once, before anything changes.
 * A named alarm that does not exist is an error: an alarm that does not exist never fires.
 * The names and every prefix are read side by side; a prefix's own pages follow one another.
 */
export async function resolveAlarms(
  cloudwatch: CloudWatchPort,
  names: readonly string[],
  prefixes: readonly string[],
  input: string,
): Promise<ResolvedAlarms> {
  const [named, ...byPrefix] = await Promise.all([
    names.length ? cloudwatch.describeAlarms(names) : Promise.resolve([]),
    ...prefixes.map((prefix) => cloudwatch.alarmsWithPrefix(prefix)),
  ]);
  const found = new Set(named.map((alarm) => alarm.name));
  const missing = [...new Set(names)].filter((name) => !found.has(name));
  if (missing.length) {
    throw new UserError(
      `Input '${input}': ${missing.map((m) => JSON.stringify(m)).join(', ')} ${missing.length === 1 ? 'does' : 'do'} ` +
        'not exist in CloudWatch (an alarm that does not exist never fires: create it or fix the name)',
    );
  }
  const unique = new Map<string, AlarmState>();
  for (const alarm of [...named, ...byPrefix.flat()]) unique.set(alarm.name, alarm);
  const unmatchedPrefixes = prefixes.filter((_, i) => (byPrefix[i] ?? []).length === 0);
  return Object.assign([...unique.values()], { unmatchedPrefixes });
}
