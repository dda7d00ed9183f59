import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import {
  checkDeclaredSizes,
  checkInflatedSizes,
  DEFAULT_INFLATE_LIMITS,
  inflatedSize,
  isReadPart,
  RATIO_FLOOR,
} from '../../main/engine/ingest/inflateBounds.js';
import { readZipDirectory, ZipFormatError } from '../../main/engine/ingest/zipDirectory.js';
import { documentXml, makeDocx, makeDocxWithDocument } from '../../scripts/documentWriters/docxWriter.js';
import { expectFailure } from './helpers/expectFailure.js';
import { makePdf } from '../../scripts/documentWriters/pdfWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { deflatedRepeat, makeZip } from '../../scripts/documentWriters/zipWriter.js';

const tempDir = useTempDir();
const MB = 1024 * 1024;
const SAMPLES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'resources',
  'sample-docs',
);

describe('readZipDirectory', () => {
  const parts = { 'a.txt': 'alpha '.repeat(100), 'dir/b.xml': '<b/>', 'empty.rels': '' };

  it('lists every entry with its declared sizes and where its data sits', () => {
    const zip = makeZip(parts);
    const entries = readZipDirectory(zip);
    expect(entries.map((e) => [e.name, e.method, e.uncompressedSize])).toEqual([
      ['a.txt', 8, 600],
      ['dir/b.xml', 8, 4],
      ['empty.rels', 8, 0],
    ]);
    expect(entries[0].localHeaderOffset).toBe(0);
    expect(zip.readUInt32LE(entries[1].localHeaderOffset)).toBe(0x04034b50);
    expect(entries[0].compressedSize).toBe(deflateRawSync(Buffer.from(parts['a.txt'])).length);
  });

  it('reads the ZIP64 form and an archive comment to the same entries', () => {
    const plain = readZipDirectory(makeZip(parts));
    expect(readZipDirectory(makeZip(parts, { zip64: true }))).not.toEqual(plain); // offsets move: extra fields
    const z64 = readZipDirectory(
      makeZip(parts, { zip64: true, comment: 'PK\x05\x06 looks like a signature' }),
    );
    expect(z64.map((e) => [e.name, e.compressedSize, e.uncompressedSize])).toEqual(
      plain.map((e) => [e.name, e.compressedSize, e.uncompressedSize]),
    );
    // A declared size beyond 2^53 in ZIP64 is "huge", not an error: the bounds will name it.
    const huge = makeZip(
      { 'word/document.xml': { deflated: Buffer.from([3, 0]), declaredSize: 0 } },
      { zip64: true },
    );
    const field = huge.indexOf(
      Buffer.from([0x01, 0x00, 0x18, 0x00]),
      huge.indexOf(Buffer.from('PK\x01\x02')),
    );
    huge.writeBigUInt64LE(2n ** 62n, field + 4);
    expect(readZipDirectory(huge)[0].uncompressedSize).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses what is not a ZIP archive, or one cut short', () => {
    expect(() => readZipDirectory(Buffer.from('PK but nothing else'))).toThrow(ZipFormatError);
    const zip = makeZip(parts);
    expect(() => readZipDirectory(zip.subarray(0, zip.length - 30))).toThrow(ZipFormatError);
    expect(() => readZipDirectory(zip.subarray(40))).toThrow(ZipFormatError);
  });
});

