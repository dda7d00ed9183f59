/**
 * A minimal PDF writer for tests and sample documents: real, valid PDF files
 * (xref table, page tree, text operators) so pdf.js parses them like any other.
 * Latin text uses the standard Helvetica font (no embedding); CJK text uses the
 * Adobe-GB1 font STSong-Light through the predefined UniGB-UCS2-H CMap, which
 * pdf.js resolves from its bundled cMaps, just as real CJK PDFs often do.
 */

export interface PdfPage {
  /** One entry per line; an empty string leaves a paragraph gap. */
  lines: string[];
  /** Lines (by index) written one character at a time, spaced out, as some PDF writers set titles. */
  spacedOut?: number[];
}

/** A bookmark: it points to a line of a page (both from 0), with bookmarks under it. */
export interface PdfOutlineEntry {
  title: string;
  page: number;
  line: number;
  children?: PdfOutlineEntry[];
}

export interface PdfOptions {
  title?: string;
  /** The document outline (bookmarks), as PDF writers make it from headings. */
  outline?: PdfOutlineEntry[];
  /** Adds an /Encrypt dictionary whose password check fails, as in a locked PDF. */
  encrypted?: boolean;
}

const LINE_HEIGHT = 16;
const TOP = 760;

function isLatin1Line(line: string): boolean {
  return /^[\x20-\x7e]*$/.test(line);
}

function pdfLiteral(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function pdfHexUcs2(text: string): string {
  let hex = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code > 0xffff) throw new Error('pdfWriter: only BMP characters are supported');
    hex += code.toString(16).padStart(4, '0');
  }
  return `<${hex}>`;
}

function pageContent(page: PdfPage): string {
  const ops: string[] = [];
  let y = TOP;
  page.lines.forEach((line, i) => {
    if (line === '') {
      y -= LINE_HEIGHT;
      return;
    }
    const font = isLatin1Line(line) ? '/F1' : '/F2';
    const encode = font === '/F1' ? pdfLiteral : pdfHexUcs2;
    if (page.spacedOut?.includes(i))
      [...line].forEach((c, n) => ops.push(`BT ${font} 12 Tf ${72 + n * 18} ${y} Td ${encode(c)} Tj ET`));
    else ops.push(`BT ${font} 12 Tf 72 ${y} Td ${encode(line)} Tj ET`);
    y -= LINE_HEIGHT;
  });
  return ops.join('\n');
}

/** Builds the bytes of a PDF with one page per entry of `pages`. */
export function makePdf(pages: PdfPage[], options: PdfOptions = {}): Buffer {
  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pageTree = add('');
  const helvetica = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const cidFont = add(
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light ' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 ' +
      '/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] ' +
      '/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> >>',
  );
  const song = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`,
  );
  const pageIds: number[] = [];
  for (const page of pages) {
    const content = pageContent(page);
    const stream = add(
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    );
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 612 792] /Contents ${stream} 0 R ` +
          `/Resources << /Font << /F1 ${helvetica} 0 R /F2 ${song} 0 R >> >> >>`,
      ),
    );
  }
  const outlines = options.outline?.length ? addOutline(options.outline, pageIds, add, objects) : null;
  objects[catalog - 1] =
    `<< /Type /Catalog /Pages ${pageTree} 0 R` +
    (outlines ? ` /Outlines ${outlines} 0 R /PageMode /UseOutlines` : '') +
    ' >>';
  objects[pageTree - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  const info = add(options.title !== undefined ? `<< /Title ${pdfHexUcs2BOM(options.title)} >>` : '<< >>');
  const encrypt = options.encrypted ? add(FAILING_ENCRYPT_DICTIONARY) : null;

  const encryptRef = encrypt
    ? ` /Encrypt ${encrypt} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`
    : '';
  return serializePdf(objects, catalog, ` /Info ${info} 0 R${encryptRef}`);
}

/** Writes the outline's objects (each entry linked to its parent and siblings); returns the root's number. */
function addOutline(
  entries: PdfOutlineEntry[],
  pageIds: number[],
  add: (body: string) => number,
  objects: string[],
): number {
  const root = add('');
  const level = (items: PdfOutlineEntry[], parent: number): number[] => {
    const ids = items.map(() => add(''));
    items.forEach((entry, i) => {
      const children = entry.children?.length ? level(entry.children, ids[i]) : [];
      const top = TOP - entry.line * LINE_HEIGHT + 12;
      objects[ids[i] - 1] =
        `<< /Title ${pdfHexUcs2BOM(entry.title)} /Parent ${parent} 0 R` +
        (i > 0 ? ` /Prev ${ids[i - 1]} 0 R` : '') +
        (i + 1 < ids.length ? ` /Next ${ids[i + 1]} 0 R` : '') +
        (children.length
          ? ` /First ${children[0]} 0 R /Last ${children.at(-1)} 0 R /Count ${children.length}`
          : '') +
        ` /Dest [${pageIds[entry.page]} 0 R /XYZ 72 ${top} 0] >>`;
    });
    return ids;
  };
  const top = level(entries, root);
  objects[root - 1] =
    `<< /Type /Outlines /First ${top[0]} 0 R /Last ${top.at(-1)} 0 R /Count ${top.length} >>`;
  return root;
}

/** An /Encrypt dictionary whose password check fails, as in a locked PDF. */
export const FAILING_ENCRYPT_DICTIONARY = `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`;

/**
 * The file bytes of numbered PDF objects (object i + 1 is `objects[i]`): header,
 * objects, xref table and a trailer naming `root`, plus `trailerExtra` entries.
 */
export function serializePdf(objects: readonly string[], root: number, trailerExtra = ''): Buffer {
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${root} 0 R${trailerExtra} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A PDF text string in UTF-16BE with its byte-order mark (any Unicode title). */
function pdfHexUcs2BOM(text: string): string {
  return `<feff${pdfHexUcs2(text).slice(1, -1)}>`;
}
