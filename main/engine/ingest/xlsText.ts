import type CFB from 'cfb';
import type { ContainerText } from './types.js';
import {
  BUILT_IN_DATE_FORMATS,
  EPOCH_1900,
  EPOCH_1904,
  excelDate,
  isDateFormatCode,
  isExcelDay,
} from './excelDates.js';
import { ExtractError } from './extractError.js';
import { oleStream, oleSummaryTitle, readOleFile } from './oleFiles.js';
import { SectionedText } from './sectionedText.js';
import { addSheet, type SheetCell, type SheetRow } from './sheetLines.js';

// BIFF8 record types ([MS-XLS] 2.3).
const BOF = 0x0809;
const EOF = 0x000a;
const BOUNDSHEET = 0x0085;
const SST = 0x00fc;
const CONTINUE = 0x003c;
const FORMAT = 0x041e;
const XF = 0x00e0;
const DATEMODE = 0x0022;
const FILEPASS = 0x002f;
const LABELSST = 0x00fd;
const LABEL = 0x0204;
const NUMBER = 0x0203;
const RK = 0x027e;
const MULRK = 0x00bd;
const BOOLERR = 0x0205;
const FORMULA = 0x0006;
const STRING = 0x0207;

interface BiffRecord {
  type: number;
  data: Buffer;
  /** Offset of the record in the stream. */
  at: number;
}

/**
 * An Excel 97–2003 workbook (.xls, BIFF8), read as XLSX is: each worksheet under its name,
 * each row a line, cells named by a header row (`sheetLines`), a date cell (by its number
 * format) as an ISO date, a formula by its last result. Chart and macro sheets are left out.
 */
export function xlsText(bytes: Uint8Array, file: string): Promise<ContainerText> {
  return readOleFile(bytes, file, (container) => readWorkbook(container, file), damaged);
}

function readWorkbook(container: CFB.CFB$Container, file: string): ContainerText {
  const stream = oleStream(container, 'Workbook');
  if (!stream) {
    if (oleStream(container, 'Book'))
      throw new ExtractError('invalid-xls', 'an Excel 5.0/95 workbook (not read; save it as .xlsx)', file);
    throw new ExtractError('invalid-xls', 'not an Excel 97–2003 workbook (no workbook stream)', file);
  }
  const globals = workbookGlobals(stream, file);
  const out = new SectionedText();
  // Each sheet once, whatever the workbook repeats (its text would multiply without bound).
  const seen = new Set<number>();
  for (const sheet of globals.sheets) {
    if (seen.has(sheet.at)) continue;
    seen.add(sheet.at);
    addSheet(out, sheet.name, sheetRows(stream, sheet.at, globals));
  }
  return {
    text: out.text,
    headings: out.headings,
    rowOfLine: out.rowOfLine(),
    title: oleSummaryTitle(container),
  };
}

/** The records from `at` to the end of the stream (or a record that does not fit). */
function* records(stream: Buffer, at: number): Generator<BiffRecord> {
  while (at + 4 <= stream.length) {
    const type = stream.readUInt16LE(at);
    const length = stream.readUInt16LE(at + 2);
    if (at + 4 + length > stream.length) return;
    yield { type, data: stream.subarray(at + 4, at + 4 + length), at };
    at += 4 + length;
  }
}

interface Globals {
  sheets: { name: string; at: number }[];
  strings: string[];
  /** Per XF index: whether its number format shows a date. */
  dateXfs: boolean[];
  epoch: number;
}

/** The workbook globals substream: sheets, shared strings, formats, the date system. */
function workbookGlobals(stream: Buffer, file: string): Globals {
  const globals: Globals = { sheets: [], strings: [], dateXfs: [], epoch: EPOCH_1900 };
  const dateFormats = new Set<number>(BUILT_IN_DATE_FORMATS);
  const all = records(stream, 0);
  const first = all.next();
  if (first.done || first.value.type !== BOF) throw damaged(file, new Error('no BOF record'));
  let sst: Buffer[] | null = null;
  for (const r of all) {
    if (sst && r.type === CONTINUE) {
      sst.push(r.data);
      continue;
    }
    if (sst) {
      globals.strings = sharedStrings(sst);
      sst = null;
    }
    const d = r.data;
    if (r.type === EOF) break;
    if (r.type === FILEPASS) throw new ExtractError('encrypted', 'password-protected XLS', file);
    if (r.type === SST && d.length >= 8) sst = [d];
    else if (r.type === DATEMODE && d.length >= 2 && d.readUInt16LE(0) === 1) globals.epoch = EPOCH_1904;
    else if (r.type === FORMAT && d.length >= 5) {
      if (isDateFormatCode(unicodeString(d, 2, 2).text)) dateFormats.add(d.readUInt16LE(0));
    } else if (r.type === XF && d.length >= 4) globals.dateXfs.push(dateFormats.has(d.readUInt16LE(2)));
    else if (r.type === BOUNDSHEET && d.length >= 8 && d[5] === 0)
      globals.sheets.push({ at: d.readUInt32LE(0), name: unicodeString(d, 6, 1).text });
  }
  if (sst) globals.strings = sharedStrings(sst);
  return globals;
}

/** An XLUnicodeString at `at` of one record: its length (1 or 2 bytes), flags, characters. */
function unicodeString(d: Buffer, at: number, lengthBytes: 1 | 2): { text: string; end: number } {
  if (at + lengthBytes + 1 > d.length) return { text: '', end: d.length };
  const count = lengthBytes === 1 ? d[at] : d.readUInt16LE(at);
  const wide = (d[at + lengthBytes] & 1) === 1;
  const start = at + lengthBytes + 1;
  const end = Math.min(d.length, start + count * (wide ? 2 : 1));
  return { text: d.toString(wide ? 'utf16le' : 'latin1', start, end), end };
}

