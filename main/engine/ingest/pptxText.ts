import { openOfficeDocument, type OfficeRefusals } from './archiveParts.js';
import { ExtractError } from './extractError.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import { firstElementText, parseXml, prefixedAttribute } from './xmlEvents.js';
import { SectionedText } from './sectionedText.js';
import type { Heading, PageSpan } from './types.js';

export interface PptxText {
  /** Each slide's text in the presentation's order (its title first, then its speaker notes), a blank line between slides. */
  text: string;
  /** Each slide's title, level 1. */
  headings: Heading[];
  /** One span per slide that has text; `page` is the slide's number. */
  pages: PageSpan[];
  /** The document properties' title, if any. */
  title: string | null;
  warnings: string[];
}

// Placeholders that repeat on every slide and answer nothing: slide number, date, footer.
const RUNNING_PLACEHOLDERS = new Set(['sldNum', 'dt', 'ftr', 'hdr']);
const TITLE_PLACEHOLDERS = new Set(['title', 'ctrTitle']);
const NOTES_SLIDE = /\/notesSlide$/;

/**
 * A PowerPoint deck's text: the slides in the order presentation.xml lists them
 * (not their file names' order), each slide's title (its title placeholder) as a
 * heading, its other text boxes and tables in the slide's order, and its speaker
 * notes; slide numbers, dates and footers are left out. Each slide is a page, so
 * a passage never spans two slides. Sizes are checked before anything is
 * inflated, as for DOCX.
 */
export async function pptxText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<PptxText> {
  const { readText: readPart, relationships } = await openOfficeDocument(bytes, file, limits, REFUSALS);

  const presentation = readPart('ppt/presentation.xml');
  if (presentation === null) throw REFUSALS.damaged(file, new Error('no ppt/presentation.xml'));
  const slideIds = slideRelationshipIds(presentation);
  const targets = relationships('ppt/presentation.xml');

  const out = new SectionedText();
  let missing = 0;
  // Each slide part once, whatever the list repeats (its text would multiply without bound).
  const seen = new Set<string>();
  slideIds.forEach((id, i) => {
    const slidePath = targets.get(id)?.path;
    if (slidePath !== undefined && seen.has(slidePath)) return;
    if (slidePath !== undefined) seen.add(slidePath);
    const slideXml = slidePath ? readPart(slidePath) : null;
    if (slidePath === undefined || slideXml === null) {
      missing++;
      return;
    }
    const slide = slideText(slideXml);
    const notesPath = [...relationships(slidePath).values()].find((r) => NOTES_SLIDE.test(r.type))?.path;
    const notesXml = notesPath ? readPart(notesPath) : null;
    const notes = notesXml ? slideText(notesXml, (type) => type === 'body').body : '';
    out.add(slide.title, [slide.body, notes], i + 1);
  });
  const warnings =
    missing > 0 ? [`${missing} of ${slideIds.length} slides are missing from the archive`] : [];
  const { text, headings, pages } = out;
  return { text, headings, pages, title: firstElementText(readPart('docProps/core.xml'), 'title'), warnings };
}

/** The relationship ids of the slides, in the presentation's order. */
function slideRelationshipIds(xml: string): string[] {
  const ids: string[] = [];
  parseXml(xml, {
    open(name, attrs) {
      const id = name === 'sldid' ? prefixedAttribute(attrs, 'id') : undefined;
      if (id) ids.push(id);
    },
  });
  return ids;
}

/**
 * A slide's (or notes page's) title and the rest of its text. Each paragraph is a line,
 * each text box a block; a table row is a line of its cells joined by " | ".
 * `keep` chooses by placeholder type ('' for a shape that is no placeholder).
 */
function slideText(
  xml: string,
  keep: (placeholderType: string) => boolean = () => true,
): { title: string; body: string } {
  const titles: string[] = [];
  const blocks: string[] = [];
  let shape: { type: string; lines: string[] } | null = null;
  let paragraph: string | null = null;
  let row: string[] | null = null;
  let cell: string[] | null = null;
  let inText = false;
  // mc:Fallback repeats mc:Choice's content for older readers: read once.
  let fallbackDepth = 0;
  parseXml(xml, {
    open(name, attrs) {
      if (fallbackDepth > 0 || name === 'fallback') {
        fallbackDepth++;
        return;
      }
      if (name === 'sp' || name === 'graphicframe') shape = { type: '', lines: [] };
      else if (name === 'ph' && shape) shape.type = attrs.type ?? 'body';
      else if (name === 'tr') row = [];
      else if (name === 'tc') cell = [];
      else if (name === 'p' && shape) paragraph = '';
      else if (name === 't') inText = true;
      else if (name === 'br' && paragraph !== null) paragraph += '\n';
      else if (name === 'tab' && paragraph !== null) paragraph += '\t';
    },
    text(t) {
      if (inText && paragraph !== null) paragraph += t;
    },
    close(name) {
      if (fallbackDepth > 0) {
        fallbackDepth--;
        return;
      }
      if (name === 't') inText = false;
      else if (name === 'p' && paragraph !== null) {
        const line = paragraph.replace(/[ \t]+/g, ' ').trim();
        if (line) (cell ?? shape?.lines)?.push(line);
        paragraph = null;
      } else if (name === 'tc' && cell) {
        row?.push(cell.join(' '));
        cell = null;
      } else if (name === 'tr' && row) {
        if (row.some((c) => c !== '')) shape?.lines.push(row.join(' | '));
        row = null;
      } else if ((name === 'sp' || name === 'graphicframe') && shape) {
        const { type, lines } = shape;
        shape = null;
        if (!lines.length || RUNNING_PLACEHOLDERS.has(type) || !keep(type)) return;
        if (TITLE_PLACEHOLDERS.has(type)) titles.push(lines.join(' '));
        else blocks.push(lines.join('\n'));
      }
    },
  });
  return { title: titles.join(' ').replace(/\s+/g, ' ').trim(), body: blocks.join('\n\n') };
}

const REFUSALS: OfficeRefusals = {
  encrypted: (file) =>
    new ExtractError('encrypted', 'password-protected PPTX (or an old .ppt file renamed to .pptx)', file),
  notZip: (file) => new ExtractError('invalid-pptx', 'not a valid PPTX (not a ZIP archive)', file),
  damaged: (file, cause) =>
    new ExtractError('invalid-pptx', 'not a valid PPTX (damaged or truncated?)', file, { cause }),
};
