/**
 * An error the user must fix (bad input, missing alarm, wrong service setup).
 * Reported as a plain message without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** An error naming the input and the text that did not parse. */
export function inputError(input: string, text: string, expected: string): UserError {
  return new UserError(`Input '${input}': ${JSON.stringify(text)} is not valid: ${expected}`);
}

/** The message to show for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
