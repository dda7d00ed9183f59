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
  'comments-only',
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
  'doc-not-ole',
  'invalid-doc',
  'rtf-not-rtf',
  'invalid-rtf',
  'encrypted-ppt',
  'ppt-not-ppt',
  'invalid-ppt',
  'encrypted-xls',
  'xls-biff5',
  'xls-not-xls',
  'invalid-xls',
  'encrypted-epub',
  'epub-not-zip',
  'invalid-epub',
  'encrypted-pptx',
  'pptx-not-zip',
  'invalid-pptx',
  'encrypted-odt',
  'odt-not-zip',
  'invalid-odt',
  'encrypted-ods',
  'ods-not-zip',
  'invalid-ods',
  'encrypted-odp',
  'odp-not-zip',
  'invalid-odp',
  'encrypted-xlsx',
  'xlsx-not-zip',
  'invalid-xlsx',
  'folder-unreadable',
  'too-deep',
  'link-loop',
  'broken-link',
  'link-unreadable',
  'file-name-not-utf8',
  'folder-name-not-utf8',
  'bomb-part-declared',
  'bomb-part-ratio',
  'bomb-parts-declared',
  'bomb-part-inflates',
  'bomb-part-inflates-ratio',
  'decompression-bomb',
  'too-much-text',
  'extractor-out-of-memory',
  'extractor-crashed',
  'extractor-stopped',
  'too-slow',
  'died-while-reading',
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

/** A pattern, its code, the names of its groups, and optionally how those become language-neutral parameters. */
export type Pattern<C extends string> = [
  pattern: RegExp,
  code: C,
  params: string[],
  derive?: (params: Record<string, string>) => Record<string, string>,
];

/** A size as formatBytes writes it ("7 B", "918.0 KB", "300.0 MB"): the same in both languages. */
const SIZE = String.raw`(\d+(?:\.\d+)? [KMG]?B)`;
const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const bombPattern = (detail: string): RegExp => new RegExp(`^decompression bomb \\(${detail}\\)$`);

/** "268.4" with " million" → "268,400,000"; "20" → "20": a count both languages can print. */
function characterCount({ count, million }: Record<string, string>): Record<string, string> {
  const n = Math.round(Number(count) * (million ? 1e6 : 1));
  return { max: n.toLocaleString('en-US') };
}

/** "30" with "s" → "30"; "500" with "ms" → "0.5": the time bound in seconds. */
function seconds({ time, unit }: Record<string, string>): Record<string, string> {
  return { seconds: String(unit === 'ms' ? Number(time) / 1000 : Number(time)) };
}

