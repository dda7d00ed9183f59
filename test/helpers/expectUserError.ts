import { expect } from 'vitest';
import { isUserError } from '../../main/engine/errors.js';

/** The promise rejects with a UserError whose one-line message matches. */
export async function expectUserError(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isUserError(e), `expected a UserError, got ${String(e)}`).toBe(true);
  expect((e as Error).message).toMatch(pattern);
  expect((e as Error).message).not.toContain('\n');
}
