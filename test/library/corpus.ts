import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import type { TempDir } from './helpers.js';
import { makePptx } from '../../scripts/documentWriters/pptxWriter.js';

const SAMPLE_DOCS = fileURLToPath(new URL('../../resources/sample-docs/', import.meta.url));

/** How each plain-text fixture is encoded on disk (to check offsets against the decoded text). */
export const ENCODED: Record<string, 'utf8' | 'utf8-bom' | 'gbk' | 'utf16le-bom'> = {
  'notes/travel.txt': 'utf8',
  'notes/茶叶.md': 'utf8',
  'legacy/gbk.txt': 'gbk',
  'legacy/utf16.txt': 'utf16le-bom',
  'legacy/bom-astral.txt': 'utf8-bom',
  'legacy/crlf.txt': 'utf8',
  'data/prices.csv': 'utf8',
  'data/config.json': 'utf8',
  'code/greet.py': 'utf8',
  'docs/guide.rst': 'utf8',
};

export const TEXTS: Record<string, string> = {
  'notes/travel.txt':
    'Travel checklist\n\nPassport, tickets and a phone charger. Remember the umbrella: it rains often in Lisbon in November.\n\nPack light: one carry-on bag is enough for a week.\n',
  'notes/茶叶.md':
    '# 茶叶冲泡指南\n\n## 绿茶\n\n绿茶水温在八十度左右最合适，不要用刚烧开的沸水。\n\n## 红茶\n\n红茶用九十五度的水，每泡三分钟左右。\n',
  'legacy/gbk.txt': '年假制度\n\n员工工作满一年后，每年享有带薪年假五天。年假须提前五个工作日申请。\n',
  'legacy/utf16.txt':
    'Warranty card\r\n\r\nThe grinder motor carries a five-year warranty; other parts two years.\r\n',
  'legacy/bom-astral.txt':
    'Emoji 😀 and 𠀀 rare characters\n\nThe zebra 🦓 crossing at Abbey Road is famous among photographers.\n',
  'legacy/crlf.txt':
    'Windows line endings\r\n\r\nThe quarterly budget review happens on the first Monday of April.\r\n',
  'data/prices.csv': 'item,price\nespresso,2.50\ncappuccino,3.20\nflat white,3.40\n',
  'data/config.json': '{\n  "theme": "dark",\n  "volcano": "Eyjafjallajökull erupted in 2010"\n}\n',
  'code/greet.py':
    'def greet(name):\n    """Say hello to the aardvark keeper."""\n    return f"hello {name}"\n',
  'docs/guide.rst':
    'Install guide\n=============\n\nRun the installer and accept the licence. The mongoose option enables fast mode.\n',
};

function encode(text: string, how: (typeof ENCODED)[string]): Buffer {
  switch (how) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'gbk':
      return iconv.encode(text, 'gbk');
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  }
}

/** Files that must fail, with the reason we expect. */
export const FAILING: Record<string, RegExp> = {
  'broken/corrupt.pdf': /PDF/i,
  'broken/corrupt.docx': /docx|word|zip/i,
  'broken/binary.txt': /binary/i,
  'broken/empty.txt': /empty/i,
};

/**
 * A mixed Chinese/English folder with every supported type: plain text in
 * several encodings, markdown, rst, csv, json, code, HTML, and the sample
 * PDF/DOCX; plus files that must fail (corrupt PDF/DOCX, binary named .txt, empty).
 */
export function writeMixedCorpus(t: TempDir, root = 'docs'): string {
  const base = path.join(t.dir, root);
  mkdirSync(base, { recursive: true });
  for (const [rel, text] of Object.entries(TEXTS)) t.file(path.join(root, rel), encode(text, ENCODED[rel]));
  t.file(
    path.join(root, 'web/page.html'),
    '<!DOCTYPE html><html><head><title>Espresso care</title><style>p{color:red}</style></head><body><h1>Espresso care</h1><p>Descale the machine every two months when the water is hard.</p><script>var x = "hidden";</script></body></html>',
  );
  mkdirSync(path.join(base, 'office'), { recursive: true });
  copyFileSync(path.join(SAMPLE_DOCS, 'aurora-warranty-card.pdf'), path.join(base, 'office/warranty.pdf'));
  copyFileSync(path.join(SAMPLE_DOCS, 'remote-work-policy.docx'), path.join(base, 'office/policy.docx'));
  t.file(
    path.join(root, 'office/ferries.pptx'),
    makePptx([
      { title: 'Ferry timetable', body: ['Boats leave the harbour every hour.'] },
      {
        title: 'Winter service',
        body: ['From November the ferry to the lighthouse island runs twice a day.'],
      },
    ]),
  );
  t.file(path.join(root, 'broken/corrupt.pdf'), '%PDF-1.7\nthis is not really a pdf\n%%EOF');
  t.file(path.join(root, 'broken/corrupt.docx'), 'PK\u0003\u0004 not a real zip archive');
  t.file(
    path.join(root, 'broken/binary.txt'),
    Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)),
  );
  t.file(path.join(root, 'broken/empty.txt'), '');
  return base;
}

/** The text a plain-text fixture decodes to (BOM not included), for offset checks. */
export function decodedText(rel: string): string {
  return TEXTS[rel];
}
