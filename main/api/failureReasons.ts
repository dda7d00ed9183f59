/**
 * Stable codes for the reasons a person reads in the app: why a file could not
 * be indexed, and why the execution provider fell back to the CPU. The engine
 * stores and prints these reasons as English text (the CLI and its JSON keep
 * them so); the app's API adds the code and its parameters, from which the
 * renderer builds the sentence in the interface language. No `node:*` imports:
 * the renderer uses this module too.
 *
 * A reason no pattern knows comes back as `other` with the English text, so
 * nothing is ever hidden; the tests hold every reason the engine can write to a
 * pattern here and to a translation in both languages.
 */

export const FILE_FAILURE_CODES = [
  'missing',
  'permission',
  'not-a-file',
  'locked',
  'read-error',
  'unsupported',
  'whitespace-only',
  'empty',
  'too-large',
  'binary-kind',
  'binary',
  'no-text-pdf',
  'no-text',
  'encrypted-pdf',
  'invalid-pdf',
  'encrypted-docx',
  'docx-not-zip',
  'invalid-docx',
  'folder-unreadable',
  'too-deep',
  'link-loop',
  'broken-link',
  'link-unreadable',
  'other',
] as const;

export type FileFailureCode = (typeof FILE_FAILURE_CODES)[number];

export const FALLBACK_CODES = ['not-offered', 'cuda-not-installed', 'failed-to-start', 'other'] as const;

export type FallbackCode = (typeof FALLBACK_CODES)[number];

export const OPEN_FAILURE_CODES = [
  'no-program',
  'opener-missing',
  'opener-exit',
  'opener-stopped',
  'other',
] as const;

export type OpenFailureCode = (typeof OPEN_FAILURE_CODES)[number];

/** A reason as a code and the parts of the English text that vary (a size, a file type, a detail). */
export interface CodedReason<C extends string> {
  code: C;
  params: Record<string, string>;
}

type Pattern<C extends string> = [pattern: RegExp, code: C, params: string[]];

// The engine's wording, one pattern per sentence (main/engine/ingest: extractError,
// extractFile, pdfText, docxText, scanFolder; main/engine/library/ingestJob).
const FILE_PATTERNS: Pattern<FileFailureCode>[] = [
  [/^file disappeared$/, 'missing', []],
  [/^cannot read: permission denied$/, 'permission', []],
  [/^not a regular file$/, 'not-a-file', []],
  [/^cannot read: the file is locked by another program$/, 'locked', []],
  [/^cannot read: (.+)$/, 'read-error', ['detail']],
  [/^unsupported file type "(.*)"$/, 'unsupported', ['type']],
  [/^empty file \(only whitespace\)$/, 'whitespace-only', []],
  [/^empty file$/, 'empty', []],
  [/^file too large \((.+) > (.+)\)$/, 'too-large', ['size', 'max']],
  [/^binary file \(looks like (.+)\)$/, 'binary-kind', ['kind']],
  [/^binary file$/, 'binary', []],
  [/^no text in this PDF \(scanned images\? text recognition is not supported\)$/, 'no-text-pdf', []],
  [/^no text in this document$/, 'no-text', []],
  [/^no text to index$/, 'no-text', []],
  [/^password-protected PDF$/, 'encrypted-pdf', []],
  [/^not a valid PDF \(damaged or truncated\?\)$/, 'invalid-pdf', []],
  [/^password-protected DOCX \(or an old \.doc file renamed to \.docx\)$/, 'encrypted-docx', []],
  [/^not a valid DOCX \(not a ZIP archive\)$/, 'docx-not-zip', []],
  [/^not a valid DOCX \(damaged or truncated\?\)$/, 'invalid-docx', []],
  [/^cannot read folder: (.+)$/, 'folder-unreadable', ['detail']],
  [/^folder nested too deep \(more than (\d+) levels\); skipped$/, 'too-deep', ['levels']],
  [/^symbolic link loop(?: \(.*\))?; skipped$/, 'link-loop', []],
  [/^broken symbolic link; skipped$/, 'broken-link', []],
  [/^cannot follow symbolic link: (.+)$/, 'link-unreadable', ['detail']],
];

// main/engine/towers/sessions.ts: createSession's reasons, joined with '; ' when several were tried.
const FALLBACK_PATTERNS: Pattern<FallbackCode>[] = [
  [/^(\w+) is not offered by this onnxruntime-node build on (\S+)$/, 'not-offered', ['provider', 'platform']],
  [/^cuda is not installed: .*$/, 'cuda-not-installed', []],
  [/^(\w+) failed to start: (.*)$/, 'failed-to-start', ['provider', 'detail']],
];

// main/api/opener.ts: why the system's opener did not open a file.
const OPEN_PATTERNS: Pattern<OpenFailureCode>[] = [
  [
    /^no program on this computer opens this type of file \(xdg-open exited with \d+\)(?:: (.*))?$/,
    'no-program',
    ['detail'],
  ],
  [/^cannot open files here: (.+) is not installed$/, 'opener-missing', ['program']],
  [/^(\S+) exited with (\d+)(?:: (.*))?$/, 'opener-exit', ['program', 'code', 'detail']],
  [/^(\S+) was stopped \((\w+)\)(?:: (.*))?$/, 'opener-stopped', ['program', 'signal', 'detail']],
];

function classify<C extends string>(text: string, patterns: Pattern<C>[], other: C): CodedReason<C> {
  const trimmed = text.trim();
  for (const [pattern, code, names] of patterns) {
    const m = pattern.exec(trimmed);
    if (m) return { code, params: Object.fromEntries(names.map((name, i) => [name, m[i + 1] ?? ''])) };
  }
  return { code: other, params: { message: trimmed } };
}

/** The code of a failed file's stored reason ("not a valid PDF (damaged or truncated?)" → invalid-pdf). */
export function fileFailureReason(error: string): CodedReason<FileFailureCode> {
  return classify(error, FILE_PATTERNS, 'other');
}

/** The codes of a provider fallback reason (one per provider tried). */
export function fallbackReasons(reason: string): CodedReason<FallbackCode>[] {
  return reason
    .split('; ')
    .filter((part) => part.trim() !== '')
    .map((part) => classify(part, FALLBACK_PATTERNS, 'other'));
}

/** Why "open file" failed, from the error the opener's outcome became. */
export function openFailureReason(message: string): CodedReason<OpenFailureCode> {
  return classify(message, OPEN_PATTERNS, 'other');
}
