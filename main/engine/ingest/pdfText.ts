import path from 'node:path';
import { createRequire } from 'node:module';
import type { Heading, PageSpan } from './types.js';
import { ExtractError } from './extractError.js';

export interface PdfText {
  text: string;
  pages: PageSpan[];
  /** From the PDF's outline (its bookmarks), each found in its page's text; none without one. */
  headings: Heading[];
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
    const pageCount = Math.min(doc.numPages, maxPages);
    if (doc.numPages > maxPages)
      warnings.push(`only the first ${maxPages} of ${doc.numPages} pages were read`);
    let emptyPages = 0;
    const read: PageLine[][] = [];
    let readChars = 0;
    for (let n = 1; n <= pageCount; n++) {
      signal?.throwIfAborted();
      let lines: PageLine[] = [];
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        lines = joinItems(content.items.filter((i) => 'str' in i) as TextItem[]);
        page.cleanup();
      } catch (e) {
        signal?.throwIfAborted();
        warnings.push(`page ${n} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (lines.length === 0) emptyPages++;
      read.push(lines);
      // The text as read so far, with the blank line between pages, as the bound has always counted it.
      if (readChars > 0 && lines.length > 0) readChars += 2;
      for (const line of lines) readChars += line.text.length + line.gap.length;
      if (readChars > maxChars) throw tooMuchText(maxChars, file);
      onPage?.(n, pageCount);
    }
    const { text, pages, pageLines } = layOut(withoutRunningLines(read));
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
    let headings: Heading[] = [];
    try {
      headings = outlineHeadings(await flatOutline(doc), text, pages, pageLines);
    } catch {
      // A broken outline only costs the headings.
    }
    return { text, pages, headings, metadataTitle, warnings };
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

/** A line of a page's text: where it starts (in the page's text, then the document's) and its baseline. */
interface PdfLine {
  offset: number;
  y: number;
}

/** An outline entry: its title, depth (0 = top), and where it points (page index from 0, top y when given). */
interface OutlineEntry {
  title: string;
  depth: number;
  page: number;
  y: number | null;
}

type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
type OutlineNode = Awaited<ReturnType<PdfDocument['getOutline']>>[number];

/** The outline's entries in document order, each with the page and height it points to. */
async function flatOutline(doc: PdfDocument): Promise<OutlineEntry[]> {
  const out: OutlineEntry[] = [];
  const walk = async (nodes: OutlineNode[] | null | undefined, depth: number): Promise<void> => {
    for (const node of nodes ?? []) {
      if (out.length >= MAX_OUTLINE_ENTRIES) return;
      let dest = node.dest;
      if (typeof dest === 'string') dest = await doc.getDestination(dest).catch(() => null);
      if (Array.isArray(dest) && dest.length > 0) {
        const target = dest[0] as unknown;
        const page =
          typeof target === 'number' ? target : await doc.getPageIndex(target as never).catch(() => -1);
        // [page, /XYZ, left, top, zoom] and [page, /FitH, top] name the height they show.
        const kind = (dest[1] as { name?: string } | undefined)?.name;
        const top = kind === 'XYZ' ? dest[3] : kind === 'FitH' || kind === 'FitBH' ? dest[2] : null;
        const title = typeof node.title === 'string' ? node.title.replace(/\s+/g, ' ').trim() : '';
        if (page >= 0 && title) out.push({ title, depth, page, y: typeof top === 'number' ? top : null });
      }
      await walk(node.items, depth + 1);
    }
  };
  await walk(await doc.getOutline(), 0);
  return out;
}

// A hostile outline can be endless; real ones have hundreds of entries at most.
const MAX_OUTLINE_ENTRIES = 5000;

/**
 * The outline's entries as headings: each title found in the text of the page it points to
 * (spaces and case aside), on the line nearest below the height it points to, the line's
 * section number ("2.1 ") included. An entry not found there (a title the page writes
 * otherwise) gives no heading; headings keep the text's order.
 */
function outlineHeadings(
  entries: readonly OutlineEntry[],
  text: string,
  pages: readonly PageSpan[],
  pageLines: readonly PdfLine[][],
): Heading[] {
  const headings: Heading[] = [];
  let floor = 0;
  for (const entry of entries) {
    const page = pages[entry.page];
    const lines = pageLines[entry.page];
    if (!page || !lines || page.end <= page.start) continue;
    const pattern = titlePattern(entry.title);
    const pageText = text.slice(page.start, page.end);
    let best: { start: number; end: number; distance: number; line: PdfLine | null } | null = null;
    for (const m of pageText.matchAll(pattern)) {
      const start = page.start + m.index;
      if (start < floor) continue;
      const line = lineAt(lines, start);
      // Below the height the entry points to (a little above allowed: the top is above the baseline).
      const distance = entry.y === null || !line ? 0 : entry.y - line.y;
      if (entry.y !== null && line && distance < -24) continue;
      if (!best || distance < best.distance) best = { start, end: start + m[0].length, distance, line };
      if (entry.y === null) break;
    }
    if (!best) continue;
    const { line } = best;
    const lead = line ? text.slice(line.offset, best.start) : '';
    const start = line && SECTION_LEAD.test(lead) ? line.offset : best.start;
    headings.push({ level: Math.min(entry.depth + 1, 6), text: entry.title, start, end: best.end });
    floor = best.end;
  }
  return headings;
}

/**
 * The title as a pattern over a page's text: any run of spaces for a space, and room for
 * the spaces a PDF may put between Chinese or Japanese characters (each can be its own
 * text item there) and for a hyphen added or left out between words or inside one.
 */
function titlePattern(title: string): RegExp {
  let source = '';
  let previous = '';
  for (const c of title) {
    if (c === ' ') source += `(?:\\s+|\\s*${HYPHEN}\\s*)`;
    else if (HYPHEN_CHARS.includes(c)) source += `(?:${HYPHEN}\\s*|\\s+)?`;
    else {
      if (previous && previous !== ' ' && (isWideChar(previous) || isWideChar(c))) source += '\\s*';
      else if (isLetter(previous) && isLetter(c)) source += `(?:${HYPHEN}\\s*)?`;
      source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    previous = c;
  }
  return new RegExp(source, 'giu');
}

/**
 * A bookmark and its page often differ by a hyphen ("Nonregular files" on a page that
 * writes "Non-regular files", "Deep clean" for "Deep-clean", a word broken at a line's end).
 */
const HYPHEN_CHARS = '-\u00ad\u2010\u2011';
const HYPHEN = `[${HYPHEN_CHARS}]`;
const isLetter = (c: string) => /^[\p{L}\p{N}]$/u.test(c) && !isWideChar(c);

const isWideChar = (c: string) =>
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(c);

/** What may stand before a heading's title on its line: "2.1 ", "Appendix ", "Chapter 3 ", "第三章 ". */
const SECTION_LEAD =
  /^\s*(?:(?:appendix|chapter|part|section)\s+)?(?:[0-9]+|[A-Z]|[IVXLC]+)?(?:\.[0-9]+)*\.?\s*$|^\s*(?:第[0-9一二三四五六七八九十百]+[章节部篇]|附录[A-Z]?)\s*$/iu;

/** The line holding `offset` (the last that starts at or before it). */
function lineAt(lines: readonly PdfLine[], offset: number): PdfLine | null {
  let found: PdfLine | null = null;
  for (const line of lines) {
    if (line.offset > offset) break;
    found = line;
  }
  return found;
}

/**
 * A line of a page as rebuilt from pdf.js text items: its words, its baseline, and what
 * separates it from the next line ("\n", or "\n\n" where the gap says "new paragraph").
 */
interface PageLine {
  text: string;
  y: number;
  gap: string;
}

/** Rebuilds lines and paragraphs from pdf.js text items (positions in PDF units, y upwards). */
function joinItems(items: TextItem[]): PageLine[] {
  const lines: PageLine[] = [];
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
          lines.push({
            text: line.trimEnd(),
            y: prev.y,
            gap: drop > lineHeight * 1.6 || drop < -lineHeight ? '\n\n' : '\n',
          });
        line = '';
      } else if (x - prev.endX > size * 0.2 && !/\s$/.test(line) && !/^\s/.test(item.str)) {
        line += ' ';
      }
    }
    line += line === '' ? item.str.trimStart() : item.str;
    eol = item.hasEOL;
    prev = { y, endX: x + item.width, size };
  }
  if (line.trim() !== '') lines.push({ text: line.trimEnd(), y: prev!.y, gap: '' });
  return lines;
}

/**
 * The pages' lines as one text (pages joined by a blank line, the last line of a page
 * without its gap), with each page's span and each line's offset in it.
 */
function layOut(read: readonly PageLine[][]): { text: string; pages: PageSpan[]; pageLines: PdfLine[][] } {
  let text = '';
  const pages: PageSpan[] = [];
  const pageLines: PdfLine[][] = [];
  read.forEach((lines, i) => {
    if (text !== '' && lines.length > 0) text += '\n\n';
    const start = text.length;
    const positions: PdfLine[] = [];
    lines.forEach((line, j) => {
      positions.push({ offset: text.length, y: line.y });
      text += line.text + (j + 1 < lines.length ? line.gap : '');
    });
    pages.push({ page: i + 1, start, end: text.length });
    pageLines.push(positions);
  });
  return { text, pages, pageLines };
}

/** A line as running heads are compared: numbers (the page's) as #, spaces and case aside. */
const runningKey = (line: string) => line.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The pages without their running heads and feet: a page's first or last line that starts
 * or ends several pages alike ("Chapter 4: Function reference 12", "Shared MIME-info
 * Database", a page number alone), on three pages at least, or on two whose numbers
 * differ. Such a line would be in a passage of every page it is on; it stays on the first
 * of them only. A page of one line keeps it.
 */
function withoutRunningLines(read: readonly PageLine[][]): PageLine[][] {
  const running = (pick: (lines: readonly PageLine[]) => PageLine): Set<string> => {
    const seen = new Map<string, { pages: number; written: Set<string> }>();
    for (const lines of read) {
      if (lines.length < 2) continue;
      const line = pick(lines).text;
      if (line.length > 100) continue;
      const key = runningKey(line);
      const entry = seen.get(key) ?? { pages: 0, written: new Set<string>() };
      entry.pages++;
      entry.written.add(line);
      seen.set(key, entry);
    }
    return new Set(
      [...seen].filter(([, e]) => e.pages >= 3 || (e.pages >= 2 && e.written.size >= 2)).map(([key]) => key),
    );
  };
  const heads = running((lines) => lines[0]);
  const feet = running((lines) => lines[lines.length - 1]);
  if (heads.size === 0 && feet.size === 0) return read as PageLine[][];
  // The first page with a running line keeps it: a letterhead's sender is then still in the text once.
  const kept = new Set<string>();
  const repeated = (running: Set<string>, role: string, line: PageLine) => {
    const key = runningKey(line.text);
    if (!running.has(key)) return false;
    if (kept.has(role + key)) return true;
    kept.add(role + key);
    return false;
  };
  return read.map((lines) => {
    if (lines.length < 2) return lines;
    let from = 0;
    let to = lines.length;
    if (repeated(heads, 'head:', lines[0])) from = 1;
    if (to - from >= 2 && repeated(feet, 'foot:', lines[to - 1])) to--;
    return lines.slice(from, to);
  });
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
