import { describe, expect, it } from 'vitest';
import { formatAnswer } from '../../main/cli/answerText.js';
import { printable, safe } from '../../main/cli/terminalText.js';
import type { AskResult, SearchResult } from '../../main/engine/library/types.js';

describe('printable', () => {
  it('shows every C0 control, DEL and C1 control as a visible escape', () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const shown = printable(`a${String.fromCharCode(code)}b`);
      expect(shown, `U+${code.toString(16)}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(shown.length, `U+${code.toString(16)}`).toBeGreaterThan(3);
    }
    expect(printable('\x1b]0;pwned\x07.txt')).toBe('\\x1b]0;pwned\\x07.txt');
    expect(printable('a\nb\tc\rd\u009b2J\x7f')).toBe('a\\nb\\tc\\rd\\x9b2J\\x7f');
  });

  it('shows bidirectional overrides and isolates as escapes, so text is shown in the order it is', () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069])
      expect(printable(`a${String.fromCharCode(code)}b`)).toBe(`a\\u${code.toString(16)}b`);
    expect(printable('invoice\u202Efdp.exe', { multiline: true })).toBe('invoice\\u202efdp.exe');
    // Marks that only set the direction of neutral characters stay (Arabic and Hebrew text needs them).
    expect(printable('a\u200Fb\u200Ec')).toBe('a\u200Fb\u200Ec');
  });

  it('leaves ordinary text alone: CJK, astral characters, Windows paths', () => {
    const text = '长城 𠀀 😀 C:\\Users\\me\\notes.md « » café';
    expect(printable(text)).toBe(text);
  });

  it('multiline keeps line breaks and tabs, and reads \\r\\n as one line break', () => {
    expect(printable('one\r\ntwo\tcols\nthree\rx\x1b[2J', { multiline: true })).toBe(
      'one\ntwo\tcols\nthree\\rx\\x1b[2J',
    );
  });

  it('the safe tag escapes the values and keeps the literal parts', () => {
    const name = 'a\x1b[31m.txt';
    expect(safe`\t${name}: ${3}`).toBe('\ta\\x1b[31m.txt: 3');
  });
});

describe('formatAnswer', () => {
  const result = (text: string, highlights: SearchResult['highlights']): SearchResult => ({
    path: 'dir/\x1b[2Jname.txt',
    absPath: '/x/dir/name.txt',
    folderId: 1,
    documentId: 1,
    chunkId: 1,
    start: 0,
    end: text.length,
    score: 1,
    text,
    title: 't',
    headingPath: ['Head\x07ing'],
    line: 1,
    page: null,
    highlights,
    channels: {},
    lang: 'en',
  });
  const answer = (r: SearchResult): AskResult => ({
    question: 'q',
    notFound: false,
    translatedTerms: [],
    missingNames: [],
    weakMatch: false,
    corrections: [],
    results: [r],
    mode: 'hybrid',
    tookMs: 1,
  });

  it('on a terminal, only its own bold marks are escape sequences', () => {
    const text = 'Intro \x1b[2J. Best sentence \x1b]0;x\x07 here. Tail.';
    const best = { start: text.indexOf('Best'), end: text.indexOf(' Tail') };
    const shown = formatAnswer(answer(result(text, [best])), { tty: true });
    expect(shown).toContain('dir/\\x1b[2Jname.txt');
    expect(shown).toContain('Head\\x07ing');
    expect(shown).toContain('Intro \\x1b[2J. \x1b[1mBest sentence \\x1b]0;x\\x07 here.\x1b[22m Tail.');
    expect(shown.replace(/\x1b\[(1|22)m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('a highlight cut by the length limit is still closed', () => {
    const text = `${'x'.repeat(20)} highlighted sentence that runs past the limit.`;
    const shown = formatAnswer(answer(result(text, [{ start: 21, end: text.length }])), {
      tty: true,
      maxChars: 30,
    });
    expect(shown).toMatch(/\x1b\[1mhighlight\x1b\[22m…$/);
  });

  it('places a passage by page, by line of a file read as it is, or by its headings alone', () => {
    const shown = (r: Partial<SearchResult>) =>
      formatAnswer(answer({ ...result('Text.', []), headingPath: ['Setup'], ...r }), { tty: false }).split(
        '\n',
      )[0];
    expect(shown({ line: 7 })).toContain('(line 7 · Setup)');
    expect(shown({ line: 7, lineInFile: false })).toContain('(Setup)');
    expect(shown({ page: 3, lineInFile: false })).toContain('(page 3 · Setup)');
    expect(shown({ page: 2, lineInFile: false, pageIsSlide: true })).toContain('(slide 2 · Setup)');
    expect(shown({ line: 57, lineInFile: false, lineIsRow: true })).toContain('(row 57 · Setup)');
    expect(shown({ lineInFile: false, headingPath: [] })).toMatch(/name\.txt {2}score/);
  });

  it('names another file with the same text by its path, and in full when that path is the same', () => {
    const place = (path: string, absPath: string, folderId: number) => ({
      path,
      absPath,
      folderId,
      documentId: folderId + 10,
      chunkId: folderId + 20,
    });
    const r = {
      ...result('Same text.', []),
      path: 'guide.md',
      alsoIn: [place('old/guide.md', '/x/old/guide.md', 1), place('guide.md', '/y/copy/guide.md', 2)],
    };
    expect(formatAnswer(answer(r), { tty: false })).toContain('also in: old/guide.md, /y/copy/guide.md');
  });
});
