/**
 * Built-in modules as an action's start-up can afford them. An ESM `import` of node:crypto costs about
 * 9 ms (a fifth of a bare Node start), and one of node:fs about 2 ms, because an ESM namespace reads every
 * export, fs.promises with the streams and readline modules behind it. These reach the same modules
 * through process.getBuiltinModule: node:fs as its CommonJS object (loaded by Node before any action
 * code), node:crypto on first use. Modules on the way to an action's input check use these; see
 * scripts/build.mjs for @actions/core's own imports.
 */

/** node:fs, without the cost of its ESM namespace. */
export const fs: typeof import('node:fs') = process.getBuiltinModule('node:fs');

/** node:crypto, loaded the first time it is asked for. */
export function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}
