/**
 * What is wrong with named inputs, apart from how a caller names them: the deploy action says "Input 'x'",
 * the pipeline says "deploy input 'x'" at a path in its file.
 */
export interface InputProblem {
  /** The inputs at fault: one, or a pair that do not go together. */
  inputs: readonly string[];
  /** What is wrong, without the inputs' names: `"web cluster" is not valid: expected a name or an ECS ARN`. */
  reason: string;
}

/**
 * An error the user must fix (bad input, missing alarm, wrong service setup).
 * Reported as a plain message without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  /** Set when the problem is in named inputs, so another front end can say it in its own words. */
  readonly problem: InputProblem | undefined;

  constructor(message: string, problem?: InputProblem) {
    super(message);
    this.problem = problem;
  }
}

/** A problem in one or more named inputs, said as `noun` ("Input") says it. */
export function describeInputProblem(problem: InputProblem, noun = 'Input'): string {
  const [first, ...others] = problem.inputs.map((input) => `'${input}'`);
  if (!others.length) return `${noun} ${first}: ${problem.reason}`;
  return `${noun}s ${[first, ...others].join(' and ')} ${problem.reason}`;
}

/** An error about named inputs: one (`Input 'x': reason`) or several (`Inputs 'x' and 'y' reason`). */
export function inputsError(inputs: readonly string[], reason: string): UserError {
  const problem = { inputs, reason };
  return new UserError(describeInputProblem(problem), problem);
}

/** An error naming the input and the text that did not parse. */
export function inputError(input: string, text: string, expected: string): UserError {
  return inputsError([input], `${quoteText(text)} is not valid: ${expected}`);
}

/** The longest bad text an error quotes whole; a longer one is cut, saying how long it was. */
const QUOTE_LIMIT = 200;

/** Bad text as an error quotes it: in JSON quotes, cut after QUOTE_LIMIT characters. */
export function quoteText(text: string): string {
  if (text.length <= QUOTE_LIMIT) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTE_LIMIT - 40))}… (${text.length} characters)`;
}

/** The message to show for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * What is wrong with text JSON.parse refused, and where, in words that quote none of it. V8's message quotes
 * the text around the error ("Unexpected token 'r', "root:x:0:0"... is not valid JSON"), and a path that
 * points at the wrong file (a password file, a key) must not have its first bytes printed in the log.
 */
export function jsonSyntaxError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Unexpected end of JSON input/.test(message)) {
    return text.trim() ? 'it ends before the JSON does' : 'the file is empty';
  }
  // "Expected ',' or ']' after array element in JSON at position 4 (line 1 column 5)": the grammar, no text.
  const named = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (named) return `${named[1]} at ${lineAndColumn(text, Number(named[2]))}`;
  if (/^Unexpected non-whitespace character after JSON at position (\d+)/.test(message)) {
    const at = Number(/position (\d+)/.exec(message)![1]);
    return `more text after the JSON value, at ${lineAndColumn(text, at)}`;
  }
  // "Unexpected token 'x', "..." is not valid JSON" names no position: find the first character that no
  // valid JSON could continue with, as the shortest prefix JSON.parse refuses for another reason than its end.
  return `an unexpected character at ${lineAndColumn(text, firstBadCharacter(text))}`;
}

/**
 * The offset of the first character that makes `text` invalid JSON. A prefix shorter than that is refused
 * only for ending early (or parses); one that includes it is refused for that character: a binary search
 * over prefixes finds the boundary in about twenty parses of a 1 MiB file (on the error path only).
 */
function firstBadCharacter(text: string): number {
  const clean = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const message = (error as Error).message;
      const at = /at position (\d+)/.exec(message)?.[1];
      return /end of JSON input/.test(message) || (at !== undefined && Number(at) >= length);
    }
  };
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (clean(middle)) good = middle;
    else bad = middle;
  }
  return bad - 1;
}

/** "line 3, column 7" for a zero-based offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}`;
}
