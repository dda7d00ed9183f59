/**
 * The hostile corpus, made by code in a temporary folder: every kind of file
 * that broke or nearly broke DocQA, next to good documents that must
 * still be found, each by a marker phrase no other file contains.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { makeDocxWithDocument as makeDocx } from '../documentWriters/docxWriter.js';
import { makePdf as makePdfPages } from '../documentWriters/pdfWriter.js';
import { rawZipEntry } from '../documentWriters/zipWriter.js';
import { makeEpub } from '../documentWriters/epubWriter.js';
import { makePptx } from '../documentWriters/pptxWriter.js';
import { makePpt } from '../documentWriters/pptWriter.js';
import { makeXls } from '../documentWriters/xlsWriter.js';
import { makeOdt } from '../documentWriters/odtWriter.js';
import { makeXlsx } from '../documentWriters/xlsxWriter.js';
import {
  DOCX_HEAD,
  DOCX_TAIL,
  docxParagraph,
  makeImageOnlyPdf,
  paragraphBombDocument,
  wordDocumentWith,
} from './writers.js';

/** A one-page PDF of text lines. */
const makePdf = (lines: string[], options: { encrypted?: boolean } = {}): Buffer =>
  makePdfPages([{ lines }], options);

export type Expectation =
  /** Indexed, its text decoded faithfully (`probe`), and the first answers to `marker` include it. */
  | 'findable'
  /** Recorded as failed, with a reason (matching `reason` when given). */
  | 'failed'
  /** Never indexed as a document: skipped, or recorded as failed. */
  | 'not-indexed';

export interface CorpusCase {
  label: string;
  /** Path relative to the corpus folder, as docqa reports it. */
  rel: string;
  expect: Expectation;
  marker?: string;
  /** Text that must appear in its passages once decoded (non-ASCII for the encodings). */
  probe?: string;
  reason?: RegExp;
}

export interface HostileCorpus {
  root: string;
  cases: CorpusCase[];
  /** tiny/NNNNN.txt files; the last one carries `tinyMarker`. */
  tinyFiles: number;
  tinyMarker: string;
  /** A file outside the corpus that the XXE document points its entity at: its text must never be indexed. */
  secret: string;
  /** The GBK-named file: a name that is not UTF-8. */
  gbkName: { marker: string };
  /** The DOCX whose external entity points at `secret`. */
  /** Documents whose XML names `secret`'s file in an external entity (a DOCX, an EPUB). */
  xxe: { rel: string; marker: string }[];
  /** Files a `$(…)` or backtick name would create if a shell ever ran it. */
  injectionSentinels: string[];
}

export const BOMB_REASON = /bomb|too large|too big|exceed|limit|inflat|memory|size/i;

/** Unique words for one document; real-looking enough for both BM25 and the dense tower. */
export function markerFor(label: string): string {
  const key = label.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return `zorblax${key} quintessor${key}`;
}

