import iconv from 'iconv-lite';
import chardet from 'chardet';
import { cjkEvidence, type CjkEvidence } from './cjkEvidence.js';

/**
 * Bytes → text for plain-text files. Order: byte-order mark, then binary sniffing,
 * then strict UTF-8, then (for legacy files) a declared charset, then detection:
 * chardet's ranking plus a decode-and-check of the East Asian candidates, because
 * detectors alone are unreliable on the short GBK/Big5 files people actually have.
 */

export interface DecodedText {
  text: string;
  /** Lower-case iconv/WHATWG name: 'utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'big5', 'shift_jis', 'windows-1252', … */
  encoding: string;
  warnings: string[];
}

export interface BinaryContent {
  binary: true;
  /** What the bytes look like, when recognisable ('a PDF', 'a ZIP archive', …). */
  looksLike: string | null;
}

export interface DecodeOptions {
  /** A charset the file declares about itself (HTML `<meta charset>`); used only when the bytes are not UTF-8. */
  declared?: string | null;
}

const SAMPLE_BYTES = 64 * 1024;

export function isBinaryContent(r: DecodedText | BinaryContent): r is BinaryContent {
  return 'binary' in r;
}

export function decodeText(bytes: Uint8Array, options: DecodeOptions = {}): DecodedText | BinaryContent {
  const decoded = decodeBytes(bytes, options);
  return isBinaryContent(decoded) ? decoded : replaceNuls(decoded);
}

function decodeBytes(bytes: Uint8Array, options: DecodeOptions): DecodedText | BinaryContent {
  const bom = decodeWithBom(bytes);
  if (bom) return bom;
  const utf16 = sniffUtf16WithoutBom(bytes);
  if (utf16) return utf16;
  if (looksBinary(bytes)) return { binary: true, looksLike: magicName(bytes) };

  const utf8 = decodeUtf8(bytes);
  if (utf8) return utf8;

  const declared = normaliseCharset(options.declared);
  if (declared && declared !== 'utf-8' && iconv.encodingExists(declared)) {
    return {
      text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), declared),
      encoding: declared,
      warnings: [],
    };
  }
  const encoding = detectLegacyEncoding(bytes);
  return {
    text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding),
    encoding,
    warnings: [],
  };
}

function decodeWithBom(bytes: Uint8Array): DecodedText | null {
  const b0 = bytes[0],
    b1 = bytes[1],
    b2 = bytes[2];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
    return decodeUtf8(bytes.subarray(3)) ?? lenientUtf8(bytes.subarray(3), 'utf-8');
  }
  if (b0 === 0xff && b1 === 0xfe && !(bytes[2] === 0 && bytes[3] === 0))
    return decodeUtf16(bytes.subarray(2), 'utf-16le');
  if (b0 === 0xfe && b1 === 0xff) return decodeUtf16(bytes.subarray(2), 'utf-16be');
  if (b0 === 0xff && b1 === 0xfe && bytes[2] === 0 && bytes[3] === 0) {
    return {
      text: iconv.decode(Buffer.from(bytes.subarray(4)), 'utf-32le'),
      encoding: 'utf-32le',
      warnings: [],
    };
  }
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && bytes[3] === 0xff) {
    return {
      text: iconv.decode(Buffer.from(bytes.subarray(4)), 'utf-32be'),
      encoding: 'utf-32be',
      warnings: [],
    };
  }
  return null;
}

function decodeUtf16(body: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText {
  const warnings: string[] = [];
  let even = body;
  if (body.length % 2 === 1) {
    warnings.push('odd number of bytes in a UTF-16 file: the last byte was dropped (truncated file?)');
    even = body.subarray(0, body.length - 1);
  }
  // ignoreBOM: the mark was already removed; a second U+FEFF is a character of the text.
  const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(even);
  if (text.includes('\ufffd')) warnings.push('unpaired UTF-16 surrogates were replaced with U+FFFD');
  return { text, encoding, warnings };
}

/**
 * UTF-16 saved without a mark (some Windows tools): mostly-ASCII text has a zero in
 * every other byte. Only this clear pattern is accepted; anything else with zero
 * bytes is binary.
 */
function sniffUtf16WithoutBom(bytes: Uint8Array): DecodedText | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return null;
  let zeroEven = 0,
    zeroOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) zeroEven++;
    if (bytes[i + 1] === 0) zeroOdd++;
  }
  const pairs = n / 2;
  if (zeroOdd > pairs * 0.6 && zeroEven === 0) return decodeUtf16Checked(bytes, 'utf-16le');
  if (zeroEven > pairs * 0.6 && zeroOdd === 0) return decodeUtf16Checked(bytes, 'utf-16be');
  return null;
}

