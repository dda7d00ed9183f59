import type { Heading, PageSpan } from './types.js';

/**
 * Text built from sections that each start with an optional title (a level-1
 * heading) and may each be a page: a workbook's sheets, a deck's slides. Sections
 * are separated by a blank line; an empty section adds nothing.
 */
export class SectionedText {
  text = '';
  readonly headings: Heading[] = [];
  readonly pages: PageSpan[] = [];
  /** Line breaks in `text` so far: the 0-based line the next text starts on. */
  private breaks = 0;
  /** Sheet rows: the line of a section's first row and the row number of each of its lines. */
  private readonly rowRuns: { line: number; rows: readonly number[] }[] = [];

  /** Adds `title` (when not empty) and `parts` (the empty ones left out), blank lines between. */
  add(title: string, parts: readonly string[], page?: number): void {
    const all = [title, ...parts].filter((p) => p !== '');
    if (!all.length) return;
    if (this.text) this.append('\n\n');
    const start = this.text.length;
    if (title) this.headings.push({ level: 1, text: title, start, end: start + title.length });
    this.append(all.join('\n\n'));
    if (page !== undefined) this.pages.push({ page, start, end: this.text.length });
  }

  /** Adds a sheet: `title` over `lines`, the i-th of which is the sheet's row `rows[i]`. */
  addRows(title: string, lines: readonly string[], rows: readonly number[]): void {
    if (!lines.length) return;
    const firstLine = this.breaks + (this.text ? 2 : 0) + (title ? 2 : 0);
    this.add(title, [lines.join('\n')]);
    this.rowRuns.push({ line: firstLine, rows });
  }

  /** The sheet row (1-based) of each line of `text`, 0 for a line that is none; undefined without sheets. */
  rowOfLine(): Int32Array | undefined {
    if (!this.rowRuns.length) return undefined;
    const out = new Int32Array(this.breaks + 1);
    // A row number past what an Int32Array holds (a hostile file's) is kept at its largest, not wrapped.
    for (const run of this.rowRuns)
      run.rows.forEach((row, i) => (out[run.line + i] = Math.min(row, 0x7fffffff)));
    return out;
  }

  private append(piece: string): void {
    this.text += piece;
    for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) this.breaks++;
  }
}
