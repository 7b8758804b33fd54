import type { AlarmState, CloudWatchPort } from '../../src/aws/cloudwatch.js';
import { resolveAlarms } from '../../src/alarms/resolve.js';
import { UserError } from '../../src/errors.js';

/** CloudWatch over a list of alarm names, answering after a tick and counting reads in flight. */
function cloudwatch(names: string[]): CloudWatchPort & { peak: number } {
  const state = (name: string): AlarmState => ({ name, type: 'metric', state: 'OK', reason: '' });
  let inFlight = 0;
  const port = {
    peak: 0,
    async answer<T>(value: T): Promise<T> {
      inFlight++;
      port.peak = Math.max(port.peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return value;
    },
    describeAlarms(wanted: readonly string[]) {
      const set = new Set(wanted);
      return port.answer(names.filter((n) => set.has(n)).map(state));
    },
    alarmsWithPrefix(prefix: string) {
      return port.answer(names.filter((n) => n.startsWith(prefix)).map(state));
    },
    requestCount: () => Promise.resolve(0),
    getMetricData: () => Promise.resolve([]),
  };
  return port;
}

test('named alarms and prefix matches, once each, with the prefixes that matched nothing', async () => {
  const cw = cloudwatch(['api-5xx', 'api-latency', 'db-lag', 'web-5xx']);
  const alarms = await resolveAlarms(cw, ['db-lag', 'api-5xx'], ['api-', 'web-', 'apl-'], 'alarms');
  expect(alarms.map((a) => a.name).sort()).toEqual(['api-5xx', 'api-latency', 'db-lag', 'web-5xx']);
  expect(alarms.unmatchedPrefixes).toEqual(['apl-']);
  // The names and the three prefixes were read side by side.
  expect(cw.peak).toBe(4);
});

test('a missing alarm is an input error naming each missing name once', async () => {
  const cw = cloudwatch(['api-5xx']);
  const attempt = resolveAlarms(cw, ['api-5xx', 'api-latncy', 'db-lag', 'db-lag'], [], 'alarms');
  await expect(attempt).rejects.toThrow(UserError);
  await expect(resolveAlarms(cw, ['api-latncy', 'db-lag', 'db-lag'], [], 'alarms')).rejects.toThrow(
    `Input 'alarms': "api-latncy", "db-lag" do not exist in CloudWatch`,
  );
});

test('20,000 names are checked against what exists in linear time', async () => {
  const names = Array.from({ length: 20_000 }, (_, i) => `api-${i}`);
  const cw = cloudwatch(names);
  const started = performance.now();
  const alarms = await resolveAlarms(cw, names, [], 'alarms');
  expect(alarms).toHaveLength(20_000);
  // A check of each name against every alarm (2·10^8 comparisons) takes seconds; a set, milliseconds.
  expect(performance.now() - started).toBeLessThan(500);
});
