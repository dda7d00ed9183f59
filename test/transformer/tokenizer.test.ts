import { describe, expect, it } from 'vitest';
import { TextTokenizer, padBatch } from '../../main/engine/towers/transformer/tokenizer.js';
import { bertWordPieceJson, xlmrUnigramJson } from './tokenizerJson.js';

/*
 * Reference encodings published with Hugging Face's own tokenizer tests
 * (transformers' tests/models/xlm_roberta/test_tokenization_xlm_roberta.py
 * for FacebookAI/xlm-roberta-base, whose vocabulary multilingual-e5 uses;
 * transformers.js' tests for Xenova/bert-base-uncased, the WordPiece layout
 * bge uses). The test vocabularies hold exactly the tokens those encodings
 * use, at their real ids, so our tokenizer path must reproduce them id for id.
 */

const BERT_UNCASED: [string, number[]][] = [
  ['How are you doing?', [101, 2129, 2024, 2017, 2725, 1029, 102]],
  ["You should've done this", [101, 2017, 2323, 1005, 2310, 2589, 2023, 102]],
  ['The company was founded in 2016.', [101, 1996, 2194, 2001, 2631, 1999, 2355, 1012, 102]],
  ['UNwant\u00e9d,running', [101, 18162, 1010, 2770, 102]],
  ['生活的真谛是', [101, 1910, 100, 1916, 1921, 100, 100, 102]],
  [' \tHäLLo!how  \n Are yoU?  ', [101, 2534, 2080, 999, 2129, 2024, 2017, 1029, 102]],
  [
    'let a = obj.toString();\ntoString();',
    [
      101, 2292, 1037, 1027, 27885, 3501, 1012, 2000, 3367, 4892, 1006, 1007, 1025, 2000, 3367, 4892, 1006,
      1007, 1025, 102,
    ],
  ],
  ['Hello World', [101, 7592, 2088, 102]],
];
const BERT_TOKENS: Record<number, string> = {
  2129: 'how',
  2024: 'are',
  2017: 'you',
  2725: 'doing',
  1029: '?',
  2323: 'should',
  1005: "'",
  2310: 've',
  2589: 'done',
  2023: 'this',
  1996: 'the',
  2194: 'company',
  2001: 'was',
  2631: 'founded',
  1999: 'in',
  2355: '2016',
  1012: '.',
  18162: 'unwanted',
  1010: ',',
  2770: 'running',
  1910: '生',
  1916: '的',
  1921: '真',
  2534: 'hall',
  2080: '##o',
  999: '!',
  2292: 'let',
  1037: 'a',
  1027: '=',
  27885: 'ob',
  3501: '##j',
  2000: 'to',
  3367: '##st',
  4892: '##ring',
  1006: '(',
  1007: ')',
  1025: ';',
  7592: 'hello',
  2088: 'world',
};

const XLMR_TEXT =
  'This is a test 😊\nI was born in 92000, and this is falsé.\n生活的真谛是\nHi  Hello\nHey how are you doing';
const XLMR_IDS = [
  0, 3293, 83, 10, 3034, 6, 82803, 87, 509, 103122, 23, 483, 13821, 4, 136, 903, 83, 84047, 446, 5, 6, 62668,
  5364, 245875, 354, 2673, 35378, 28240, 3642, 621, 398, 20594, 2,
];
const XLMR_PIECES: Record<number, string> = {
  3293: '▁This',
  83: '▁is',
  10: '▁a',
  3034: '▁test',
  6: '▁',
  82803: '😊',
  87: '▁I',
  509: '▁was',
  103122: '▁born',
  23: '▁in',
  483: '▁9',
  13821: '2000',
  4: ',',
  136: '▁and',
  903: '▁this',
  84047: '▁fals',
  446: 'é',
  5: '.',
  62668: '生活的',
  5364: '真',
  245875: '谛',
  354: '是',
  2673: '▁Hi',
  35378: '▁Hello',
  28240: '▁Hey',
  3642: '▁how',
  621: '▁are',
  398: '▁you',
  20594: '▁doing',
};
// Single characters as low-scoring fallbacks, as a real SentencePiece vocabulary has them.
const SINGLE_CHARS = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].map((c) => [c, -12]),
);

describe('TextTokenizer (@huggingface/tokenizers) against published reference encodings', () => {
  const bert = TextTokenizer.fromJson(bertWordPieceJson(BERT_TOKENS, 30522));

  it.each(BERT_UNCASED)('bert-base-uncased WordPiece: %j', (text, ids) => {
    expect(bert.encode(text, 512)).toEqual(ids);
  });

  it('xlm-roberta-base / multilingual-e5 Unigram: the transformers integration string', () => {
    const xlmr = TextTokenizer.fromJson(xlmrUnigramJson(XLMR_PIECES, 250002, SINGLE_CHARS));
    expect(xlmr.encode(XLMR_TEXT, 512)).toEqual(XLMR_IDS);
    expect(xlmr.head).toEqual([0]);
    expect(xlmr.tail).toEqual([2]);
    expect(xlmr.padId).toBe(1);
  });
});

describe('truncation and padding', () => {
  const bert = TextTokenizer.fromJson(bertWordPieceJson(BERT_TOKENS, 30522));

  it('cuts the content, keeps [CLS] … [SEP], like truncation=True', () => {
    const ids = bert.encode('how are you doing ? how are you doing ?', 6);
    expect(ids).toEqual([101, 2129, 2024, 2017, 2725, 102]);
  });

  it('encodes a 10 MB text to its first 512 ids, still ending with [SEP]', () => {
    const ids = bert.encode('hello world '.repeat(900_000), 512);
    expect(ids).toHaveLength(512);
    expect(ids[511]).toBe(102);
  });

  it('empty and whitespace-only text encode to the special tokens alone', () => {
    expect(bert.encode('', 512)).toEqual([101, 102]);
    expect(bert.encode(' \t\n', 512)).toEqual([101, 102]);
  });

  it('pads each batch to its own longest row with a 0 attention mask', () => {
    const b = padBatch(
      [
        [101, 7592, 102],
        [101, 102],
      ],
      0,
    );
    expect(b.seqLen).toBe(3);
    expect([...b.inputIds]).toEqual([101n, 7592n, 102n, 101n, 102n, 0n]);
    expect([...b.attentionMask]).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
    expect([...b.tokenTypeIds]).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
  });

  it('hostile text (controls, lone surrogates, emoji, RTL, 10k of one char) stays within the vocabulary', () => {
    const xlmr = TextTokenizer.fromJson(xlmrUnigramJson(XLMR_PIECES, 250002, SINGLE_CHARS));
    const vocabSizes = new Map([
      [bert, 30522],
      [xlmr, 250002 + Object.keys(SINGLE_CHARS).length],
    ]);
    for (const [tok, size] of vocabSizes) {
      for (const text of [
        '\u0000\u0007\u001b[31m',
        '\ud800abc\udfff',
        '😂👍🏽🧑‍🤝‍🧑',
        'שלום مرحبا',
        'a'.repeat(10_000),
        '\uFEFF\u200B',
      ]) {
        const ids = tok.encode(text, 64);
        expect(ids.length).toBeLessThanOrEqual(64);
        expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < size)).toBe(true);
      }
    }
  });

  it('rejects a tokenizer.json it cannot read with a clear message', () => {
    expect(() => TextTokenizer.fromJson({ model: { type: 'Nonsense' } }, {}, '/x/tokenizer.json')).toThrow(
      /tokenizer\.json/,
    );
  });
});
