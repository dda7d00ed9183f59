import type { Chunk, ExtractedDocument, Heading, PageSpan, TextSpan } from './types.js';
import { UserError } from '../errors.js';
import { LineCounter, isSpaceCode } from './lines.js';
import { splitSentences } from './sentences.js';

export interface ChunkOptions {
  /** Aim for chunks about this long (UTF-16 code units). Paragraphs are merged up to it. */
  targetChars?: number;
  /** Repeat up to this many characters of whole sentences from the previous chunk of the same section. */
  overlapChars?: number;
  /** Hard cap on a chunk's length, overlap included (default 1.5 × target). */
  maxChars?: number;
}

export const DEFAULT_TARGET_CHARS = 800;
export const DEFAULT_OVERLAP_CHARS = 0;

type ChunkInput = Pick<ExtractedDocument, 'type' | 'text' | 'headings' | 'pages' | 'rowOfLine'>;

interface Section extends TextSpan {
  headingPath: string[];
  page: number | null;
  /** End of the section's own heading, or `start` when it has none. */
  bodyStart: number;
}

/**
 * Where a chunk of lines `first`..`last` (1-based) is placed: its first line, or in a
 * spreadsheet the row of its first line that is a row (a chunk may start with its sheet's name).
 */
function placeLine(rowOfLine: Int32Array | undefined, first: number, last: number): number {
  if (!rowOfLine) return first;
  for (let line = first; line <= last && line <= rowOfLine.length; line++)
    if (rowOfLine[line - 1] > 0) return rowOfLine[line - 1];
  return first;
}

/**
 * Splits a document into retrieval passages that follow its structure: never
 * across a heading or PDF page; within a section, paragraphs (blank-line
 * separated) are merged up to `targetChars`; a paragraph longer than `maxChars` is
 * cut at sentence ends (lines for code and tables), then spaces, then anywhere
 * (never inside a surrogate pair). Linear in the text length.
 */
export function chunkDocument(doc: ChunkInput, options: ChunkOptions = {}): Chunk[] {
  const { target, overlap, max } = resolveOptions(options);
  const text = doc.text;
  const lineUnits =
    doc.type === 'code' ||
    doc.type === 'csv' ||
    doc.type === 'json' ||
    doc.type === 'xlsx' ||
    doc.type === 'ods';
  const lines = new LineCounter(text);
  const chunks: Chunk[] = [];
  for (const section of sections(doc)) {
    const units = paragraphUnits(text, section, max, target, lineUnits);
    let previous: TextSpan | null = null;
    for (const span of pack(text, units, target, max, section.bodyStart, lineUnits)) {
      const start = previous && overlap > 0 ? overlapStart(text, previous, span, overlap, max) : span.start;
      chunks.push({
        ord: chunks.length,
        start,
        end: span.end,
        text: text.slice(start, span.end),
        headingPath: section.headingPath,
        page: section.page,
        line: placeLine(doc.rowOfLine, lines.lineAt(start), lines.lineAt(span.end)),
      });
      previous = span;
    }
  }
  return chunks;
}

function resolveOptions(options: ChunkOptions): { target: number; overlap: number; max: number } {
  const target = options.targetChars ?? DEFAULT_TARGET_CHARS;
  const overlap = options.overlapChars ?? DEFAULT_OVERLAP_CHARS;
  const max = options.maxChars ?? Math.floor(target * 1.5);
  if (!Number.isInteger(target) || target < 20)
    throw new UserError(
      `chunk target size must be an integer of at least 20 characters (got ${target})`,
      'targetChars',
    );
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= target)
    throw new UserError(
      `chunk overlap must be an integer from 0 to below the target size (got ${overlap})`,
      'overlapChars',
    );
  if (!Number.isInteger(max) || max < target)
    throw new UserError(
      `chunk maximum size must be an integer not below the target size (got ${max})`,
      'maxChars',
    );
  return { target, overlap, max };
}

/**
 * The document cut at every heading and page start, each piece with the heading
 * path and page in force there. A heading directly followed by another heading
 * (nothing but blank space between: a sub-heading, or a section left empty such
 * as an e-book's title page) joins that heading's section, so it is not left
 * alone as a tiny chunk; in a PDF, so does a page's running head before the
 * page's first heading, and a heading alone at a page's bottom stays with the text
 * above it.
 */
