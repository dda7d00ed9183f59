import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DocumentType, ExtractedDocument, Heading } from './types.js';
import { ExtractError, fileAccessError } from './extractError.js';
import { documentTypeOf } from './fileTypes.js';
import { decodeText, isBinaryContent, type DecodedText } from './encoding.js';
import { hashBytes } from './hashFile.js';
import { markdownStructure } from './markdownStructure.js';
import { blankMarkdownComments } from './markdownComments.js';
import { rstHeadings } from './rstStructure.js';
import { csvHeader } from './csvHeader.js';
import { plainTextTitle } from './plainTextTitle.js';
import { declaredHtmlCharset, htmlText } from './htmlText.js';
import { pdfText, tooMuchText } from './pdfText.js';
import { CONTAINER_READERS } from './containerReaders.js';
import type { InflateLimits } from './inflateBounds.js';
import { isBlank } from './lines.js';
import { formatBytes } from './formatBytes.js';
import { DEFAULT_MAX_EXTRACTED_CHARS } from './textLimits.js';

export { formatBytes, DEFAULT_MAX_EXTRACTED_CHARS };

export interface ExtractOptions {
  /** Larger files fail with "file too large" (default 64 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Read the file as this type instead of the one its extension says. */
  type?: DocumentType;
  /** The office formats and EPUB: what their parts may inflate to, by their declared and their real sizes (default DEFAULT_INFLATE_LIMITS). */
  inflate?: InflateLimits;
  /** Extracted text longer than this (UTF-16 code units) fails with "too much text" (default 256 Mi ≈ 512 MB). */
  maxExtractedChars?: number;
  /** PDF: called after each page is read, with the pages read and the pages to read. */
  onPage?: (done: number, total: number) => void;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads one file and returns its text, title, headings (and pages for PDFs).
 * Every failure a person can cause or fix is an ExtractError with a one-line
 * reason; an abort rejects with the signal's reason.
 */
export async function extractFile(absPath: string, options: ExtractOptions = {}): Promise<ExtractedDocument> {
  const doc = await extractWithinBounds(absPath, options);
  const maxChars = options.maxExtractedChars ?? DEFAULT_MAX_EXTRACTED_CHARS;
  if (doc.text.length > maxChars) throw tooMuchText(maxChars, absPath);
  return doc;
}

async function extractWithinBounds(absPath: string, options: ExtractOptions): Promise<ExtractedDocument> {
  const { maxBytes = DEFAULT_MAX_BYTES, signal } = options;
  const type = options.type ?? documentTypeOf(absPath);
  if (!type)
    throw new ExtractError(
      'unsupported',
      `unsupported file type "${path.extname(absPath) || path.basename(absPath)}"`,
      absPath,
    );
  const bytes = await readBounded(absPath, maxBytes, signal);
  signal?.throwIfAborted();
  const base = { contentHash: hashBytes(bytes), bytes: bytes.length, warnings: [] as string[] };
  const fallbackTitle = path.basename(absPath, path.extname(absPath));

  const container = CONTAINER_READERS[type];
  if (container) {
    const read = await container.read(bytes, absPath, options.inflate);
    requireText(read.text, absPath);
    return {
      ...base,
      type,
      text: read.text,
      title: read.title ?? (container.titledByHeading ? read.headings[0]?.text : null) ?? fallbackTitle,
      encoding: null,
      pages: read.pages ?? [],
      headings: read.headings,
      ...(read.rowOfLine ? { rowOfLine: read.rowOfLine } : {}),
      warnings: read.warnings ?? [],
    };
  }
  switch (type) {
    case 'pdf': {
      const pdf = await pdfText(bytes, absPath, {
        signal,
        maxChars: options.maxExtractedChars ?? DEFAULT_MAX_EXTRACTED_CHARS,
        onPage: options.onPage,
      });
      const firstLine = /^[^\n]{1,200}/.exec(pdf.text)?.[0].trim();
      return {
        ...base,
        type,
        text: pdf.text,
        title: pdf.metadataTitle ?? (firstLine || fallbackTitle),
        encoding: null,
        pages: pdf.pages,
        headings: pdf.headings,
        warnings: pdf.warnings,
      };
    }
    case 'html': {
      const decoded = decodeOrFail(bytes, absPath, declaredHtmlCharset(bytes));
      const html = htmlText(decoded.text);
      requireText(html.text, absPath);
      const title = html.title ?? html.headings.find((h) => h.level === 1)?.text ?? fallbackTitle;
      return {
        ...base,
        type,
        text: html.text,
        title,
        encoding: decoded.encoding,
        pages: [],
        headings: html.headings,
        warnings: decoded.warnings,
      };
    }
    default: {
      const decoded = decodeOrFail(bytes, absPath, null);
      if (isBlank(decoded.text, 0, decoded.text.length))
        throw new ExtractError('empty', 'empty file (only whitespace)', absPath);
      if (type === 'markdown') {
        decoded.text = blankMarkdownComments(decoded.text);
        if (isBlank(decoded.text, 0, decoded.text.length))
          throw new ExtractError('empty', 'empty file (only comments and whitespace)', absPath);
      }
      const { headings, title } = plainStructure(type, decoded.text);
      return {
        ...base,
        type,
        text: decoded.text,
        title: title ?? fallbackTitle,
        encoding: decoded.encoding,
        pages: [],
        headings,
        warnings: decoded.warnings,
      };
    }
  }
}

/** Headings and title of a plain-text type, found in the text as read. */
function plainStructure(type: DocumentType, text: string): { headings: Heading[]; title: string | null } {
  switch (type) {
    case 'markdown': {
      const md = markdownStructure(text);
      return {
        headings: md.headings,
        title: md.frontMatterTitle ?? md.headings.find((h) => h.level === 1)?.text ?? null,
      };
    }
    case 'rst': {
      const headings = rstHeadings(text);
      return { headings, title: headings.find((h) => h.level === 1)?.text ?? null };
    }
    case 'text': {
      const titleLine = plainTextTitle(text);
      return { headings: titleLine ? [titleLine] : [], title: titleLine?.text ?? null };
    }
    case 'csv': {
      const header = csvHeader(text);
      return { headings: header ? [header] : [], title: null };
    }
    default:
      return { headings: [], title: null };
  }
}

async function readBounded(
  absPath: string,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  let size: number;
  try {
    const stat = await fs.stat(absPath);
    if (!stat.isFile()) throw new ExtractError('not-a-file', 'not a regular file', absPath);
    size = stat.size;
  } catch (e) {
    if (e instanceof ExtractError) throw e;
    throw fileAccessError(e, absPath);
  }
  if (size > maxBytes) throw tooLarge(size, maxBytes, absPath);
  if (size === 0) throw new ExtractError('empty', 'empty file', absPath);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(absPath, { signal });
  } catch (e) {
    signal?.throwIfAborted();
    throw fileAccessError(e, absPath);
  }
  // The file may have changed between stat and read.
  if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes, absPath);
  if (bytes.length === 0) throw new ExtractError('empty', 'empty file', absPath);
  return bytes;
}

function tooLarge(size: number, maxBytes: number, file: string): ExtractError {
  return new ExtractError(
    'too-large',
    `file too large (${formatBytes(size)} > ${formatBytes(maxBytes)})`,
    file,
  );
}

function decodeOrFail(bytes: Uint8Array, file: string, declared: string | null): DecodedText {
  const decoded = decodeText(bytes, { declared });
  if (isBinaryContent(decoded)) {
    throw new ExtractError(
      'binary',
      decoded.looksLike ? `binary file (looks like ${decoded.looksLike})` : 'binary file',
      file,
    );
  }
  return decoded;
}

function requireText(text: string, file: string): void {
  if (isBlank(text, 0, text.length)) throw new ExtractError('no-text', 'no text in this document', file);
}
