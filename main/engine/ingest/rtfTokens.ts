/**
 * RTF's lexical layer: groups, control words with their numeric parameter, control
 * symbols, \'hh bytes, \binN data and runs of text. Written here rather than taken from
 * rtf-stream-parser, whose tokenizer writes a console warning for every malformed \'
 * escape (a damaged file would flood the terminal) and runs as an object-mode stream.
 */
export const GROUP_START = 0;
export const GROUP_END = 1;
export const CONTROL = 2;
export const TEXT = 3;

export interface RtfToken {
  type: typeof GROUP_START | typeof GROUP_END | typeof CONTROL | typeof TEXT;
  /** A control word's or symbol's name ("par", "'", "~"). */
  word?: string;
  param?: number;
  /** Text bytes, the byte of \'hh (absent when its digits are not hex), \bin's data. */
  data?: Uint8Array;
}

const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const hexValue = (c: number) =>
  isDigit(c) ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
/** Longest parameter read: RTF's are 16- or 32-bit; a longer run of digits is text. */
const MAX_PARAM_DIGITS = 10;

export function* rtfTokens(bytes: Uint8Array): Generator<RtfToken> {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i];
    if (c === OPEN) {
      i++;
      yield { type: GROUP_START };
    } else if (c === CLOSE) {
      i++;
      yield { type: GROUP_END };
    } else if (c === BACKSLASH) {
      const next = bytes[i + 1];
      if (next === undefined) return;
      if (isLetter(next)) {
        let end = i + 1;
        while (end < n && isLetter(bytes[end]) && end - i <= 32) end++;
        const word = String.fromCharCode(...bytes.subarray(i + 1, end));
        let param: number | undefined;
        let at = end;
        const negative = bytes[at] === 0x2d && isDigit(bytes[at + 1]);
        if (negative) at++;
        const digitsStart = at;
        while (at < n && isDigit(bytes[at]) && at - digitsStart < MAX_PARAM_DIGITS) at++;
        if (at > digitsStart) {
          param = Number(String.fromCharCode(...bytes.subarray(digitsStart, at))) * (negative ? -1 : 1);
        } else at = end;
        // One space ends a control word and is part of it.
        if (bytes[at] === 0x20) at++;
        if (word === 'bin' && param !== undefined && param > 0) {
          const dataEnd = Math.min(n, at + param);
          yield { type: CONTROL, word, param, data: bytes.subarray(at, dataEnd) };
          i = dataEnd;
        } else {
          yield { type: CONTROL, word, param };
          i = at;
        }
      } else if (next === 0x27) {
        const hi = hexValue(bytes[i + 2] ?? -1);
        const lo = hexValue(bytes[i + 3] ?? -1);
        if (hi >= 0 && lo >= 0) {
          yield { type: CONTROL, word: "'", data: Uint8Array.of(hi * 16 + lo) };
          i += 4;
        } else {
          yield { type: CONTROL, word: "'" };
          i += 2;
        }
      } else {
        // A control symbol: \{ \} \\ \~ \_ \- \* and a backslash before a line break (a paragraph).
        yield { type: CONTROL, word: String.fromCharCode(next) };
        i += 2;
      }
    } else {
      let end = i + 1;
      while (end < n && bytes[end] !== BACKSLASH && bytes[end] !== OPEN && bytes[end] !== CLOSE) end++;
      yield { type: TEXT, data: bytes.subarray(i, end) };
      i = end;
    }
  }
}
