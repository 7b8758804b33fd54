// Bundles every action entry point (src/actions/<name>.ts -> dist/<name>/index.js) and the CLI
// (src/cli.ts -> dist/cli/index.js) with ncc. The bundles are committed: the runner executes them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const entries = readdirSync('src/actions')
  .filter((file) => file.endsWith('.ts'))
  .map((file) => [file.replace(/\.ts$/, ''), join('src/actions', file)]);
if (existsSync('src/cli.ts')) entries.push(['cli', 'src/cli.ts']);

const only = process.argv.slice(2);
const selected = only.length ? entries.filter(([name]) => only.includes(name)) : entries;
if (!only.length) rmSync('dist', { recursive: true, force: true });
for (const [name, source] of selected) {
  const out = join('dist', name);
  rmSync(out, { recursive: true, force: true });
  execFileSync('npx', ['ncc', 'build', source, '-o', out, '--minify', '--license', 'licenses.txt', '-q'], {
    stdio: 'inherit',
  });
  console.log(`built ${out}/index.js`);
}
