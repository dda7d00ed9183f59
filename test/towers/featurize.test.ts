import { describe, expect, it } from 'vitest';
import * as OpenCC from 'opencc-js';
import {
  DEFAULT_FEATURIZER_SPEC,
  featurize,
  tokenizeForIndex,
  type FeaturizerSpec,
} from '../../main/engine/towers/featurize.js';
import { hashFeatureString } from '../../main/engine/towers/featureHash.js';
import { radixSortKeys } from '../../main/engine/towers/radixSort.js';
import { canonicalJson } from '../../main/engine/towers/featurizerSpec.js';
import { parseFeaturizerSpec } from '../../main/engine/towers/featurizerSpecSchema.js';

const S = DEFAULT_FEATURIZER_SPEC;

function asObject(f: { ids: Int32Array; weights: Float32Array }): Record<number, number> {
  return Object.fromEntries(Array.from(f.ids, (id, i) => [id, f.weights[i]!]));
}

function expectValid(f: { ids: Int32Array; weights: Float32Array }, spec: FeaturizerSpec = S): void {
  expect(f.ids.length).toBe(f.weights.length);
  for (let i = 0; i < f.ids.length; i++) {
    expect(f.ids[i]).toBeGreaterThan(0);
    expect(f.ids[i]).toBeLessThan(2 ** spec.log2Buckets);
    if (i > 0) expect(f.ids[i]).toBeGreaterThan(f.ids[i - 1]!);
    expect(Number.isFinite(f.weights[i]!)).toBe(true);
    expect(f.weights[i]).toBeGreaterThan(0);
  }
}

describe('featurize: fixed vectors (guard the hash and weighting against accidental change)', () => {
  const vectors: [string, number[], number[]][] = [
    [
      'Hello World',
      [14983, 39655, 43043, 52691, 52917, 54848, 64227, 73162, 100659, 115073, 215653, 225040, 235152],
      [0.25, 0.25, 0.25, 1, 0.25, 0.25, 0.25, 0.25, 1, 0.25, 0.25, 0.25, 0.5],
    ],
    ['你好，世界', [51672, 58048, 158431, 202570, 214149, 249255], [1, 1, 1, 1, 1, 1]],
    [
      'DocQA 支持 PDF 文件。',
      [
        7809, 10373, 20424, 68426, 87915, 88829, 107336, 126386, 166980, 167892, 183313, 213174, 218990,
        235432, 253794, 258274,
      ],
      [0.25, 0.25, 1, 0.25, 1, 1, 0.25, 1, 1, 1, 1, 0.25, 0.25, 1, 0.25, 0.25],
    ],
    [
      'the cat and the hat',
      [
        1242, 27385, 103654, 105438, 108657, 114346, 116945, 123450, 131778, 137324, 153740, 158094, 173605,
        208651, 210341, 211995, 223684, 237054, 245056,
      ],
      [
        1, 0.4232868, 1.6931472, 0.25, 1, 0.25, 0.5, 0.4232868, 0.25, 1, 0.25, 0.5, 0.25, 0.4232868,
        0.4232868, 0.25, 0.25, 0.5, 0.5,
      ],
    ],
  ];
  it.each(vectors)('%s', (text, ids, weights) => {
    const f = featurize(text, S);
    expect(Array.from(f.ids)).toEqual(ids);
    Array.from(f.weights).forEach((w, i) => expect(w).toBeCloseTo(weights[i]!, 6));
  });

  it('a 2^12-bucket spec', () => {
    const f = featurize('Traditional 繁體 text', { ...S, log2Buckets: 12 });
    expect(Array.from(f.ids)).toEqual([
      22, 29, 460, 466, 948, 1212, 1238, 1326, 1551, 1792, 1810, 1846, 2895, 2898, 3575, 3576, 3590, 3737,
      3767, 3998,
    ]);
  });
});

