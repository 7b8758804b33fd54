import { parseSteps } from '../../src/deploy/steps.js';

describe('parseSteps: the N%:pause form', () => {
  test('a pause step holds until promoted, between timed steps', () => {
    expect(parseSteps('10%:5m, 50%:pause, 100%')).toEqual([
      { percent: 10, holdMs: 300_000 },
      { percent: 50, holdMs: 0, pause: true },
      { percent: 100, holdMs: 0 },
    ]);
  });

  test('100% may pause too (held until promoted, then the bake)', () => {
    expect(parseSteps('25%:pause\n100%:pause')).toEqual([
      { percent: 25, holdMs: 0, pause: true },
      { percent: 100, holdMs: 0, pause: true },
    ]);
  });

  test.each([
    [
      '10%:paused, 100%',
      `Input 'steps': "10%:paused" is not valid: expected a hold time such as "10%:5m", or "10%:pause"`,
    ],
    ['10%:Pause, 100%', `Input 'steps': "10%:Pause" is not valid`],
    ['10%:pause:5m, 100%', `Input 'steps': "pause:5m" is not valid: expected a duration`],
    ['10%:pause', 'the last step must be 100%'],
  ])('refuses %j', (text, message) => {
    expect(() => parseSteps(text)).toThrow(message);
  });
});
