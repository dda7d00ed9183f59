import { builtinFileOnce } from '../towers/builtinPack.js';

/** The built-in pack's English word list (scripts/build-word-list.ts): sorted lower-case words, one a line. */
export const ENGLISH_WORDS_FILE = 'english-words.txt';
/** The word list's licence and its sources' notices, as Debian ships them. */
export const ENGLISH_WORDS_COPYRIGHT_FILE = 'english-words-copyright.txt';

/**
 * A sorted word list searched where it lies in its text: nothing is split or
 * hashed when it loads (~70k words, 650 KB read in a millisecond or two).
 */
export class SortedWordList {
  /** `text`: words in code-unit order, each followed by a newline. */
  constructor(private readonly text: string) {}

  has(word: string): boolean {
    if (!word || word.includes('\n')) return false;
    const text = this.text;
    let lo = 0;
    let hi = text.length;
    // lo and hi are always line starts (or the end), so the line holding mid starts at lo or after.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = text.lastIndexOf('\n', mid - 1) + 1;
      const newline = text.indexOf('\n', start);
      const end = newline < 0 ? text.length : newline;
      const line = text.slice(start, end);
      if (line === word) return true;
      if (line < word) lo = end + 1;
      else hi = start;
    }
    return false;
  }

  /** Every word, in order. */
  *words(): Generator<string> {
    for (const w of this.text.split('\n')) if (w) yield w;
  }
}

/**
 * The built-in pack's English words, read on first use and kept; null when
 * the pack has none (spelling correction then knows only the lexicon's words).
 */
export const builtinEnglishWords: () => SortedWordList | null = builtinFileOnce(
  ENGLISH_WORDS_FILE,
  (bytes) => new SortedWordList(bytes.toString('utf8')),
  'spelling correction of English words',
);