describe('featurize: follows its documented definition', () => {
  const bucket = (feature: string, spec: FeaturizerSpec = S): number =>
    hashFeatureString(feature, spec.seed, spec.log2Buckets);

  it('a word gives its word feature and boundary-marked trigrams', () => {
    const expected: Record<number, number> = {};
    const add = (id: number, w: number): void => void (expected[id] = (expected[id] ?? 0) + w);
    add(bucket('wcat'), 1);
    for (const t of ['#ca', 'cat', 'at#']) add(bucket(`t${t}`), 0.25);
    expect(asObject(featurize('Cat', S))).toEqual(expected);
  });

  it('consecutive words give a pair feature; a CJK run between them breaks it', () => {
    const pair = bucket('pnew york');
    expect(featurize('new york', S).ids).toContain(pair);
    expect(featurize('new 的 york', S).ids).not.toContain(pair);
  });

  it('CJK runs give character unigrams and in-run bigrams', () => {
    const ids = Array.from(featurize('中文。资料', S).ids);
    expect(ids).toEqual(
      ['u中', 'u文', 'b中文', 'u资', 'u料', 'b资料'].map((f) => bucket(f)).sort((a, b) => a - b),
    );
    expect(ids).not.toContain(bucket('b文资'));
  });

  it('a family with weight 0 is off; seed changes every bucket', () => {
    const noTri = { ...S, families: { ...S.families, charTrigram: 0 } };
    expect(Array.from(featurize('cat', noTri).ids)).toEqual([bucket('wcat')]);
    const seeded = { ...S, seed: 12345 };
    expect(Array.from(featurize('cat', { ...noTri, seed: 12345 }).ids)).toEqual([bucket('wcat', seeded)]);
    expect(bucket('wcat', seeded)).not.toBe(bucket('wcat'));
  });

  it('tf weighting: log, raw, binary', () => {
    const wordOnly = {
      ...S,
      families: { cjkUnigram: 0, cjkBigram: 0, word: 2, wordBigram: 0, charTrigram: 0 },
    };
    const id = bucket('wgo');
    expect(asObject(featurize('go go go', { ...wordOnly, tf: 'log' }))[id]).toBeCloseTo(
      2 * (1 + Math.log(3)),
      6,
    );
    expect(asObject(featurize('go go go', { ...wordOnly, tf: 'raw' }))[id]).toBe(6);
    expect(asObject(featurize('go go go', { ...wordOnly, tf: 'binary' }))[id]).toBe(2);
  });

  it('astral characters hash as whole code points (surrogate pairs are never split)', () => {
    const ids = Array.from(featurize('𠀀𠀁', S).ids);
    expect(ids).toEqual(['u𠀀', 'u𠀁', 'b𠀀𠀁'].map((f) => bucket(f)).sort((a, b) => a - b));
  });
});

describe('featurize: normalisation', () => {
  it('NFKC full-width equals ASCII, and case is folded', () => {
    expect(featurize('ＡＢＣ', S)).toEqual(featurize('abc', S));
    expect(featurize('Ｈｅｌｌｏ　ＷＯＲＬＤ', S)).toEqual(featurize('hello world', S));
  });

  it('Traditional and Simplified forms give identical features', () => {
    const simplified =
      '这个软件可以帮助用户在自己的文件夹里搜索文档，并回答关于这些文档的问题。' +
      '北京是中华人民共和国的首都，历史悠久，经济发达，后来成为全国的政治与文化中心。';
    for (const from of ['tw', 'hk', 't'] as const) {
      const traditional = OpenCC.Converter({ from: 'cn', to: from })(simplified);
      expect(traditional).not.toBe(simplified);
      expect(featurize(traditional, S)).toEqual(featurize(simplified, S));
    }
    expect(featurize('臺灣', S)).toEqual(featurize('台湾', S));
  });

  it('the Chinese fold can be switched off', () => {
    const off = { ...S, chineseFold: 'none' as const };
    expect(featurize('體', off)).not.toEqual(featurize('体', off));
  });

  it('tokenizeForIndex exposes the normalised stream', () => {
    expect(tokenizeForIndex('Hello, Ｗörld! 繁體 x\u0301y 👍')).toEqual([
      'hello',
      'wörld',
      '繁',
      '体',
      'x\u0301y',
    ]);
  });
});

