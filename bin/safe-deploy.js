#!/usr/bin/env node
// The `safe-deploy` command: runs the committed CLI entry (dist/cli/index.js, built from src/cli.ts by
// `npm run build`), so `npx safe-deploy` and `node bin/safe-deploy.js` run the same file, with no build step.
import '../dist/cli/index.js';
