import {
  cadencedProgress,
  describeHold,
  ProgressCadence,
  waitProgress,
  type HoldProgress,
} from '../../src/deploy/progress.js';
import { deploy, scenario } from './harness.js';

const START = Date.parse('2026-11-23T10:00:00Z');
const hold = (over: Partial<HoldProgress> = {}): HoldProgress => ({
  at: START,
  phase: 'shift',
  traffic: 10,
  label: 'step 1/3: 10%',
  elapsedMs: 80_000,
  totalMs: 300_000,
  watched: 3,
  notOk: {},
  note: '',
  ...over,
});

describe('describeHold', () => {
  it('says the phase and the wait, green’s share, the time left, the alarms and the comparisons', () => {
    expect(describeHold(hold({ comparisons: ['error-rate pass', 'p99-latency waiting'] }))).toBe(
      'shift: step 1/3: 10% · green 10% · 1m20s of 5m, 3m40s left · 3 alarms OK · ' +
        'error-rate pass, p99-latency waiting',
    );
  });

  it('names the alarms that are not OK, beside how many are watched', () => {
    expect(describeHold(hold({ notOk: { 'api-5xx': 'ALARM', 'api-p99': 'INSUFFICIENT_DATA' } }))).toContain(
      '· 3 alarms: api-5xx ALARM, api-p99 INSUFFICIENT_DATA',
    );
  });

  it('counts up when the wait ends on a condition alone, keeps its note, and never shows time left below 0', () => {
    expect(
      describeHold(
        hold({
          phase: 'bake',
          label: 'bake',
          traffic: 100,
          totalMs: undefined,
          watched: 0,
          note: ', 120/500 requests',
        }),
      ),
    ).toBe('bake · green 100% · 1m20s so far · no alarms watched · 120/500 requests');
    expect(describeHold(hold({ elapsedMs: 310_000, watched: 1 }))).toContain('0s left · 1 alarm OK');
  });

  it('shows a hold begun a moment after its end was set at its whole length, time left rounded up', () => {
    // A 2 s bake whose hold began 1 ms after the bake set its end: 1,999 ms long.
    const bake = (elapsedMs: number) =>
      describeHold(hold({ phase: 'bake', label: 'bake', traffic: 100, totalMs: 1_999, elapsedMs }));
    expect(bake(0)).toContain('bake · green 100% · 0s of 2s, 2s left');
    expect(bake(1_000)).toContain('· 1s of 2s, 1s left');
    expect(bake(1_500)).toContain('· 1s of 2s, 1s left');
    expect(bake(2_300)).toContain('· 2s of 2s, 0s left');
  });
});

describe('ProgressCadence', () => {
  it('prints the first report, every change, and otherwise never more than 30 s apart', () => {
    const cadence = new ProgressCadence();
    const at = (s: number, over: Partial<HoldProgress> = {}) =>
      cadence.due(hold({ at: START + s * 1000, elapsedMs: s * 1000, ...over }));
    expect(at(0)).toBe(true);
    expect(at(10)).toBe(false); // only the time moved
    expect(at(15, { notOk: { 'api-5xx': 'INSUFFICIENT_DATA' } })).toBe(true);
    expect(at(25, { notOk: { 'api-5xx': 'INSUFFICIENT_DATA' } })).toBe(false);
    expect(at(30)).toBe(true); // back to OK
    expect(at(40)).toBe(false);
    // Reports come at least every 10 s: the first one 20 s or more after the last line is printed, so
    // no gap is over 30 s (a poll that answered a moment early no longer waits 10 s more for the next).
    expect(at(49.9)).toBe(false);
    expect(at(50)).toBe(true);
    expect(at(51, { traffic: 25, label: 'step 2/3: 25%' })).toBe(true);
    expect(at(52, { traffic: 25, label: 'step 2/3: 25%', comparisons: ['error-rate pass'] })).toBe(true);
  });
});

