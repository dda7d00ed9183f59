import type { Heading } from './types.js';
import { isBlank, lineSpans } from './lines.js';
import { inlineText } from './inlineText.js';
import { fenceStep } from './markdownFences.js';

export interface MarkdownStructure {
  headings: Heading[];
  /** `title:` from a YAML front-matter block, if any. */
  frontMatterTitle: string | null;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
// Lines that start a block other than a paragraph, so a following `---` is a rule, not an underline.
const NOT_PARAGRAPH = /^ {0,3}(?:[-*+][ \t]|\d{1,9}[.)][ \t]|>|\||<|#|    |\t)/;

/**
 * Headings of a CommonMark-style document: ATX (`## Title`) and setext (underlined
 * with === or ---), outside fenced code blocks and front matter.
 */
export function markdownStructure(text: string): MarkdownStructure {
  const headings: Heading[] = [];
  let frontMatterTitle: string | null = null;
  let fence: string | null = null;
  let inFrontMatter = false;
  let paragraph: { start: number; lines: string[] } | null = null;
  let first = true;

  for (const { start, end } of lineSpans(text)) {
    const line = text.slice(start, end);
    if (first) {
      first = false;
      if (/^---[ \t]*$/.test(line)) {
        inFrontMatter = true;
        continue;
      }
    }
    if (inFrontMatter) {
      if (/^(?:---|\.\.\.)[ \t]*$/.test(line)) inFrontMatter = false;
      else {
        const m = /^title:[ \t]*(.+?)[ \t]*$/.exec(line);
        if (m && frontMatterTitle === null)
          frontMatterTitle = m[1].replace(/^(["'])(.*)\1$/, '$2').trim() || null;
      }
      continue;
    }
    const step = fenceStep(line, fence);
    fence = step.open;
    if (step.inBlock) {
      paragraph = null;
      continue;
    }
    if (isBlank(text, start, end)) {
      paragraph = null;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      headings.push({ level: atx[1].length, text: inlineText(atx[2] ?? ''), start, end });
      paragraph = null;
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(line);
    if (underline && paragraph) {
      const words = inlineText(paragraph.lines.join(' '));
      if (words)
        headings.push({ level: underline[1][0] === '=' ? 1 : 2, text: words, start: paragraph.start, end });
      paragraph = null;
      continue;
    }
    if (NOT_PARAGRAPH.test(line)) paragraph = null;
    else if (paragraph) paragraph.lines.push(line);
    else paragraph = { start, lines: [line] };
  }
  return { headings: headings.filter((h) => h.text !== ''), frontMatterTitle };
}
