import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FALLBACK_CODES,
  FILE_FAILURE_CODES,
  OPEN_FAILURE_CODES,
  fallbackReasons,
  fileFailureReason,
  openFailureReason,
} from '../../main/api/failureReasons.js';
import { runOpener } from '../../main/api/opener.js';
import { DEFAULT_INFLATE_LIMITS, extractFile, isExtractError } from '../../main/engine/ingest/index.js';
import { Extractor } from '../../main/engine/library/extractor.js';
import { createSession } from '../../main/engine/towers/sessions.js';
import { en } from '../../renderer/src/i18n/en.js';
import { translator } from '../../renderer/src/i18n/translate.js';
import { zh } from '../../renderer/src/i18n/zh.js';
import { argumentTexts } from './sourceTexts.js';
import { describeFallback, describeFileFailure, describeOpenFailure } from '../../renderer/src/reasons.js';
import { makeDocx, makeDocxWithDocument } from '../../scripts/documentWriters/docxWriter.js';
import { deflatedRepeat, makeZip } from '../../scripts/documentWriters/zipWriter.js';
import { makeEpub } from '../../scripts/documentWriters/epubWriter.js';
import { makePpt } from '../../scripts/documentWriters/pptWriter.js';
import { makeXls } from '../../scripts/documentWriters/xlsWriter.js';
import { makeOdt } from '../../scripts/documentWriters/odtWriter.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-i18n-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('the two interface languages', () => {
  it('have the same keys, each with the same placeholders and a non-empty text', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key].trim(), key).not.toBe('');
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('translate every failure and fallback code the API can send', () => {
    for (const code of FILE_FAILURE_CODES) {
      expect(en, code).toHaveProperty([`failure.${code}`]);
      expect(zh, code).toHaveProperty([`failure.${code}`]);
    }
    for (const code of FALLBACK_CODES) {
      expect(en, code).toHaveProperty([`fallback.${code}`]);
      expect(zh, code).toHaveProperty([`fallback.${code}`]);
    }
    for (const code of OPEN_FAILURE_CODES) {
      expect(en, code).toHaveProperty([`openFailure.${code}`]);
      expect(zh, code).toHaveProperty([`openFailure.${code}`]);
    }
  });
});

/** Files the extractor refuses, each with the code its reason must get. */
const REFUSED: [name: string, content: string | Uint8Array, code: string, maxBytes?: number][] = [
  ['broken.pdf', '%PDF-1.7\n1 0 obj << /Type /Catalog >> broken beyond repair', 'invalid-pdf'],
  ['notzip.docx', 'this is not a zip archive', 'docx-not-zip'],
  ['damaged.docx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'invalid-docx'],
  ['old.docx', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'encrypted-docx'],
  ['letter.rtf', 'Dear club, this is no RTF.', 'rtf-not-rtf'],
  ['locked.ppt', makePpt([{ title: 'Locked' }], { encrypted: true }), 'encrypted-ppt'],
  [
    'word.ppt',
    readFileSync(path.join(root, 'test/ingest/fixtures/written-by-other-tools/orchard.doc')),
    'ppt-not-ppt',
  ],
  ['damaged.ppt', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'invalid-ppt'],
  ['locked.xls', makeXls([{ name: 'Locked', rows: [['a']] }], { encrypted: true }), 'encrypted-xls'],
  ['old.xls', makeXls([{ name: 'Old', rows: [['a']] }], { streamName: 'Book' }), 'xls-biff5'],
  ['deck.xls', makePpt([{ title: 'Not a workbook' }]), 'xls-not-xls'],
  ['damaged.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'invalid-xls'],
  [
    'notole.doc',
    new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]),
    'doc-not-ole',
  ],
  ['damaged.doc', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'invalid-doc'],
  ['notzip.epub', 'this is not a zip archive', 'epub-not-zip'],
  ['damaged.epub', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'invalid-epub'],
  [
    'drm.epub',
    makeEpub([{ href: 'ch1.xhtml', body: '<p>Locked.</p>' }], { encrypted: ['OEBPS/ch1.xhtml'] }),
    'encrypted-epub',
  ],
  ['notzip.odt', 'this is not a zip archive', 'odt-not-zip'],
  ['damaged.odt', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'invalid-odt'],
  ['locked.odt', makeOdt('<text:p>Locked.</text:p>', { encrypted: true }), 'encrypted-odt'],
  ['notzip.ods', 'this is not a zip archive', 'ods-not-zip'],
  ['damaged.odp', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'invalid-odp'],
  ['locked.ods', makeOdt('', { kind: 'spreadsheet', encrypted: true }), 'encrypted-ods'],
  ['locked.odp', makeOdt('', { kind: 'presentation', encrypted: true }), 'encrypted-odp'],
  ['notzip.xlsx', 'this is not a zip archive', 'xlsx-not-zip'],
  ['damaged.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'invalid-xlsx'],
  ['old.xlsx', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'encrypted-xlsx'],
  ['notzip.pptx', 'this is not a zip archive', 'pptx-not-zip'],
  ['damaged.pptx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'invalid-pptx'],
  ['old.pptx', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'encrypted-pptx'],
  ['empty.txt', '', 'empty'],
  ['blank.txt', '   \n\t  \n', 'whitespace-only'],
  [
    'image.txt',
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0, 1, 2, 0]),
    'binary-kind',
  ],
  ['zeros.txt', new Uint8Array(64), 'binary'],
  ['big.txt', 'x'.repeat(2048), 'too-large', 1024],
  ['program.exe', 'MZ', 'unsupported'],
];

