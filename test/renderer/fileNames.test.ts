import { describe, expect, it } from 'vitest';
import { baseName, shownName } from '../../renderer/src/text.js';

describe('file names on the page', () => {
  it('show bidirectional embeddings, overrides and isolates as escapes, so a name reads in its order', () => {
    expect(shownName('invoice\u202Efdp.exe')).toBe('invoice\\u202efdp.exe');
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069])
      expect(shownName(`a${String.fromCharCode(code)}b`)).toBe(`a\\u${code.toString(16)}b`);
  });

  it('leave other names alone: CJK, Arabic with its direction marks, paths', () => {
    for (const name of ['历史/长城.md', 'تقرير\u200F.pdf', 'docs/guide v2 (final).txt'])
      expect(shownName(name)).toBe(name);
    expect(baseName('a/b/c.md')).toBe('c.md');
  });
});
