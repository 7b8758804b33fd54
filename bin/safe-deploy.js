#!/usr/bin/env node
// The `safe-deploy` command: runs the committed CLI bundle (built from src/cli.ts by
// `node scripts/build.mjs cli`), so `npx safe-deploy` needs no build step.
import '../dist/cli/index.js';