describe('ProgressCadence with reports as a real 10 s poll makes them', () => {
  it('never leaves more than 30 s between lines, whatever each alarm read took', () => {
    // Each report comes after its poll's alarm read: 0 to 0.9 s after the poll, varying poll by poll.
    const cadence = new ProgressCadence();
    const printed: number[] = [];
    for (let k = 0; k <= 30; k++) {
      const at = k * 10_000 + ((k * 7919) % 10) * 90;
      if (cadence.due(hold({ at, elapsedMs: at }))) printed.push(at);
    }
    const gaps = printed.slice(1).map((at, i) => at - printed[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000 + 900);
    expect(printed.length).toBeGreaterThanOrEqual(10);
  });
});

describe('progress lines in a log that cannot redraw (the Actions log), on the fake clock', () => {
  function collect(s: ReturnType<typeof scenario>) {
    const lines: { at: number; line: string }[] = [];
    const progress = cadencedProgress((line) => lines.push({ at: s.clock.now(), line }));
    return { lines, log: logWith(s, progress) };
  }

  it('prints at least two lines during a 60 s hold, at most 30 s apart', async () => {
    const s = scenario();
    const { lines, log } = collect(s);
    const report = await deploy(s, { steps: '50%:60s, 100%', 'bake-time': '1m' }, { log });
    expect(report.result).toBe('deployed');
    const step = lines.filter(({ line }) => line.startsWith('shift: step 1/2: 50% · green 50% · '));
    expect(step.length).toBeGreaterThanOrEqual(2);
    expect(step[0]!.line).toBe('shift: step 1/2: 50% · green 50% · 0s of 1m, 1m left · 1 alarm OK');
    expect(step.at(-1)!.line).toMatch(
      /^shift: step 1\/2: 50% · green 50% · (30s|1m) of 1m, (30s|0s) left · 1 alarm OK$/,
    );
    expectGapsAtMost30s(lines);
    const bake = lines.filter(({ line }) => line.startsWith('bake · green 100% · '));
    expect(bake.length).toBeGreaterThanOrEqual(2);
  });

  it('reports every 30 s even when the poll interval is longer, and at once when an alarm changes', async () => {
    const s = scenario(['api-5xx', 'api-p99']);
    const { lines, log } = collect(s);
    s.clock.after(95_000, () => s.aws.setAlarm('api-p99', 'INSUFFICIENT_DATA'));
    const report = await deploy(
      s,
      {
        steps: 'AllAtOnce',
        'bake-time': '5m',
        'poll-interval': '2m',
        alarms: 'api-5xx, api-p99',
        timeout: '1h',
      },
      { log },
    );
    expect(report.result).toBe('deployed');
    const bake = lines.filter(({ line }) => line.startsWith('bake · '));
    expectGapsAtMost30s(bake);
    expect(bake.some(({ line }) => line.includes('· 2 alarms: api-p99 INSUFFICIENT_DATA'))).toBe(true);
  });

  function expectGapsAtMost30s(lines: { at: number }[]): void {
    const gaps = lines.slice(1).map(({ at }, i) => at - lines[i]!.at);
    expect(gaps.filter((gap) => gap > 30_000)).toEqual([]);
  }
});

describe('waitProgress: the lines of a rollback waiting for ECS', () => {
  it('prints at the first read, when what AWS shows changes, and every 30 s otherwise', () => {
    let now = START;
    const lines: string[] = [];
    const report = waitProgress(
      (line) => lines.push(line),
      () => now,
    );
    const at = (seconds: number, text: string) => {
      now = START + seconds * 1000;
      report(text);
    };
    at(0, 'waiting for blue to run all its tasks (1 of 4 running)');
    at(2, 'waiting for blue to run all its tasks (1 of 4 running)');
    at(4, 'waiting for blue to run all its tasks (3 of 4 running)');
    at(33.9, 'waiting for blue to run all its tasks (3 of 4 running)');
    at(34, 'waiting for blue to run all its tasks (3 of 4 running)');
    expect(lines).toEqual([
      'rollback: waiting for blue to run all its tasks (1 of 4 running) · 0s so far',
      'rollback: waiting for blue to run all its tasks (3 of 4 running) · 4s so far',
      'rollback: waiting for blue to run all its tasks (3 of 4 running) · 34s so far',
    ]);
  });

  it("a breach whose rollback waits 70 s for blue's tasks says so in the log while it waits", async () => {
    const s = scenario();
    s.aws.taskStartMs = 70_000;
    s.clock.after(90_000, () => s.aws.setAlarm('api-5xx', 'ALARM'));
    const report = await deploy(s, {
      'listener-arn': '',
      routing: 'task-sets',
      steps: '50%:5m, 100%',
    });
    expect(report.result).toBe('rolled-back');
    const waits = s.logs.filter((line) => line.startsWith('rollback: waiting for blue to run all its tasks'));
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits[0]).toMatch(/^rollback: waiting for blue to run all its tasks \(.*\) · 0s so far$/);
    expect(waits.at(-1)).toMatch(/ · 1m( \d+s)? so far$/);
  });
});

function logWith(s: ReturnType<typeof scenario>, progress: (hold: HoldProgress) => void) {
  return {
    info: (m: string) => s.logs.push(m),
    warn: (m: string) => s.logs.push(`warning: ${m}`),
    debug: () => undefined,
    group: <T>(_name: string, run: () => Promise<T>) => run(),
    progress,
  };
}
