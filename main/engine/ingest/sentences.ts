import type { TextSpan } from './types.js';
import { startsEastAsianText } from '../text/cjk.js';
import { isSpaceCode } from './lines.js';

// Full-width terminators end a sentence wherever they stand; so do ASCII ! and ?
// before a space, the end, or CJK text.
const CJK_TERMINATORS = '。！？；…｡';
const ASCII_TERMINATORS = '!?';
// Closing quotes and brackets that belong to the sentence before the break.
const CLOSERS = '"\'”’」』）)】》〉］]｣';
// Words that end with a period without ending the sentence (compared lower-case, inner dots removed).
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'vs',
  'eg',
  'ie',
  'cf',
  'viz',
  'al',
  'inc',
  'ltd',
  'co',
  'corp',
  'no',
  'nos',
  'fig',
  'figs',
  'vol',
  'vols',
  'pp',
  'p',
  'ch',
  'sec',
  'approx',
  'dept',
  'est',
  'gen',
  'gov',
  'rev',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'mt',
  'ft',
  'ca',
  'resp',
  'op',
  'ed',
  'eds',
  'ref',
  'refs',
  'eq',
  'eqs',
  'art',
  'para',
  'capt',
  'col',
  'lt',
  'sgt',
  'rep',
  'sen',
  'messrs',
  'u.s',
]);
// A line that starts a list item or a heading starts a new sentence even without a terminator before it.
const BLOCK_START =
  /^[ \t]*(?:[-*+•·▪◦]\s|#{1,6}\s|\d{1,3}[.)、]\s?|[（(]\d{1,3}[)）]|第[一二三四五六七八九十百\d]+[章节条款部分])/;

/**
 * Sentence spans of `text[start, end)` for Chinese, English and mixed text, in
 * order, trimmed, never empty. Breaks after 。！？；… (and ASCII ! ?), after a
 * period followed by a space and a non-lowercase word unless the period closes an
 * abbreviation, initial or list number, at blank lines, and before list items and
 * headings. One pass: linear in the length of the range.
 */
export function splitSentences(text: string, start = 0, end = text.length): TextSpan[] {
  const spans: TextSpan[] = [];
  let sentenceStart = start;
  const cut = (at: number) => {
    pushTrimmed(text, sentenceStart, at, spans);
    sentenceStart = at;
  };
  let i = start;
  while (i < end) {
    const ch = text[i];
    if (
      CJK_TERMINATORS.includes(ch) ||
      (ASCII_TERMINATORS.includes(ch) && asciiBreakAfter(text, skipTerminators(text, i, end), end))
    ) {
      i = skipClosers(text, skipTerminators(text, i, end), end);
      cut(i);
      continue;
    }
    if (ch === '.') {
      const after = skipClosers(text, skipDots(text, i, end), end);
      if (periodEndsSentence(text, sentenceStart, i, after, end)) {
        cut(after);
        i = after;
        continue;
      }
      i = after;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      const next = i + (ch === '\r' && text[i + 1] === '\n' ? 2 : 1);
      if (nextLineStartsBlock(text, next, end)) cut(i);
      i = next;
      continue;
    }
    i++;
  }
  pushTrimmed(text, sentenceStart, end, spans);
  return spans;
}

function pushTrimmed(text: string, start: number, end: number, out: TextSpan[]): void {
  let s = start,
    e = end;
  while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
  while (e > s && isSpaceCode(text.charCodeAt(e - 1))) e--;
  if (e > s) out.push({ start: s, end: e });
}

function skipTerminators(text: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end && (CJK_TERMINATORS.includes(text[j]) || ASCII_TERMINATORS.includes(text[j]))) j++;
  return j;
}

function skipDots(text: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end && (text[j] === '.' || text[j] === '…')) j++;
  return j;
}

function skipClosers(text: string, i: number, end: number): number {
  let j = i;
  while (j < end && CLOSERS.includes(text[j])) j++;
  return j;
}

/** ASCII ! or ? ends a sentence before whitespace, the end, or CJK text ("Yahoo!Japan" does not break). */
function asciiBreakAfter(text: string, j: number, end: number): boolean {
  const k = skipClosers(text, j, end);
  return k >= end || isSpaceCode(text.charCodeAt(k)) || startsEastAsianText(text.charCodeAt(k));
}

function periodEndsSentence(
  text: string,
  sentenceStart: number,
  dot: number,
  after: number,
  end: number,
): boolean {
  if (after >= end) return true;
  const next = text.charCodeAt(after);
  if (startsEastAsianText(next)) return after - dot > 1 || !isAsciiWordChar(text.charCodeAt(dot - 1));
  if (!isSpaceCode(next)) return false;
  // The next word: a lower-case start continues the sentence ("e.g. the", "approx. five").
  let k = after;
  while (k < end && isSpaceCode(text.charCodeAt(k))) k++;
  if (k >= end) return true;
  const first = text[k];
  if (first !== first.toUpperCase() && first === first.toLowerCase()) return false;
  if (after - dot > 1) return true; // an ellipsis before a capital
  // The word before the period.
  let w = dot;
  while (
    w > sentenceStart &&
    w > dot - 12 &&
    (isAsciiWordChar(text.charCodeAt(w - 1)) || text[w - 1] === '.')
  )
    w--;
  const word = text.slice(w, dot);
  if (word === '') return true;
  if (/^[A-Z]$/.test(word)) return false; // an initial: "J. Smith"
  if (/^\d{1,3}$/.test(word) && startsLine(text, w, sentenceStart)) return false; // "1. First item"
  if (/[A-Za-z]\.[A-Za-z]/.test(word)) return false; // "U.S", "e.g", "a.m"
  return !ABBREVIATIONS.has(word.toLowerCase());
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Only spaces or tabs between the start of its line (or of the range) and `i`. */
function startsLine(text: string, i: number, start: number): boolean {
  let k = i - 1;
  while (k >= start && (text[k] === ' ' || text[k] === '\t')) k--;
  return k < start || text[k] === '\n' || text[k] === '\r';
}

/** A blank line, a list item or a heading starts at `i` (only a short look ahead). */
function nextLineStartsBlock(text: string, i: number, end: number): boolean {
  let k = i;
  while (k < end && k - i < 64 && (text[k] === ' ' || text[k] === '\t' || text[k] === '\u3000')) k++;
  if (k >= end || text[k] === '\n' || text[k] === '\r') return true;
  return BLOCK_START.test(text.slice(i, Math.min(end, i + 16)));
}