describe('featurize: caps, determinism and hostile input', () => {
  const paragraph =
    'Two-tower retrieval embeds every chunk once. 双塔检索在索引时为每个片段计算一次向量，提问时只计算问题的向量。'.repeat(
      4,
    );

  it('respects the role caps and keeps the heaviest buckets', () => {
    const full = featurize(paragraph, S, { maxFeatures: 1_000_000 });
    const capped = featurize(paragraph, S, { maxFeatures: 20 });
    expectValid(capped);
    expect(capped.ids.length).toBe(20);
    const kept = new Set(capped.ids);
    const minKept = Math.min(...capped.weights);
    for (let i = 0; i < full.ids.length; i++) {
      if (!kept.has(full.ids[i]!)) expect(full.weights[i]).toBeLessThanOrEqual(minKept);
      else expect(asObject(capped)[full.ids[i]!]).toBe(full.weights[i]);
    }
    const question = featurize(
      paragraph,
      { ...S, maxFeatures: { question: 7, passage: 9 } },
      { role: 'question' },
    );
    expect(question.ids.length).toBe(7);
    expect(featurize(paragraph, { ...S, maxFeatures: { question: 7, passage: 9 } }).ids.length).toBe(9);
  });

  it('is deterministic, whatever was featurized before', () => {
    const a = featurize(paragraph, S);
    featurize('something else entirely 完全不同', S);
    featurize('x'.repeat(50_000), S);
    expect(featurize(paragraph, S)).toEqual(a);
    expectValid(a);
  });

  it('empty and feature-less text gives no features', () => {
    for (const t of ['', '   \n\t', '!!!---…', '👍🏽👨‍👩‍👧❤️', '\u0000\u0001\u007f\u200b']) {
      const f = featurize(t, S);
      expect(f.ids.length).toBe(0);
      expect(f.weights.length).toBe(0);
    }
  });

  it('survives control characters, lone surrogates, emoji, RTL and mixed scripts', () => {
    const hostile = [
      'ab\ud800cd\udc00ef\udbff',
      '\ud83d',
      'مرحبا بالعالم — שלום עולם',
      'mixed 中文English混合🙂text\u0000\u0007\u001b[31mred',
      'e\u0301\u0301\u0301 1\ufe0f\u20e3 soft\u00adhyphen zero\u200bwidth',
      'Ǆ ǅ ǆ İstanbul ΣΊΣΥΦΟΣ straße ﬁ ㎒ ①②③',
      '\ufeff\ufffe\uffff',
    ];
    for (const t of hostile) {
      const a = featurize(t, S);
      expectValid(a);
      expect(featurize(t, S)).toEqual(a);
    }
    expect(tokenizeForIndex('ab\ud800cd')).toEqual(['ab', 'cd']);
    expect(tokenizeForIndex('soft\u00adhyphen')).toEqual(['softhyphen']);
  });

  it('only the first maxChars characters count, never half a surrogate pair', () => {
    const spec = { ...S, maxChars: 100 };
    const head = 'a'.repeat(99);
    expect(featurize(head + 'bcd tail words', spec)).toEqual(featurize(head + 'b', spec));
    expect(featurize(head + '𠀀 more', spec)).toEqual(featurize(head, spec));
  });

  it('10 MB of text finishes quickly with bounded output', () => {
    const mb = 10 * 1024 * 1024;
    for (const unit of ['lorem ipsum dolor 中文检索 ', 'x', '中', '🙂', '\u0000']) {
      const text = unit.repeat(Math.ceil(mb / unit.length));
      const f = featurize(text, S);
      expectValid(f);
      expect(f.ids.length).toBeLessThanOrEqual(S.maxFeatures.passage);
    }
    // A long word is clipped to maxWordChars: one word, its trigrams.
    const f = featurize('x'.repeat(mb), { ...S, families: { ...S.families, charTrigram: 0 } });
    expect(f.ids.length).toBe(1);
  });
});

describe('featurizer spec', () => {
  it('round-trips through JSON and validation', () => {
    const parsed = parseFeaturizerSpec(JSON.parse(JSON.stringify(S)));
    expect(parsed).toEqual(S);
    expect(() => parseFeaturizerSpec({ ...S, log2Buckets: 40 })).toThrow();
    expect(() => parseFeaturizerSpec({ ...S, extra: 1 })).toThrow();
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });
});

describe('radix sort of feature keys', () => {
  it.each([12, 21, 27])('sorts like Array.prototype.sort (%i-bit keys)', (bits) => {
    let x = bits;
    const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % 2 ** bits;
    for (const n of [0, 1, 2, 1000, 5000]) {
      const keys = Int32Array.from({ length: n + 7 }, next); // the array may be longer than n
      const expected = Array.from(keys.subarray(0, n)).sort((a, b) => a - b);
      expect(Array.from(radixSortKeys(keys, n, bits))).toEqual(expected);
    }
  });
});