function decodeUtf16Checked(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText | null {
  const decoded = decodeUtf16(bytes, encoding);
  // Control characters other than whitespace mean these were not UTF-16 code units after all.
  return /[\x00-\x08\x0e-\x1f]/.test(decoded.text) ? null : decoded;
}

/**
 * More than 1% C0 control bytes (NUL included; whitespace and ESC excluded) in the
 * first 64 KiB. Real binary formats are far above that (compressed data ~11%,
 * executables and databases mostly NULs), while a text file with a stray NUL or
 * two — a torn write, a tool that pads — stays text (its NULs become U+FFFD).
 */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b)
      control++;
  }
  return control > sample.length * 0.01;
}

/**
 * NUL characters are replaced with U+FFFD (one code unit for one, so every offset
 * into the text stays as read): SQLite and the tokenizers treat NUL as an end of
 * string, and no reader wants to see one.
 */
function replaceNuls(decoded: DecodedText): DecodedText {
  if (!decoded.text.includes('\0')) return decoded;
  let count = 0;
  const text = decoded.text.replace(/\0/g, () => {
    count++;
    return '\ufffd';
  });
  return {
    ...decoded,
    text,
    warnings: [...decoded.warnings, `${count} NUL character(s) were replaced with U+FFFD`],
  };
}

const MAGIC: [number[], string][] = [
  [[0x25, 0x50, 0x44, 0x46], 'a PDF'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an Office document?)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Office (OLE) document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable'],
  [[0x4d, 0x5a], 'an executable'],
  [[0x1f, 0x8b], 'a gzip archive'],
];

function magicName(bytes: Uint8Array): string | null {
  for (const [magic, name] of MAGIC) {
    if (magic.every((b, i) => bytes[i] === b)) return name;
  }
  return null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Valid UTF-8 → decoded. Also accepted, with a warning: UTF-8 cut inside its last
 * character, and UTF-8 with a few stray invalid bytes among many valid multi-byte
 * sequences (a legacy encoding almost never produces that pattern by chance).
 */
function decodeUtf8(bytes: Uint8Array): DecodedText | null {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8', warnings: [] };
  } catch {
    // fall through to the tolerant checks
  }
  const { valid, invalid, truncatedTail } = utf8Stats(bytes);
  if (invalid === 0 && truncatedTail && valid > 0) {
    return lenientUtf8(
      bytes,
      'utf-8',
      'the last character is incomplete (truncated file?); it was replaced with U+FFFD',
    );
  }
  if (valid >= 8 && invalid * 20 <= valid) {
    return lenientUtf8(bytes, 'utf-8', `${invalid} invalid UTF-8 byte sequence(s) were replaced with U+FFFD`);
  }
  return null;
}

function lenientUtf8(bytes: Uint8Array, encoding: string, warning?: string): DecodedText {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const warnings = warning
    ? [warning]
    : text.includes('\ufffd')
      ? ['invalid UTF-8 bytes were replaced with U+FFFD']
      : [];
  return { text, encoding, warnings };
}

/** Counts well-formed multi-byte sequences and invalid ones; `truncatedTail`: the only problem is an unfinished last sequence. */
function utf8Stats(bytes: Uint8Array): { valid: number; invalid: number; truncatedTail: boolean } {
  let valid = 0,
    invalid = 0,
    truncatedTail = false;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) {
      invalid++;
      i++;
      continue;
    }
    let k = 1;
    while (k < len && i + k < n && (bytes[i + k] & 0xc0) === 0x80) k++;
    if (k === len) valid++;
    else if (i + k === n) truncatedTail = true;
    else invalid++;
    i += k;
  }
  return { valid, invalid, truncatedTail };
}

function normaliseCharset(name: string | null | undefined): string | null {
  if (!name) return null;
  const n = name.trim().toLowerCase().replace(/^x-/, '');
  if (n === 'utf8' || n === 'utf-8') return 'utf-8';
  // GB2312/GBK files often contain GBK-only characters; GB18030 is a superset of both.
  if (n === 'gb2312' || n === 'gbk' || n === 'gb_2312-80' || n === 'cp936' || n === 'euc-cn')
    return 'gb18030';
  if (n === 'iso-8859-1' || n === 'latin1' || n === 'us-ascii' || n === 'ascii') return 'windows-1252';
  if (n === 'sjis' || n === 'shift-jis' || n === 'ms_kanji' || n === 'cp932' || n === 'windows-31j')
    return 'shift_jis';
  if (n === 'big5-hkscs' || n === 'cp950') return 'big5';
  return n;
}

type EastAsian = 'gb18030' | 'big5' | 'shift_jis' | 'euc-kr';

/**
 * How strongly a decoding reads as real text of its language; wrong decodings
 * score near or below zero. Real text is mostly common characters (the top few
 * hundred cover about three quarters of Chinese); a wrong decoding hits them only
 * by chance, so each uncommon character costs a little and each sign of a wrong
 * script (replacement characters, symbols, another script's letters) costs more.
 */
