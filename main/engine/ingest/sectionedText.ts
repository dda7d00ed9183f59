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

  /** Adds `title` (when not empty) and `parts` (the empty ones left out), blank lines between. */
  add(title: string, parts: readonly string[], page?: number): void {
    const all = [title, ...parts].filter((p) => p !== '');
    if (!all.length) return;
    if (this.text) this.text += '\n\n';
    const start = this.text.length;
    if (title) this.headings.push({ level: 1, text: title, start, end: start + title.length });
    this.text += all.join('\n\n');
    if (page !== undefined) this.pages.push({ page, start, end: this.text.length });
  }
}
