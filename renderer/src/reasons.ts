import {
  fallbackReasons,
  type CodedReason,
  type FallbackCode,
  type FileFailureCode,
  openFailureReason,
  type OpenFailureCode,
} from '../../main/api/failureReasons.js';
import { API_ERROR_CODES, type ApiErrorCode, type ApiErrorReason } from '../../main/api/apiErrors.js';
import type { MessageKey, Translate } from './i18n/translate.js';

// Compile-time check that every code has a message key (a missing one is a type error here).
const failureKey = (code: FileFailureCode): MessageKey => `failure.${code}`;
const fallbackKey = (code: FallbackCode): MessageKey => `fallback.${code}`;
const openKey = (code: OpenFailureCode): MessageKey => `openFailure.${code}`;
const apiErrorKey = (code: ApiErrorCode): MessageKey => `apiError.${code}`;

/** A failed file's reason in the interface language, from its code and parameters. */
export function describeFileFailure(reason: CodedReason<FileFailureCode>, t: Translate): string {
  return t(failureKey(reason.code), reason.params);
}

/** Why the execution provider fell back to the CPU, in the interface language. */
export function describeFallback(reason: string, t: Translate): string {
  return fallbackReasons(reason)
    .map((r) => t(fallbackKey(r.code), r.params))
    .join('; ');
}

/** Why "open file" failed (the API's error message), in the interface language. */
export function describeOpenFailure(message: string, t: Translate): string {
  const reason = openFailureReason(message);
  const text = t(openKey(reason.code), reason.params);
  // The opener's own words (its stderr) stay as they are, after the translated reason.
  return reason.code !== 'other' && reason.params.detail ? `${text} (${reason.params.detail})` : text;
}

/**
 * An error the API sent (a failed call's body, or a job's lastError with its
 * reason) in the interface language; the English message when its code is not
 * one this page knows (a newer server) or is `other`.
 */
export function describeApiError(
  error: { message: string; code?: string; params?: Record<string, string> },
  t: Translate,
): string {
  const { code, params = {} } = error;
  if (!isApiErrorCode(code) || code === 'other') return error.message;
  const text = t(apiErrorKey(code), params);
  // The opener's own words (its stderr) stay as they are, after the translated reason.
  return code.startsWith('open-') && params.detail ? `${text} (${params.detail})` : text;
}

/** A job's last error (ingest, re-embedding, download) in the interface language. */
export function describeLastError(message: string, reason: ApiErrorReason | null, t: Translate): string {
  return describeApiError({ message, ...reason }, t);
}

const API_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

function isApiErrorCode(code: string | undefined): code is ApiErrorCode {
  return code !== undefined && API_CODES.has(code);
}
