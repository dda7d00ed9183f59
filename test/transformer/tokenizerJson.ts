/**
 * Builders for Hugging Face `tokenizer.json` documents, shaped like the ones
 * the catalogue's models ship: BERT WordPiece (bge-small-en/zh) and an
 * XLM-R SentencePiece Unigram (multilingual-e5). Tokens can be pinned to the
 * ids they have in the real vocabularies so published encodings can be
 * checked; every other slot gets a filler that never matches text.
 */

export type IdMap = Record<number, string>;

function fill(size: number, pinned: IdMap): string[] {
  const vocab = Array.from({ length: size }, (_, i) => `[fill${i}]`);
  for (const [id, tok] of Object.entries(pinned)) vocab[Number(id)] = tok;
  return vocab;
}

function specialTokens(entries: [number, string][]) {
  return entries.map(([id, content]) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
}

/** bert-base-uncased layout: [PAD]=0, [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103. */
export function bertWordPieceJson(pinned: IdMap, size: number, opts: { lowercase?: boolean } = {}): object {
  const specials: IdMap = { 0: '[PAD]', 100: '[UNK]', 101: '[CLS]', 102: '[SEP]', 103: '[MASK]' };
  return wordPieceJson(fill(size, { ...pinned, ...specials }), opts.lowercase ?? true);
}

/** A small WordPiece vocabulary for the tiny test encoder: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then `words`. */
export function tinyWordPieceJson(words: string[]): object {
  return wordPieceJson(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...new Set(words)], true);
}

function wordPieceJson(vocabList: string[], lowercase: boolean): object {
  const idOf = (t: string) => vocabList.indexOf(t);
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t): [number, string] => [idOf(t), t]);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens(specials),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [idOf('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [idOf('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocabList.map((t, i) => [t, i])),
    },
  };
}

/**
 * xlm-roberta-base / multilingual-e5 layout: <s>=0, <pad>=1, </s>=2, <unk>=3;
 * Unigram pieces with log-probability scores; `query: `-style prefixes work on it
 * as on the real one. Pinned pieces score `wordScore`, everything else far lower.
 */
export function xlmrUnigramJson(
  pinned: IdMap,
  size: number,
  extraPieces: Record<string, number> = {},
): object {
  const specials: [number, string][] = [
    [0, '<s>'],
    [1, '<pad>'],
    [2, '</s>'],
    [3, '<unk>'],
  ];
  const vocabList = fill(size, { ...pinned, ...Object.fromEntries(specials) });
  const extra = Object.entries(extraPieces);
  const vocab: [string, number][] = vocabList.map((t, i) =>
    i < 4 ? [t, 0] : t.startsWith('[fill') ? [t, -99] : [t, -5 - t.length / 100],
  );
  for (const [piece, score] of extra) vocab.push([piece, score]);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens(specials),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'WhitespaceSplit' },
        { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      ],
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: {
        '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] },
        '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] },
      },
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 3, vocab, byte_fallback: false },
  };
}
