/**
 * "Is this a CJK character": one definition, Han ideographs and kana, and the
 * two places that answer differently on purpose, each frozen by what it has
 * already written (test/text/cjk.test.ts pins all three).
 */

/**
 * Han ideographs (unified, extensions A–H, compatibility, 〇) and kana
 * (with the katakana phonetic extensions). The featurizer's set: step 3 of the
 * hashed-ngram featurizer (towers/featurizerSpec.ts) segments on it, so every
 * shipped pack's vectors depend on it and it must not change. The training
 * baseline's BM25 tokens (train/bm25Tokens.ts) use it too.
 */
export function isHanOrKana(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x3040 && cp <= 0x30ff) || // hiragana, katakana
    (cp >= 0x31f0 && cp <= 0x31ff) ||
    cp === 0x3007 ||
    (cp >= 0x20000 && cp <= 0x323af) // extensions B–H, compatibility supplement
  );
}

/**
 * The search index's set (text/analyzer.ts): Han and kana less 〇 (U+3007),
 * the katakana phonetic extensions (U+31F0–31FF) and the planes above
 * extension F (U+31350 on). Libraries hold FTS terms made with this set
 * (store/ftsIndex.ts FTS_VERSION): changing it means bumping that
 * version, which re-indexes every library on open.
 */
export function isIndexedCjk(cp: number): boolean {
  return cp <= 0x3134f && cp !== 0x3007 && !(cp >= 0x31f0 && cp <= 0x31ff) && isHanOrKana(cp);
}

/**
 * Whether a UTF-16 code unit starts East Asian text, written without spaces
 * after a sentence ends (the sentence splitter, ingest/sentences.ts): wider
 * than Han and kana, as it also takes CJK radicals, symbols and punctuation
 * (U+2E80 on), Hangul syllables, full-width forms, and any character outside
 * the BMP (a high surrogate). It decides where passages and highlights break,
 * so changing it moves chunk boundaries of re-read files.
 */
export function startsEastAsianText(unit: number): boolean {
  return (
    (unit >= 0x2e80 && unit <= 0x9fff) ||
    (unit >= 0xac00 && unit <= 0xd7af) ||
    (unit >= 0xf900 && unit <= 0xfaff) ||
    (unit >= 0xff00 && unit <= 0xffef) ||
    (unit >= 0xd800 && unit <= 0xdbff)
  );
}
