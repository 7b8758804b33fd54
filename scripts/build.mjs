// Builds dist/: one bundle shared by every action and the CLI.
//
// Why esbuild and not ncc: ncc bundles one entry at a time, so six entries gave six copies of the AWS
// SDK, @actions/core and our own code (14 MB committed, and a change to shared code rewrote several
// files). esbuild bundles all entries in one pass with ESM code splitting: each module lands once, in a
// shared chunk under dist/chunks/, and each action's full run is an entry there
// (dist/chunks/main-<action>.js) that imports only the chunks its command uses. A dynamic `import()`
// becomes its own chunk, loaded only when that code runs (the artifact client, holidays, calendars, the
// AWS SDK after inputs parsed).
//
// What the runner starts (dist/<action>/index.js, dist/deploy/post.js) is a second, small build: one file
// per action holding only the action's input check (its `check`, run through `precheck`) and what that
// needs, then an import of its full run. Code splitting cuts the start-up path into a dozen small chunks
// (one per set of entries sharing a module), and each module Node loads costs about half a millisecond:
// one file lets a bad input, or a post step with nothing to do, end at about the cost of a bare Node
// start. The few KiB this repeats of @actions/core and the input parsers are the price of that.
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

// The entry files are generated: src/actions/<name>.ts exports `run` (so @github/local-action can import
// it and call it) and `check`, its input check. `main:<name>` is the full run's entry in the split build;
// `start:<name>` is what the runner starts, in the start-up build.
const ENTRY = 'safe-deploy-entry';
const mainChunk = (name) => `chunks/main-${name}`;
const entryPlugin = {
  name: ENTRY,
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${ENTRY}:`) }, (args) => ({
      path: args.path.slice(ENTRY.length + 1),
      namespace: ENTRY,
    }));
    b.onLoad({ filter: /.*/, namespace: ENTRY }, (args) => {
      const [kind, name] = args.path.split(':');
      const contents =
        kind === 'cli'
          ? `import { cli } from './src/cli.ts';\nawait cli(process.argv.slice(2));\n`
          : kind === 'main'
            ? `export { run } from './src/actions/${name}.ts';\n`
            : [
                "import { precheck } from './src/action-main.ts';",
                `import { check } from './src/actions/${name}.ts';`,
                'if (await precheck(check)) {',
                `  const { run } = await import('../${mainChunk(name)}.js');`,
                '  await run();',
                '}',
              ].join('\n');
      return { contents, resolveDir: root, loader: 'ts' };
    });
  },
};

// In the start-up build, the full run is the split build's file, loaded as it is.
const mainChunkPlugin = {
  name: 'main-chunk',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/chunks\/main-[a-z-]+\.js$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
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

// @actions/core loads two built-in modules at start-up for calls an input error never makes: node:crypto
// for crypto.randomUUID() in a file command's delimiter, and fs.promises (with the streams and readline
// modules it pulls in) for writing the job summary; @actions/io, which it imports, reads fs.promises too.
// Together they cost about 13 ms, a third of a bare Node start. Inside these packages both are replaced by
// stand-ins that reach the real module on first use, through process.getBuiltinModule (synchronous, as
// the call sites are). Our own code does the same through src/builtins.ts.
const LAZY_BUILTINS = {
  crypto: [
    "const crypto = () => process.getBuiltinModule('node:crypto');",
    'export function randomUUID() {',
    '  return crypto().randomUUID();',
    '}',
  ],
  fs: [
    "const fs = process.getBuiltinModule('node:fs');",
    'export const { constants, existsSync, appendFileSync, writeFileSync } = fs;',
    // fs.promises is a getter that loads it, and @actions/core takes its functions at start-up: each is
    // a stand-in that reads the real one when called.
    'export const promises = new Proxy({}, {',
    "  get: (_, name) => (name === 'constants' ? fs.constants : (...args) => fs.promises[name](...args)),",
    '});',
  ],
};
/** The packages whose `fs` and `crypto` imports the stand-ins above replace. */
const LAZY_BUILTIN_PACKAGES = ['core', 'io', 'exec'];
const LAZY_IMPORTER = new RegExp(
  `[\\\\/]@actions[\\\\/](${LAZY_BUILTIN_PACKAGES.join('|')})[\\\\/]lib[\\\\/]`,
);

/**
 * Fails the build when one of those packages uses a member of `fs` or `crypto` that its stand-in does
 * not export (esbuild says nothing of an import with no matching export inside node_modules): a newer
 * version would otherwise call undefined at run time.
 */
function checkLazyBuiltins() {
  for (const pkg of LAZY_BUILTIN_PACKAGES) {
    const lib = join(root, `node_modules/@actions/${pkg}/lib`);
    for (const file of readdirSync(lib).filter((f) => f.endsWith('.js'))) {
      const source = readFileSync(join(lib, file), 'utf8');
      for (const [module, lines] of Object.entries(LAZY_BUILTINS)) {
        const from = `from '${module}'`;
        const used = new Set();
        for (const [, names] of source.matchAll(new RegExp(`import \\{([^}]*)\\} ${from}`, 'g'))) {
          for (const name of names.split(',')) used.add(name.trim().split(/\s+as\s+/)[0]);
        }
        for (const [, alias] of source.matchAll(new RegExp(`import \\* as (\\w+) ${from}`, 'g'))) {
          for (const [, name] of source.matchAll(new RegExp(`\\b${alias}\\.(\\w+)`, 'g'))) used.add(name);
        }
        const stand = lines.join('\n');
        const missing = [...used].filter((name) => name && !new RegExp(`\\b${name}\\b`).test(stand));
        if (missing.length) {
          throw new Error(
            `@actions/${pkg}'s ${file} uses ${module}.${missing.join(`, ${module}.`)}, which the lazy ${module} ` +
              'stand-in in scripts/build.mjs does not export: add it there',
          );
        }
      }
    }
  }
}

