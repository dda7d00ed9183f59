/**
 * What the hostile corpus needs beyond the shared document writers
 * (scripts/documentWriters): an image-only PDF, and DOCX bodies written piece
 * by piece (XXE doctypes, paragraph bombs deflated without holding the text), and a
 * Word 97–2003 document with a marker.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { serializePdf } from '../documentWriters/pdfWriter.js';
import type { RawZipEntry } from '../documentWriters/zipWriter.js';

/** A PDF whose only page is a picture (a 2×2 RGB image and a filled rectangle): no text to extract. */
export function makeImageOnlyPdf(): Buffer {
  const pixels = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0]).toString('latin1');
  const image = `<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n${pixels}\nendstream`;
  const ops = 'q 0 0 1 rg 72 72 200 200 re f Q\nq 300 0 0 300 100 300 cm /Im1 Do Q';
  return serializePdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /XObject << /Im1 4 0 R >> >> >>',
      image,
      `<< /Length ${Buffer.byteLength(ops, 'latin1')} >>\nstream\n${ops}\nendstream`,
    ],
    1,
  );
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

export const DOCX_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W}"><w:body>`;
export const DOCX_TAIL = '</w:body></w:document>';

export function docxParagraph(text: string): string {
  return `<w:p><w:r><w:t xml:space="preserve">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</w:t></w:r></w:p>`;
}

/**
 * word/document.xml made of `<w:p>` elements that inflates to `inflatedBytes`,
 * deflated as one stream without ever holding the inflated text (1 MiB at a time).
 */
export async function paragraphBombDocument(inflatedBytes: number): Promise<RawZipEntry> {
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
  return { deflated: Buffer.concat(packed), crc, declaredSize: size };
}

/**
 * A Word 97–2003 document (.doc) with `marker` in it: the test fixture written by LibreOffice,
 * one run of its text overwritten in place. Word keeps this text as UTF-16 in the document
 * stream, and a run of the same length changes no offset, so the file stays valid.
 */
export function wordDocumentWith(marker: string): Buffer {
  const fixture = readFileSync(
    fileURLToPath(
      new URL('../../test/ingest/fixtures/written-by-other-tools/beekeeping-notes.doc', import.meta.url),
    ),
  );
  const run = 'hive on a warm afternoon';
  if (marker.length !== run.length)
    throw new Error(`a .doc marker must have ${run.length} characters: "${marker}"`);
  const at = fixture.indexOf(Buffer.from(run, 'utf16le'));
  if (at < 0) throw new Error('the .doc fixture no longer holds its text as UTF-16');
  const out = Buffer.from(fixture);
  out.write(marker, at, 'utf16le');
  return out;
}