/** Writes corpus files and records what each must become. */
class CaseWriter {
  readonly cases: CorpusCase[] = [];

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  write(rel: string, data: string | Buffer): void {
    const file = path.join(this.root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
  }

  /** A document that must be indexed and found by its marker; `probe` is text its passages must contain. */
  good(label: string, rel: string, body: (marker: string) => string | Buffer, probe?: string): void {
    const marker = markerFor(label);
    this.write(rel, body(marker));
    this.cases.push({ label, rel, expect: 'findable', marker, probe: probe ?? marker });
  }

  bad(label: string, rel: string, data: string | Buffer, reason?: RegExp): void {
    this.write(rel, data);
    this.cases.push({ label, rel, expect: 'failed', reason });
  }
}

function prose(marker: string, topic: string): string {
  return (
    `This note is about ${topic}. The marker phrase is ${marker}. It sits among ordinary sentences so that the ` +
    `passage reads like a real document about ${topic}, with enough words to be cut into a passage.\n`
  );
}

export function buildHostileCorpus(root: string, options: { tinyFiles: number }): HostileCorpus {
  const w = new CaseWriter(root);
  const { cases } = w;
  const write = w.write.bind(w);
  const good = w.good.bind(w);
  const bad = w.bad.bind(w);

  // Good documents, one per format and encoding.
  good('plain txt', 'good-plain.txt', (m) => prose(m, 'tide tables'));
  good(
    'markdown',
    'notes/good-notes.md',
    (m) => `# Garden notes\n\n## Watering\n\n${prose(m, 'watering tomatoes')}`,
  );
  good(
    'html',
    'web/good-page.html',
    (m) =>
      `<!doctype html><html><head><title>Ferries</title></head><body><h1>Ferries</h1><p>${prose(m, 'ferries')}</p></body></html>`,
  );
  good('docx', 'office/good.docx', (m) =>
    makeDocx(`${DOCX_HEAD}${docxParagraph(prose(m, 'invoices'))}${DOCX_TAIL}`),
  );
  // "doc" gives a marker as long as the run the writer overwrites.
  good('doc', 'office/good.doc', wordDocumentWith);
  const rtf = (m: string) =>
    `{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\header Page\\par}\\pard ${prose(m, 'sailing').replace(/\n/g, '\\par ')}}`;
  good('rtf', 'office/good.rtf', rtf);
  good('xls', 'office/good.xls', (m) =>
    makeXls([
      {
        name: 'Tides',
        rows: [
          ['Harbour', 'Note'],
          ['Dover', prose(m, 'tide tables')],
        ],
      },
    ]),
  );
  good('ppt', 'office/good.ppt', (m) =>
    makePpt([{ title: 'Harbour', boxes: [{ text: prose(m, 'tugboats') }] }]),
  );
  good('rtf as doc', 'office/letter.doc', rtf);
  good('pdf', 'office/good.pdf', (m) => makePdf([`The marker phrase is ${m}.`, 'A page about lighthouses.']));
  good('epub', 'office/good.epub', (m) =>
    makeEpub([
      { href: 'title.xhtml', body: '<h1>Harbours</h1>' },
      { href: 'ch1.xhtml', body: `<h2>Tides</h2><p>${prose(m, 'harbours')}</p>` },
    ]),
  );
  const zh = '长城是中国古代的军事防御工程，这份报告记录了它的历史。';
  good('gbk text', 'enc/gbk.txt', (m) => iconv.encode(`${zh}\n标记：${m}\n${zh}\n`, 'gbk'), zh);
  const zhHant = '臺灣的高山鐵路穿過雲霧繚繞的森林，這份紀錄說明了它的歷史。';
  good(
    'big5 text',
    'enc/big5.txt',
    (m) => iconv.encode(`${zhHant}\n標記：${m}\n${zhHant}\n`, 'big5'),
    zhHant,
  );
  const ja = '東京の桜並木は春になると多くの人でにぎわいます。この文書はその歴史を説明します。';
  good(
    'shift-jis text',
    'enc/shiftjis.txt',
    (m) => iconv.encode(`${ja}\n目印：${m}\n${ja}\n`, 'shift_jis'),
    ja,
  );
  const zh16 = '黄河是中国第二长的河流，流经九个省份。';
  good(
    'utf-16le bom',
    'enc/utf16le.txt',
    (m) => iconv.encode(`${zh16}\n${m}\n`, 'utf-16le', { addBOM: true }),
    zh16,
  );
  good(
    'utf-16be bom',
    'enc/utf16be.txt',
    (m) => iconv.encode(`${zh16}\n${m}\n`, 'utf-16be', { addBOM: true }),
    zh16,
  );
  good(
    'stray nul',
    'stray-nul.txt',
    (m) => `${prose(m, 'bicycles')}one stray\0byte here.\n${prose('more', 'bicycles')}`,
  );
  good('newline name', 'names/new\nline.md', (m) => prose(m, 'names with newlines'));
  good('$() name', 'names/$(touch PWNED_DOLLAR).txt', (m) => prose(m, 'command substitution'));
  good('backtick name', 'names/`touch PWNED_TICK`.md', (m) => prose(m, 'backticks'));
  good('esc name', 'names/\x1b]0;pwned\x07.txt', (m) => prose(m, 'terminal titles'));
  good(
    'esc in text',
    'clear-screen.txt',
    (m) => `${prose(m, 'clearing screens')}\x1b[2J\x1b]0;pwned\x07 after the escape.\n`,
  );

  // XXE: an external entity pointing at a local file; its text must never reach the index.
  const secret = path.join(path.dirname(root), 'xxe-secret.txt');
  writeFileSync(secret, 'xxesecretleak plutonium recipe\n');
  const xxeMarker = markerFor('xxe docx');
  write(
    'office/xxe.docx',
    makeDocx(
      DOCX_HEAD.replace(
        '\n<w:document',
        `\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://${secret}">]>\n<w:document`,
      ).replace(DOCX_TAIL, '') + `<w:p><w:r><w:t>${xxeMarker} &xxe;</w:t></w:r></w:p>${DOCX_TAIL}`,
    ),
  );

  good('pptx', 'office/good.pptx', (m) =>
    makePptx([
      { title: 'Harbour fees', body: [prose(m, 'harbour fees')], number: '1' },
      { title: 'Questions', number: '2' },
    ]),
  );
  good('odt', 'office/good.odt', (m) =>
    makeOdt(`<text:h text:outline-level="1">Moorings</text:h><text:p>${prose(m, 'moorings')}</text:p>`),
  );
  good('xlsx', 'office/good.xlsx', (m) =>
    makeXlsx([
      {
        name: 'Berths',
        rows: [
          ['Berth', 'Note'],
          ['A1', prose(m, 'berths')],
        ],
      },
    ]),
  );
  good('ods', 'office/good.ods', (m) =>
    makeOdt(
      `<table:table table:name="Moorings"><table:table-row><table:table-cell office:value-type="string"><text:p>${prose(m, 'mooring fees')}</text:p></table:table-cell></table:table-row></table:table>`,
      { kind: 'spreadsheet' },
    ),
  );
  good('odp', 'office/good.odp', (m) =>
    makeOdt(
      `<draw:page><draw:frame presentation:class="title"><draw:text-box><text:p>Lighthouse keepers</text:p></draw:text-box></draw:frame><draw:frame presentation:class="outline"><draw:text-box><text:p>${prose(m, 'lighthouse keepers')}</text:p></draw:text-box></draw:frame></draw:page>`,
      { kind: 'presentation' },
    ),
  );
  const xxeEpubMarker = markerFor('xxe epub');
  write(
    'office/xxe.epub',
    makeEpub([], {
      extra: {
        'OEBPS/content.opf': `<?xml version="1.0"?>\n<!DOCTYPE package [<!ENTITY xxe SYSTEM "file://${secret}">]>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&xxe;</dc:title></metadata><manifest><item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/></spine></package>`,
        'OEBPS/ch1.xhtml': `<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://${secret}">]>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>${xxeEpubMarker} &xxe;</p></body></html>`,
      },
    }),
  );

  // Bad documents: each must be recorded as failed with a reason, and the run must go on.
  const valid = makePdf(['A page about lighthouses, long enough to cut in half.', 'Second line.']);
  bad('corrupt pdf', 'bad/corrupt.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), pseudoRandom(4000, 7)]));
  bad('truncated pdf', 'bad/truncated.pdf', valid.subarray(0, Math.floor(valid.length / 2)));
  bad('encrypted pdf', 'bad/encrypted.pdf', makePdf(['secret lighthouse'], { encrypted: true }));
  bad('image-only pdf', 'bad/image-only.pdf', makeImageOnlyPdf());
  bad('corrupt docx', 'bad/corrupt.docx', pseudoRandom(4000, 11));
  const oleSignature = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  bad(
    'corrupt doc',
    'bad/corrupt.doc',
    Buffer.concat([oleSignature, pseudoRandom(4000, 47)]),
    /Word 97–2003/,
  );
  bad('truncated doc', 'bad/truncated.doc', wordDocumentWith(markerFor('doc')).subarray(0, 6000), /damaged/);
  bad(
    'encrypted ppt',
    'bad/locked.ppt',
    makePpt([{ title: 'Locked harbour' }], { encrypted: true }),
    /password/,
  );
  bad(
    'encrypted xls',
    'bad/locked.xls',
    makeXls([{ name: 'Locked', rows: [['harbour']] }], { encrypted: true }),
    /password/,
  );
  bad('corrupt xls', 'bad/corrupt.xls', Buffer.concat([oleSignature, pseudoRandom(4000, 59)]), /Excel/);
  bad('corrupt ppt', 'bad/corrupt.ppt', Buffer.concat([oleSignature, pseudoRandom(4000, 53)]), /PowerPoint/);
  bad('not rtf', 'bad/notes.rtf', 'Plain text saved under the wrong name.', /RTF/);
  bad('empty rtf', 'bad/empty.rtf', '');
  bad('corrupt xlsx', 'bad/corrupt.xlsx', Buffer.concat([Buffer.from('PK'), pseudoRandom(4000, 37)]));
  bad('corrupt ods', 'bad/corrupt.ods', Buffer.concat([Buffer.from('PK'), pseudoRandom(4000, 41)]));
  bad('corrupt odp', 'bad/corrupt.odp', Buffer.concat([Buffer.from('PK'), pseudoRandom(4000, 43)]));
  bad('corrupt odt', 'bad/corrupt.odt', Buffer.concat([Buffer.from('PK'), pseudoRandom(4000, 31)]));
  bad('corrupt pptx', 'bad/corrupt.pptx', Buffer.concat([Buffer.from('PK'), pseudoRandom(4000, 29)]));
  bad('corrupt epub', 'bad/corrupt.epub', Buffer.concat([Buffer.from('PK'), pseudoRandom(4000, 23)]));
  bad(
    'drm epub',
    'bad/drm.epub',
    makeEpub([{ href: 'ch1.xhtml', body: '<p>locked harbour</p>' }], { encrypted: ['OEBPS/ch1.xhtml'] }),
  );
  bad('empty txt', 'bad/empty.txt', '');
  bad('empty md', 'bad/empty.md', '');
  bad('empty pdf', 'bad/empty.pdf', '');
  bad('empty docx', 'bad/empty.docx', '');
  bad('empty doc', 'bad/empty.doc', '');
  bad('binary as txt', 'bad/binary.txt', pseudoRandom(8192, 13));
  bad(
    'ELF as md',
    'bad/program.md',
    Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), pseudoRandom(4000, 17)]),
  );
  bad(
    'esc-named corrupt pdf',
    'bad/\x1b[2Jbad\x07.pdf',
    Buffer.concat([Buffer.from('%PDF-1.7\n'), pseudoRandom(500, 19)]),
  );
  good('last file', 'zz-last.txt', (m) => prose(m, 'the end of the folder'));

  // Things that are not regular files.
  mkdirSync(path.join(root, 'special'), { recursive: true });
  execFileSync('mkfifo', [path.join(root, 'special', 'fifo.txt')]);
  cases.push({ label: 'fifo', rel: 'special/fifo.txt', expect: 'not-indexed' });
  symlinkSync('/dev/zero', path.join(root, 'special', 'zero.txt'));
  cases.push({ label: 'symlink to /dev/zero', rel: 'special/zero.txt', expect: 'not-indexed' });
  symlinkSync('/dev/urandom', path.join(root, 'special', 'urandom.md'));
  cases.push({ label: 'symlink to /dev/urandom', rel: 'special/urandom.md', expect: 'not-indexed' });
  // /proc/self leads to this process's working folder and to / (its root link): never entered.
  if (existsSync('/proc/self/root')) symlinkSync('/proc/self', path.join(root, 'special', 'this-process'));

  // A file name that is not UTF-8 (GBK bytes of 报告.txt, as unzipped from a Windows archive).
  const gbkMarker = markerFor('gbk name');
  writeFileSync(
    Buffer.concat([Buffer.from(`${root}/`), iconv.encode('报告', 'gbk'), Buffer.from('.txt')]),
    prose(gbkMarker, 'reports'),
  );

  // Many tiny files.
  const tinyMarker = markerFor('tiny last');
  for (let i = 0; i < options.tinyFiles; i++) {
    const last = i === options.tinyFiles - 1;
    write(
      `tiny/${String(Math.floor(i / 1000))}/${String(i).padStart(5, '0')}.txt`,
      last ? `tiny note ${tinyMarker}\n` : `tiny note ${i}\n`,
    );
  }

  return {
    root,
    cases,
    tinyFiles: options.tinyFiles,
    tinyMarker,
    secret: 'xxesecretleak',
    gbkName: { marker: gbkMarker },
    xxe: [
      { rel: 'office/xxe.docx', marker: xxeMarker },
      { rel: 'office/xxe.epub', marker: xxeEpubMarker },
    ],
    injectionSentinels: ['PWNED_DOLLAR', 'PWNED_TICK'],
  };
}

