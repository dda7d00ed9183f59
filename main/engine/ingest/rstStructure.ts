import type { Heading } from './types.js';
import { isBlank, lineSpans, type LineSpan } from './lines.js';
import { inlineText } from './inlineText.js';

// A section adornment: one punctuation character repeated (RST allows any of these).
const ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}[ \t]*$/;

/**
 * reStructuredText section titles: a text line underlined (optionally also
 * overlined) with a repeated punctuation character. Levels follow the order in
 * which adornment styles first appear, as RST defines them.
 */
export function rstHeadings(text: string): Heading[] {
  const styles: string[] = [];
  const headings: Heading[] = [];
  // The two lines before the current one: enough context for over/underlines.
  let before2: LineSpan | null = null;
  let before1: LineSpan | null = null;
  const slice = (l: LineSpan) => text.slice(l.start, l.end);
  for (const line of lineSpans(text)) {
    const under = before1 && ADORNMENT.exec(slice(line));
    if (under && before1) {
      const title = slice(before1);
      const titleOk = !isBlank(title, 0, title.length) && !ADORNMENT.test(title) && !/^\s/.test(title);
      const over = before2 && ADORNMENT.exec(slice(before2));
      const overlined = !!over && over[1] === under[1];
      // A plain underline must follow a blank line or the start (otherwise it continues a paragraph).
      const separated = overlined || !before2 || isBlank(text, before2.start, before2.end);
      const words = titleOk && separated ? inlineText(title) : '';
      if (words) {
        const style = (overlined ? 'o' : 'u') + under[1];
        let level = styles.indexOf(style) + 1;
        if (level === 0) level = styles.push(style);
        headings.push({
          level,
          text: words,
          start: overlined && before2 ? before2.start : before1.start,
          end: line.end,
        });
      }
    }
    before2 = before1;
    before1 = line;
  }
  return headings;
}
