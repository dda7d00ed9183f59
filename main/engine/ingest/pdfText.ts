import path from 'node:path';
import { createRequire } from 'node:module';
import type { PageSpan } from './types.js';
import { ExtractError } from './extractError.js';

export interface PdfText {
  text: string;
  pages: PageSpan[];
  /** The document information dictionary's Title, when it names something. */
  metadataTitle: string | null;
  warnings: string[];
}

export interface PdfOptions {
  signal?: AbortSignal;
  /** Pages after this many are not read (a warning says so). */
  maxPages?: number;
  /** More text than this (UTF-16 code units) fails with "too much text", as soon as a page passes it. */
  maxChars?: number;
  /** After each page: how many of the pages to read are read (a long PDF's progress). */
  onPage?: (done: number, total: number) => void;
}

// pdf.js fetches cMaps (needed by CJK fonts without embedded ToUnicode) and the
// standard font data from files in its own package folder: offline by design.
const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const CMAP_URL = path.join(pdfjsDir, 'cmaps') + '/';
const STANDARD_FONTS_URL = path.join(pdfjsDir, 'standard_fonts') + '/';
const WASM_URL = path.join(pdfjsDir, 'wasm') + '/';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | null = null;

interface TextItem {
  str: string;
  hasEOL: boolean;
  transform: number[];
  width: number;
  height: number;
}

/**
 * Text of a PDF, page after page (pages joined by a blank line), with lines
 * rebuilt from pdf.js text items: a new line where pdf.js marks an end of line or
 * the baseline moves, a blank line where the vertical gap says "new paragraph".
 */
export async function pdfText(bytes: Uint8Array, file: string, options: PdfOptions = {}): Promise<PdfText> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  const lib = await pdfjs;
  const { signal, maxPages = 5000, maxChars = Infinity, onPage } = options;
  const task = lib.getDocument({
    // pdf.js may take ownership of the buffer it is given: pass a copy.
    data: new Uint8Array(bytes),
    cMapUrl: CMAP_URL,
    cMapPacked: true,
    standardFontDataUrl: STANDARD_FONTS_URL,
    wasmUrl: WASM_URL,
    useSystemFonts: false,
    disableFontFace: true,
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
    enableXfa: false,
    verbosity: lib.VerbosityLevel.ERRORS,
  });
  const abort = () => void task.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    let doc;
    try {
      doc = await task.promise;
    } catch (e) {
      signal?.throwIfAborted();
      throw loadError(e, file);
    }
    const warnings: string[] = [];
    const pages: PageSpan[] = [];
    let text = '';
    const pageCount = Math.min(doc.numPages, maxPages);
    if (doc.numPages > maxPages)
      warnings.push(`only the first ${maxPages} of ${doc.numPages} pages were read`);
    let emptyPages = 0;
    for (let n = 1; n <= pageCount; n++) {
      signal?.throwIfAborted();
      let pageText = '';
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        pageText = joinItems(content.items.filter((i) => 'str' in i) as TextItem[]);
        page.cleanup();
      } catch (e) {
        signal?.throwIfAborted();
        warnings.push(`page ${n} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (pageText === '') emptyPages++;
      if (text !== '' && pageText !== '') text += '\n\n';
      pages.push({ page: n, start: text.length, end: text.length + pageText.length });
      text += pageText;
      if (text.length > maxChars) throw tooMuchText(maxChars, file);
      onPage?.(n, pageCount);
    }
    if (text === '')
      throw new ExtractError(
        'no-text',
        'no text in this PDF (scanned images? text recognition is not supported)',
        file,
      );
    if (emptyPages > 0) warnings.push(`${emptyPages} of ${pageCount} pages have no text (scanned images?)`);
    let metadataTitle: string | null = null;
    try {
      const info = (await doc.getMetadata()).info as { Title?: unknown };
      metadataTitle = cleanMetadataTitle(info.Title);
    } catch {
      // Broken metadata only costs the title.
    }
    return { text, pages, metadataTitle, warnings };
  } finally {
    signal?.removeEventListener('abort', abort);
    await task.destroy();
  }
}

export function tooMuchText(maxChars: number, file: string): ExtractError {
  const millions = maxChars / 1e6;
  return new ExtractError(
    'too-much-text',
    `too much text (more than ${millions >= 1 ? `${+millions.toFixed(1)} million` : maxChars} characters)`,
    file,
  );
}

function loadError(e: unknown, file: string): ExtractError {
  const name = (e as { name?: string })?.name;
  if (name === 'PasswordException')
    return new ExtractError('encrypted', 'password-protected PDF', file, { cause: e });
  return new ExtractError('invalid-pdf', 'not a valid PDF (damaged or truncated?)', file, { cause: e });
}

/** Rebuilds lines and paragraphs from pdf.js text items (positions in PDF units, y upwards). */
function joinItems(items: TextItem[]): string {
  const parts: string[] = [];
  let line = '';
  let prev: { y: number; endX: number; size: number } | null = null;
  let eol = false;
  for (const item of items) {
    const x = item.transform[4],
      y = item.transform[5];
    const size = Math.abs(item.height) || Math.hypot(item.transform[2], item.transform[3]) || 10;
    if (item.str === '') {
      if (item.hasEOL) eol = true;
      continue;
    }
    if (prev) {
      const lineHeight = Math.max(size, prev.size);
      if (eol || Math.abs(y - prev.y) > lineHeight * 0.5) {
        // More than ~1.6 lines down (or a jump up, to a new column): a new paragraph.
        const drop = prev.y - y;
        if (line.trim() !== '')
          parts.push(line.trimEnd(), drop > lineHeight * 1.6 || drop < -lineHeight ? '\n\n' : '\n');
        line = '';
      } else if (x - prev.endX > size * 0.2 && !/\s$/.test(line) && !/^\s/.test(item.str)) {
        line += ' ';
      }
    }
    line += line === '' ? item.str.trimStart() : item.str;
    eol = item.hasEOL;
    prev = { y, endX: x + item.width, size };
  }
  if (line.trim() !== '') parts.push(line.trimEnd());
  else parts.pop();
  return parts.join('');
}

function cleanMetadataTitle(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const title = raw
    .replace(/^Microsoft (?:Word|PowerPoint|Excel) - /, '')
    .replace(/\.(?:docx?|pptx?|xlsx?|pdf|txt|rtf|odt)$/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (title === '' || /^(?:untitled|unknown|document|title|none|null)$/i.test(title)) return null;
  return title;
}
