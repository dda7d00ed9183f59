/**
 * Byte-level writers for the hostile corpus: small PDFs (valid, encrypted,
 * image-only), ZIP archives whose headers may lie about sizes, and DOCX files.
 * Written here rather than imported from test/ because scripts must not depend
 * on test helpers.
 */
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/** A one-page PDF with Latin text lines (standard Helvetica, nothing embedded). */
export function makePdf(lines: string[], options: { encrypted?: boolean } = {}): Buffer {
  const ops = lines
    .map(
      (line, i) => `BT /F1 12 Tf 72 ${760 - 16 * i} Td (${line.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj ET`,
    )
    .join('\n');
  return assemblePdf(
    ops,
    '/Font << /F1 4 0 R >>',
    ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'],
    options.encrypted,
  );
}

/** A PDF whose only page is a picture (a 2×2 RGB image and a filled rectangle): no text to extract. */
export function makeImageOnlyPdf(): Buffer {
  const pixels = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0]).toString('latin1');
  const image = `<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n${pixels}\nendstream`;
  const ops = 'q 0 0 1 rg 72 72 200 200 re f Q\nq 300 0 0 300 100 300 cm /Im1 Do Q';
  return assemblePdf(ops, '/XObject << /Im1 4 0 R >>', [image]);
}

/** Objects 1 catalog, 2 pages, 3 page, 4.. resources, then the content stream and the xref table. */
function assemblePdf(content: string, resources: string, extra: string[], encrypted = false): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${4 + extra.length} 0 R /Resources << ${resources} >> >>`,
    ...extra,
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  if (encrypted)
    objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`);
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  const encrypt = encrypted
    ? ` /Encrypt ${objects.length} 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`
    : '';
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${encrypt} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** One ZIP member, already compressed, with the sizes its headers will declare (which may lie). */
export interface ZipMember {
  name: string;
  /** Deflated bytes (method 8). */
  packed: Buffer;
  crc: number;
  /** What the local and central headers claim the member inflates to. */
  declaredSize: number;
}

export function deflatedMember(name: string, content: string | Buffer): ZipMember {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, packed: deflateRawSync(data), crc: crc32(data), declaredSize: data.length };
}

/** A ZIP archive of the members as given: their declared sizes are written verbatim (a 32-bit field). */
export function makeZip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const declared = Math.min(m.declaredSize, 0xffffffff);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(m.crc >>> 0, 14);
    local.writeUInt32LE(m.packed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, m.packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(m.crc >>> 0, 16);
    central.writeUInt32LE(m.packed.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + m.packed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

export const DOCX_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W}"><w:body>`;
export const DOCX_TAIL = '</w:body></w:document>';

export function docxParagraph(text: string): string {
  return `<w:p><w:r><w:t xml:space="preserve">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</w:t></w:r></w:p>`;
}

/** A DOCX around the given word/document.xml member (the package parts Word needs besides it). */
export function makeDocx(documentXml: ZipMember): Buffer {
  return makeZip([
    deflatedMember('[Content_Types].xml', CONTENT_TYPES),
    deflatedMember('_rels/.rels', ROOT_RELS),
    documentXml,
  ]);
}

/**
 * word/document.xml made of `<w:p>` elements that inflates to `inflatedBytes`,
 * deflated as one stream without ever holding the inflated text (1 MiB at a time).
 */
export async function paragraphBombMember(inflatedBytes: number): Promise<ZipMember> {
  const paragraph = docxParagraph('bomb');
  const perMiB = Math.floor((1 << 20) / paragraph.length);
  const block = Buffer.from(paragraph.repeat(perMiB), 'utf8');
  const deflate = createDeflateRaw({ level: 9 });
  const packed: Buffer[] = [];
  deflate.on('data', (c: Buffer) => packed.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  const write = async (chunk: Buffer): Promise<void> => {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(Buffer.from(DOCX_HEAD, 'utf8'));
  while (size + block.length < inflatedBytes) await write(block);
  await write(Buffer.from(DOCX_TAIL, 'utf8'));
  deflate.end();
  await done;
  return { name: 'word/document.xml', packed: Buffer.concat(packed), crc, declaredSize: size };
}
