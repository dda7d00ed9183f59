/**
 * An error caused by the user's input or environment (a missing file, a bad
 * argument, a corrupt document). Front ends show `message` as one line, no stack.
 * `subject` names the file or argument at fault.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly subject?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isUserError(e: unknown): e is UserError {
  return (
    e instanceof UserError ||
    (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'UserError')
  );
}

/** One line for a person: the message, without stack or internal prefixes. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? String(e);
  return String(e);
}
