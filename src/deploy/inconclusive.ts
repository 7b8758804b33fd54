import type { GreenBlueAnalysis } from '../compare/analysis.js';
import { neverJudged } from '../compare/model.js';
import { formatDuration } from '../duration.js';
import type { DeployContext } from './context.js';
import { Stop } from './watch.js';

/**
 * At the end of the bake: a comparison that never had the samples its rule needs said nothing about green.
 * `on-inconclusive` decides what that means, as Argo Rollouts' inconclusive analysis does: `promote` (the
 * default) goes on with a warning annotation, `pause` holds green at 100% until `safe-deploy promote` (then
 * `on-pause-timeout` after `pause-timeout`), `rollback` rolls back. Judged comparisons need nothing here.
 */
export async function settleInconclusive(ctx: DeployContext, analysis: GreenBlueAnalysis): Promise<void> {
  const { settings: s, deps, timeline, watch } = ctx;
  const unjudged = neverJudged(analysis.report());
  if (unjudged.length === 0) return;
  const what = unjudged.map(({ name, last }) => `${name} (${samplesOf(last)})`).join(', ');
  const said = `green-versus-blue comparison${unjudged.length > 1 ? 's' : ''} ${what} never had enough samples to be judged`;
  timeline.mark(
    `inconclusive: ${unjudged.map((u) => u.name).join(', ')} (on-inconclusive: ${s.onInconclusive})`,
  );
  if (s.onInconclusive === 'rollback') throw new Stop(`${said} (on-inconclusive: rollback)`);
  if (s.onInconclusive === 'pause') {
    const limit = formatDuration(s.pauseTimeoutMs);
    deps.log.warn(
      `${said}: paused at 100% until promoted (safe-deploy promote --cluster ${s.cluster} --service ${s.service}), ` +
        `up to pause-timeout ${limit}, then ${s.onPauseTimeout === 'promote' ? 'goes on' : 'rolls back'} (on-inconclusive: pause)`,
    );
    const end = await watch.hold(deps.clock.now() + s.pauseTimeoutMs, {
      label: 'inconclusive comparison paused',
      promotable: { kind: 'pause', key: 'inconclusive' },
    });
    if (end === 'promoted') return;
    if (s.onPauseTimeout === 'rollback') {
      throw new Stop(
        `${said}, and green was not promoted within pause-timeout ${limit} (on-inconclusive: pause)`,
      );
    }
    deps.log.warn(`Not promoted within pause-timeout ${limit}: going on (on-pause-timeout: promote)`);
    return;
  }
  deps.log.warn(`${said}: green is promoted without them (on-inconclusive: promote)`);
}

function samplesOf(last: { samples: number; minSamples: number; unit: string } | undefined): string {
  if (!last) return 'never read';
  return `${last.samples} of ${last.minSamples} ${last.unit === 'rate' ? 'green requests' : 'minutes of data'}`;
}
