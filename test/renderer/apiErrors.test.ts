import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, apiErrorReason } from '../../main/api/apiErrors.js';
import { en } from '../../renderer/src/i18n/en.js';
import { translator } from '../../renderer/src/i18n/translate.js';
import { zh } from '../../renderer/src/i18n/zh.js';
import { describeApiError, describeLastError } from '../../renderer/src/reasons.js';
import { argumentTexts } from './sourceTexts.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The sources whose errors can reach the page: the API and web mode's server,
 * the desktop host, and the engine parts its methods run (library, store,
 * scanning a folder, chunk settings, model packs and their towers, and
 * learning from use: signals on answers and the learned model).
 * Left out: the CLI's own commands, `docqa serve`'s start-up (runServe,
 * rendererAssets), eval and train, which the page never calls.
 */
const IN_REACH = [
  'main/api',
  'main/server/server.ts',
  'main/app/desktopHost.ts',
  'main/app/ipc.ts',
  'main/engine/library',
  'main/engine/store',
  'main/engine/ingest/scanFolder.ts',
  'main/engine/ingest/chunk.ts',
  'main/engine/models',
  'main/engine/towers',
  'main/engine/feedback',
];

function sourceFiles(rel: string): string[] {
  const abs = path.join(root, rel);
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs).flatMap((f) => {
    const child = `${rel}/${f}`;
    if (statSync(path.join(root, child)).isDirectory()) return sourceFiles(child);
    return f.endsWith('.ts') ? [child] : [];
  });
}

/** Every sentence an error in reach can be built from (each `${…}` sampled as '7'). */
function sentencesInReach(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const file of IN_REACH.flatMap(sourceFiles)) {
    const source = readFileSync(path.join(root, file), 'utf8');
    const texts = [
      ...argumentTexts(source, /new (?:UserError|TransferInterrupted)\(\s*/),
      // UserError subclasses with a fixed sentence (DownloadCancelled).
      ...argumentTexts(
        source,
        /class \w+ extends (?:UserError|TransferInterrupted) \{\s*constructor\(\)\s*\{\s*super\(\s*/,
      ),
      // Web mode's HTTP refusals (server.ts userError(…)) and the desktop bridge's.
      ...argumentTexts(source, /\buserError\(\s*(?=['`])/),
      ...argumentTexts(source, /\bmessage: (?=['`])/),
    ];
    out.push(...texts.map((text) => ({ file, text })));
  }
  return out;
}

describe('the API error codes', () => {
  it('each have a text in English and in Chinese, and the tables have no other', () => {
    const keys = (table: Record<string, string>): string[] =>
      Object.keys(table)
        .filter((k) => k.startsWith('apiError.'))
        .sort();
    const expected = API_ERROR_CODES.map((code) => `apiError.${code}`).sort();
    expect(keys(en)).toEqual(expected);
    expect(keys(zh)).toEqual(expected);
    for (const code of API_ERROR_CODES) {
      if (code === 'other') continue;
      // Chinese for every code (paths, names and numbers stay as they are).
      expect(zh[`apiError.${code}`], code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('cover every error sentence the page can be sent', () => {
    const sentences = sentencesInReach();
    // The scan finds the sentences it must (a change that hid them from it would make this test vacuous).
    const texts = sentences.map((s) => s.text);
    for (const known of [
      'folder not found: 7',
      'not a folder: 7',
      '7 is already inside the library folder 7',
      'cancelled while another ingest was running on this library',
      'invalid setting chunkOverlapChars: must be smaller than chunkTargetChars',
      'tower pack folder not found: 7',
      'download cancelled; run the same command again to resume',
      'missing or wrong access token',
      'calls are only accepted from the DocQA window',
      'answer 7 showed 7 passage(s); there is no passage 7',
    ])
      expect(texts).toContain(known);
    expect(sentences.length).toBeGreaterThan(100);
    const unknown = sentences.filter(
      ({ text }) =>
        // A value passed on (the opener's sentence, a relayed message), an errno compared in a
        // conditional, and the dispatcher's schema sentence (coded from its issue) are not sentences.
        text !== '7' && text !== '7: 7' && !/^E[A-Z]+$/.test(text) && apiErrorReason(text).code === 'other',
    );
    expect(unknown).toEqual([]);
  });

  it('carry the varying parts of a sentence as parameters', () => {
    expect(apiErrorReason('folder not found: /home/me/Docs')).toEqual({
      code: 'folder-not-found',
      params: { path: '/home/me/Docs' },
    });
    expect(apiErrorReason('/a/b is already inside the library folder /a')).toEqual({
      code: 'folder-inside-library-folder',
      params: { path: '/a/b', folder: '/a' },
    });
    expect(apiErrorReason('k must be a whole number from 1 to 100')).toEqual({
      code: 'k-out-of-range',
      params: { min: '1', max: '100' },
    });
    // The opener's reasons keep their own codes (failureReasons.ts), under the API's names.
    expect(apiErrorReason('xdg-open exited with 4: oops')).toEqual({
      code: 'open-opener-exit',
      params: { program: 'xdg-open', code: '4', detail: 'oops' },
    });
    expect(apiErrorReason('answer 12 showed 10 passage(s); there is no passage 11')).toEqual({
      code: 'passage-not-shown',
      params: { id: '12', shown: '10', rank: '11' },
    });
    expect(apiErrorReason('something nobody wrote a pattern for')).toEqual({
      code: 'other',
      params: { message: 'something nobody wrote a pattern for' },
    });
  });
});

describe('describeApiError', () => {
  const zhT = translator('zh');
  const enT = translator('en');

  it('words a coded error in the interface language, with its parameters', () => {
    const body = { message: 'folder not found: /x', ...apiErrorReason('folder not found: /x') };
    expect(describeApiError(body, zhT)).toBe('找不到文件夹：/x');
    expect(describeApiError(body, enT)).toBe('folder not found: /x');
    expect(
      describeApiError(
        { message: 'ask: question: the question is empty', code: 'question-empty', params: {} },
        zhT,
      ),
    ).toBe('问题是空的');
    // The opener's own words stay, after the translated reason.
    expect(describeApiError({ message: 'm', ...apiErrorReason('xdg-open exited with 4: oops') }, zhT)).toBe(
      'xdg-open 退出，代码 4 (oops)',
    );
  });

  it('falls back to the English message for an unknown code, "other", or no code at all', () => {
    expect(describeApiError({ message: 'from a newer server', code: 'brand-new', params: {} }, zhT)).toBe(
      'from a newer server',
    );
    expect(describeApiError({ message: 'x', code: 'other', params: { message: 'x' } }, zhT)).toBe('x');
    expect(describeApiError({ message: 'no code' }, zhT)).toBe('no code');
    expect(describeLastError('plain', null, zhT)).toBe('plain');
    expect(
      describeLastError(
        'cancelled while another ingest was running on this library',
        apiErrorReason('cancelled while another ingest was running on this library'),
        zhT,
      ),
    ).toBe('在等待另一个索引任务使用此文档库时被取消');
  });
});
