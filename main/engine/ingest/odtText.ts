import { ExtractError } from './extractError.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import type { Heading } from './types.js';
import { readOdfPackage, type OdfRefusals } from './odfPackage.js';
import { parseXml } from './xmlEvents.js';

export interface OdtText {
  /** Paragraphs and headings separated by a blank line; list items and table rows by a line break. */
  text: string;
  headings: Heading[];
  /** meta.xml's dc:title, if any. */
  title: string | null;
}

// Content that is not the document's text as it reads: deleted text kept for change
// tracking, comments, the number of a footnote (its text is kept), a frame's caption
// sequences and hidden sections of fields.
const SKIPPED = new Set(['tracked-changes', 'annotation', 'note-citation', 'deletion']);

/**
 * A LibreOffice or OpenOffice text document (.odt): content.xml's headings (their
 * outline level), paragraphs, lists, tables and text boxes in document order, as
 * a reader sees them. Sizes are checked before anything is inflated, as for DOCX.
 * A document saved with a password keeps content.xml encrypted: it fails with that
 * reason.
 */
export async function odtText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<OdtText> {
  const { content, title } = await readOdfPackage(bytes, file, limits, REFUSALS);
  return { ...contentText(content), title };
}

function contentText(xml: string): { text: string; headings: Heading[] } {
  let text = '';
  const headings: Heading[] = [];
  let skipDepth = 0;
  let inBody = false;
  // Open paragraphs and headings (a text box's paragraphs sit inside another paragraph).
  const blocks: { level: number; text: string }[] = [];
  const rows: string[][] = [];
  const cells: string[][] = [];
  let listDepth = 0;
  // Consecutive list items, and a table's rows after its first, are separated by a line
  // break; everything else by a blank line.
  let inListRun = false;
  let inTableRun = false;

  /** Appends a block; returns where it starts. */
  const emit = (s: string, tight: boolean): number => {
    if (text) text += tight ? '\n' : '\n\n';
    const start = text.length;
    text += s;
    return start;
  };

  parseXml(xml, {
    open(name, attrs) {
      if (name === 'body') inBody = true;
      if (!inBody) return;
      if (skipDepth > 0 || SKIPPED.has(name)) {
        skipDepth++;
        return;
      }
      const block = blocks[blocks.length - 1];
      if (name === 'p') blocks.push({ level: 0, text: '' });
      else if (name === 'h')
        blocks.push({ level: Math.max(1, Math.min(6, Number(attrs['text:outline-level']) || 1)), text: '' });
      else if (name === 's' && block) block.text += ' '.repeat(Math.min(Number(attrs['text:c']) || 1, 100));
      else if (name === 'tab' && block) block.text += '\t';
      else if (name === 'line-break' && block) block.text += '\n';
      else if (name === 'list') {
        if (listDepth++ === 0) inListRun = false;
      } else if (name === 'table') inTableRun = false;
      else if (name === 'table-row') rows.push([]);
      else if (name === 'table-cell') cells.push([]);
    },
    text(t) {
      if (inBody && skipDepth === 0 && blocks.length) blocks[blocks.length - 1].text += t;
    },
    close(name) {
      if (!inBody) return;
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      if (name === 'body') inBody = false;
      else if ((name === 'p' || name === 'h') && blocks.length) {
        const block = blocks.pop()!;
        if (blocks.length) blocks[blocks.length - 1].text += ' ';
        const words = block.text
          .replace(/[ \t]+/g, ' ')
          .replace(/ ?\n ?/g, '\n')
          .trim();
        if (!words) return;
        if (cells.length) cells[cells.length - 1].push(words);
        else if (block.level > 0) {
          const start = emit(words, false);
          headings.push({
            level: block.level,
            text: words.replace(/\s+/g, ' '),
            start,
            end: start + words.length,
          });
        } else {
          emit(words, listDepth > 0 && inListRun);
          if (listDepth > 0) inListRun = true;
        }
      } else if (name === 'table-cell' && cells.length) {
        const cell = cells.pop()!;
        rows[rows.length - 1]?.push(cell.join(' '));
      } else if (name === 'table-row' && rows.length) {
        const row = rows.pop()!;
        if (!row.some((c) => c !== '')) return;
        // A table inside a table's cell is read into that cell.
        if (cells.length) cells[cells.length - 1].push(row.join(' | '));
        else {
          emit(row.join(' | '), inTableRun);
          inTableRun = true;
        }
      } else if (name === 'list') listDepth = Math.max(0, listDepth - 1);
    },
  });
  return { text, headings };
}

const REFUSALS: OdfRefusals = {
  encrypted: (file) => new ExtractError('encrypted', 'password-protected ODT', file),
  notZip: (file) => new ExtractError('invalid-odt', 'not a valid ODT (not a ZIP archive)', file),
  damaged: (file, cause) =>
    new ExtractError('invalid-odt', 'not a valid ODT (damaged or truncated?)', file, { cause }),
};
