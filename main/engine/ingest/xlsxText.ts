import { openOfficeDocument, type OfficeRefusals } from './archiveParts.js';
import { ExtractError } from './extractError.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import { SectionedText } from './sectionedText.js';
import {
  BUILT_IN_DATE_FORMATS,
  EPOCH_1900,
  EPOCH_1904,
  excelDate,
  isDateFormatCode,
  isExcelDay,
} from './excelDates.js';
import { addSheet, type SheetCell as Cell, type SheetRow } from './sheetLines.js';
import type { Heading } from './types.js';
import { firstElementText, parseXml, prefixedAttribute } from './xmlEvents.js';

export interface XlsxText {
  /** Each sheet's name, then its rows, a line each; a blank line between sheets. */
  text: string;
  /** Each sheet's name, level 1. */
  headings: Heading[];
  /** The row number of each line (0 for a sheet's name and the blank lines). */
  rowOfLine: Int32Array | undefined;
  /** docProps/core.xml's dc:title, if any. */
  title: string | null;
}

/**
 * An Excel workbook's text: its sheets in the workbook's order, each under its
 * name as a heading, each row a line. When a sheet's first row is a header
 * (every cell text), every later row names its cells by it ("Item: Tent |
 * Price: 120"), so a passage cut from the middle of a long sheet still says
 * what its numbers are. Cells show their stored value (a formula's last result,
 * numbers as stored), a date cell (by its number format) as an ISO date. Hidden
 * sheets are read too.
 */
export async function xlsxText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<XlsxText> {
  const { readText: readPart, relationships } = await openOfficeDocument(bytes, file, limits, REFUSALS);
  const workbook = readPart('xl/workbook.xml');
  if (workbook === null) throw REFUSALS.damaged(file, new Error('no xl/workbook.xml'));
  const targets = relationships('xl/workbook.xml');
  const strings = sharedStrings(readPart('xl/sharedStrings.xml'));
  const dateStyles = dateStyleIndexes(readPart('xl/styles.xml'));
  const epoch = usesDate1904(workbook) ? EPOCH_1904 : EPOCH_1900;
  const format: CellFormat = { strings, dateStyles, epoch };

  const out = new SectionedText();
  // Each sheet part once, whatever the workbook repeats (its text would multiply without bound).
  const seen = new Set<string>();
  for (const sheet of sheetsOf(workbook)) {
    const target = targets.get(sheet.id)?.path;
    if (target !== undefined && seen.has(target)) continue;
    if (target !== undefined) seen.add(target);
    const xml = target ? readPart(target) : null;
    if (xml === null) continue;
    addSheet(out, sheet.name, sheetRows(xml, format));
  }
  return {
    text: out.text,
    headings: out.headings,
    rowOfLine: out.rowOfLine(),
    title: firstElementText(readPart('docProps/core.xml'), 'title'),
  };
}

/** The sheets' names and relationship ids, in the workbook's order. */
function sheetsOf(xml: string): { name: string; id: string }[] {
  const sheets: { name: string; id: string }[] = [];
  parseXml(xml, {
    open(name, attrs) {
      const id = name === 'sheet' ? prefixedAttribute(attrs, 'id') : undefined;
      if (id) sheets.push({ name: attrs.name ?? '', id });
    },
  });
  return sheets;
}

/** The shared strings table: each <si>'s text (its runs joined; phonetic hints left out). */
function sharedStrings(xml: string | null): string[] {
  const out: string[] = [];
  if (!xml) return out;
  let current: string | null = null;
  let inText = false;
  let phonetic = 0;
  parseXml(xml, {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 'rph') phonetic++;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    text(t) {
      if (inText && current !== null) current += t;
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rph') phonetic--;
      else if (name === 'si' && current !== null) {
        out.push(current);
        current = null;
      }
    },
  });
  return out;
}

/** What a cell's stored value needs to be read: the shared strings, which styles are dates, the date system. */
interface CellFormat {
  strings: readonly string[];
  dateStyles: ReadonlySet<number>;
  epoch: number;
}

