/**
 * Shapes shared by the ingest functions (scan → extract → chunk) and the engine's
 * ingest pipeline that stores their output. All plain data (structured-clone safe),
 * so they cross worker-thread boundaries unchanged.
 */

export type DocumentType =
  | 'text'
  | 'markdown'
  | 'rst'
  | 'html'
  | 'pdf'
  | 'docx'
  | 'doc'
  | 'rtf'
  | 'ppt'
  | 'xls'
  | 'odt'
  | 'ods'
  | 'odp'
  | 'epub'
  | 'pptx'
  | 'xlsx'
  | 'code'
  | 'csv'
  | 'json';

/** A span of `ExtractedDocument.text`, in UTF-16 code units, end exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

export interface Heading extends TextSpan {
  /** 1 = top level (markdown `#`, HTML `<h1>`, DOCX "Heading 1"). */
  level: number;
  /** The heading's words, without markup (`## Foo *bar*` → `Foo bar`). */
  text: string;
  // start/end cover the heading's whole source line(s) (markers and setext
  // underline included), so a section that begins at `start` holds its heading.
}

export interface PageSpan extends TextSpan {
  /** 1-based page number. */
  page: number;
}

export interface ExtractedDocument {
  type: DocumentType;
  /**
   * The document's text. For plain-text types (text, markdown, rst, code, csv,
   * json) this is exactly the decoded file as read: no newline or whitespace
   * translation, a byte-order mark is not part of it. For html/pdf, the office formats and epub it is the
   * extracted visible text, and all offsets refer to it.
   */
  text: string;
  title: string;
  /** Encoding the bytes were decoded with ('utf-8', 'utf-16le', 'gb18030', 'big5', …); null for pdf, the office formats and epub. */
  encoding: string | null;
  /** PDF pages and PPTX slides (empty otherwise): where each page's text sits; pages are in order and do not overlap. */
  pages: PageSpan[];
  /** In document order. */
  headings: Heading[];
  /**
   * Spreadsheets (XLSX, XLS, ODS): the row number, as the spreadsheet shows it, of each line of
   * `text` (0-based line index; 0 for a line that is no row, such as a sheet's name), so that
   * a passage can be placed by its row. Absent for other types.
   */
  rowOfLine?: Int32Array;
  /** Things a person may want to know that did not stop extraction (e.g. "3 pages have no text"). */
  warnings: string[];
  /** sha256 (hex) of the bytes that were extracted: the same value `hashFile` gives for an unchanged file. */
  contentHash: string;
  /** Size in bytes of the file as read. */
  bytes: number;
}

export interface Chunk extends TextSpan {
  /** 0-based position of the chunk in its document. */
  ord: number;
  /** Always `doc.text.slice(start, end)`; never empty, never starts or ends with whitespace. */
  text: string;
  /** Headings that contain the chunk, outermost first (empty before the first heading). */
  headingPath: string[];
  /** PDF page or PPTX slide of `start`; null for other types. */
  page: number | null;
  /**
   * 1-based line of `start` in `doc.text` (\n, \r\n and a lone \r each end a line); for a
   * spreadsheet, the row number of the chunk's first row instead (`rowOfLine`).
   */
  line: number;
}

export interface ScannedFile {
  absPath: string;
  /** Relative to the scanned root, '/' separators. */
  relPath: string;
  size: number;
  mtimeMs: number;
  /** Lower-case extension with its dot ('.md'). */
  ext: string;
  type: DocumentType;
}

export interface IngestWarning {
  /** Relative to the root, '/' separators ('' for the root itself). */
  relPath: string;
  message: string;
}

/** What a reader of a container format (ZIP-based, OLE, RTF) gives: the text and its structure, the title its metadata names. */
export interface ContainerText {
  text: string;
  headings: Heading[];
  /** Slides, for presentations. */
  pages?: PageSpan[];
  /** Spreadsheets: the sheet row of each line (`ExtractedDocument.rowOfLine`). */
  rowOfLine?: Int32Array;
  title: string | null;
  warnings?: string[];
}
