import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// holdYoungGeneration sets a V8 flag at run time. V8 does not throw on a flag it does not know: it prints
// "unrecognized flag" on stderr and goes on, so a Node whose V8 dropped the flag would print that in every
// deploy's log and hold nothing. The Node running the tests (CI runs Node 24, as the actions do) must know
// the flag src/heap.ts sets, and setting it must be silent.
const source = readFileSync(new URL('../src/heap.ts', import.meta.url), 'utf8');
const flag = /setFlagsFromString\('(--[a-z-]+=\d+)'\)/.exec(source)?.[1] ?? '';

test('src/heap.ts sets one V8 flag with a value', () => {
  expect(flag).toBe('--semi-space-growth-factor=1');
});

test('the Node that runs the tests knows that flag', () => {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  expect(options.stdout).toContain(`  ${flag.split('=')[0]} (`);
});

test('setting it at run time prints nothing', () => {
  const script = `process.getBuiltinModule('node:v8').setFlagsFromString(${JSON.stringify(flag)}); console.log('set')`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(run.stdout).toBe('set\n');
  expect(run.stderr).toBe('');
});
