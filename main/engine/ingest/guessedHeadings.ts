/**
 * Headings of a document whose reader sees no styles (a Word 97–2003 file through its
 * extractor, an RTF file without outline levels), guessed from the paragraphs' shape.
 */

import type { Heading } from './types.js';

/** A paragraph as such a reader writes it. */
export interface Paragraph {
  text: string;
  /** Rows of a table, a row a line, cells joined by " | ". */
  table: boolean;
}

const ENDS_SENTENCE = /[.!?,;:。！？，；：、…"”'’]$/u;
const LIST_MARK = /^(?:[-*•·●▪◦‣–]|\(?[a-z\d]{1,3}[.)]\s)/iu;
const NUMBERED = /^(\d+(?:\.\d+)*)\.?\s+\S/u;

/** Short, unpunctuated, a line of its own: how a heading looks without its style. */
function headingShaped(p: Paragraph): boolean {
  return (
    !p.table &&
    p.text.length <= 80 &&
    p.text.split(' ').length <= 12 &&
    /\p{L}/u.test(p.text) &&
    !ENDS_SENTENCE.test(p.text) &&
    !(LIST_MARK.test(p.text) && !NUMBERED.test(p.text))
  );
}

/**
 * A level for each paragraph that reads as a heading, 0 for the rest. A heading-shaped
 * paragraph is one when prose or a table follows it and it ends no run of short lines (a
 * list or an address: only the title may stand before a heading). A first paragraph followed by such a heading is the title (level 1), and the
 * headings sit below it; each goes deeper by its section number ("2.3 Pruning").
 */
export function guessHeadings(paragraphs: readonly Paragraph[]): number[] {
  const shaped = paragraphs.map(headingShaped);
  const heading = shaped.map(
    (s, i) => s && i + 1 < shaped.length && !shaped[i + 1] && (i <= 1 || !shaped[i - 1]),
  );
  const titled = shaped[0] && !heading[0] && heading[1] === true;
  return paragraphs.map((p, i) => {
    if (i === 0 && titled) return 1;
    if (!heading[i]) return 0;
    const number = NUMBERED.exec(p.text)?.[1];
    return Math.min(6, (titled ? 1 : 0) + (number ? number.split('.').length : 1));
  });
}

/** The paragraphs as text, a blank line between them, and those with a level (1–6) as its headings. */
export function paragraphText(
  paragraphs: readonly Paragraph[],
  levels: readonly number[],
): { text: string; headings: Heading[] } {
  const headings: Heading[] = [];
  let at = 0;
  paragraphs.forEach((p, i) => {
    if (levels[i] > 0)
      headings.push({ level: Math.min(6, levels[i]), text: p.text, start: at, end: at + p.text.length });
    at += p.text.length + 2;
  });
  return { text: paragraphs.map((p) => p.text).join('\n\n'), headings };
}