describe('decompression bombs in DOCX files', () => {
  it('refuses a part that declares 300 MB by its declared size, before inflating anything', async () => {
    const dir = tempDir();
    // 300 MB of <w:p/> in ~470 KB: the shape of the 918 KB DOCX.
    const bomb = dir.write(
      'bomb.docx',
      makeDocxWithDocument({ deflated: deflatedRepeat('<w:p/>', 300 * MB), declaredSize: 300 * MB }),
    );
    await expectFailure(
      extractFile(bomb),
      'decompression-bomb',
      /^decompression bomb \(word\/document\.xml declares 300\.0 MB\)$/,
      bomb,
    );
  });

  it('checks the declared sizes first: a bomb whose data is not even deflate is still called a bomb', async () => {
    // Had anything been inflated (by the size check or by mammoth), this would be "damaged".
    const dir = tempDir();
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const file = dir.write(
      'declared.docx',
      makeDocxWithDocument({ deflated: garbage, declaredSize: 300 * MB }),
    );
    await expectFailure(extractFile(file), 'decompression-bomb', /declares 300\.0 MB\)$/, file);
    // The same garbage declared small is inflated (by the real-size check) and found damaged.
    const small = dir.write('small.docx', makeDocxWithDocument({ deflated: garbage, declaredSize: 5000 }));
    await expectFailure(extractFile(small), 'invalid-docx', /^not a valid DOCX/, small);
  });

  it('refuses a part that declares a ratio over the bound, and parts that together declare too much', async () => {
    const dir = tempDir();
    const zeros = deflatedRepeat('\0', 50 * MB);
    const ratio = dir.write('ratio.docx', makeDocxWithDocument({ deflated: zeros, declaredSize: 50 * MB }));
    const e = await expectFailure(
      extractFile(ratio),
      'decompression-bomb',
      /^decompression bomb \(word\/document\.xml declares 50\.0 MB from [\d.]+ KB, \d+×\)$/,
      ratio,
    );
    expect(Number(/(\d+)×/.exec(e.reason)![1])).toBeGreaterThan(DEFAULT_INFLATE_LIMITS.maxInflateRatio);
    // Lowered bounds (the settings) apply: two parts of 3 MB are fine alone, not together under 5 MB.
    const three = { deflated: deflatedRepeat('<w:p/>', 3 * MB), declaredSize: 3 * MB };
    const pair = dir.write(
      'pair.docx',
      makeZip({ 'word/document.xml': three, 'word/footnotes.xml': three, '[Content_Types].xml': '<Types/>' }),
    );
    await expectFailure(
      extractFile(pair, { inflate: { maxInflatedBytes: 5 * MB, maxInflateRatio: 10_000 } }),
      'decompression-bomb',
      /^decompression bomb \(its parts declare 6\.0 MB together\)$/,
      pair,
    );
  });

  it('stops inflating a part that lies about its size, and never hands it to mammoth', async () => {
    const dir = tempDir();
    const stream = deflatedRepeat('<w:p/>', 40 * MB);
    const liar = dir.write('liar.docx', makeDocxWithDocument({ deflated: stream, declaredSize: 200_000 }));
    await expectFailure(
      extractFile(liar),
      'decompression-bomb',
      /^decompression bomb \(word\/document\.xml inflates to more than 100× its [\d.]+ KB, though it declares 195\.3 KB\)$/,
      liar,
    );
    // Under the size bound instead of the ratio: a lowered maxInflatedBytes.
    await expectFailure(
      extractFile(liar, { inflate: { maxInflatedBytes: 2 * MB, maxInflateRatio: 10_000 } }),
      'decompression-bomb',
      /inflates to more than 2\.0 MB, though it declares/,
      liar,
    );
  });

  it('counts inflated bytes without holding them, stopping just past the limit', async () => {
    const stream = deflatedRepeat('x', 8 * MB);
    await expect(inflatedSize(stream, 100 * MB)).resolves.toBe(8 * MB);
    await expect(inflatedSize(stream, 3 * MB)).resolves.toBe(3 * MB + 1);
    await expect(inflatedSize(Buffer.from([0xff, 0xff, 0xff]), MB)).rejects.toThrow();
  });

  it('reads ordinary documents, in the ZIP64 form too, and extracted text over its bound fails', async () => {
    const dir = tempDir();
    const paragraphs = [{ text: 'Quarterly report', style: 'Title' }, { text: 'Sales rose in the north.' }];
    for (const zip64 of [false, true]) {
      const file = dir.write(`ok-${zip64}.docx`, makeDocx(paragraphs, { zip64 }));
      const doc = await extractFile(file);
      expect(doc.text).toContain('Sales rose in the north.');
    }
    const file = dir.write('short.docx', makeDocx(paragraphs));
    await expectFailure(
      extractFile(file, { maxExtractedChars: 20 }),
      'too-much-text',
      /^too much text \(more than 20 characters\)$/,
      file,
    );
  });

  it('stops a PDF as soon as its text passes the bound', async () => {
    const dir = tempDir();
    const pages = Array.from({ length: 3 }, (_, i) => ({
      lines: [`Page ${i + 1} has a line of text on it.`],
    }));
    const file = dir.write('pages.pdf', makePdf(pages));
    expect((await extractFile(file)).pages.length).toBe(3);
    await expectFailure(
      extractFile(file, { maxExtractedChars: 50 }),
      'too-much-text',
      /^too much text \(more than 50 characters\)$/,
      file,
    );
  });

  it('passes a long honest document.xml, over the ratio floor, by both its declared and its real sizes', async () => {
    const prose = Array.from({ length: 30_000 }, (_, i) => ({
      text: `Paragraph ${i} says ${i % 7} things.`,
    }));
    const xml = documentXml(prose);
    expect(xml.length).toBeGreaterThan(2 * RATIO_FLOOR);
    const zip = makeZip({ 'word/document.xml': xml });
    const entries = readZipDirectory(zip);
    checkDeclaredSizes(entries, DEFAULT_INFLATE_LIMITS, 'long.docx');
    await checkInflatedSizes(zip, entries, DEFAULT_INFLATE_LIMITS, 'long.docx');
    expect(entries[0].uncompressedSize / entries[0].compressedSize).toBeLessThan(
      DEFAULT_INFLATE_LIMITS.maxInflateRatio / 2,
    );
  });

  it('leaves the sample documents far below every bound', () => {
    for (const name of readdirSync(SAMPLES).filter((n) => n.endsWith('.docx'))) {
      const entries = readZipDirectory(readFileSync(path.join(SAMPLES, name))).filter(isReadPart);
      const total = entries.reduce((n, e) => n + e.uncompressedSize, 0);
      expect(total, name).toBeLessThan(DEFAULT_INFLATE_LIMITS.maxInflatedBytes / 100);
      expect(Math.max(...entries.map((e) => e.uncompressedSize)), name).toBeLessThan(RATIO_FLOOR);
    }
  });
});
