/**
 * Runs a built bundle under `dist/` on Node 24 exactly as the runner does; the same code the demo and
 * the benchmark use (scripts/lib/run-action.mjs).
 */
export {
  node24,
  parseFileCommand,
  runAction,
  type ActionRun,
  type RunOptions,
} from '../../scripts/lib/run-action.mjs';
