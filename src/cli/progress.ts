import { describeHold, type HoldProgress } from '../deploy/progress.js';

export { describeHold };

/**
 * The deploy's progress line at a terminal: rewritten in place after each poll of a hold, cleared
 * before any other log line and drawn again after it, so the log reads as if it were not there.
 */
export class ProgressLine {
  private shown = '';

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number = () => process.stdout.columns || 100,
  ) {}

  /** Shows where a hold stands, cut to the terminal's width. */
  update(hold: HoldProgress): void {
    const width = Math.max(20, this.columns() - 1);
    const line = describeHold(hold);
    this.shown = line.length > width ? `${line.slice(0, width - 1)}…` : line;
    this.write(`\r\x1b[K${this.shown}`);
  }

  /** Writes a log line under the progress line; a new phase's heading ends the hold it showed. */
  log(text: string): void {
    if (text.startsWith('\n== ')) this.done();
    if (!this.shown) return this.write(text);
    this.write(`\r\x1b[K${text}${text.endsWith('\n') ? '' : '\n'}${this.shown}`);
  }

  /** Removes the line (a hold ended, or the deploy did). */
  done(): void {
    if (this.shown) this.write('\r\x1b[K');
    this.shown = '';
  }
}