/**
 * The shared strings: the SST record and its CONTINUE records. A string's characters may
 * go on in the next record, which then starts with a new flags byte (1-byte or 2-byte
 * characters); the rich-text runs and phonetic data after a string are skipped.
 */
function sharedStrings(parts: readonly Buffer[]): string[] {
  const out: string[] = [];
  let part = 0;
  let at = 8;
  const count = parts[0].readUInt32LE(4);
  const left = () => parts[part].length - at;
  const next = () => {
    if (part + 1 >= parts.length) return false;
    part++;
    at = 0;
    return true;
  };
  const skip = (n: number) => {
    while (n > 0) {
      if (left() <= 0 && !next()) return false;
      const step = Math.min(n, left());
      at += step;
      n -= step;
    }
    return true;
  };
  const bytes = (n: number): Buffer | null => {
    if (left() < n && !(left() === 0 && next() && left() >= n)) return null;
    const b = parts[part].subarray(at, at + n);
    at += n;
    return b;
  };
  for (let i = 0; i < count; i++) {
    const head = bytes(3);
    if (!head) break;
    let chars = head.readUInt16LE(0);
    let flags = head[2];
    const runs = flags & 0x8 ? (bytes(2)?.readUInt16LE(0) ?? 0) : 0;
    const phonetic = flags & 0x4 ? (bytes(4)?.readUInt32LE(0) ?? 0) : 0;
    let text = '';
    while (chars > 0) {
      if (left() <= 0) {
        if (!next()) break;
        flags = parts[part][0];
        at = 1;
      }
      const width = flags & 1 ? 2 : 1;
      const n = Math.min(chars, Math.floor(left() / width));
      if (n <= 0) break;
      text += parts[part].toString(width === 2 ? 'utf16le' : 'latin1', at, at + n * width);
      at += n * width;
      chars -= n;
    }
    out.push(text);
    if (!skip(runs * 4 + phonetic)) break;
  }
  return out;
}

/** A worksheet's rows of non-empty cells, in row and column order. */
function sheetRows(stream: Buffer, at: number, globals: Globals): SheetRow[] {
  const rows = new Map<number, Map<number, SheetCell>>();
  const put = (row: number, column: number, value: string, isText: boolean) => {
    const text = value.replace(/\s+/gu, ' ').trim();
    if (!text) return;
    if (!rows.has(row)) rows.set(row, new Map());
    rows.get(row)!.set(column, { column, value: text, isText });
  };
  const number = (xf: number, value: number) =>
    globals.dateXfs[xf] && isExcelDay(value) ? excelDate(value, globals.epoch) : formatNumber(value);
  const all = records(stream, at);
  const first = all.next();
  if (first.done || first.value.type !== BOF) return [];
  // A formula's text result is in the STRING record after it.
  let stringFor: { row: number; column: number } | null = null;
  for (const { type, data: d } of all) {
    if (type === EOF) break;
    if (type === STRING && stringFor) {
      put(stringFor.row, stringFor.column, unicodeString(d, 0, 2).text, true);
      stringFor = null;
      continue;
    }
    stringFor = null;
    if (d.length < 6) continue;
    const row = d.readUInt16LE(0);
    const column = d.readUInt16LE(2);
    const xf = d.readUInt16LE(4);
    if (type === LABELSST && d.length >= 10) put(row, column, globals.strings[d.readUInt32LE(6)] ?? '', true);
    else if (type === LABEL) put(row, column, unicodeString(d, 6, 2).text, true);
    else if (type === NUMBER && d.length >= 14) put(row, column, number(xf, d.readDoubleLE(6)), false);
    else if (type === RK && d.length >= 10) put(row, column, number(xf, rkValue(d.readInt32LE(6))), false);
    else if (type === MULRK) {
      for (let c = 0, p = 4; p + 6 <= d.length - 2; c++, p += 6)
        put(row, column + c, number(d.readUInt16LE(p), rkValue(d.readInt32LE(p + 2))), false);
    } else if (type === BOOLERR && d.length >= 8 && d[7] === 0)
      put(row, column, d[6] ? 'TRUE' : 'FALSE', false);
    else if (type === FORMULA && d.length >= 14) {
      // The cached result: a number, or (0xFFFF in its last two bytes) a string, boolean, error or nothing.
      if (d.readUInt16LE(12) !== 0xffff) put(row, column, number(xf, d.readDoubleLE(6)), false);
      else if (d[6] === 0) stringFor = { row, column };
      else if (d[6] === 1) put(row, column, d[8] ? 'TRUE' : 'FALSE', false);
    }
  }
  // BIFF numbers rows from 0; a spreadsheet shows the first as 1.
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([row, cells]) => ({
      row: row + 1,
      cells: [...cells.values()].sort((a, b) => a.column - b.column),
    }));
}

/** An RK number: 30 bits of an integer or of a double's high word, maybe times 100. */
function rkValue(rk: number): number {
  let value: number;
  if (rk & 2) value = rk >> 2;
  else {
    const b = Buffer.alloc(8);
    b.writeInt32LE(rk & ~3, 4);
    value = b.readDoubleLE(0);
  }
  return rk & 1 ? value / 100 : value;
}

/** A number as a sheet shows it by default: no binary noise (0.1 + 0.2 is 0.3). */
function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}

function damaged(file: string, cause: unknown): ExtractError {
  return new ExtractError('invalid-xls', 'not a valid Excel 97–2003 workbook (damaged?)', file, { cause });
}
