import CFB from 'cfb';

/**
 * A cell: text (in the shared strings table), a number (a whole number as an RK, in a
 * MULRK with its neighbours), a truth value, a formula's cached result, or a day number
 * shown as a date (by a built-in format, or by a format code of the workbook's own).
 */
export type XlsCell =
  | string
  | number
  | boolean
  | null
  | { formula: number | string }
  | { day: number; format?: 'built-in' | 'custom' };

export interface XlsSheet {
  name: string;
  rows: XlsCell[][];
  /** A chart sheet: listed in the workbook, holding no cells. */
  chart?: boolean;
}

export interface XlsOptions {
  /** A FILEPASS record: the workbook is encrypted. */
  encrypted?: boolean;
  /** Days counted from 1904-01-01. */
  date1904?: boolean;
  /** Largest SST or CONTINUE record: small sizes split strings across CONTINUE records. */
  sstRecordBytes?: number;
  /** The workbook lists its sheets this many times over, each copy pointing at the same sheet (a hostile file). */
  listRepeats?: number;
  /** The stream's name: "Book" is what Excel 5.0/95 wrote. */
  streamName?: 'Workbook' | 'Book';
}

const rec = (type: number, ...parts: Buffer[]): Buffer => {
  const data = Buffer.concat(parts);
  const head = Buffer.alloc(4);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
};
const u16 = (...v: number[]) => {
  const b = Buffer.alloc(v.length * 2);
  v.forEach((x, i) => b.writeUInt16LE(x, i * 2));
  return b;
};
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
};
const f64 = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v, 0);
  return b;
};
const wide = (s: string) => [...s].some((c) => c.charCodeAt(0) > 0xff);
const chars = (s: string) => Buffer.from(s, wide(s) ? 'utf16le' : 'latin1');
/** XLUnicodeString (2-byte length) or ShortXLUnicodeString (1-byte). */
const unicodeString = (s: string, lengthBytes: 1 | 2) =>
  Buffer.concat([
    lengthBytes === 1 ? Buffer.from([s.length]) : u16(s.length),
    Buffer.from([wide(s) ? 1 : 0]),
    chars(s),
  ]);

// XF indexes the cells use: general, a built-in date (format 14), the custom date format 164.
const XF_GENERAL = 0;
const XF_DATE = 1;
const XF_CUSTOM_DATE = 2;

/** The SST and its CONTINUE records; a string whose characters cross a record restarts with its flags byte. */
function sstRecords(strings: string[], max: number): Buffer[] {
  const records: Buffer[][] = [[u32(strings.length), u32(strings.length)]];
  let size = 8;
  const start = () => {
    records.push([]);
    size = 0;
  };
  const add = (b: Buffer) => {
    records[records.length - 1].push(b);
    size += b.length;
  };
  for (const s of strings) {
    if (size + 3 > max) start();
    add(Buffer.concat([u16(s.length), Buffer.from([wide(s) ? 1 : 0])]));
    const width = wide(s) ? 2 : 1;
    let rest = s;
    while (rest) {
      let n = Math.min(rest.length, Math.floor((max - size) / width));
      if (n <= 0) {
        start();
        add(Buffer.from([width - 1]));
        n = Math.min(rest.length, Math.floor((max - size) / width));
      }
      add(Buffer.from(rest.slice(0, n), width === 2 ? 'utf16le' : 'latin1'));
      rest = rest.slice(n);
    }
  }
  return records.map((parts, i) => rec(i === 0 ? 0x00fc : 0x003c, ...parts));
}

function cellRecords(sheet: XlsSheet, stringIndex: (s: string) => number): Buffer[] {
  const out: Buffer[] = [];
  sheet.rows.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (cell === null) continue;
      if (typeof cell === 'number' && Number.isInteger(cell) && Math.abs(cell) < 2 ** 29) {
        // Whole numbers next to each other go in one MULRK, as Excel writes them.
        let last = c;
        while (typeof row[last + 1] === 'number' && Number.isInteger(row[last + 1])) last++;
        const rk = (n: number) => u32(((n << 2) | 2) >>> 0);
        if (last === c) out.push(rec(0x027e, u16(r, c, XF_GENERAL), rk(cell)));
        else {
          const values = row.slice(c, last + 1) as number[];
          out.push(rec(0x00bd, u16(r, c), ...values.flatMap((v) => [u16(XF_GENERAL), rk(v)]), u16(last)));
          c = last;
        }
      } else if (typeof cell === 'number') out.push(rec(0x0203, u16(r, c, XF_GENERAL), f64(cell)));
      else if (typeof cell === 'string') out.push(rec(0x00fd, u16(r, c, XF_GENERAL), u32(stringIndex(cell))));
      else if (typeof cell === 'boolean')
        out.push(rec(0x0205, u16(r, c, XF_GENERAL), Buffer.from([cell ? 1 : 0, 0])));
      else if ('day' in cell)
        out.push(rec(0x0203, u16(r, c, cell.format === 'custom' ? XF_CUSTOM_DATE : XF_DATE), f64(cell.day)));
      else {
        const text = typeof cell.formula === 'string';
        const result = text ? Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff]) : f64(cell.formula as number);
        out.push(rec(0x0006, u16(r, c, XF_GENERAL), result, u16(0), u32(0), u16(0)));
        if (text) out.push(rec(0x0207, unicodeString(cell.formula as string, 2)));
      }
    }
  });
  return out;
}

/** An Excel 97–2003 workbook (BIFF8) in an OLE file, as the reader needs it. */
export function makeXls(sheets: XlsSheet[], options: XlsOptions = {}): Buffer {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const stringIndex = (s: string) => {
    if (!index.has(s)) index.set(s, strings.push(s) - 1);
    return index.get(s)!;
  };
  const bof = (kind: number) => rec(0x0809, u16(0x0600, kind), Buffer.alloc(12));
  const bodies = sheets.map((s) =>
    Buffer.concat([bof(s.chart ? 0x20 : 0x10), ...(s.chart ? [] : cellRecords(s, stringIndex)), rec(0x000a)]),
  );
  const globals = (offsets: number[]) =>
    Buffer.concat([
      bof(0x0005),
      ...(options.encrypted ? [rec(0x002f, u16(1), Buffer.alloc(52))] : []),
      ...(options.date1904 ? [rec(0x0022, u16(1))] : []),
      rec(0x041e, u16(164), unicodeString('yyyy-mm-dd hh:mm', 2)),
      rec(0x00e0, u16(0, 0), Buffer.alloc(16)),
      rec(0x00e0, u16(0, 14), Buffer.alloc(16)),
      rec(0x00e0, u16(0, 164), Buffer.alloc(16)),
      ...Array.from({ length: options.listRepeats ?? 1 }, () => sheets)
        .flat()
        .map((s, j) => {
          const i = j % sheets.length;
          return rec(0x0085, u32(offsets[i]), Buffer.from([0, s.chart ? 2 : 0]), unicodeString(s.name, 1));
        }),
      ...sstRecords(strings, options.sstRecordBytes ?? 8224),
      rec(0x000a),
    ]);
  const size = globals(sheets.map(() => 0)).length;
  const offsets = bodies.map((_, i) => size + bodies.slice(0, i).reduce((n, b) => n + b.length, 0));
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, options.streamName ?? 'Workbook', Buffer.concat([globals(offsets), ...bodies]));
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}