function sections(doc: ChunkInput): Section[] {
  const { text } = doc;
  const headings = doc.headings
    .filter((h) => h.start >= 0 && h.end <= text.length && h.start < h.end)
    .sort((a, b) => a.start - b.start);
  const cuts = new Map<number, Heading | null>([[0, null]]);
  for (const p of doc.pages) if (p.start < text.length) cuts.set(p.start, cuts.get(p.start) ?? null);
  for (const h of headings) cuts.set(h.start, h);
  const starts = [...cuts.keys()].sort((a, b) => a - b);

  const out: Section[] = [];
  const stack: Heading[] = [];
  let pageIndex = 0;
  let carried: Section | null = null;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const end = i + 1 < starts.length ? starts[i + 1] : text.length;
    const heading = cuts.get(start) ?? null;
    if (heading) {
      while (stack.length && stack[stack.length - 1].level >= heading.level) stack.pop();
      stack.push(heading);
    }
    pageIndex = advancePage(doc.pages, pageIndex, start);
    const page = doc.pages.length ? doc.pages[pageIndex].page : null;
    const section: Section = {
      start: carried?.start ?? start,
      end,
      headingPath: stack.map((h) => h.text),
      page: carried?.page ?? page,
      bodyStart: heading ? Math.min(heading.end, end) : start,
    };
    carried = null;
    const next = i + 1 < starts.length ? cuts.get(starts[i + 1]) : null;
    const headingOnly = heading && isSpaceOnly(text, section.bodyStart, end);
    if (headingOnly && next && samePage(doc.pages, pageIndex, starts[i + 1])) {
      carried = section;
      continue;
    }
    // A heading alone at the bottom of a PDF page stays with the text above it (as it did
    // before outlines gave PDFs headings); the next page's text is under it.
    const previous = out[out.length - 1];
    if (headingOnly && !next && i + 1 < starts.length && previous && previous.page === page) {
      previous.end = end;
      continue;
    }
    // A PDF page's running head or number before the page's first heading ("2", "Chapter 2:
    // ASN.1 structure handling 3") joins that heading's section instead of standing alone.
    if (!heading && next && doc.pages.length > 0 && isRunningHead(text, start, end)) {
      carried = section;
      continue;
    }
    out.push(section);
  }
  return out;
}

/** Whether the text is one short line (or none): what a PDF page's running head is. */
function isRunningHead(text: string, start: number, end: number): boolean {
  const span = trimSpan(text, start, end);
  if (!span) return true;
  if (span.end - span.start > 80) return false;
  for (let i = span.start; i < span.end; i++) if (text.charCodeAt(i) === 10) return false;
  return true;
}

function advancePage(pages: PageSpan[], index: number, offset: number): number {
  let i = index;
  while (i + 1 < pages.length && pages[i + 1].start <= offset) i++;
  return i;
}

function samePage(pages: PageSpan[], index: number, offset: number): boolean {
  return pages.length === 0 || advancePage(pages, index, offset) === index;
}

function isSpaceOnly(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpaceCode(text.charCodeAt(i))) return false;
  return true;
}

/** Trimmed spans no longer than `max`: whole paragraphs, or the pieces of one too long to keep. */
function paragraphUnits(
  text: string,
  section: Section,
  max: number,
  target: number,
  lineUnits: boolean,
): TextSpan[] {
  const units: TextSpan[] = [];
  const blankLine = /(?:\r\n|\n|\r)[^\S\r\n]*(?:\r\n|\n|\r)/g;
  blankLine.lastIndex = section.start;
  let start = section.start;
  for (;;) {
    const m = blankLine.exec(text);
    const end = m && m.index < section.end ? m.index : section.end;
    const span = trimSpan(text, start, end);
    if (span) {
      if (span.end - span.start <= max) units.push(span);
      else splitLong(text, span, max, target, lineUnits, units);
    }
    if (!m || m.index >= section.end) break;
    start = m.index + m[0].length;
    blankLine.lastIndex = start;
  }
  return units;
}

/** Cuts an over-long paragraph into units of at most `max`: sentences (or lines), then words, then anywhere. */
function splitLong(
  text: string,
  span: TextSpan,
  max: number,
  target: number,
  lineUnits: boolean,
  out: TextSpan[],
): void {
  const pieces = lineUnits ? lineSpansIn(text, span) : splitSentences(text, span.start, span.end);
  for (const piece of pieces) {
    if (piece.end - piece.start <= max) out.push(piece);
    else if (!lineUnits) {
      for (const line of lineSpansIn(text, piece)) {
        if (line.end - line.start <= max) out.push(line);
        else wrap(text, line, max, target, out);
      }
    } else wrap(text, piece, max, target, out);
  }
}

function lineSpansIn(text: string, span: TextSpan): TextSpan[] {
  const out: TextSpan[] = [];
  const re = /\r\n|\n|\r/g;
  re.lastIndex = span.start;
  let start = span.start;
  for (let m = re.exec(text); m && m.index < span.end; m = re.exec(text)) {
    const t = trimSpan(text, start, m.index);
    if (t) out.push(t);
    start = m.index + m[0].length;
  }
  const t = trimSpan(text, start, span.end);
  if (t) out.push(t);
  return out;
}

/**
 * Cuts a span with no better break into pieces of about `target`: at the last
 * space in the second half of the window, else the first space before `max`,
 * else exactly at `target` (moved off a surrogate pair's middle).
 */
