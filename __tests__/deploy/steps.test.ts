import { parseSteps } from '../../src/deploy/steps.js';

const m = 60_000;

describe('parseSteps', () => {
  test.each([
    ['AllAtOnce', [{ percent: 100, holdMs: 0 }]],
    ['CodeDeployDefault.ECSAllAtOnce', [{ percent: 100, holdMs: 0 }]],
    [
      'Canary10Percent5Minutes',
      [
        { percent: 10, holdMs: 5 * m },
        { percent: 100, holdMs: 0 },
      ],
    ],
    [
      'CodeDeployDefault.ECSCanary10Percent15Minutes',
      [
        { percent: 10, holdMs: 15 * m },
        { percent: 100, holdMs: 0 },
      ],
    ],
    [
      'Canary25Percent1Minute',
      [
        { percent: 25, holdMs: m },
        { percent: 100, holdMs: 0 },
      ],
    ],
    [
      'Linear10PercentEvery1Minutes',
      [
        ...Array.from({ length: 9 }, (_, i) => ({ percent: (i + 1) * 10, holdMs: m })),
        { percent: 100, holdMs: 0 },
      ],
    ],
    [
      'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
      [
        ...Array.from({ length: 9 }, (_, i) => ({ percent: (i + 1) * 10, holdMs: 3 * m })),
        { percent: 100, holdMs: 0 },
      ],
    ],
    [
      'Linear30PercentEvery2Minutes',
      [
        { percent: 30, holdMs: 2 * m },
        { percent: 60, holdMs: 2 * m },
        { percent: 90, holdMs: 2 * m },
        { percent: 100, holdMs: 0 },
      ],
    ],
    [
      '10%:5m, 50%:10m, 100%',
      [
        { percent: 10, holdMs: 5 * m },
        { percent: 50, holdMs: 10 * m },
        { percent: 100, holdMs: 0 },
      ],
    ],
    [
      '1%:90s,100%:1h30m',
      [
        { percent: 1, holdMs: 90_000 },
        { percent: 100, holdMs: 90 * m },
      ],
    ],
    [
      '5%:1m\n100%',
      [
        { percent: 5, holdMs: m },
        { percent: 100, holdMs: 0 },
      ],
    ],
    ['100%', [{ percent: 100, holdMs: 0 }]],
  ])('%s', (text, steps) => {
    expect(parseSteps(text)).toEqual(steps);
  });

  test.each([
    [
      'Canary0Percent5Minutes',
      `Input 'steps': "Canary0Percent5Minutes" is not valid: a preset percent must be from 1 to 99`,
    ],
    ['Canary100Percent5Minutes', 'a preset percent must be from 1 to 99'],
    [
      'Blue',
      `Input 'steps': "Blue" is not valid: expected a list such as "10%:5m, 50%:10m, 100%" or a preset`,
    ],
    ['10%:5m, 50%:10m', `Input 'steps': "10%:5m, 50%:10m" is not valid: the last step must be 100%`],
    ['50%:5m, 10%:5m, 100%', 'percents must rise: 10% follows 50%'],
    ['10%:5m, 10%:5m, 100%', 'percents must rise: 10% follows 10%'],
    ['10%:5x, 100%', `Input 'steps': "5x" is not valid: expected a duration such as 90s, 5m or 1h30m`],
    ['10:5m, 100%', `Input 'steps': "10:5m" is not valid: expected a step such as "10%:5m"`],
    ['0%:1m, 100%', 'a step percent must be from 1 to 100'],
    ['150%', 'a step percent must be from 1 to 100'],
    [
      '10%:5m,, 100%',
      `Input 'steps': "10%:5m,, 100%" is not valid: an empty item between two commas after "10%:5m"`,
    ],
    [
      ', 10%:5m, 100%',
      `Input 'steps': ", 10%:5m, 100%" is not valid: an empty item: the line starts with a comma`,
    ],
    [
      '10%:5m, 100%,',
      `Input 'steps': "10%:5m, 100%," is not valid: an empty item: a comma ends the line after "100%"`,
    ],
    [
      '10%:5m,\n100%',
      `Input 'steps': "10%:5m," is not valid: an empty item: a comma ends the line after "10%:5m"`,
    ],
    [' , ,', `Input 'steps': ", ," is not valid: only commas`],
  ])('refuses %j', (text, message) => {
    expect(() => parseSteps(text)).toThrow(message);
  });
});
