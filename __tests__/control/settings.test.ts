import { refuseDeployInputsForRollback } from '../../src/deploy/operating-settings.js';
import { parseDeploySettings } from '../../src/deploy/settings.js';
import { recordInputs } from '../../src/inputs.js';

const base = { cluster: 'web', service: 'api', 'task-definition': 'api:7' };
const parse = (inputs: Record<string, string>) => parseDeploySettings(recordInputs({ ...base, ...inputs }));

describe('pause and keep-previous inputs', () => {
  test('defaults: a pause waits 1h then rolls back; blue is deleted at promotion', () => {
    expect(parse({ steps: '10%:pause, 100%' })).toMatchObject({
      steps: [
        { percent: 10, holdMs: 0, pause: true },
        { percent: 100, holdMs: 0 },
      ],
      pauseTimeoutMs: 3_600_000,
      onPauseTimeout: 'rollback',
      keepPrevious: false,
    });
  });

  test('pause-timeout, on-pause-timeout and keep-previous as given', () => {
    expect(
      parse({
        steps: '10%:pause, 100%',
        'pause-timeout': '2h30m',
        'on-pause-timeout': 'promote',
        'keep-previous': 'true',
      }),
    ).toMatchObject({ pauseTimeoutMs: 9_000_000, onPauseTimeout: 'promote', keepPrevious: true });
  });

  test('time paused is not part of the plan the timeout must cover', () => {
    expect(parse({ steps: '10%:pause, 100%', 'pause-timeout': '3h', timeout: '10m' }).timeoutMs).toBe(
      600_000,
    );
  });

  test.each([
    [
      { 'pause-timeout': '2h' },
      `Input 'pause-timeout': "2h" is not valid: no step pauses: add a step such as "10%:pause"`,
    ],
    [{ 'on-pause-timeout': 'promote' }, `Input 'on-pause-timeout': "promote" is not valid: no step pauses`],
    [
      { steps: '10%:pause, 100%', 'pause-timeout': '0s' },
      `Input 'pause-timeout': "0s" is not valid: must be longer than 0s`,
    ],
    [
      { steps: '10%:pause, 100%', 'pause-timeout': 'an hour' },
      `Input 'pause-timeout': "an hour" is not valid`,
    ],
    [
      { steps: '10%:pause, 100%', 'on-pause-timeout': 'continue' },
      `Input 'on-pause-timeout': "continue" is not valid: expected one of rollback, promote`,
    ],
    [{ 'keep-previous': 'yes' }, `Input 'keep-previous': "yes" is not valid: expected true or false`],
  ])('refuses %j', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(message);
  });
});

describe('rollback: true', () => {
  test('a deploy parse refuses it: the action sends a rollback down its own path', () => {
    expect(() => parse({ rollback: 'true' })).toThrow("Input 'rollback' is true");
  });

  test('goes with the service and routing inputs only', () => {
    expect(() =>
      refuseDeployInputsForRollback(
        recordInputs({ ...base, 'task-definition': '', 'keep-previous': 'false' }),
      ),
    ).not.toThrow();
  });

  test.each([
    [
      { 'task-definition': 'api:7' },
      `Input 'task-definition': "api:7" is not valid: with 'rollback: true' nothing new is deployed`,
    ],
    [{ manifest: 'm.json' }, `Input 'manifest': "m.json"`],
    [{ image: 'shop/api:2' }, `Input 'image': "shop/api:2"`],
    [{ 'keep-previous': 'true' }, `Input 'keep-previous': "true"`],
  ])('refuses %j beside it', (inputs, message) => {
    expect(() => refuseDeployInputsForRollback(recordInputs(inputs))).toThrow(message);
  });
});
