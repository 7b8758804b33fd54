import type { AlarmState, CloudWatchPort } from '../aws/cloudwatch.js';
import { UserError } from '../errors.js';

/**
 * Resolves alarm names and prefixes to the alarms that exist, once, before anything changes.
 * A named alarm that does not exist is an error: an alarm that does not exist never fires.
 */
export async function resolveAlarms(
  cloudwatch: CloudWatchPort,
  names: readonly string[],
  prefixes: readonly string[],
  input: string,
): Promise<AlarmState[]> {
  const named = names.length ? await cloudwatch.describeAlarms(names) : [];
  const missing = names.filter((name) => !named.some((a) => a.name === name));
  if (missing.length) {
    throw new UserError(
      `Input '${input}': ${missing.map((m) => JSON.stringify(m)).join(', ')} ${missing.length === 1 ? 'does' : 'do'} ` +
        'not exist in CloudWatch (an alarm that does not exist never fires: create it or fix the name)',
    );
  }
  const byPrefix = (await Promise.all(prefixes.map((p) => cloudwatch.alarmsWithPrefix(p)))).flat();
  const unique = new Map<string, AlarmState>();
  for (const alarm of [...named, ...byPrefix]) unique.set(alarm.name, alarm);
  return [...unique.values()];
}
