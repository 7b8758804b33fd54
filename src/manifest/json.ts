import { LineCounter, parseDocument } from 'yaml';
import { inputError, jsonSyntaxError } from '../errors.js';

/**
 * Parses a JSON file input. `JSON.parse` keeps the last of two equal keys, so a file with
 * `"image"` twice deploys whichever came last, unseen by whoever reviewed the first: a duplicate key is
 * an error naming the input, the key and its line. JSON is YAML 1.2, so the `yaml` package (already
 * used for the pipeline file) finds duplicate keys, escapes decoded (`"\u0061"` is `"a"`); JSON.parse
 * stays the judge of what is valid JSON.
 */
export function parseJsonFile(text: string, input: string, path: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw inputError(input, path, `not valid JSON (${jsonSyntaxError(text, error)})`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const duplicate = doc.errors.find((error) => error.code === 'DUPLICATE_KEY');
  if (duplicate) {
    const at = duplicate.pos[0];
    const token = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(at))?.[0];
    const key = token ? (JSON.parse(token) as string) : '?';
    const { line, col } = lineCounter.linePos(at);
    throw inputError(
      input,
      path,
      `the key ${JSON.stringify(key)} appears twice in one object (again at line ${line}, column ${col}): ` +
        'JSON would keep only the last one; remove one of them',
    );
  }
  return parsed;
}
