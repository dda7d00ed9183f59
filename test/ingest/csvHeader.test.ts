import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { csvHeader } from '../../main/engine/ingest/csvHeader.js';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { passageText } from '../../main/engine/text/passageText.js';
import { useTempDir } from './helpers/tempDir.js';

const tempDir = useTempDir();

describe('a CSV header row heads every passage', () => {
  it('reads the header of comma, semicolon and tab separated files, quotes included', () => {
    expect(csvHeader('Item,Price,Bought\nTent,120,2026-01-03\n')).toEqual({
      level: 1,
      text: 'Item | Price | Bought',
      start: 0,
      end: 17,
    });
    expect(csvHeader('"Name, given";"Town";Note\r\nAnna;Graz;"a; b"\r\n')).toMatchObject({
      text: 'Name, given | Town | Note',
      end: 25,
    });
    expect(csvHeader('品种\t日期\t公斤\n富士\t2026-10-02\t30\n')?.text).toBe('品种 | 日期 | 公斤');
    expect(csvHeader('"He said ""hi""",x\n1,2\n')?.text).toBe('He said "hi" | x');
  });

  it('takes no header from a first row of data, a single column, an empty field or a file of one line', () => {
    expect(csvHeader('Tent,120,2026-01-03\nStove,45,2026-02-01\n')).toBeNull();
    expect(csvHeader('2026-01-03,12:30,"$1,200.50",15%\nx,y,z,w\n')).toBeNull();
    expect(csvHeader('Item\nTent\n')).toBeNull();
    expect(csvHeader('Item,,Price\nTent,x,120\n')).toBeNull();
    expect(csvHeader('Item,Price\n')).toBeNull();
    expect(csvHeader('Item,Price\n\n  \n')).toBeNull();
  });

  it('cuts a very wide header at a column', () => {
    const columns = Array.from({ length: 80 }, (_, i) => `Measurement column ${i}`);
    const header = csvHeader(`${columns.join(',')}\n${columns.map((_, i) => i).join(',')}\n`)!;
    expect(header.text.length).toBeLessThanOrEqual(304);
    expect(header.text).toMatch(/^Measurement column 0 \| Measurement column 1 \| .* \| …$/);
    expect(header.end).toBe(columns.join(',').length);
  });

  it('gives a passage from the middle of a long file its column names', async () => {
    const rows = Array.from(
      { length: 400 },
      (_, i) => `Item ${i},${(i * 7) % 300},2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
    );
    const text = `Item,Price,Bought\n${rows.join('\n')}\n`;
    const doc = await extractFile(tempDir().write('gear.csv', text));
    expect(doc.text).toBe(text);
    const chunks = chunkDocument(doc, { targetChars: 800 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.headingPath).toEqual(['Item | Price | Bought']);
      expect(c.text).toBe(text.slice(c.start, c.end));
    }
    const middle = chunks[3];
    expect(middle.text.startsWith('Item,Price')).toBe(false);
    expect(passageText(doc.title, middle.headingPath, middle.text)).toMatch(
      /^gear › Item \| Price \| Bought\nItem \d+,/,
    );
    // The first passage keeps the header line itself; every row is in exactly one passage.
    expect(chunks[0].start).toBe(0);
    expect(chunks.map((c) => c.text).join('\n')).toBe(text.trimEnd());
  });
});
