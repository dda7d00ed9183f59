import { UserError } from '../errors.js';

/** Why a file could not be turned into text; stable for the engine to store and count. */
export type ExtractFailure =
  | 'missing'
  | 'permission'
  | 'not-a-file'
  | 'empty'
  | 'too-large'
  | 'decompression-bomb'
  | 'too-much-text'
  | 'binary'
  | 'no-text'
  | 'invalid-pdf'
  | 'encrypted'
  | 'invalid-docx'
  | 'invalid-doc'
  | 'invalid-rtf'
  | 'invalid-ppt'
  | 'invalid-xls'
  | 'invalid-epub'
  | 'invalid-pptx'
  | 'invalid-odt'
  | 'invalid-ods'
  | 'invalid-odp'
  | 'invalid-xlsx'
  | 'unsupported'
  | 'read-error';

/**
 * A file that cannot be extracted. `reason` is the short phrase a person sees in
 * `docqa status` ("binary file", "not a valid PDF"); `message` names the file too.
 */
export class ExtractError extends UserError {
  constructor(
    readonly failure: ExtractFailure,
    readonly reason: string,
    file: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, file, options);
  }
}

export function isExtractError(e: unknown): e is ExtractError {
  return e instanceof ExtractError;
}

/** The ExtractError for a failed stat/open/read, from its Node error code. */
export function fileAccessError(e: unknown, file: string): ExtractError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new ExtractError('missing', 'file disappeared', file, { cause: e });
  if (code === 'EACCES' || code === 'EPERM')
    return new ExtractError('permission', 'cannot read: permission denied', file, { cause: e });
  if (code === 'EISDIR') return new ExtractError('not-a-file', 'not a regular file', file, { cause: e });
  if (code === 'EBUSY')
    return new ExtractError('read-error', 'cannot read: the file is locked by another program', file, {
      cause: e,
    });
  return new ExtractError(
    'read-error',
    `cannot read: ${code ?? (e instanceof Error ? e.message : String(e))}`,
    file,
    { cause: e },
  );
}
