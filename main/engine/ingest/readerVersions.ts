import { DEFAULT_OVERLAP_CHARS, DEFAULT_TARGET_CHARS } from './chunk.js';
import type { DocumentType } from './types.js';

/**
 * Which reader made a file's passages. A file indexed by an older reader is read
 * again by the next indexing run even when the file itself did not change, so that
 * an improvement to a reader (a DOCX table kept on one line, headings found in a
 * PDF's bookmarks) reaches the files people indexed before it; passages whose
 * text comes out the same keep their vectors (store/keptVectors.ts), so what is
 * paid is reading, not embedding.
 *
 * Bump a type's number when its reader gives some file a different text, title,
 * headings or pages; bump CHUNKER_VERSION when passages are cut differently (that
 * re-reads every file). Readers share code (the HTML reader also reads DOCX, EPUB
 * and HTML named .doc): bump every type a change reaches.
 */
const READER_VERSIONS: Record<DocumentType, number> = {
  text: 1,
  markdown: 2, // 2: HTML comments are blanked (markdownComments.ts)
  rst: 1,
  html: 1,
  pdf: 1,
  docx: 1,
  doc: 1,
  rtf: 1,
  ppt: 1,
  xls: 2, // 2: a passage's line is its sheet row
  odt: 1,
  ods: 2, // 2: a passage's line is its sheet row
  odp: 1,
  epub: 1,
  pptx: 1,
  xlsx: 2, // 2: a passage's line is its sheet row
  code: 1,
  csv: 2, // 2: the header row heads every passage (csvHeader.ts)
  json: 1,
};

const CHUNKER_VERSION = 1;

/** The passage size settings a file is cut with (Settings › Passages). */
export interface PassageCut {
  targetChars: number;
  overlapChars: number;
}

/**
 * The reader a file of `type` is read with now, as recorded with each indexed (or failed)
 * file. Passage size settings other than the defaults are part of it, so that a change of
 * them reaches every file at the next full indexing, not only the files indexed after it;
 * at the defaults the key is the one recorded before the settings were part of it.
 */
export function readerKey(type: DocumentType, cut?: PassageCut): string {
  const key = `${type}.${READER_VERSIONS[type]}/chunker.${CHUNKER_VERSION}`;
  const isDefault =
    !cut || (cut.targetChars === DEFAULT_TARGET_CHARS && cut.overlapChars === DEFAULT_OVERLAP_CHARS);
  return isDefault ? key : `${key}/${cut.targetChars}+${cut.overlapChars}`;
}
