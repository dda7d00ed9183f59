import { docText, wordBinaryText } from './docText.js';
import { docxText } from './docxText.js';
import { ExtractError } from './extractError.js';
import { epubText } from './epubText.js';
import type { InflateLimits } from './inflateBounds.js';
import { odpText } from './odpText.js';
import { odsText } from './odsText.js';
import { odtText } from './odtText.js';
import { pptText } from './pptText.js';
import { pptxText } from './pptxText.js';
import { rtfText } from './rtfText.js';
import type { ContainerText, DocumentType } from './types.js';
import { xlsText } from './xlsText.js';
import { xlsxText } from './xlsxText.js';

interface ContainerReader {
  read: (bytes: Uint8Array, file: string, limits?: InflateLimits) => Promise<ContainerText>;
  /** Without a title in its metadata, the document is titled by its first heading (not a workbook by its first sheet). */
  titledByHeading: boolean;
}

/** The readers of the office formats and e-books, by type. */
export const CONTAINER_READERS: Partial<Record<DocumentType, ContainerReader>> = {
  // mammoth's HTML has no <title>, nor has a Word 97–2003 document: each is titled by its first heading.
  docx: {
    read: orRenamedBinary(async (...args) => ({ ...(await docxText(...args)), title: null }), wordBinaryText),
    titledByHeading: true,
  },
  doc: { read: docText, titledByHeading: true },
  rtf: { read: rtfText, titledByHeading: true },
  pptx: { read: orRenamedBinary(pptxText, pptText), titledByHeading: true },
  ppt: { read: pptText, titledByHeading: true },
  xlsx: { read: orRenamedBinary(xlsxText, xlsText), titledByHeading: false },
  xls: { read: xlsText, titledByHeading: false },
  odt: { read: odtText, titledByHeading: true },
  odp: { read: odpText, titledByHeading: true },
  ods: { read: odsText, titledByHeading: false },
  epub: { read: epubText, titledByHeading: true },
};

/**
 * A reader of an Office format that also reads the format's 97–2003 binary predecessor
 * renamed to the new extension. The ZIP reader refuses an OLE file as encrypted (what a
 * password-protected DOCX or PPTX is); when the binary reader reads it, it was an old file.
 */
function orRenamedBinary(
  read: ContainerReader['read'],
  binary: (bytes: Uint8Array, file: string) => Promise<ContainerText>,
): ContainerReader['read'] {
  return async (bytes, file, limits) => {
    try {
      return await read(bytes, file, limits);
    } catch (e) {
      if (!(e instanceof ExtractError && e.failure === 'encrypted')) throw e;
      try {
        return await binary(bytes, file);
      } catch {
        throw e;
      }
    }
  };
}
