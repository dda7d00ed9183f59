import {
  fallbackReasons,
  type CodedReason,
  type FallbackCode,
  type FileFailureCode,
  openFailureReason,
  type OpenFailureCode,
} from '../../main/api/failureReasons.js';
import type { MessageKey, Translate } from './i18n/translate.js';

// Compile-time check that every code has a message key (a missing one is a type error here).
const failureKey = (code: FileFailureCode): MessageKey => `failure.${code}`;
const fallbackKey = (code: FallbackCode): MessageKey => `fallback.${code}`;
const openKey = (code: OpenFailureCode): MessageKey => `openFailure.${code}`;

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
