import { makeZip, type RawZipEntry, type ZipOptions } from './zipWriter.js';

/**
 * A cell: text (kept in the shared strings table, or inline when `inline`), a number, a
 * boolean, or a number shown by a number format (a built-in format's id, or a format code).
 */
export type XlsxCell =
  string | number | boolean | null | { inline: string } | { number: number; format: number | string };

export interface XlsxSheet {
  name: string;
  rows: XlsxCell[][];
}

export interface XlsxOptions extends ZipOptions {
  /** docProps/core.xml's dc:title; none when null. */
  title?: string | null;
  /** Entries to add or to replace as they are (a sheet's bytes, a lying size). */
  extra?: Record<string, string | Buffer | RawZipEntry>;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const column = (i: number): string =>
  (i >= 26 ? column(Math.floor(i / 26) - 1) : '') + String.fromCharCode(65 + (i % 26));

/** An Excel workbook of the given sheets (sheet N's file is sheetN.xml); enough for tests. */
export function makeXlsx(sheets: XlsxSheet[], options: XlsxOptions = {}): Buffer {
  const strings: string[] = [];
  const stringIndex = (s: string) => {
    const at = strings.indexOf(s);
    return at >= 0 ? at : strings.push(s) - 1;
  };
  // Cell styles: 0 is the default; one more for each number format used.
  const formats: (number | string)[] = [];
  const styleOf = (format: number | string) => {
    const at = formats.indexOf(format);
    return 1 + (at >= 0 ? at : formats.push(format) - 1);
  };
  const cellXml = (value: XlsxCell, ref: string): string => {
    if (value === null) return '';
    if (typeof value === 'object' && 'number' in value)
      return `<c r="${ref}" s="${styleOf(value.format)}"><v>${value.number}</v></c>`;
    if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
    if (typeof value === 'boolean') return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
    if (typeof value === 'object')
      return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(value.inline)}</t></is></c>`;
    return `<c r="${ref}" t="s"><v>${stringIndex(value)}</v></c>`;
  };
  const title = options.title === undefined ? 'A Workbook' : options.title;
  const entries: Record<string, string | Buffer | RawZipEntry> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    'docProps/core.xml': `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">${title === null ? '' : `<dc:title>${escapeXml(title)}</dc:title>`}</cp:coreProperties>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheets>${sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  };
  sheets.forEach((s, i) => {
    const rows = s.rows.map(
      (cells, r) =>
        `<row r="${r + 1}">${cells.map((v, c) => cellXml(v, `${column(c)}${r + 1}`)).join('')}</row>`,
    );
    entries[`xl/worksheets/sheet${i + 1}.xml`] =
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join('')}</sheetData></worksheet>`;
  });
  entries['xl/sharedStrings.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('')}</sst>`;
  const custom = formats.filter((f): f is string => typeof f === 'string');
  const formatId = (f: number | string) => (typeof f === 'number' ? f : 164 + custom.indexOf(f));
  entries['xl/styles.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="${custom.length}">${custom.map((f) => `<numFmt numFmtId="${formatId(f)}" formatCode="${escapeXml(f).replace(/"/g, '&quot;')}"/>`).join('')}</numFmts><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="${formats.length + 1}"><xf numFmtId="0" xfId="0"/>${formats.map((f) => `<xf numFmtId="${formatId(f)}" xfId="0" applyNumberFormat="1"/>`).join('')}</cellXfs></styleSheet>`;
  Object.assign(entries, options.extra ?? {});
  return makeZip(entries, options);
}
