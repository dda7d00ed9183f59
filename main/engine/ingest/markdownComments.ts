import { lineSpans } from './lines.js';
import { fenceStep } from './markdownFences.js';

const OPEN = '<!--';
const CLOSE = '-->';

/**
 * A Markdown file's HTML comments (`<!-- … -->`: drafts, editor notes, template
 * instructions) are not what it says, and a reader never sees them; left in, they
 * are searched and shown as passage text. Each comment's characters become spaces,
 * its line breaks kept, so every offset and line number of the rest stays where it
 * was (headings, sources' line numbers). Comments written inside a fenced code block
 * or an inline code span are text, and stay.
 */
export function blankMarkdownComments(text: string): string {
  if (!text.includes(OPEN)) return text;
  const blanks: Array<[number, number]> = [];
  let fence: string | null = null;
  // Where the last comment ended: lines before it were inside that comment.
  let skipTo = 0;
  for (const { start, end } of lineSpans(text)) {
    if (end < skipTo) continue;
    let pos = Math.max(start, skipTo);
    if (pos === start) {
      const step = fenceStep(text.slice(start, end), fence);
      fence = step.open;
      if (step.inBlock) continue;
    }
    for (;;) {
      const open = text.indexOf(OPEN, pos);
      if (open === -1 || open >= end) break;
      if (insideCodeSpan(text, start, open)) {
        pos = open + OPEN.length;
        continue;
      }
      const close = text.indexOf(CLOSE, open + OPEN.length);
      // An unclosed comment is no comment (CommonMark shows it as text): keep the rest.
      if (close === -1) return blankSpans(text, blanks);
      blanks.push([open, close + CLOSE.length]);
      pos = skipTo = close + CLOSE.length;
      if (pos > end) break;
    }
  }
  return blankSpans(text, blanks);
}

function blankSpans(text: string, blanks: ReadonlyArray<[number, number]>): string {
  if (blanks.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [a, b] of blanks) {
    out += text.slice(from, a) + text.slice(a, b).replace(/[^\r\n]/g, ' ');
    from = b;
  }
  return out + text.slice(from);
}

/** An odd number of backticks before `at` on its line: inside `code`. */
function insideCodeSpan(text: string, lineStart: number, at: number): boolean {
  let ticks = 0;
  for (let i = lineStart; i < at; i++) if (text.charCodeAt(i) === 96) ticks++;
  return ticks % 2 === 1;
}