describe('failure reasons', () => {
  it('give every reason the extractor writes for real files its code, and a text in both languages', async () => {
    const cases = [...REFUSED, ['gone.txt', null, 'missing'] as const];
    for (const [name, content, code, maxBytes] of cases) {
      const file = path.join(tmp, name);
      if (content !== null) writeFileSync(file, content);
      const error = await extractFile(file, maxBytes ? { maxBytes } : {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isExtractError(error), name).toBe(true);
      if (!isExtractError(error)) continue;
      const reason = fileFailureReason(error.reason);
      expect(reason.code, `${name}: ${error.reason}`).toBe(code);
      const zhText = describeFileFailure(reason, translator('zh'));
      expect(zhText, name).toMatch(/\p{Script=Han}/u);
      expect(zhText, name).not.toMatch(/\{\w+\}/);
    }
  });

  it('know every reason written in the engine source (ExtractError, scan warnings, ingest)', () => {
    // A new reason in the engine without a pattern and a translation here fails this test.
    const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
    const reasons: string[] = [];
    const ingestDir = path.join(root, 'main/engine/ingest');
    for (const file of readdirSync(ingestDir).filter((f) => f.endsWith('.ts'))) {
      const source = read(`main/engine/ingest/${file}`);
      reasons.push(...argumentTexts(source, /new ExtractError\(\s*'[\w-]+',\s*/));
      reasons.push(...argumentTexts(source, /\bwarn\(\s*walk,\s*\w+,\s*/));
    }
    // inflateBounds words its decompression bombs through bomb(detail).
    const bombs = argumentTexts(read('main/engine/ingest/inflateBounds.ts'), /\bbomb\(\s*(?=`)/);
    expect(bombs.length).toBeGreaterThanOrEqual(4);
    reasons.push(...bombs.map((detail) => `decompression bomb (${detail})`));
    reasons.push(...argumentTexts(read('main/engine/library/ingestJob.ts'), /\berror: (?=['`])/));
    // The extractor's thread: its time bound, and why it died (deathReason).
    const extractor = read('main/engine/library/extractor.ts');
    reasons.push(...argumentTexts(extractor, /\bfailure: (?=['`])/));
    reasons.push(...argumentTexts(extractor, /\breturn (?=['`])/));
    for (const expected of [
      'decompression bomb (7 declares 7.0 MB)',
      'too much text (more than 7 million characters)',
      'reading this file took longer than 7 ms; it was stopped',
      'the extractor ran out of memory reading this file',
      'indexing stopped 7 times while reading this file (out of memory, or a crash); it is skipped until it changes',
      'folder name is not valid UTF-8 (its files are not indexed); rename it',
    ])
      expect(reasons).toContain(expected);
    // Error codes compared in those conditionals (code === 'ELOOP' ? …) are not reasons.
    for (const reason of reasons.filter((r) => !/^E[A-Z]+$/.test(r))) {
      expect(fileFailureReason(reason).code, reason).not.toBe('other');
    }
  });

  it('give decompression bombs, the text bound and the time bound their codes, with the varying parts as parameters', async () => {
    const MB = 1024 * 1024;
    const write = (name: string, bytes: Uint8Array): string => {
      const file = path.join(tmp, name);
      writeFileSync(file, bytes);
      return file;
    };
    const lowSize = { maxInflatedBytes: 1.5 * MB, maxInflateRatio: 10_000 };
    const paragraphs = deflatedRepeat('<w:p/>', 2 * MB);
    const declared = write(
      'declared.docx',
      makeDocxWithDocument({ deflated: paragraphs, declaredSize: 2 * MB }),
    );
    const zeros = write(
      'zeros.docx',
      makeDocxWithDocument({ deflated: deflatedRepeat('\0', 2 * MB), declaredSize: 2 * MB }),
    );
    const half = { deflated: deflatedRepeat('<w:p/>', MB), declaredSize: MB };
    const pair = write(
      'pair.docx',
      makeZip({ 'word/document.xml': half, 'word/footnotes.xml': half, '[Content_Types].xml': '<Types/>' }),
    );
    const liar = write('liar.docx', makeDocxWithDocument({ deflated: paragraphs, declaredSize: 200_000 }));
    const short = write('short.docx', makeDocx([{ text: 'Sales rose in the north.' }]));
    const cases: [file: string, options: Parameters<typeof extractFile>[1], code: string, params: object][] =
      [
        [declared, { inflate: lowSize }, 'bomb-part-declared', { part: 'word/document.xml', size: '2.0 MB' }],
        [zeros, {}, 'bomb-part-ratio', { part: 'word/document.xml', size: '2.0 MB' }],
        [pair, { inflate: lowSize }, 'bomb-parts-declared', { size: '2.0 MB' }],
        [
          liar,
          {},
          'bomb-part-inflates-ratio',
          { part: 'word/document.xml', ratio: '100', declared: '195.3 KB' },
        ],
        [liar, { inflate: lowSize }, 'bomb-part-inflates', { part: 'word/document.xml', size: '1.5 MB' }],
        [short, { maxExtractedChars: 20 }, 'too-much-text', { max: '20' }],
      ];
    for (const [file, options, code, params] of cases) {
      const error = await extractFile(file, options).then(
        () => null,
        (e: unknown) => e,
      );
      if (!isExtractError(error)) throw new Error(`${file} was read`);
      const reason = fileFailureReason(error.reason);
      expect(reason, error.reason).toMatchObject({ code, params });
      const zhText = describeFileFailure(reason, translator('zh'));
      expect(zhText, error.reason).toMatch(/\p{Script=Han}/u);
      expect(zhText, error.reason).not.toMatch(/\{\w+\}/);
    }
    // Millions of characters, as the default bound is written, become one number both languages print.
    expect(fileFailureReason('too much text (more than 268.4 million characters)').params).toEqual({
      max: '268,400,000',
    });

    const extractor = new Extractor();
    extractor.configure({
      inflate: DEFAULT_INFLATE_LIMITS,
      maxExtractedChars: 1000,
      memoryMb: 0,
      timeoutMs: 1,
    });
    try {
      const slow = await extractor.extract(short, 'docx', new AbortController().signal);
      if (!('failure' in slow)) throw new Error('read within 1 ms');
      const reason = fileFailureReason(slow.failure);
      expect(reason, slow.failure).toEqual({ code: 'too-slow', params: { seconds: '0.001' } });
      expect(describeFileFailure(reason, translator('zh'))).toBe('读取此文件超过 0.001 秒，已停止');
    } finally {
      await extractor.close();
    }
  });

  it('keep an unknown reason readable as it is', () => {
    const reason = fileFailureReason('something new went wrong');
    expect(reason).toEqual({ code: 'other', params: { message: 'something new went wrong' } });
    expect(describeFileFailure(reason, translator('zh'))).toBe('something new went wrong');
  });
});

describe('the CPU fallback reason', () => {
  it('is translated, from what the runtime really says when a GPU provider is asked for', async () => {
    const model = path.join(root, 'resources/models/docqa-zh-en-hashed/question.onnx');
    const modelFile = readdirSync(path.dirname(model)).find((f) => f.endsWith('.onnx'));
    expect(modelFile).toBeDefined();
    const opened = await createSession(path.join(path.dirname(model), modelFile!), {
      provider: 'coreml',
      onFallback: () => undefined,
    });
    await opened.session.release();
    // CoreML exists only on macOS; everywhere else this is a fallback with its reason.
    if (process.platform === 'darwin') return;
    expect(opened.fallbackReason).not.toBeNull();
    for (const r of fallbackReasons(opened.fallbackReason!)) expect(r.code).not.toBe('other');
    expect(describeFallback(opened.fallbackReason!, translator('zh'))).toMatch(/\p{Script=Han}/u);
  });

  it('is translated for each sentence the session code can write', () => {
    const source = readFileSync(path.join(root, 'main/engine/towers/sessions.ts'), 'utf8');
    const sentences = [...source.matchAll(/reason = `([^`]+)`|return '(cuda is not installed[^']*)'/g)].map(
      (m) => m[1] ?? m[2]!,
    );
    expect(sentences.length).toBeGreaterThanOrEqual(3);
    for (const s of sentences) {
      const sample = s.replace(/\$\{firstLine\(e\)\}/g, 'driver missing').replace(/\$\{[^}]*\}/g, 'cuda');
      expect(
        fallbackReasons(sample).map((r) => r.code),
        s,
      ).not.toContain('other');
    }
    const zhText = describeFallback(
      'cuda is not installed: onnxruntime-node has no CUDA provider library (install it with ONNXRUNTIME_NODE_INSTALL=cuda12)',
      translator('zh'),
    );
    expect(zhText).toContain('未安装 CUDA');
  });
});

describe('"open file" failures', () => {
  it('are translated, from what real opener processes report', async () => {
    const bin = path.join(tmp, 'openers');
    mkdirSync(bin, { recursive: true });
    const script = (name: string, body: string): string => {
      const file = path.join(bin, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
      return file;
    };
    const cases: [command: [string, ...string[]], code: string][] = [
      [
        [script('xdg-open', `echo "xdg-open: no method available for opening '$1'" >&2; exit 3`), 'a.md'],
        'no-program',
      ],
      [[path.join(bin, 'not-there'), 'a.md'], 'opener-missing'],
      [[script('my-opener', 'exit 5'), 'a.md'], 'opener-exit'],
    ];
    for (const [command, code] of cases) {
      const error = await runOpener(command).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error, command[0]).not.toBeNull();
      expect(openFailureReason(error!.message).code, error!.message).toBe(code);
      expect(describeOpenFailure(error!.message, translator('zh')), code).toMatch(/\p{Script=Han}/u);
    }
    await expect(runOpener([script('fine', 'exit 0'), 'a.md'])).resolves.toBeUndefined();
  });

  it('answer as soon as the opener exits, and leave the program it started free to write on stderr', async () => {
    const bin = path.join(tmp, 'openers');
    mkdirSync(bin, { recursive: true });
    const marker = path.join(tmp, 'started-program-lived');
    const pidFile = path.join(tmp, 'started-program.pid');
    const file = path.join(bin, 'launching-opener');
    // Like gio or xdg-open: start the program (which inherits stderr and keeps it open) and exit at once.
    writeFileSync(
      file,
      `#!/bin/sh\n(sleep 1; echo "a warning, later" >&2; touch '${marker}'; exec sleep 300) &\necho $! > '${pidFile}'\nexit 0\n`,
    );
    chmodSync(file, 0o755);
    try {
      // A verdict time far beyond the test's timeout: only the opener's own exit can resolve it.
      await expect(runOpener([file, 'a.md'], { verdictMs: 10 * 60_000 })).resolves.toBeUndefined();
      await expect.poll(() => existsSync(marker), { timeout: 20_000, interval: 100 }).toBe(true);
    } finally {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
  });
});
