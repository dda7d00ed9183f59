import { describe, expect, it } from 'vitest';
import { analyze, indexColumns } from '../../main/engine/text/analyzer.js';
import { matchExpression, MAX_QUERY_TERMS, queryTerms } from '../../main/engine/search/ftsQuery.js';

describe('analyzer', () => {
  it('turns Chinese runs into bigrams (a lone character stays) and keeps every character for the chars column', () => {
    expect(analyze('绿茶用水')).toEqual(['绿茶', '茶用', '用水']);
    expect(analyze('茶 tea')).toEqual(['茶', 'tea']);
    expect(indexColumns('绿茶，红茶')).toEqual({ body: '绿茶 红茶', chars: '绿 茶 红 茶' });
  });

  it('folds Traditional to Simplified, full-width to ASCII, case and diacritics', () => {
    expect(analyze('戰國無雙')).toEqual(analyze('战国无双'));
    expect(analyze('ＡＢＣ　Café')).toEqual(['abc', 'cafe']);
    expect(analyze('NAÏVE naive')).toEqual(['naiv', 'naiv']);
  });

  it('stems English words the way FTS5 porter would, and leaves numbers and mixed tokens alone', () => {
    expect(analyze('Running runners ran quickly')).toEqual(['run', 'runner', 'ran', 'quickli']);
    expect(analyze('H1N1 2019 covid-19')).toEqual(['h1n1', '2019', 'covid', '19']);
  });

  it("leaves English clitics out ('s, 're, 'll, 've, 'd, 'm) and reads n't as the word it negates", () => {
    expect(analyze("A printer on one teacher's PC. Let's see: we're, it'll, I've, I'd, I’m")).toEqual(
      analyze('A printer on one teacher PC. Let see: we, it, I, I, I'),
    );
    const surfaces: string[] = [];
    expect(analyze("It doesn't, can't, won't, isn't, don't", { surfaces })).toEqual(
      analyze('It does, can, will, is, do'),
    );
    expect(surfaces).toEqual(['it', 'does', 'can', 'will', 'is', 'do']);
    // Only after a letter and an apostrophe: a lone "s", a quoted word, names and non-English elisions stay.
    expect(analyze("-s 's 'quoted' O'Reilly rock'n'roll l'homme")).toEqual([
      's',
      's',
      'quot',
      'o',
      'reilli',
      'rock',
      'n',
      'roll',
      'l',
      'homm',
    ]);
  });

  it('handles astral characters, emoji, controls and lone surrogates without crashing', () => {
    expect(analyze('𠀀𠀁 😀 a\u0000b \ud800 c')).toEqual(['𠀀𠀁', 'a', 'b', 'c']);
    expect(analyze('')).toEqual([]);
  });

  it('reads at most the first 200,000 characters, so 10 MB of text is bounded work', () => {
    const tokens = analyze('x'.repeat(10_000_000));
    expect(tokens).toHaveLength(1);
    expect(tokens[0].length).toBeLessThanOrEqual(40);
    // A word past the bound is never read; one before it is.
    expect(analyze(`${'word '.repeat(39_990)}needle`)).toContain('needl');
    expect(analyze(`${'word '.repeat(40_001)}needle`)).not.toContain('needl');
    expect(analyze(`${'word '.repeat(40_001)}needle`, { maxChars: 300_000 })).toContain('needl');
  });
});

describe('FTS query building', () => {
  it('quotes every term, so operators and syntax in a question are only words', () => {
    const terms = queryTerms('"tea" NEAR(green, black) AND -coffee OR NOT milk* ^first col:val (unbalanced');
    const expr = matchExpression(terms)!;
    for (const part of expr.split(' OR ')) expect(part).toMatch(/^"[^"]+"$/);
    expect(terms).toEqual([
      'tea',
      'near',
      'green',
      'black',
      'and',
      'coffe',
      'or',
      'not',
      'milk',
      'first',
      'col',
      'val',
      'unbalanc',
    ]);
  });

  it('has no terms for empty or punctuation-only questions, and caps long ones', () => {
    expect(queryTerms('')).toEqual([]);
    expect(matchExpression(queryTerms('?!？！…()""*'))).toBeNull();
    const long = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
    expect(queryTerms(long)).toHaveLength(MAX_QUERY_TERMS);
  });
});
