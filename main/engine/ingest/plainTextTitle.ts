import type { Heading } from './types.js';
import { isBlank, lineSpans } from './lines.js';

const MAX_TITLE_CHARS = 120;

/**
 * The title line of a plain-text file, as a level-1 heading: its first non-blank
 * line when that line is short, stands alone (a blank line or the end follows) and
 * does not end like a sentence fragment. Exports of articles and notes usually look
 * like that; anything else has no title line (the file name serves).
 */
export function plainTextTitle(text: string): Heading | null {
  let candidate: { start: number; end: number } | null = null;
  for (const { start, end } of lineSpans(text)) {
    if (candidate) return isBlank(text, start, end) ? toHeading(text, candidate) : null;
    if (isBlank(text, start, end)) continue;
    candidate = { start, end };
    // Stop early on long first lines: a 10 MB single line is not a title.
    if (end - start > MAX_TITLE_CHARS * 4) return null;
  }
  return candidate ? toHeading(text, candidate) : null;
}

function toHeading(text: string, line: { start: number; end: number }): Heading | null {
  const raw = text.slice(line.start, line.end);
  const words = raw.trim();
  if (words.length === 0 || words.length > MAX_TITLE_CHARS || /[.,;:，。；：、]$/.test(words)) return null;
  const start = line.start + (raw.length - raw.trimStart().length);
  return { level: 1, text: words.replace(/\s+/g, ' '), start, end: start + words.length };
}