// The engine's wording, one pattern per sentence (main/engine/ingest: extractError,
// extractFile, pdfText, docxText, docText, rtfText, pptText, xlsText, odtText, odsText, odpText, epubText, pptxText, xlsxText, inflateBounds, scanFolder; main/engine/library:
// extractor, ingestJob).
const FILE_PATTERNS: Pattern<FileFailureCode>[] = [
  [/^file disappeared$/, 'missing', []],
  [/^cannot read: permission denied$/, 'permission', []],
  [/^not a regular file$/, 'not-a-file', []],
  [/^cannot read: the file is locked by another program$/, 'locked', []],
  [/^cannot read: (.+)$/, 'read-error', ['detail']],
  [/^unsupported file type "(.*)"$/, 'unsupported', ['type']],
  [/^empty file \(only whitespace\)$/, 'whitespace-only', []],
  [/^empty file \(only comments and whitespace\)$/, 'comments-only', []],
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
  [/^not a Word 97–2003 document \(not an OLE file\)$/, 'doc-not-ole', []],
  [/^not a valid Word 97–2003 document \(damaged, or saved with a password\?\)$/, 'invalid-doc', []],
  [/^not a valid RTF file \(no RTF header\)$/, 'rtf-not-rtf', []],
  [/^not a valid RTF file \(damaged\?\)$/, 'invalid-rtf', []],
  [/^password-protected PPT$/, 'encrypted-ppt', []],
  [/^not a PowerPoint 97–2003 presentation \(no slides stream\)$/, 'ppt-not-ppt', []],
  [/^not a valid PowerPoint 97–2003 presentation \(damaged\?\)$/, 'invalid-ppt', []],
  [/^password-protected XLS$/, 'encrypted-xls', []],
  [/^an Excel 5\.0\/95 workbook \(not read; save it as \.xlsx\)$/, 'xls-biff5', []],
  [/^not an Excel 97–2003 workbook \(no workbook stream\)$/, 'xls-not-xls', []],
  [/^not a valid Excel 97–2003 workbook \(damaged\?\)$/, 'invalid-xls', []],
  [/^DRM-protected EPUB \(its chapters are encrypted\)$/, 'encrypted-epub', []],
  [/^not a valid EPUB \(not a ZIP archive\)$/, 'epub-not-zip', []],
  [/^not a valid EPUB \(damaged or truncated\?\)$/, 'invalid-epub', []],
  [/^password-protected PPTX \(or an old \.ppt file renamed to \.pptx\)$/, 'encrypted-pptx', []],
  [/^not a valid PPTX \(not a ZIP archive\)$/, 'pptx-not-zip', []],
  [/^not a valid PPTX \(damaged or truncated\?\)$/, 'invalid-pptx', []],
  [/^password-protected XLSX \(or an old \.xls file renamed to \.xlsx\)$/, 'encrypted-xlsx', []],
  [/^not a valid XLSX \(not a ZIP archive\)$/, 'xlsx-not-zip', []],
  [/^not a valid XLSX \(damaged or truncated\?\)$/, 'invalid-xlsx', []],
  [/^password-protected ODT$/, 'encrypted-odt', []],
  [/^password-protected ODS$/, 'encrypted-ods', []],
  [/^not a valid ODS \(not a ZIP archive\)$/, 'ods-not-zip', []],
  [/^not a valid ODS \(damaged or truncated\?\)$/, 'invalid-ods', []],
  [/^password-protected ODP$/, 'encrypted-odp', []],
  [/^not a valid ODP \(not a ZIP archive\)$/, 'odp-not-zip', []],
  [/^not a valid ODP \(damaged or truncated\?\)$/, 'invalid-odp', []],
  [/^not a valid ODT \(not a ZIP archive\)$/, 'odt-not-zip', []],
  [/^not a valid ODT \(damaged or truncated\?\)$/, 'invalid-odt', []],
  [/^cannot read folder: (.+)$/, 'folder-unreadable', ['detail']],
  [/^folder nested too deep \(more than (\d+) levels\); skipped$/, 'too-deep', ['levels']],
  [/^symbolic link loop(?: \(.*\))?; skipped$/, 'link-loop', []],
  [/^broken symbolic link; skipped$/, 'broken-link', []],
  [/^cannot follow symbolic link: (.+)$/, 'link-unreadable', ['detail']],
  [/^file name is not valid UTF-8; rename it$/, 'file-name-not-utf8', []],
  [/^folder name is not valid UTF-8 \(its files are not indexed\); rename it$/, 'folder-name-not-utf8', []],
  // inflateBounds: a DOCX part (its name in the archive) and the sizes it declares or inflates to.
  [bombPattern(`its parts declare ${SIZE} together`), 'bomb-parts-declared', ['size']],
  // Inflating first: their sentence ends with what the part declares.
  [
    bombPattern(`(.+) inflates to more than ${NUMBER}× its ${SIZE}, though it declares ${SIZE}`),
    'bomb-part-inflates-ratio',
    ['part', 'ratio', 'compressed', 'declared'],
  ],
  [
    bombPattern(`(.+) inflates to more than ${SIZE}, though it declares ${SIZE}`),
    'bomb-part-inflates',
    ['part', 'size', 'declared'],
  ],
  [
    bombPattern(`(.+) declares ${SIZE} from ${SIZE}, ${NUMBER}×`),
    'bomb-part-ratio',
    ['part', 'size', 'compressed', 'ratio'],
  ],
  // Not an inflating sentence some change left unmatched above ("…, though it declares …").
  [bombPattern(`((?:(?!, though it ).)+) declares ${SIZE}`), 'bomb-part-declared', ['part', 'size']],
  [bombPattern('(.+)'), 'decompression-bomb', ['detail']],
  [
    /^too much text \(more than (\d+(?:\.\d+)?)( million)? characters\)$/,
    'too-much-text',
    ['count', 'million'],
    characterCount,
  ],
  [/^the extractor ran out of memory reading this file$/, 'extractor-out-of-memory', []],
  [/^the extractor crashed reading this file \((.*)\)$/, 'extractor-crashed', ['detail']],
  [/^the extractor stopped while reading this file \(exit code (-?\d+)\)$/, 'extractor-stopped', ['code']],
  [
    /^reading this file took longer than (\d+(?:\.\d+)?) (s|ms); it was stopped$/,
    'too-slow',
    ['time', 'unit'],
    seconds,
  ],
  [
    /^indexing stopped (\d+) times while reading this file \(out of memory, or a crash\); it is skipped until it changes$/,
    'died-while-reading',
    ['times'],
  ],
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

/** The first pattern's code and parameters, or `other` with the text as its `message`. */
export function classify<C extends string>(text: string, patterns: Pattern<C>[], other: C): CodedReason<C> {
  const trimmed = text.trim();
  for (const [pattern, code, names, derive] of patterns) {
    const m = pattern.exec(trimmed);
    if (!m) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, m[i + 1] ?? '']));
    return { code, params: derive ? derive(params) : params };
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