function wrap(text: string, span: TextSpan, max: number, target: number, out: TextSpan[]): void {
  let pos = span.start;
  while (span.end - pos > max) {
    let cutAt = -1;
    for (let i = pos + target; i > pos + (target >> 1); i--) {
      if (isSpaceCode(text.charCodeAt(i))) {
        cutAt = i;
        break;
      }
    }
    for (let i = pos + target + 1; cutAt < 0 && i < pos + max; i++) {
      if (isSpaceCode(text.charCodeAt(i))) cutAt = i;
    }
    if (cutAt < 0) {
      cutAt = pos + target;
      const c = text.charCodeAt(cutAt);
      if (c >= 0xdc00 && c <= 0xdfff) cutAt--;
    }
    const piece = trimSpan(text, pos, cutAt);
    if (piece) out.push(piece);
    pos = cutAt;
  }
  const rest = trimSpan(text, pos, span.end);
  if (rest) out.push(rest);
}

function trimSpan(text: string, start: number, end: number): TextSpan | null {
  let s = start,
    e = end;
  while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
  while (e > s && isSpaceCode(text.charCodeAt(e - 1))) e--;
  return e > s ? { start: s, end: e } : null;
}

/**
 * A paragraph that announces what follows ("… as follows:", "运行以下命令："), also
 * when a footnote mark follows the colon ("configured as follows: [68]", "¹"), as
 * manuals converted from DocBook or Markdown write it.
 */
const INTRODUCES =
  /(?:[:：]|\bas follows\.?|\bfollowing\.?|如下[。.]?)(?:\s*(?:\[\^?[0-9a-z]{1,4}\]|[\u00b9\u00b2\u00b3\u2070-\u2079]+))*\s*$/iu;

function introduces(text: string, unit: TextSpan): boolean {
  return INTRODUCES.test(text.slice(Math.max(unit.start, unit.end - 40), unit.end));
}

/**
 * Greedy merge of consecutive units: the next unit joins while the chunk stays
 * within `target`; a chunk that is only the section's heading, or still shorter
 * than a quarter of the target, may grow up to `max` rather than stand alone, and
 * when even that does not fit, takes the next unit's first sentences.
 * A paragraph that announces the next one ("run the following:") stays with it:
 * the next unit joins up to `max`, or when even that does not fit, the announcing
 * paragraph moves on into the next chunk with it, so an instruction is never cut
 * from its command.
 */
function* pack(
  text: string,
  units: TextSpan[],
  target: number,
  max: number,
  bodyStart: number,
  lineUnits: boolean,
): Generator<TextSpan> {
  let current: TextSpan | null = null;
  let lastUnit: TextSpan | null = null;
  for (const unit of units) {
    if (!current) {
      current = { ...unit };
      lastUnit = unit;
      continue;
    }
    const joined = unit.end - current.start;
    const small = current.end <= bodyStart || current.end - current.start < target / 4;
    const announced = lastUnit !== null && introduces(text, lastUnit);
    let leadEnd = -1;
    if (joined <= target || ((small || announced) && joined <= max)) current.end = unit.end;
    else if (announced && lastUnit!.start > current.start && unit.end - lastUnit!.start <= max) {
      yield { start: current.start, end: trimmedEndBefore(text, lastUnit!.start, current.start) };
      current = { start: lastUnit!.start, end: unit.end };
    } else if (
      small &&
      !announced &&
      !lineUnits &&
      (leadEnd = leadingSentencesEnd(text, unit, current.start, target, max)) > 0
    ) {
      // A title or a short lead-in never stands alone ("Nimrod (computer)" as a passage of its
      // own answers nothing): it takes the next paragraph's first sentences with it.
      yield { start: current.start, end: leadEnd };
      current = trimSpan(text, leadEnd, unit.end)!;
    } else {
      yield current;
      current = { ...unit };
    }
    lastUnit = unit;
  }
  if (current) yield current;
}

/**
 * Where the first sentences of `unit` end that fit, with the chunk begun at `from`, within
 * `target` (at least one sentence, within `max`), leaving some of the unit for the next
 * chunk; -1 when not even one does.
 */
function leadingSentencesEnd(
  text: string,
  unit: TextSpan,
  from: number,
  target: number,
  max: number,
): number {
  const sentences = splitSentences(text, unit.start, unit.end);
  let end = -1;
  for (const sentence of sentences.slice(0, -1)) {
    if (sentence.end - from > (end < 0 ? max : target)) break;
    end = sentence.end;
  }
  return end;
}

/** The end of the text before `pos` with trailing whitespace left out (not before `floor`). */
function trimmedEndBefore(text: string, pos: number, floor: number): number {
  let e = pos;
  while (e > floor && isSpaceCode(text.charCodeAt(e - 1))) e--;
  return e;
}

/**
 * Where a chunk starts once it repeats the previous chunk's last whole sentences:
 * as many as fit in `overlap` characters without the chunk exceeding `max`.
 */
function overlapStart(
  text: string,
  previous: TextSpan,
  span: TextSpan,
  overlap: number,
  max: number,
): number {
  let start = span.start;
  const sentences = splitSentences(text, previous.start, previous.end);
  for (let i = sentences.length - 1; i >= 0; i--) {
    const candidate = sentences[i].start;
    if (span.start - candidate > overlap || span.end - candidate > max) break;
    start = candidate;
  }
  return start;
}
