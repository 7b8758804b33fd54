// Builds dist/: one bundle shared by every action and the CLI.
//
// Why esbuild and not ncc: ncc bundles one entry at a time, so six entries gave six copies of the AWS
// SDK, @actions/core and our own code (14 MB committed, and a change to shared code rewrote several
// files). esbuild bundles all entries in one pass with ESM code splitting: each module lands once, in a
// shared chunk under dist/chunks/, and each action gets a tiny entry (dist/<action>/index.js) that
// imports only the chunks its command uses. A dynamic `import()` becomes its own chunk, loaded only
// when that code runs (the artifact client, holidays, calendars, the AWS SDK after inputs parsed).
//
// Usage: node scripts/build.mjs [--outdir DIR] [--analyze]
//   --outdir  where to build (default dist; the end-to-end tests build into a temp dir)
//   --analyze also list the largest packages of each chunk over 100 KiB
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { outdir: { type: 'string' }, analyze: { type: 'boolean' } } });
const outdir = resolve(root, values.outdir ?? 'dist');

/** Each action's entry (src/actions/<name>.ts exports `run`) and the CLI (src/cli.ts exports `cli`). */
const actions = readdirSync(join(root, 'src/actions'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

// The entry files are generated: src/actions/<name>.ts only exports `run` (so @github/local-action can
// import it and call it), and the bundle entry is the two lines that call it.
const ENTRY = 'safe-deploy-entry';
const entryPlugin = {
  name: ENTRY,
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${ENTRY}:`) }, (args) => ({
      path: args.path.slice(ENTRY.length + 1),
      namespace: ENTRY,
    }));
    b.onLoad({ filter: /.*/, namespace: ENTRY }, (args) => {
      const contents =
        args.path === 'cli'
          ? `import { cli } from './src/cli.ts';\nawait cli(process.argv.slice(2));\n`
          : `import { run } from './src/actions/${args.path}.ts';\nawait run();\n`;
      return { contents, resolveDir: root, loader: 'ts' };
    });
  },
};

// moment-timezone (date-holidays reads a holiday's start and end in the gate's zone with it) loads the
// whole zone history since 1800: 715 KiB, the largest thing in the bundle. The gate needs present and
// future instants only, so the bundle carries the same rules filtered to 2000-2100 (about 100 KiB),
// made at build time with moment-timezone's own filterLinkPack.
const TZ_YEARS = [2000, 2100];
const zoneDataPlugin = {
  name: 'moment-timezone-years',
  setup(b) {
    b.onResolve({ filter: /^moment-timezone$/ }, () => ({ path: 'moment-timezone', namespace: 'tz-data' }));
    b.onLoad({ filter: /.*/, namespace: 'tz-data' }, () => {
      const utils = require('moment-timezone/moment-timezone-utils.js');
      const packed = require('moment-timezone/data/packed/latest.json');
      const unpacked = {
        ...packed,
        zones: packed.zones.map((zone) => utils.tz.unpack(zone)),
        countries: packed.countries.map((entry) => {
          const [name, zones] = entry.split('|');
          return { name, zones: zones.split(' ') };
        }),
      };
      const data = utils.tz.filterLinkPack(unpacked, ...TZ_YEARS);
      return {
        contents: `import moment from 'moment-timezone/moment-timezone.js';\nmoment.tz.load(${JSON.stringify(data)});\nexport default moment;\n`,
        resolveDir: root,
        loader: 'js',
      };
    });
  },
};

// @actions/core imports its OIDC client, and with it @actions/http-client and undici (400 KiB, about
// 70 ms to load), at start-up, only for getIDToken(), which these actions never call on the way to
// reading inputs. Inside @actions/core the OIDC module is replaced by a stand-in that loads the real
// one on first use, so an input error or a post step with nothing to do costs about a bare Node start.
const lazyOidcPlugin = {
  name: 'lazy-actions-core-oidc',
  setup(b) {
    b.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/.test(args.importer)
        ? { path: join(args.resolveDir, 'oidc-utils.js'), namespace: 'lazy-oidc' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-oidc' }, (args) => ({
      contents: [
        'export class OidcClient {',
        '  static async getIDToken(audience) {',
        `    const { OidcClient: Real } = await import(${JSON.stringify(args.path)});`,
        '    return Real.getIDToken(audience);',
        '  }',
        '}',
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

// ESM output: CommonJS dependencies bundled inside still call require() and read __dirname.
const banner = [
  "import { createRequire as __sdCreateRequire } from 'node:module';",
  "import { fileURLToPath as __sdFileURLToPath } from 'node:url';",
  'const require = __sdCreateRequire(import.meta.url);',
  'const __filename = __sdFileURLToPath(import.meta.url);',
  "const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries([
    // src/actions/deploy.ts -> dist/deploy/index.js, src/actions/deploy-post.ts -> dist/deploy/post.js
    ...actions.map((name) => [
      name.replace(/^(.*)-post$/, '$1/post').replace(/^([^/]*)$/, '$1/index'),
      `${ENTRY}:${name}`,
    ]),
    ['cli/index', `${ENTRY}:cli`],
  ]),
  plugins: [entryPlugin, zoneDataPlugin, lazyOidcPlugin],
  // @azure/storage-blob imports apache-arrow lazily, only to list blobs in Arrow format, which the
  // artifact upload never asks for: left out (234 KiB), it could only fail loudly, never misbehave.
  external: ['apache-arrow'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The actions run on node24; the CLI runs on whatever Node the user has, at least `engines`.
  target: 'node22',
  // Prefer packages' ESM builds: they split and tree-shake where CommonJS cannot.
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  // Licenses go to one file (below) instead of comments repeated through the chunks.
  legalComments: 'none',
  charset: 'utf8',
  banner: { js: banner },
  metafile: true,
  logLevel: 'warning',
});

// dist/ is ESM whatever package.json says about the folder it is copied to.
writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
writeFileSync(join(outdir, 'licenses.txt'), licenses(result.metafile));

let total = 0;
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  total += output.bytes;
  if (output.entryPoint) console.log(`built ${relative(root, file)} (${kib(output.bytes)})`);
}
console.log(`dist: ${Object.keys(result.metafile.outputs).length} files, ${kib(total)}`);
if (values.analyze) {
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (output.bytes < 100 * 1024) continue;
    const byPackage = new Map();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(
      `${relative(root, file)} ${kib(output.bytes)}: ${top.map(([n, b]) => `${n} ${kib(b)}`).join(', ')}`,
    );
  }
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/**
 * Every bundled package's name, version and license, with its license text; packages whose text is the
 * same (the AWS SDK's dozens of Apache-2.0 copies) share one copy of it.
 */
function licenses(metafile) {
  const packages = new Map();
  for (const key of Object.keys(metafile.inputs)) {
    // Inputs made by a plugin above are named `<namespace>:<path>`.
    const input = key.replace(/^[a-z-]+:/, '');
    const at = input.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const rest = input.slice(at + 'node_modules/'.length).split('/');
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    const dir = resolve(root, input.slice(0, at), 'node_modules', name);
    if (!packages.has(dir)) packages.set(dir, name);
  }
  const byText = new Map();
  for (const [dir, name] of [...packages].sort((a, b) => a[1].localeCompare(b[1]))) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '(no license file in the package)';
    const line = `${name}@${manifest.version} ${manifest.license ?? 'UNKNOWN'}`;
    byText.set(text, [...(byText.get(text) ?? []), line]);
  }
  const sections = [...byText].map(([text, lines]) => `${[...new Set(lines)].join('\n')}\n\n${text}`);
  return `${sections.join('\n\n' + '-'.repeat(72) + '\n\n')}\n`;
}
