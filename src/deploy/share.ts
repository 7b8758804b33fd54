import type { Timeline } from './timeline.js';

/**
 * Green's share of production traffic, 0-100: the lifecycle owns it and passes it to the router's moves
 * and checks; every change is also recorded on the timeline (which only records). Where ECS moves traffic
 * itself, the kind reports what ECS says here.
 */
export class GreenShare {
  private value = 0;
  private first: number | undefined;

  constructor(
    private readonly timeline: Timeline,
    private readonly now: () => number,
  ) {}

  get percent(): number {
    return this.value;
  }

  /** When green first took production traffic (epoch ms), if it has. */
  get firstTrafficAt(): number | undefined {
    return this.first;
  }

  /** Green now takes `percent` of production traffic; `note` says how, on the timeline. */
  moved(percent: number, note: string): void {
    this.value = percent;
    if (percent > 0) this.first ??= this.now();
    this.timeline.moved(percent, note);
  }
}
