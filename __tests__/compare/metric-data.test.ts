import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { SdkCloudWatch, type MetricQuery } from '../../src/aws/cloudwatch.js';

const cw = mockClient(CloudWatchClient);
afterEach(() => cw.reset());
const port = () =>
  new SdkCloudWatch(
    new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );
const query = (i: number): MetricQuery => ({
  id: `q${i}`,
  metric: {
    namespace: 'Shop',
    name: 'Requests',
    dimensions: [{ name: 'Version', value: String(i) }],
    stat: 'Sum',
  },
  periodSeconds: 60,
});

test('reads up to 500 queries a call, as GetMetricData allows', async () => {
  const sizes: number[] = [];
  cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    sizes.push(input.MetricDataQueries!.length);
    return { MetricDataResults: input.MetricDataQueries!.map((q) => ({ Id: q.Id, Values: [1] })) };
  });
  const series = await port().getMetricData(
    Array.from({ length: 1200 }, (_, i) => query(i)),
    new Date(0),
    new Date(60_000),
  );
  expect(sizes).toEqual([500, 500, 200]);
  expect(series).toHaveLength(1200);
  expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries![0]).toEqual({
    Id: 'q0',
    MetricStat: {
      Metric: { Namespace: 'Shop', MetricName: 'Requests', Dimensions: [{ Name: 'Version', Value: '0' }] },
      Period: 60,
      Stat: 'Sum',
    },
  });
});

test('follows NextToken pages and joins each series, expressions sent as written', async () => {
  cw.on(GetMetricDataCommand)
    .resolvesOnce({
      MetricDataResults: [{ Id: 'e', Label: 'e', Timestamps: [new Date(0)], Values: [1] }],
      NextToken: 'more',
    })
    .resolvesOnce({
      MetricDataResults: [{ Id: 'e', Label: 'e', Timestamps: [new Date(60_000)], Values: [2] }],
    });
  const series = await port().getMetricData(
    [{ id: 'e', expression: "SUM(SEARCH('{Shop} Version=\"7\"', 'Sum', 60))", periodSeconds: 60 }],
    new Date(0),
    new Date(120_000),
  );
  expect(series).toEqual([
    { id: 'e', label: 'e', timestamps: [new Date(0), new Date(60_000)], values: [1, 2] },
  ]);
  const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
  expect(calls.map((c) => c.NextToken)).toEqual([undefined, 'more']);
  expect(calls[0]!.MetricDataQueries).toEqual([
    { Id: 'e', Expression: "SUM(SEARCH('{Shop} Version=\"7\"', 'Sum', 60))", Period: 60 },
  ]);
});
