import {
  fallbackReasons,
  type CodedReason,
  type FallbackCode,
  type FileFailureCode,
} from '../../main/api/failureReasons.js';
import type { MessageKey, Translate } from './i18n/translate.js';

// Compile-time check that every code has a message key (a missing one is a type error here).
const failureKey = (code: FileFailureCode): MessageKey => `failure.${code}`;
const fallbackKey = (code: FallbackCode): MessageKey => `fallback.${code}`;

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
