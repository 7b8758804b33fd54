import { ProgressLine } from '../../src/cli/progress.js';
import type { HoldProgress } from '../../src/deploy/progress.js';

const hold = (over: Partial<HoldProgress> = {}): HoldProgress => ({
  at: Date.parse('2026-11-23T10:00:00Z'),
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

describe('ProgressLine', () => {
  function line(columns = 100) {
    let screen = '';
    return {
      progress: new ProgressLine(
        (t) => (screen += t),
        () => columns,
      ),
      screen: () => screen,
    };
  }

  it('rewrites the line in place, cut to the terminal width', () => {
    const { progress, screen } = line(50);
    progress.update(hold());
    progress.update(hold({ elapsedMs: 90_000 }));
    expect(screen()).toBe(
      '\r\x1b[Kshift: step 1/3: 10% · green 10% · 1m20s of 5m, …\r\x1b[Kshift: step 1/3: 10% · green 10% · 1m30s of 5m, …',
    );
  });

  it('clears itself for a log line and draws itself again under it', () => {
    const { progress, screen } = line();
    const shown = 'shift: step 1/3: 10% · green 10% · 1m20s of 5m, 3m40s left · 3 alarms OK';
    progress.update(hold());
    progress.log('Green takes 10% of production traffic\n');
    expect(screen()).toBe(`\r\x1b[K${shown}\r\x1b[KGreen takes 10% of production traffic\n${shown}`);
  });

  it('goes away when a new phase starts and when the deploy ends', () => {
    const { progress, screen } = line();
    progress.update(hold());
    progress.log('\n== Promote\n');
    expect(screen().endsWith('\r\x1b[K\n== Promote\n')).toBe(true);
    progress.log('Promoted\n');
    expect(screen().endsWith('Promoted\n')).toBe(true);
    progress.update(hold({ phase: 'bake', label: 'bake' }));
    progress.done();
    expect(screen().endsWith('\r\x1b[K')).toBe(true);
  });
});
