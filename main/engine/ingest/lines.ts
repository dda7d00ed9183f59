/** A line of text: [start, end) excludes its line break; `next` is where the following line begins. */
export interface LineSpan {
  start: number;
  end: number;
  next: number;
}

/** Lines of `text`; \n, \r\n and a lone \r each end a line. Lazy, so huge files cost no array. */
export function* lineSpans(text: string): Generator<LineSpan> {
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    yield { start, end: m.index, next: m.index + m[0].length };
    start = m.index + m[0].length;
  }
  if (start < text.length) yield { start, end: text.length, next: text.length };
}

/**
 * Maps offsets to 1-based line numbers for offsets asked in ascending order,
 * in one pass over the text overall.
 */
export class LineCounter {
  private pos = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    if (offset < this.pos) {
      this.pos = 0;
      this.line = 1;
    }
    const t = this.text;
    for (let i = this.pos; i < offset; i++) {
      const c = t.charCodeAt(i);
      // \r\n counts once: at its \n.
      if (c === 10 || (c === 13 && t.charCodeAt(i + 1) !== 10)) this.line++;
    }
    this.pos = offset;
    return this.line;
  }
}

export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (!isSpaceCode(text.charCodeAt(i))) return false;
  }
  return true;
}

/** Whitespace as a reader sees it, including no-break and ideographic spaces. */
export function isSpaceCode(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x3000 ||
    c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200b) ||
    c === 0x1680 ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x85
  );
}