/**
 * Decompression bombs, in a folder of their own (so that a bomb that stops a run
 * does not hide how the rest of the corpus fares), with good files sorted after
 * them: a bomb must not stop the rest of the run.
 */
export async function buildBombCorpus(root: string, options: { bombBytes: number }): Promise<CorpusCase[]> {
  const w = new CaseWriter(root);
  const good = w.good.bind(w);
  const bad = w.bad.bind(w);
  good('before the bombs', 'a-before.md', (m) => prose(m, 'what comes first'));
  const bomb = await paragraphBombDocument(options.bombBytes);
  const mib = Math.round(options.bombBytes / 2 ** 20);
  bad(`${mib} MB <w:p> docx`, 'a-paragraphs.docx', makeDocx(bomb), BOMB_REASON);
  bad('docx lying small', 'b-lying-sizes.docx', makeDocx({ ...bomb, declaredSize: 40_000 }), BOMB_REASON);
  bad(
    'docx declaring 4 GB',
    'c-declares-4gb.docx',
    makeDocx({
      ...rawZipEntry(`${DOCX_HEAD}${docxParagraph('small')}${DOCX_TAIL}`),
      declaredSize: 0xfffffff0,
    }),
    BOMB_REASON,
  );
  const chapter = { href: 'ch1.xhtml', body: '<p>small</p>' };
  bad(
    'epub chapter lying small',
    'd-lying-sizes.epub',
    makeEpub([chapter], { extra: { 'OEBPS/ch1.xhtml': { ...bomb, declaredSize: 40_000 } } }),
    BOMB_REASON,
  );
  bad(
    'pptx slide lying small',
    'e-lying-sizes.pptx',
    makePptx([{ title: 'small' }], { extra: { 'ppt/slides/slide1.xml': { ...bomb, declaredSize: 40_000 } } }),
    BOMB_REASON,
  );
  bad(
    'odt content lying small',
    'f-lying-sizes.odt',
    makeOdt('<text:p>small</text:p>', { extra: { 'content.xml': { ...bomb, declaredSize: 40_000 } } }),
    BOMB_REASON,
  );
  bad(
    'xlsx sheet lying small',
    'g-lying-sizes.xlsx',
    makeXlsx([{ name: 'S', rows: [['small']] }], {
      extra: { 'xl/worksheets/sheet1.xml': { ...bomb, declaredSize: 40_000 } },
    }),
    BOMB_REASON,
  );
  good('after the bombs', 'z-after.md', (m) => prose(m, 'what comes after'));
  return w.cases;
}

/** Deterministic bytes that look like nothing (a linear congruential generator). */
export function pseudoRandom(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