function plausibility(encoding: EastAsian, e: CjkEvidence): number {
  const wrong = 3 * e.bad + e.other;
  switch (encoding) {
    case 'gb18030': {
      // GB18030 also encodes traditional characters, but mostly carries simplified text.
      const common = Math.max(e.commonSimplified, 0.8 * e.commonTraditional);
      return common - 0.3 * (e.hanzi - common) - wrong - e.kana - e.halfWidthKana - e.hangul;
    }
    case 'big5':
      return (
        e.commonTraditional -
        0.3 * (e.hanzi - e.commonTraditional) -
        wrong -
        e.kana -
        e.halfWidthKana -
        e.hangul
      );
    case 'shift_jis':
      return (
        e.kana +
        e.commonTraditional -
        0.3 * (e.hanzi - e.commonTraditional) -
        wrong -
        e.halfWidthKana -
        e.hangul
      );
    case 'euc-kr':
      // Few common syllables cover less of Korean than hanzi do of Chinese: uncommon ones cost more,
      // and hanja are rare in modern Korean but what Chinese bytes read as EUC-KR often become.
      return e.commonHangul - 0.6 * (e.hangul - e.commonHangul) - wrong - 2 * e.hanzi - e.kana;
  }
}

/**
 * For bytes that are not UTF-8: the East Asian encoding whose decoding reads as
 * real text, if one does; else a single-byte encoding whose decoding reads as text
 * (windows-1252 first for short samples, where chardet guesses wildly; chardet's
 * favourite first for longer ones); else a clean East Asian decoding of a few
 * characters (how very short files go right); else chardet's first guess that
 * reads as text, or its favourite.
 */
export function detectLegacyEncoding(bytes: Uint8Array): string {
  const sample = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SAMPLE_BYTES));
  // Fixed order: on a tie, Chinese first (detectors' rankings are noise on short samples).
  const candidates = EAST_ASIAN.map((encoding) => {
    const evidence = cjkEvidence(iconv.decode(sample, encoding));
    return { encoding, evidence, score: plausibility(encoding, evidence) };
  });
  const best = candidates.reduce((a, b) => (b.score > a.score ? b : a));
  if (best.score > 0) return best.encoding;

  const guesses = [...new Set(chardet.analyse(sample).map((m) => normaliseCharset(m.name)!))].filter(
    (n) => SINGLE_BYTE.test(n) && iconv.encodingExists(n),
  );
  const favourite = guesses[0] ?? 'windows-1252';
  const reads = (encoding: string) => readsAsSingleByteText(iconv.decode(sample, encoding));
  const highBytes = sample.reduce((n, b) => n + (b >= 0x80 ? 1 : 0), 0);
  const preferred = highBytes >= 32 ? [favourite, 'windows-1252'] : ['windows-1252', favourite];
  const reading = preferred.find(reads);
  if (reading) return reading;
  const clean = candidates
    // A few uncommon characters may be a real short file; many and no common ones are not Chinese.
    .filter(
      ({ encoding, evidence: e, score }) =>
        score >= -1 &&
        e.bad === 0 &&
        e.other === 0 &&
        (encoding === 'shift_jis' ? e.kana > 0 : encoding === 'euc-kr' ? e.commonHangul > 0 : e.hanzi > 0),
    )
    .reduce<(typeof candidates)[number] | null>((a, b) => (!a || b.score > a.score ? b : a), null);
  if (clean) return clean.encoding;
  return guesses.find(reads) ?? favourite;
}

const EAST_ASIAN: readonly EastAsian[] = ['gb18030', 'big5', 'shift_jis', 'euc-kr'];
const SINGLE_BYTE = /^(?:windows-125\d|iso-8859-\d+|koi8-[ru])$/;

/**
 * Whether a single-byte decoding looks like text: its non-ASCII characters are
 * letters, accented Latin letters sit inside words with ASCII letters ("café", not
 * "ÀÏ°åÍÆ", which is GBK read as Latin-1), and case does not flip inside words
 * ("Мама", not "ємЙХУгО").
 */
function readsAsSingleByteText(text: string): boolean {
  let nonAscii = 0,
    letters = 0,
    latin = 0,
    latinInWords = 0,
    caseFlips = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (i > 0 && isLower(text[i - 1]) && isUpper(ch)) caseFlips++;
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    // Bytes the encoding does not define, or C1 controls: not this encoding.
    if (c === 0xfffd || c < 0xa0) return false;
    nonAscii++;
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    if (/\p{Script=Latin}/u.test(ch)) {
      latin++;
      if (isAsciiLetter(text.charCodeAt(i - 1)) || isAsciiLetter(text.charCodeAt(i + 1))) latinInWords++;
    }
  }
  if (nonAscii === 0) return true;
  return (
    letters >= nonAscii * 0.8 && (latin === 0 || latinInWords >= latin * 0.5) && caseFlips <= letters * 0.1
  );
}

function isLower(ch: string): boolean {
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
