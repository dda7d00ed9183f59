import { Converter } from 'opencc-js/t2cn';
import { stemmer } from 'stemmer';
import { isIndexedCjk } from './cjk.js';

/**
 * Text → index tokens, the same for documents and questions (so FTS5 sees the
 * same terms on both sides). unicode61 alone keeps a whole CJK run as one
 * token, which makes Chinese unsearchable; we pre-tokenise and write the tokens,
 * space separated, into an FTS5 table whose unicode61 tokenizer then only splits
 * on our spaces.
 *
 * - NFKC + lower case, Traditional → Simplified per character (a table built
 *   once from OpenCC's t→cn dictionary: phrase conversion is not needed for
 *   matching and costs ~10× more).
 * - Han and kana runs (isIndexedCjk) → character bigrams (a run of one character stays a
 *   unigram). Measured on cmrc2018-dev against unigrams+bigrams and jieba words
 *   (see main/engine/eval/README.md): bigrams are as good as jieba and need no native module.
 *   Unigrams go to a separate list (the FTS `chars` column) so that a one-character
 *   question still finds its character inside longer words without diluting
 *   the bigram statistics.
 * - Every other letter/number run → one word, diacritics removed, English words
 *   Porter-stemmed here (not by FTS5) so that query terms can be looked up in
 *   the FTS vocabulary exactly as they are indexed.
 */

const MAX_TOKEN_CHARS = 40;

let t2s: Map<number, number> | null = null;