const lazyBuiltinsPlugin = {
  name: 'lazy-actions-core-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(crypto|fs)$/ }, (args) =>
      LAZY_IMPORTER.test(args.importer)
        ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `${LAZY_BUILTINS[args.path].join('\n')}\n`,
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

/** Where the runner starts each action: src/actions/deploy-post.ts -> deploy/post, deploy.ts -> deploy/index. */
const startPath = (name) => name.replace(/^(.*)-post$/, '$1/post').replace(/^([^/]*)$/, '$1/index');

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  // The actions run on node24; the CLI runs on whatever Node the user has, at least `engines`.
  target: 'node22',
  // Prefer packages' ESM builds: they split and tree-shake where CommonJS cannot.
  mainFields: ['module', 'main'],
  minify: true,
  // Licenses go to one file (below) instead of comments repeated through the chunks.
  legalComments: 'none',
  charset: 'utf8',
  banner: { js: banner },
  metafile: true,
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
const split = await build({
  ...common,
  entryPoints: Object.fromEntries([
    ...actions.map((name) => [mainChunk(name), `${ENTRY}:main:${name}`]),
    ['cli/index', `${ENTRY}:cli`],
  ]),
  plugins: [entryPlugin, zoneDataPlugin, lazyOidcPlugin, lazyBuiltinsPlugin],
  // @azure/storage-blob imports apache-arrow lazily, only to list blobs in Arrow format, which the
  // artifact upload never asks for: left out (234 KiB), it could only fail loudly, never misbehave.
  external: ['apache-arrow'],
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
const startup = await build({
  ...common,
  entryPoints: Object.fromEntries(actions.map((name) => [startPath(name), `${ENTRY}:start:${name}`])),
  plugins: [entryPlugin, mainChunkPlugin, lazyOidcPlugin, lazyBuiltinsPlugin],
});
if (split.warnings.length || startup.warnings.length) {
  throw new Error(
    `esbuild warned ${split.warnings.length + startup.warnings.length} times (above); fix each`,
  );
}
checkLazyBuiltins();
// An input check that grew a large dependency would bring back the start-up cost this build exists to
// avoid: fail the build rather than ship it. (The deploy's is the largest, about 28 KiB.)
const START_LIMIT = 64 * 1024;
for (const [file, output] of Object.entries(startup.metafile.outputs)) {
  if (output.bytes > START_LIMIT) {
    const top = Object.entries(output.inputs)
      .sort((x, y) => y[1].bytesInOutput - x[1].bytesInOutput)
      .slice(0, 5)
      .map(([input, { bytesInOutput }]) => `${input} ${kib(bytesInOutput)}`);
    throw new Error(
      `${relative(root, file)} is ${kib(output.bytes)}, over the start-up limit of ${kib(START_LIMIT)}: ${top.join(', ')}`,
    );
  }
}
const metafile = {
  inputs: { ...split.metafile.inputs, ...startup.metafile.inputs },
  outputs: { ...split.metafile.outputs, ...startup.metafile.outputs },
};

// dist/ is ESM whatever package.json says about the folder it is copied to.
writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
writeFileSync(join(outdir, 'licenses.txt'), licenses(metafile));

let total = 0;
for (const [file, output] of Object.entries(metafile.outputs)) {
  total += output.bytes;
  if (output.entryPoint) console.log(`built ${relative(root, file)} (${kib(output.bytes)})`);
}
console.log(`dist: ${Object.keys(metafile.outputs).length} files, ${kib(total)}`);
if (values.analyze) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
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
 * Every package with code in dist/: its name, version, license and copyright lines, and its license
 * text. Packages whose text differs only in its copyright lines and title (dozens of MIT copies, the AWS
 * SDK's Apache-2.0) share one copy of the text, under the list of their copyright notices.
 */
function licenses(metafile) {
  const packages = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [key, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue; // resolved but shaken out: none of its code ships
      // Inputs made by a plugin above are named `<namespace>:<path>`.
      const input = key.replace(/^[a-z-]+:/, '');
      const at = input.lastIndexOf('node_modules/');
      if (at < 0) continue;
      const rest = input.slice(at + 'node_modules/'.length).split('/');
      const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
      const dir = resolve(root, input.slice(0, at), 'node_modules', name);
      if (!packages.has(dir)) packages.set(dir, name);
    }
  }
  const COPYRIGHT = /^\s*(copyright\b|\(c\)|©)/i;
  const TITLE = /^\s*\(?(the )?(mit|isc) license( \((mit|isc)\))?\)?\s*$/i;
  const groups = new Map();
  for (const [dir, name] of [...packages].sort((a, b) => a[1].localeCompare(b[1]))) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const lines = file ? readFileSync(join(dir, file), 'utf8').trim().split(/\r?\n/) : [];
    const notices = lines.filter((line) => COPYRIGHT.test(line)).map((line) => line.trim());
    const body = lines.filter((line, i) => !COPYRIGHT.test(line) && !(i < 2 && TITLE.test(line)));
    const text = body.join('\n').trim() || '(no license file in the package)';
    const key = text.replace(/\s+/g, ' ');
    const group = groups.get(key) ?? { text, byNotices: new Map() };
    // Packages with the same notices (the hundreds of @stdlib ones) are listed together, above them.
    const said = [...new Set(notices)].join('\n');
    const titles = group.byNotices.get(said) ?? new Set();
    titles.add(`${name}@${manifest.version} ${manifest.license ?? 'UNKNOWN'}`);
    group.byNotices.set(said, titles);
    groups.set(key, group);
  }
  const sections = [...groups.values()].map(({ text, byNotices }) => {
    const heads = [...byNotices].map(([said, titles]) => [...titles, ...(said ? [said] : [])].join('\n'));
    return `${heads.join('\n\n')}\n\n${text}`;
  });
  return `${sections.join('\n\n' + '-'.repeat(72) + '\n\n')}\n`;
}
