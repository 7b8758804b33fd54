import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { BATCHES_IN_FLIGHT, FULL_READ_IN_FLIGHT, SdkCloudWatch } from '../../src/aws/cloudwatch.js';
import { mapBounded } from '../../src/aws/bounded.js';

/** A client that answers every DescribeAlarms after a tick, counting the requests in flight. */
function countingClient(): { client: CloudWatchClient; most: () => number; sent: () => number } {
  let inFlight = 0;
  let most = 0;
  let sent = 0;
  const client = {
    send: async (command: { input: { AlarmNames?: string[] } }) => {
      sent++;
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return {
        MetricAlarms: (command.input.AlarmNames ?? []).map((name) => ({
          AlarmName: name,
          StateValue: 'OK',
          Period: 300,
        })),
      };
    },
  } as unknown as CloudWatchClient;
  return { client, most: () => most, sent: () => sent };
}

describe('batched reads are bounded in flight', () => {
  test("a poll's read of 5,000 alarm names in ALARM is 50 calls, never more than three at once", async () => {
    const counting = countingClient();
    const names = Array.from({ length: 5_000 }, (_, i) => `api-${i}`);
    await new SdkCloudWatch(counting.client).describeAlarms(names, { state: 'ALARM' });
    expect(counting.sent()).toBe(50);
    expect(BATCHES_IN_FLIGHT).toBe(3);
    expect(counting.most()).toBe(BATCHES_IN_FLIGHT);
  });

  test('a full read of 5,000 alarm names is 50 calls, one at a time', async () => {
    const counting = countingClient();
    const names = Array.from({ length: 5_000 }, (_, i) => `api-${i}`);
    const alarms = await new SdkCloudWatch(counting.client).describeAlarms(names);
    expect(alarms).toHaveLength(5_000);
    expect(counting.sent()).toBe(50);
    expect(FULL_READ_IN_FLIGHT).toBe(1);
    expect(counting.most()).toBe(1);
    // A 300 s alarm is still evaluated every minute: it holds a state it enters for at least 60 s.
    expect(alarms[0]).toMatchObject({ name: 'api-0', state: 'OK', holdsStateMs: 60_000 });
  });

  test('after one call fails, the calls not yet sent are not sent', async () => {
    const started: number[] = [];
    const read = mapBounded([1, 2, 3, 4, 5, 6, 7, 8], 2, async (n) => {
      started.push(n);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (n === 2) throw new Error('Rate exceeded');
      return n;
    });
    await expect(read).rejects.toThrow('Rate exceeded');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toEqual([1, 2, 3]);
  });

  test('results keep the order of the items', async () => {
    const out = await mapBounded([30, 10, 20], 3, async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    });
    expect(out).toEqual([30, 10, 20]);
  });
});
