import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../engine/errors.js';
import { documentTypeOf } from '../engine/ingest/fileTypes.js';
import type { DocumentType } from '../engine/ingest/types.js';
import type { FolderInfo, LibraryEngine } from '../engine/library/types.js';

/**
 * The gate in front of every "open file" / "show in folder": the request names
 * an absolute path, and it is honoured only when the real file (symlinks
 * resolved, `..` collapsed) lies inside the real path of one of the library's
 * folders. Returns that real path.
 */
export async function resolveLibraryFile(requested: string, folders: FolderInfo[]): Promise<string> {
  if (!path.isAbsolute(requested)) throw new UserError(`not an absolute path: ${requested}`, requested);
  let real: string;
  try {
    real = await realpath(requested);
  } catch {
    throw new UserError(`file not found: ${requested}`, requested);
  }
  for (const folder of folders) {
    const root = await realpath(folder.path).catch(() => null);
    if (root && isInside(root, real)) {
      const info = await stat(real);
      if (!info.isFile()) throw new UserError(`not a file: ${requested}`, requested);
      return real;
    }
  }
  throw new UserError(`not inside the library's folders: ${requested}`, requested);
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Types handed to the system's opener: documents. Code and scripts (.sh, .bat,
 * .ps1, .js, .py…) are indexed as text, but the opener may run them (Windows
 * and macOS do), so they are shown in their folder instead; so is every file
 * the library does not read (evil.exe, evil.desktop).
 */
const OPENABLE_TYPES: ReadonlySet<DocumentType> = new Set<DocumentType>([
  'text',
  'markdown',
  'rst',
  'html',
  'pdf',
  'docx',
  'doc',
  'rtf',
  'odt',
  'ods',
  'odp',
  'epub',
  'pptx',
  'ppt',
  'xlsx',
  'xls',
  'csv',
  'json',
]);

/** Why "open file" showed the file in its folder instead. */
export type NotOpenedReason = 'not-a-document' | 'not-indexed';

export const NOT_OPENED_MESSAGES: Record<NotOpenedReason, string> = {
  'not-a-document': 'not a document type DocQA opens (it could run as a program): shown in its folder',
  'not-indexed': 'not an indexed document of this library: shown in its folder',
};

/**
 * Whether `real` (a path resolveLibraryFile returned) may go to the opener: it
 * is the indexed, successfully read document `documentId`, of a document type.
 * Returns null when it may, else the reason it may not.
 */
export async function whyNotOpenable(
  real: string,
  documentId: number | undefined,
  engine: Pick<LibraryEngine, 'documentPath'>,
): Promise<NotOpenedReason | null> {
  const type = documentTypeOf(real);
  if (type === null || !OPENABLE_TYPES.has(type)) return 'not-a-document';
  if (documentId === undefined) return 'not-indexed';
  // documentPath knows only documents read without error: a file that failed is not opened.
  const stored = await engine.documentPath(documentId).catch(() => null);
  if (stored === null || (await realpath(stored).catch(() => null)) !== real) return 'not-indexed';
  return null;
}
