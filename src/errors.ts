/**
 * An error the user must fix (bad input, missing alarm, wrong service setup).
 * Reported as a plain message without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** An error naming the input and the text that did not parse. */
export function inputError(input: string, text: string, expected: string): UserError {
  return new UserError(`Input '${input}': ${quoteText(text)} is not valid: ${expected}`);
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
