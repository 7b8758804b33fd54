import { runControlCommand } from '../../src/control/cli.js';
import type { ControlPorts } from '../../src/control/commands.js';
import { FakeAws } from '../support/fake-aws.js';
import { FakeClock } from '../support/fake-clock.js';

function ports(): { aws: FakeAws; ports: ControlPorts } {
  const clock = new FakeClock();
  const aws = new FakeAws(clock);
  return {
    aws,
    ports: { ...aws.ports(), identity: { callerArn: async () => 'arn:aws:iam::1:user/bob' }, clock },
  };
}
const run = (
  command: 'status' | 'promote' | 'abort' | 'rollback',
  flags: Record<string, string>,
  p: ControlPorts,
) => {
  let text = '';
  return runControlCommand(command, flags, (t) => (text += t), p).then((code) => ({ code, text }));
};

test('status of a service no run deployed says so', async () => {
  const { ports: p } = ports();
  expect(await run('status', { cluster: 'web', service: 'api' }, p)).toEqual({
    code: 0,
    text: 'web/api: no deploy by safe-deploy found\nkept release: none\n',
  });
});

test.each([
  [
    'status',
    { cluster: 'web', service: 'api', wait: '5s' },
    'status does not take --wait; it takes --cluster, --service, --json',
  ],
  ['promote', { cluster: 'web' }, `Input 'service': "" is not valid: a value is required`],
  ['abort', { cluster: 'web', service: 'api', wait: '5' }, `Input 'wait': "5" is not valid`],
  ['rollback', { cluster: 'web', service: 'api', json: 'true' }, 'rollback does not take --json'],
] as const)('%s %j is refused clearly', async (command, flags, message) => {
  const { aws, ports: p } = ports();
  await expect(run(command, flags, p)).rejects.toThrow(message);
  expect(aws.calls).toEqual([]);
});

test('a missing cluster or permission is the user’s to fix, without a stack trace', async () => {
  const { aws, ports: p } = ports();
  aws.fail(
    'DescribeServices',
    Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' }),
  );
  await expect(run('status', { cluster: 'nope', service: 'api' }, p)).rejects.toMatchObject({
    name: 'UserError',
    message: "Cluster 'nope' was not found",
  });
  aws.fail(
    'DescribeServices',
    Object.assign(new Error('User: bob is not authorized to perform: ecs:DescribeServices'), {
      name: 'AccessDeniedException',
    }),
  );
  await expect(run('status', { cluster: 'web', service: 'api' }, p)).rejects.toMatchObject({
    name: 'UserError',
    message:
      'User: bob is not authorized to perform: ecs:DescribeServices (the IAM actions each command needs: docs/operating.md)',
  });
});