function traditionalToSimplified(): Map<number, number> {
  if (t2s) return t2s;
  const convert = Converter({ from: 't', to: 'cn' });
  const codes: number[] = [];
  for (let c = 0x3400; c <= 0x9fff; c++) codes.push(c);
  // One call over newline-separated characters: no phrase can match across them.
  const source = codes.map((c) => String.fromCharCode(c)).join('\n');
  const converted = convert(source).split('\n');
  const map = new Map<number, number>();
  if (converted.length === codes.length) {
    for (let i = 0; i < codes.length; i++) {
      const out = converted[i];
      if (out.length === 1 && out.charCodeAt(0) !== codes[i]) map.set(codes[i], out.charCodeAt(0));
    }
  }
  t2s = map;
  return map;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
// BMP classification cache: 0 unknown, 1 word character, 2 separator.
const bmpClass = new Uint8Array(0x10000);

function isWordChar(cp: number): boolean {
  if (cp < 0x10000) {
    let c = bmpClass[cp];
    if (c === 0) {
      c = WORD_CHAR.test(String.fromCharCode(cp)) ? 1 : 2;
      bmpClass[cp] = c;
    }
    return c === 1;
  }
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

export interface AnalyzeOptions {
  /** Only the first `maxChars` characters are analysed (bounded time on huge inputs). */
  maxChars?: number;
  /** When given, receives every CJK character (the unigram column). */
  chars?: string[];
  /**
   * When given, receives each token's word before stemming, in token order
   * ('' for a CJK token): the lexicon looks English words up by their
   * inflections only (text/inflection.ts).
   */
  surfaces?: string[];
}

const STEM_CACHE_LIMIT = 50_000;
const stems = new Map<string, string>();

/**
 * English clitics after an apostrophe (teacher's, let's, we're, it'll, I've, I'd, I'm,
 * doesn't), true for n't. Read as words they were frequent terms of their own ("s"
 * in a tenth of a manual's passages) that questions matched by chance.
 */
const CLITICS = new Map([
  ['s', false],
  ['re', false],
  ['ll', false],
  ['ve', false],
  ['d', false],
  ['m', false],
  ['t', true],
]);
/** Words before n't and the word they negate (any other host, e.g. "daren", stays as written). */
const NOT_HOSTS = new Map(
  [
    'does',
    'do',
    'did',
    'is',
    'are',
    'was',
    'were',
    'has',
    'have',
    'had',
    'could',
    'should',
    'would',
    'must',
    'need',
    'might',
  ]
    .map((w): [string, string] => [`${w}n`, w])
    .concat([
      ['can', 'can'],
      ['won', 'will'],
      ['shan', 'shall'],
      ['ain', 'is'],
    ]),
);
const isApostrophe = (c: number) => c === 0x27 || c === 0x2019;
const isAsciiLetter = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;

/** A lower-case word without diacritics, as it is stemmed. */
function foldWord(raw: string): string {
  if (/^[a-z0-9]*$/.test(raw)) return raw;
  return raw.normalize('NFD').replace(/\p{M}/gu, '') || raw;
}

function stemWord(w: string): string {
  if (w.length <= 2 || !/^[a-z]+$/.test(w)) return w;
  let s = stems.get(w);
  if (s === undefined) {
    s = stemmer(w);
    if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
    stems.set(w, s);
  }
  return s;
}

/**
 * The index term of a lower-case ASCII word, as `analyze` gives it, without
 * the stem cache: spelling variants (search/spelling.ts) are hundreds a word
 * and used once, and would push out the stems that questions repeat.
 */
export function termOfPlainWord(word: string): string {
  return word.length <= 2 || !/^[a-z]+$/.test(word) ? word : stemmer(word);
}

/** Tokens in text order (duplicates kept: term frequency matters to BM25). */
export function analyze(text: string, options: AnalyzeOptions = {}): string[] {
  const maxChars = options.maxChars ?? 200_000;
  const chars = options.chars;
  const input = (text.length > maxChars ? text.slice(0, maxChars) : text).normalize('NFKC').toLowerCase();
  const fold = traditionalToSimplified();
  const tokens: string[] = [];
  const surfaces = options.surfaces;
  // The last word pushed and where it ended (the host of a following n't).
  let lastWord = '';
  let lastWordEnd = -1;
  const pushWord = (raw: string, start: number) => {
    if (
      start >= 2 &&
      isApostrophe(input.charCodeAt(start - 1)) &&
      isAsciiLetter(input.charCodeAt(start - 2))
    ) {
      const clitic = CLITICS.get(raw);
      if (clitic !== undefined) {
        // n't: the host word read as itself ("doesn't" → does, "can't" → can); every other
        // clitic is left out ('s, 're, 'll, …): as a token it matched every passage saying "let's".
        const base = clitic && lastWordEnd === start - 1 ? NOT_HOSTS.get(lastWord) : undefined;
        if (base !== undefined) {
          tokens[tokens.length - 1] = stemWord(base);
          if (surfaces) surfaces[surfaces.length - 1] = base;
        }
        return;
      }
    }
    const folded = foldWord(raw);
    tokens.push(stemWord(folded));
    surfaces?.push(folded);
    lastWord = folded;
    lastWordEnd = start + raw.length;
  };
  const pushCjk = (token: string) => {
    tokens.push(token);
    surfaces?.push('');
  };
  let wordStart = -1;
  let prevCjk = '';
  let runLength = 0;
  const n = input.length;
  for (let i = 0; i < n;) {
    let cp = input.charCodeAt(i);
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const lo = input.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    const cjk = cp >= 0x3040 && isIndexedCjk(cp);
    if (cjk || !isWordChar(cp)) {
      if (wordStart >= 0) {
        pushWord(input.slice(wordStart, Math.min(i, wordStart + MAX_TOKEN_CHARS)), wordStart);
        wordStart = -1;
      }
    } else if (wordStart < 0) {
      wordStart = i;
    }
    if (cjk) {
      const folded = fold.get(cp);
      const c =
        folded !== undefined ? String.fromCharCode(folded) : width === 1 ? input[i] : input.slice(i, i + 2);
      if (chars) chars.push(c);
      if (runLength) pushCjk(prevCjk + c);
      prevCjk = c;
      runLength++;
    } else if (runLength) {
      if (runLength === 1) pushCjk(prevCjk);
      runLength = 0;
    }
    i += width;
  }
  if (wordStart >= 0) pushWord(input.slice(wordStart, Math.min(n, wordStart + MAX_TOKEN_CHARS)), wordStart);
  if (runLength === 1) pushCjk(prevCjk);
  return tokens;
}

/** The FTS5 columns for a passage: terms, and CJK characters. */
export function indexColumns(text: string): { body: string; chars: string } {
  const chars: string[] = [];
  const body = analyze(text, { chars }).join(' ');
  return { body, chars: chars.join(' ') };
}
