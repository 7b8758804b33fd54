/**
 * Runs a built entry on Node 24 exactly as the runner does; the same code the demo and the benchmark use
 * (scripts/lib/run-action.mjs). In tests the entries are a fresh build of the current sources
 * (jest's global setup, `SAFE_DEPLOY_DIST`), never the committed dist/.
 */
export {
  cliBin,
  distDir,
  entryFile,
  node24,
  parseFileCommand,
  runAction,
  type ActionRun,
  type RunOptions,
} from '../../scripts/lib/run-action.mjs';
