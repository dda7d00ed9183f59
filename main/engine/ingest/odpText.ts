import { ExtractError } from './extractError.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import { readOdfPackage, type OdfRefusals } from './odfPackage.js';
import { SectionedText } from './sectionedText.js';
import type { Heading, PageSpan } from './types.js';
import { parseXml } from './xmlEvents.js';

export interface OdpText {
  /** Each slide's title, its other text, then its speaker notes; a blank line between slides. */
  text: string;
  headings: Heading[];
  /** One span per slide that has text; `page` is the slide's number. */
  pages: PageSpan[];
  title: string | null;
}

// Frames that repeat on every slide and answer nothing.
const RUNNING_CLASSES = new Set(['page-number', 'date-time', 'footer', 'header']);

/**
 * A LibreOffice or OpenOffice presentation (.odp): its slides in order, each a
 * page, its title frame a heading, its other frames' paragraphs (a line each),
 * then its speaker notes, as for PPTX; slide numbers, dates and footers are left
 * out.
 */
export async function odpText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<OdpText> {
  const { content, title } = await readOdfPackage(bytes, file, limits, REFUSALS);
  const out = new SectionedText();
  slidesOf(content).forEach((slide, i) => out.add(slide.title, [slide.body, slide.notes], i + 1));
  const { text, headings, pages } = out;
  return { text, headings, pages, title };
}

interface Slide {
  title: string;
  body: string;
  notes: string;
}

function slidesOf(xml: string): Slide[] {
  const slides: Slide[] = [];
  let slide: { titles: string[]; blocks: string[]; notes: string[] } | null = null;
  let frame: { kind: string; lines: string[] } | null = null;
  let paragraph: string | null = null;
  let inNotes = false;
  let skipDepth = 0;
  parseXml(xml, {
    open(name, attrs) {
      if (skipDepth > 0 || name === 'annotation') {
        skipDepth++;
        return;
      }
      if (name === 'page' && !slide) slide = { titles: [], blocks: [], notes: [] };
      else if (name === 'notes') inNotes = true;
      else if ((name === 'frame' || name === 'custom-shape') && slide && !frame)
        frame = { kind: attrs['presentation:class'] ?? '', lines: [] };
      else if ((name === 'p' || name === 'h') && frame) paragraph = '';
      else if (name === 's' && paragraph !== null)
        paragraph += ' '.repeat(Math.min(Number(attrs['text:c']) || 1, 100));
      else if (name === 'line-break' && paragraph !== null) paragraph += '\n';
      else if (name === 'tab' && paragraph !== null) paragraph += '\t';
    },
    text(t) {
      if (skipDepth === 0 && paragraph !== null) paragraph += t;
    },
    close(name) {
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      if ((name === 'p' || name === 'h') && frame && paragraph !== null) {
        const line = paragraph.replace(/[ \t]+/g, ' ').trim();
        if (line) frame.lines.push(line);
        paragraph = null;
      } else if ((name === 'frame' || name === 'custom-shape') && frame && slide) {
        const { kind, lines } = frame;
        frame = null;
        if (!lines.length || RUNNING_CLASSES.has(kind)) return;
        if (inNotes) {
          if (kind === 'notes' || kind === '') slide.notes.push(lines.join('\n'));
        } else if (kind === 'title') slide.titles.push(lines.join(' '));
        else slide.blocks.push(lines.join('\n'));
      } else if (name === 'notes') inNotes = false;
      else if (name === 'page' && slide && !inNotes) {
        slides.push({
          title: slide.titles.join(' ').replace(/\s+/g, ' ').trim(),
          body: slide.blocks.join('\n\n'),
          notes: slide.notes.join('\n\n'),
        });
        slide = null;
      }
    },
  });
  return slides;
}

const REFUSALS: OdfRefusals = {
  encrypted: (file) => new ExtractError('encrypted', 'password-protected ODP', file),
  notZip: (file) => new ExtractError('invalid-odp', 'not a valid ODP (not a ZIP archive)', file),
  damaged: (file, cause) =>
    new ExtractError('invalid-odp', 'not a valid ODP (damaged or truncated?)', file, { cause }),
};
