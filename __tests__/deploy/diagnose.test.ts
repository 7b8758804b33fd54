import { diagnose, renderDiagnosisText, taskSetIdOf } from '../../src/deploy/diagnose.js';
import { renderDiagnosisMarkdown } from '../../src/report/diagnosis.js';
import { FakeAws, GREEN_TG } from '../support/fake-aws.js';
import { FakeClock } from '../support/fake-clock.js';

const GREEN = 'arn:aws:ecs:us-east-1:111111111111:task-set/web/api/ecs-svc/0000000000000000002';
const clock = new FakeClock();
const since = clock.now();
const at = (s: number): Date => new Date(since + s * 1000);

function crashLoop(aws: FakeAws, count: number): void {
  for (let i = 0; i < count; i++) {
    aws.stoppedTasks.push({
      taskArn: `arn:aws:ecs:us-east-1:111111111111:task/web/${i.toString(16).padStart(32, '0')}`,
      startedBy: 'ecs-svc/0000000000000000002',
      stoppedAt: at(10 + i),
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
      ],
    });
  }
}

test('the task set id in startedBy comes from its ARN', () => {
  expect(taskSetIdOf(GREEN)).toBe('ecs-svc/0000000000000000002');
});

test('stopped tasks, unhealthy targets and events since the start: deduplicated, newest first, bounded', async () => {
  const aws = new FakeAws(clock);
  crashLoop(aws, 40);
  // A task of another task set (blue) is not green's.
  aws.stoppedTasks.push({
    taskArn: 'arn:aws:ecs:us-east-1:111111111111:task/web/blue',
    startedBy: 'ecs-svc/0000000000000000001',
    stoppedReason: 'Scaling activity initiated by deployment',
    containers: [],
  });
  aws.unhealthyTargets.set(GREEN_TG, [
    ...['10.0.1.5', '10.0.1.6', '10.0.2.9'].map((ip) => ({
      Target: { Id: ip, Port: 80 },
      TargetHealth: {
        State: 'unhealthy' as const,
        Reason: 'Target.ResponseCodeMismatch' as const,
        Description: 'Health checks failed with these codes: [502]',
      },
    })),
  ]);
  aws.serviceEvents = [
    ...Array.from({ length: 30 }, (_, i) => ({
      id: `e${i}`,
      createdAt: at(100 - i),
      message: `(service api, taskSet ecs-svc/0000000000000000002) has started 1 tasks: (task ${(i + 1).toString(16).padStart(32, '0')}).`,
    })),
    {
      id: 'x',
      createdAt: at(50),
      message:
        '(service api) was unable to place a task because no container instance met all of its requirements.',
    },
    { id: 'old', createdAt: new Date(since - 60_000), message: '(service api) has reached a steady state.' },
  ];

  const d = await diagnose(
    { cluster: 'web', service: 'api', since, taskSetArn: GREEN, targetGroupArn: GREEN_TG },
    aws.ports(),
  );
  expect(d.stoppedTasks).toEqual([
    {
      at: at(49).toISOString(),
      text: 'EssentialContainerExited: Essential container in task exited; containers: app exit 137 (OutOfMemoryError: Container killed due to memory usage)',
      count: 40,
    },
  ]);
  expect(d.unhealthyTargets).toEqual([
    {
      at: undefined,
      text: 'unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [502]',
      count: 3,
    },
  ]);
  // The 30 "has started" events differ only by task id: one line; the earlier deploy's event is left out.
  expect(d.events.map((e) => [e.count, e.text.slice(0, 40)])).toEqual([
    [30, '(service api, taskSet ecs-svc/0000000000'],
    [1, '(service api) was unable to place a task'],
  ]);
  expect(d.events[0]!.at).toBe(at(100).toISOString());
  expect(d.unreadable).toEqual([]);

  const text = renderDiagnosisText(d);
  expect(text).toContain('Essential container in task exited; containers: app exit 137');
  expect(text).toContain('(×40)');
  const md = renderDiagnosisMarkdown(d);
  expect(md).toContain('### Why green failed');
  expect(md).toContain('Health checks failed with these codes: \\[502\\] (×3)');
  expect(md.length).toBeLessThan(3000);
});

test('a very long message is cut; an unreadable source is named and the rest still shown', async () => {
  const aws = new FakeAws(clock);
  aws.serviceEvents = [{ id: 'e', createdAt: at(1), message: `x${'y'.repeat(2000)}` }];
  aws.fail(
    'ListTasks',
    Object.assign(new Error('not authorized to perform ecs:ListTasks'), { name: 'AccessDeniedException' }),
  );
  const d = await diagnose(
    { cluster: 'web', service: 'api', since, taskSetArn: GREEN, targetGroupArn: undefined },
    aws.ports(),
  );
  expect(d.events[0]!.text.length).toBe(300);
  expect(d.events[0]!.text.endsWith('…')).toBe(true);
  expect(d.unreadable).toEqual(['stopped tasks: not authorized to perform ecs:ListTasks']);
  expect(renderDiagnosisText(d)).toContain(
    'Could not read: stopped tasks: not authorized to perform ecs:ListTasks',
  );
});

test('nothing found says so', async () => {
  const aws = new FakeAws(clock);
  const d = await diagnose(
    { cluster: 'web', service: 'api', since, taskSetArn: GREEN, targetGroupArn: GREEN_TG },
    aws.ports(),
  );
  expect(renderDiagnosisMarkdown(d)).toContain(
    'ECS reported no stopped tasks, unhealthy targets or service events',
  );
});
