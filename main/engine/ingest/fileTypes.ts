import path from 'node:path';
import type { DocumentType } from './types.js';

/**
 * The extension registry: which files the library reads and how. Everything not
 * listed here is skipped by the scanner and the watcher.
 */
const BY_EXTENSION: Record<string, DocumentType> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.mkd': 'markdown',
  '.rst': 'rst',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.doc': 'doc',
  '.rtf': 'rtf',
  '.ppt': 'ppt',
  '.xls': 'xls',
  '.odt': 'odt',
  '.ods': 'ods',
  '.odp': 'odp',
  '.epub': 'epub',
  '.pptx': 'pptx',
  '.xlsx': 'xlsx',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.jsonl': 'json',
  '.ndjson': 'json',
};

// Source code and configuration read as plain text. Deliberately no minified or
// generated artefacts (.map, .lock) and no logs (large, rarely asked about).
const CODE_EXTENSIONS = [
  '.c',
  '.h',
  '.cc',
  '.cpp',
  '.cxx',
  '.hpp',
  '.hh',
  '.cs',
  '.java',
  '.kt',
  '.kts',
  '.scala',
  '.groovy',
  '.go',
  '.rs',
  '.swift',
  '.m',
  '.mm',
  '.dart',
  '.zig',
  '.nim',
  '.js',
  '.mjs',
  '.cjs',
  '.jsx',
  '.ts',
  '.mts',
  '.cts',
  '.tsx',
  '.vue',
  '.svelte',
  '.py',
  '.pyi',
  '.rb',
  '.php',
  '.pl',
  '.pm',
  '.lua',
  '.r',
  '.jl',
  '.ex',
  '.exs',
  '.erl',
  '.hs',
  '.ml',
  '.clj',
  '.sh',
  '.bash',
  '.zsh',
  '.fish',
  '.ps1',
  '.bat',
  '.cmd',
  '.sql',
  '.graphql',
  '.proto',
  '.css',
  '.scss',
  '.sass',
  '.less',
  '.xml',
  '.yaml',
  '.yml',
  '.toml',
  '.ini',
  '.cfg',
  '.conf',
  '.properties',
];
for (const ext of CODE_EXTENSIONS) BY_EXTENSION[ext] = 'code';
// Other lightweight markup: read as text (no heading parser for them yet).
for (const ext of ['.tex', '.bib', '.org', '.adoc', '.asciidoc']) BY_EXTENSION[ext] = 'text';

/**
 * Files that are plain text by name alone: a project's README, INSTALL or NEWS often has no
 * extension. Not LICENSE or COPYING: the same licence in every project folder is no answer.
 */
const TEXT_BY_NAME = new Set([
  'readme',
  'install',
  'news',
  'todo',
  'changes',
  'changelog',
  'faq',
  'hacking',
  'notes',
  'contributing',
  'authors',
  'thanks',
  'bugs',
  'usage',
]);

/** Lower-case extension with its dot, '' when there is none. */
export function extensionOf(filePath: string): string {
  return path.extname(filePath).toLowerCase();
}

/** The document type for a path, or null when the library does not read such files. */
export function documentTypeOf(filePath: string): DocumentType | null {
  const ext = extensionOf(filePath);
  if (ext === '' && TEXT_BY_NAME.has(path.basename(filePath).toLowerCase())) return 'text';
  return BY_EXTENSION[ext] ?? null;
}

export function isSupportedFile(filePath: string): boolean {
  return documentTypeOf(filePath) !== null;
}

/** Every extension the library reads, sorted (for UIs and file dialogs). */
export function supportedExtensions(): string[] {
  return Object.keys(BY_EXTENSION).sort();
}

/**
 * Types read by inflating compressed parts or streams: PDFs, and the ZIP-based office formats and e-books
 * (and .doc, which may be a DOCX saved under that name).
 */
const CONTAINER_TYPES: ReadonlySet<string> = new Set<DocumentType>([
  'pdf',
  'docx',
  'doc',
  'pptx',
  'xlsx',
  'odt',
  'odp',
  'ods',
  'epub',
]);

/** Whether reading a file of this type inflates compressed parts (memory outside the reader's heap). */
export function readsCompressedParts(type: string): boolean {
  return CONTAINER_TYPES.has(type);
}

/** Types whose pages are slides (a presentation's), shown as "slide N". */
export function pagesAreSlides(type: DocumentType): boolean {
  return type === 'pptx' || type === 'odp' || type === 'ppt';
}

/** Spreadsheets: a passage's line is the sheet row it starts at, shown as "row N". */
export function linesAreRows(type: DocumentType): boolean {
  return type === 'xlsx' || type === 'xls' || type === 'ods';
}

/** Types read out of markup or a binary format without inflating anything. */
const EXTRACTED_TYPES: ReadonlySet<string> = new Set<DocumentType>(['html', 'rtf', 'ppt', 'xls']);

/** Types whose text is the decoded file exactly as read (offsets are into the file's text). */
export function isPlainTextType(type: DocumentType): boolean {
  return !EXTRACTED_TYPES.has(type) && !CONTAINER_TYPES.has(type);
}
