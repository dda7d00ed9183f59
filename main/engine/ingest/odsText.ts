import { ExtractError } from './extractError.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import { readOdfPackage, type OdfRefusals } from './odfPackage.js';
import { SectionedText } from './sectionedText.js';
import { addSheet, type SheetCell, type SheetRow } from './sheetLines.js';
import type { Heading } from './types.js';
import { parseXml } from './xmlEvents.js';

export interface OdsText {
  /** Each sheet's name, then its rows, a line each; a blank line between sheets. */
  text: string;
  /** Each sheet's name, level 1. */
  headings: Heading[];
  /** The row number of each line (0 for a sheet's name and the blank lines). */
  rowOfLine: Int32Array | undefined;
  title: string | null;
}

/**
 * A repeated row or cell that holds something is written out at most this many times:
 * LibreOffice repeats only what is identical, and a file that says "this row 1,048,576
 * times" must not become a million lines.
 */
const MAX_REPEAT = 100;

/**
 * A LibreOffice or OpenOffice spreadsheet (.ods): its sheets in order, each under
 * its name, each row a line, cells named by a header row as for XLSX
 * (`sheetLines`). A cell shows what the sheet shows (its text), a date or time
 * as ISO; comments are left out.
 */
export async function odsText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<OdsText> {
  const { content, title } = await readOdfPackage(bytes, file, limits, REFUSALS);
  const out = new SectionedText();
  for (const sheet of sheetsOf(content)) {
    addSheet(out, sheet.name, sheet.rows);
  }
  return { text: out.text, headings: out.headings, rowOfLine: out.rowOfLine(), title };
}

interface Sheet {
  name: string;
  rows: SheetRow[];
  /** Rows so far, empty and repeated ones counted: the number of the last row read. */
  rowsSeen: number;
}

function sheetsOf(xml: string): Sheet[] {
  const sheets: Sheet[] = [];
  let sheet: Sheet | null = null;
  let row: { cells: SheetCell[]; repeat: number; column: number } | null = null;
  let cell: { type: string; date: string; truth: string; repeat: number; text: string[] } | null = null;
  let paragraph: string | null = null;
  let skipDepth = 0;
  // A table inside a cell (rare) is read into that cell's text, not as rows of the sheet.
  let tableDepth = 0;
  parseXml(xml, {
    open(name, attrs) {
      if (skipDepth > 0 || name === 'annotation') {
        skipDepth++;
        return;
      }
      if (name === 'table' && tableDepth++ === 0)
        sheet = { name: attrs['table:name'] ?? '', rows: [], rowsSeen: 0 };
      if (tableDepth !== 1) return;
      if (name === 'table-row')
        row = { cells: [], repeat: repeatOf(attrs['table:number-rows-repeated']), column: 0 };
      else if ((name === 'table-cell' || name === 'covered-table-cell') && row)
        cell = {
          type: attrs['office:value-type'] ?? '',
          date: attrs['office:date-value'] ?? attrs['office:time-value'] ?? '',
          truth: attrs['office:boolean-value'] ?? '',
          repeat: Number(attrs['table:number-columns-repeated']) || 1,
          text: [],
        };
      else if (name === 'p' && cell) paragraph = '';
      else if (name === 's' && paragraph !== null)
        paragraph += ' '.repeat(Math.min(Number(attrs['text:c']) || 1, 100));
    },
    text(t) {
      if (skipDepth === 0 && paragraph !== null) paragraph += t;
    },
    close(name) {
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      if (name === 'table') {
        if (--tableDepth === 0 && sheet) {
          sheets.push(sheet);
          sheet = null;
        }
        return;
      }
      if (tableDepth !== 1) return;
      if (name === 'p' && cell && paragraph !== null) {
        const words = paragraph.replace(/\s+/g, ' ').trim();
        if (words) cell.text.push(words);
        paragraph = null;
      } else if ((name === 'table-cell' || name === 'covered-table-cell') && cell && row) {
        const value = cellValue(cell);
        if (value) {
          const copies = Math.min(cell.repeat, MAX_REPEAT);
          const isText = cell.type === 'string' || cell.type === '';
          for (let i = 0; i < copies; i++) row.cells.push({ column: row.column + i, value, isText });
        }
        row.column += cell.repeat;
        cell = null;
      } else if (name === 'table-row' && row && sheet) {
        if (row.cells.length)
          for (let i = 0; i < Math.min(row.repeat, MAX_REPEAT); i++)
            sheet.rows.push({ row: sheet.rowsSeen + 1 + i, cells: row.cells });
        sheet.rowsSeen += row.repeat;
        row = null;
      }
    },
  });
  return sheets;
}

const repeatOf = (value: string | undefined) => Math.max(1, Number(value) || 1);

/** What the cell shows; a date or time as ISO ("2026-09-14", "2026-08-30 16:30"). */
function cellValue(cell: { type: string; date: string; truth: string; text: string[] }): string {
  if (cell.type === 'date' && /^\d{4}-\d\d-\d\d/.test(cell.date)) {
    const [day, time] = cell.date.split('T');
    const hhmm = time?.slice(0, 5);
    return hhmm && hhmm !== '00:00' ? `${day} ${hhmm}` : day;
  }
  if (cell.type === 'boolean' && cell.truth) return cell.truth === 'true' ? 'TRUE' : 'FALSE';
  return cell.text.join(' ');
}

const REFUSALS: OdfRefusals = {
  encrypted: (file) => new ExtractError('encrypted', 'password-protected ODS', file),
  notZip: (file) => new ExtractError('invalid-ods', 'not a valid ODS (not a ZIP archive)', file),
  damaged: (file, cause) =>
    new ExtractError('invalid-ods', 'not a valid ODS (damaged or truncated?)', file, { cause }),
};
