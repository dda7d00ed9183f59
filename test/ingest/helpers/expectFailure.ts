import { expect } from 'vitest';
import { ExtractError, type ExtractFailure } from '../../../main/engine/ingest/extractError.js';
import { isUserError } from '../../../main/engine/errors.js';

/** Asserts that `promise` rejects with an ExtractError of this kind, a one-line message naming `file`. */
export async function expectFailure(
  promise: Promise<unknown>,
  failure: ExtractFailure,
  reason: RegExp,
  file: string,
): Promise<ExtractError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExtractError);
  const e = error as ExtractError;
  expect(isUserError(e)).toBe(true);
  expect({ failure: e.failure, subject: e.subject }).toEqual({ failure, subject: file });
  expect(e.reason).toMatch(reason);
  expect(e.message).toBe(`${file}: ${e.reason}`);
  expect(e.message).not.toContain('\n');
  return e;
}
