import { docText, docxOrRenamedDocText } from './docText.js';
import { epubText } from './epubText.js';
import type { InflateLimits } from './inflateBounds.js';
import { odpText } from './odpText.js';
import { odsText } from './odsText.js';
import { odtText } from './odtText.js';
import { pptxText } from './pptxText.js';
import { rtfText } from './rtfText.js';
import type { DocumentType, Heading, PageSpan } from './types.js';
import { xlsxText } from './xlsxText.js';

/** What a reader of a ZIP-based format gives: the text and its structure, the title its metadata names. */
export interface ContainerText {
  text: string;
  headings: Heading[];
  /** Slides, for presentations. */
  pages?: PageSpan[];
  title: string | null;
  warnings?: string[];
}

interface ContainerReader {
  read: (bytes: Uint8Array, file: string, limits?: InflateLimits) => Promise<ContainerText>;
  /** Without a title in its metadata, the document is titled by its first heading (not a workbook by its first sheet). */
  titledByHeading: boolean;
}

/** The readers of the office formats and e-books, by type. */
export const CONTAINER_READERS: Partial<Record<DocumentType, ContainerReader>> = {
  // mammoth's HTML has no <title>, nor has a Word 97–2003 document: each is titled by its first heading.
  docx: { read: docxOrRenamedDocText, titledByHeading: true },
  doc: { read: docText, titledByHeading: true },
  rtf: { read: rtfText, titledByHeading: true },
  pptx: { read: pptxText, titledByHeading: true },
  xlsx: { read: xlsxText, titledByHeading: false },
  odt: { read: odtText, titledByHeading: true },
  odp: { read: odpText, titledByHeading: true },
  ods: { read: odsText, titledByHeading: false },
  epub: { read: epubText, titledByHeading: true },
};