/** Indexes of the cell styles (cellXfs) whose number format shows a date or a time. */
function dateStyleIndexes(xml: string | null): Set<number> {
  const out = new Set<number>();
  if (!xml) return out;
  const customDates = new Set<number>();
  let inCellXfs = false;
  let index = 0;
  parseXml(xml, {
    open(name, attrs) {
      if (name === 'numfmt' && isDateFormatCode(attrs.formatcode ?? ''))
        customDates.add(Number(attrs.numfmtid));
      else if (name === 'cellxfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(attrs.numfmtid ?? 0);
        if (BUILT_IN_DATE_FORMATS.has(id) || customDates.has(id)) out.add(index);
        index++;
      }
    },
    close(name) {
      if (name === 'cellxfs') inCellXfs = false;
    },
  });
  return out;
}

function usesDate1904(workbookXml: string): boolean {
  let yes = false;
  parseXml(workbookXml, {
    open(name, attrs) {
      if (name === 'workbookpr' && (attrs.date1904 === '1' || attrs.date1904 === 'true')) yes = true;
    },
  });
  return yes;
}

/** A sheet's rows of non-empty cells, with their row numbers and column numbers (A = 0). */
function sheetRows(xml: string, format: CellFormat): SheetRow[] {
  const rows: SheetRow[] = [];
  let row: Cell[] | null = null;
  // A row without its number (r) is the one after the row before it.
  let rowNumber = 0;
  let cell: { column: number; type: string; style: number; value: string } | null = null;
  let inValue = false;
  let nextColumn = 0;
  parseXml(xml, {
    open(name, attrs) {
      if (name === 'row') {
        row = [];
        nextColumn = 0;
        const r = Number(attrs.r);
        rowNumber = Number.isInteger(r) && r > rowNumber ? r : rowNumber + 1;
      } else if (name === 'c' && row) {
        const column = attrs.r ? columnOf(attrs.r) : nextColumn;
        cell = { column, type: attrs.t ?? 'n', style: Number(attrs.s ?? 0), value: '' };
        nextColumn = column + 1;
      } else if ((name === 'v' || name === 't') && cell) inValue = true;
    },
    text(t) {
      if (inValue && cell) cell.value += t;
    },
    close(name) {
      if (name === 'v' || name === 't') inValue = false;
      else if (name === 'c' && cell && row) {
        const value = cellValue(cell, format).replace(/\s+/g, ' ').trim();
        if (value) row.push({ column: cell.column, value, isText: cell.type !== 'n' && cell.type !== 'b' });
        cell = null;
      } else if (name === 'row' && row) {
        if (row.length) rows.push({ row: rowNumber, cells: row });
        row = null;
      }
    },
  });
  return rows;
}

function cellValue(cell: { type: string; style: number; value: string }, format: CellFormat): string {
  const { type, style, value } = cell;
  if (type === 's') return format.strings[Number(value)] ?? '';
  if (type === 'b') return value === '1' ? 'TRUE' : 'FALSE';
  const serial = Number(value);
  if (
    type === 'n' &&
    value !== '' &&
    Number.isFinite(serial) &&
    format.dateStyles.has(style) &&
    isExcelDay(serial)
  )
    return excelDate(serial, format.epoch);
  return value;
}

/** "B7" → 1; "AA3" → 26. */
function columnOf(reference: string): number {
  let n = 0;
  for (const c of reference.toUpperCase()) {
    const code = c.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return Math.max(n - 1, 0);
}

const REFUSALS: OfficeRefusals = {
  encrypted: (file) =>
    new ExtractError('encrypted', 'password-protected XLSX (or an old .xls file renamed to .xlsx)', file),
  notZip: (file) => new ExtractError('invalid-xlsx', 'not a valid XLSX (not a ZIP archive)', file),
  damaged: (file, cause) =>
    new ExtractError('invalid-xlsx', 'not a valid XLSX (damaged or truncated?)', file, { cause }),
};
