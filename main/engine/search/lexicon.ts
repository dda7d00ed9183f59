import { builtinFileOnce } from '../towers/builtinPack.js';

/**
 * A bilingual Chinese ↔ English lexicon, read straight from its binary file
 * (`lexicon.bin` in the built-in pack, made by scripts/build-lexicon.ts from
 * CC-CEDICT): typed-array views over one buffer, binary search over sorted
 * keys, nothing parsed at start-up.
 *
 * Chinese side: entries keyed by their folded simplified form (see
 * foldForLexicon in translateQuery.ts), each with its senses in order; a sense
 * is a short list of English words (ids into the English side).
 * English side: words keyed by their inflectional stem (text/inflection.ts:
 * "policy" and "police" are two words, though the index stems both "polic"),
 * and phrasal verbs by the verb's and the particle's ("log in"), each with its
 * index stem (the analyzer's Porter stem, what FTS holds), a display form and
 * the few Chinese entries it translates best (the inverse of the Chinese side,
 * ranked when the table was built).
 *
 * Layout (little-endian; every section starts on a 4-byte boundary):
 *   header u32 × 12: magic "DQLX", version, zhCount, enCount, zhKeyUnits,
 *     senseCount, senseTermCount, enKeyUnits, enDisplayUnits, enToZhCount,
 *     maxZhKeyLength, nameWords (0 in files made before names were marked)
 *   zhKeyStart u32[zhCount+1], zhKeys u16[zhKeyUnits]
 *   zhSenseStart u32[zhCount+1], senseTermStart u32[senseCount+1], senseTerms u16[senseTermCount]
 *   enKeyStart u32[enCount+1], enKeys u16[enKeyUnits]
 *   enDisplayStart u32[enCount+1], enDisplay u16[enDisplayUnits]
 *   enToZhStart u32[enCount+1], enToZh u32[enToZhCount]
 *   names u32[nameWords]: bit e set when Chinese entry e is a name (树莓派
 *     "Raspberry Pi"), a word no other sense of the dictionary shares
 *   enStemStart u32[enCount+1], enStems u16[enStemStart[enCount]]
 *   enByStem u16[enCount]: the English words ordered by index stem (then id),
 *     to find the words of a stem when a question's word has no key of its own
 * Version 1 keyed English words by their index stem and had no stem section.
 */

export const LEXICON_MAGIC = 0x584c5144; // "DQLX"
export const LEXICON_VERSION = 2;
const HEADER_WORDS = 12;

/** What the build script hands to encodeLexicon. */
export interface LexiconData {
  /** Chinese entries sorted by key (UTF-16 code unit order), keys unique. */
  zh: { key: string; senses: number[][]; name?: boolean }[];
  /**
   * English words sorted by key (code unit order), keys unique: the inflectional
   * stem, or two for a phrasal verb ("log in"); `stem` is the index stem (two for
   * a phrase); `zh` holds indexes into `zh`.
   */
  en: { key: string; stem: string; display: string; zh: number[] }[];
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** The binary table for `data` (see the layout above). */
export function encodeLexicon(data: LexiconData): Uint8Array {
  if (data.en.length > 0xffff) throw new Error(`too many English words for u16 ids: ${data.en.length}`);
  const zhKeyUnits = data.zh.reduce((n, e) => n + e.key.length, 0);
  const senseCount = data.zh.reduce((n, e) => n + e.senses.length, 0);
  const senseTermCount = data.zh.reduce((n, e) => n + e.senses.reduce((m, s) => m + s.length, 0), 0);
  const enKeyUnits = data.en.reduce((n, e) => n + e.key.length, 0);
  const enStemUnits = data.en.reduce((n, e) => n + e.stem.length, 0);
  const enDisplayUnits = data.en.reduce((n, e) => n + e.display.length, 0);
  const enToZhCount = data.en.reduce((n, e) => n + e.zh.length, 0);
  const maxZhKeyLength = data.zh.reduce((n, e) => Math.max(n, e.key.length), 0);
  const nameWords = data.zh.some((e) => e.name) ? Math.ceil(data.zh.length / 32) : 0;
  const sizes = [
    HEADER_WORDS * 4,
    (data.zh.length + 1) * 4,
    align4(zhKeyUnits * 2),
    (data.zh.length + 1) * 4,
    (senseCount + 1) * 4,
    align4(senseTermCount * 2),
    (data.en.length + 1) * 4,
    align4(enKeyUnits * 2),
    (data.en.length + 1) * 4,
    align4(enDisplayUnits * 2),
    (data.en.length + 1) * 4,
    enToZhCount * 4,
    nameWords * 4,
    (data.en.length + 1) * 4,
    align4(enStemUnits * 2),
    align4(data.en.length * 2),
  ];
  const buffer = new ArrayBuffer(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  const section = <T>(make: (offset: number, bytes: number) => T, index: number): T => {
    const view = make(at, sizes[index]);
    at += sizes[index];
    return view;
  };
  const u32 = (o: number, b: number) => new Uint32Array(buffer, o, b / 4);
  const u16 = (o: number, b: number) => new Uint16Array(buffer, o, b / 2);
  const header = section(u32, 0);
  header.set([
    LEXICON_MAGIC,
    LEXICON_VERSION,
    data.zh.length,
    data.en.length,
    zhKeyUnits,
    senseCount,
    senseTermCount,
    enKeyUnits,
    enDisplayUnits,
    enToZhCount,
    maxZhKeyLength,
    nameWords,
  ]);
  const writeStrings = (strings: string[], starts: Uint32Array, units: Uint16Array) => {
    let p = 0;
    strings.forEach((s, i) => {
      starts[i] = p;
      for (let j = 0; j < s.length; j++) units[p++] = s.charCodeAt(j);
    });
    starts[strings.length] = p;
  };
  writeStrings(
    data.zh.map((e) => e.key),
    section(u32, 1),
    section(u16, 2),
  );
  const zhSenseStart = section(u32, 3);
  const senseTermStart = section(u32, 4);
  const senseTerms = section(u16, 5);
  let sense = 0;
  let term = 0;
  data.zh.forEach((e, i) => {
    zhSenseStart[i] = sense;
    for (const s of e.senses) {
      senseTermStart[sense++] = term;
      for (const t of s) senseTerms[term++] = t;
    }
  });
  zhSenseStart[data.zh.length] = sense;
  senseTermStart[sense] = term;
  writeStrings(
    data.en.map((e) => e.key),
    section(u32, 6),
    section(u16, 7),
  );
  writeStrings(
    data.en.map((e) => e.display),
    section(u32, 8),
    section(u16, 9),
  );
  const enToZhStart = section(u32, 10);
  const enToZh = section(u32, 11);
  let z = 0;
  data.en.forEach((e, i) => {
    enToZhStart[i] = z;
    for (const id of e.zh) enToZh[z++] = id;
  });
  enToZhStart[data.en.length] = z;
  const names = section(u32, 12);
  data.zh.forEach((e, i) => {
    if (e.name) names[i >>> 5] |= 1 << (i & 31);
  });
  writeStrings(
    data.en.map((e) => e.stem),
    section(u32, 13),
    section(u16, 14),
  );
  const byStem = data.en.map((_, i) => i);
  byStem.sort((a, b) => codeUnitOrder(data.en[a].stem, data.en[b].stem) || a - b);
  section(u16, 15).set(byStem);
  return new Uint8Array(buffer);
}

export class Lexicon {
  readonly zhCount: number;
  readonly enCount: number;
  /** The longest Chinese key, in UTF-16 code units (bounds the longest-match search). */
  readonly maxZhKeyLength: number;
  private readonly zhKeyStart: Uint32Array;
  private readonly zhKeys: Uint16Array;
  private readonly zhSenseStart: Uint32Array;
  private readonly senseTermStart: Uint32Array;
  private readonly senseTerms: Uint16Array;
  private readonly enKeyStart: Uint32Array;
  private readonly enKeys: Uint16Array;
  private readonly enDisplayStart: Uint32Array;
  private readonly enDisplay: Uint16Array;
  private readonly enToZhStart: Uint32Array;
  private readonly enToZh: Uint32Array;
  private readonly names: Uint32Array;
  private readonly enStemStart: Uint32Array;
  private readonly enStems: Uint16Array;
  private readonly enByStem: Uint16Array;

  constructor(bytes: Uint8Array) {
    // Typed-array views need 4-byte aligned offsets: a pooled Buffer may not be.
    const own = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    const buffer = own.buffer;
    let at = own.byteOffset;
    const end = own.byteOffset + own.byteLength;
    const take = <T extends Uint16Array | Uint32Array>(kind: 'u16' | 'u32', count: number): T => {
      const bytesNeeded = kind === 'u16' ? align4(count * 2) : count * 4;
      if (at + bytesNeeded > end) throw new Error('lexicon file is truncated');
      const view = (
        kind === 'u16' ? new Uint16Array(buffer, at, count) : new Uint32Array(buffer, at, count)
      ) as T;
      at += bytesNeeded;
      return view;
    };
    const header = take<Uint32Array>('u32', HEADER_WORDS);
    if (header[0] !== LEXICON_MAGIC) throw new Error('not a DocQA lexicon file');
    if (header[1] !== LEXICON_VERSION) throw new Error(`unsupported lexicon version ${header[1]}`);
    const [
      zhCount,
      enCount,
      zhKeyUnits,
      senseCount,
      senseTermCount,
      enKeyUnits,
      enDisplayUnits,
      enToZhCount,
    ] = header.subarray(2, 10);
    this.zhCount = zhCount;
    this.enCount = enCount;
    this.maxZhKeyLength = header[10];
    this.zhKeyStart = take('u32', zhCount + 1);
    this.zhKeys = take('u16', zhKeyUnits);
    this.zhSenseStart = take('u32', zhCount + 1);
    this.senseTermStart = take('u32', senseCount + 1);
    this.senseTerms = take('u16', senseTermCount);
    this.enKeyStart = take('u32', enCount + 1);
    this.enKeys = take('u16', enKeyUnits);
    this.enDisplayStart = take('u32', enCount + 1);
    this.enDisplay = take('u16', enDisplayUnits);
    this.enToZhStart = take('u32', enCount + 1);
    this.enToZh = take('u32', enToZhCount);
    this.names = take('u32', header[11]);
    this.enStemStart = take('u32', enCount + 1);
    this.enStems = take('u16', this.enStemStart[enCount]);
    this.enByStem = take('u16', enCount);
  }

  /** The entry whose key is `text[from, from + length)`, or -1. */
  zhEntry(text: string, from = 0, length = text.length - from): number {
    return search(this.zhKeyStart, this.zhKeys, this.zhCount, text, from, length);
  }

  zhKey(entry: number): string {
    return decode(this.zhKeys, this.zhKeyStart[entry], this.zhKeyStart[entry + 1]);
  }

  /** Whether the entry is a name (a product, place, organisation): written so wherever it occurs. */
  isName(entry: number): boolean {
    const word = entry >>> 5;
    return word < this.names.length && (this.names[word] & (1 << (entry & 31))) !== 0;
  }

  /** The entry's senses, each a list of English word ids, in dictionary order. */
  senses(entry: number): number[][] {
    const out: number[][] = [];
    for (let s = this.zhSenseStart[entry]; s < this.zhSenseStart[entry + 1]; s++)
      out.push(Array.from(this.senseTerms.subarray(this.senseTermStart[s], this.senseTermStart[s + 1])));
    return out;
  }

  /** The English word with this key (an inflectional stem; "log in" for a phrasal verb), or -1. */
  enWord(key: string): number {
    return search(this.enKeyStart, this.enKeys, this.enCount, key, 0, key.length);
  }

  /** The first of `keys` the lexicon holds (inflection.ts `inflectionKeys`: likeliest first), or -1. */
  firstEnWord(keys: readonly string[]): number {
    for (const key of keys) {
      const word = this.enWord(key);
      if (word >= 0) return word;
    }
    return -1;
  }

  /**
   * The English words whose index stem is `stem` (organization, organ, organs
   * for "organ"), in key order: a question's word that is no key of its own
   * ("systemic") still finds its stem's words.
   */
  enWordsWithStem(stem: string): number[] {
    const at = (i: number) => this.enByStem[i];
    const cmp = (i: number) =>
      compareUnits(this.enStems, this.enStemStart[at(i)], this.enStemStart[at(i) + 1], stem);
    let lo = 0;
    let hi = this.enCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(mid) < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < this.enCount && cmp(i) === 0; i++) out.push(at(i));
    return out;
  }

  /** The key of an English word: its inflectional stem ("log in" for a phrasal verb). */
  enKey(word: number): string {
    return decode(this.enKeys, this.enKeyStart[word], this.enKeyStart[word + 1]);
  }

  /** The index stem of an English word (what FTS holds; two, space-separated, for a phrasal verb). */
  enStem(word: number): string {
    return decode(this.enStems, this.enStemStart[word], this.enStemStart[word + 1]);
  }

  /** A readable form of an English word (its commonest written form in the dictionary). */
  enDisplayForm(word: number): string {
    return decode(this.enDisplay, this.enDisplayStart[word], this.enDisplayStart[word + 1]);
  }

  /** The Chinese entries an English word translates to, best first. */
  zhForEn(word: number): number[] {
    return Array.from(this.enToZh.subarray(this.enToZhStart[word], this.enToZhStart[word + 1]));
  }
}

const codeUnitOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** units[from, to) against text[textFrom, textFrom + textLength), in code unit order. */
function compareUnits(
  units: Uint16Array,
  from: number,
  to: number,
  text: string,
  textFrom = 0,
  textLength = text.length,
): number {
  const n = Math.min(to - from, textLength);
  for (let i = 0; i < n; i++) {
    const d = units[from + i] - text.charCodeAt(textFrom + i);
    if (d !== 0) return d;
  }
  return to - from - textLength;
}

function decode(units: Uint16Array, from: number, to: number): string {
  return String.fromCharCode(...units.subarray(from, to));
}

/** Binary search of `text[from, from+length)` among sorted keys (code unit order). */
function search(
  starts: Uint32Array,
  units: Uint16Array,
  count: number,
  text: string,
  from: number,
  length: number,
): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareUnits(units, starts[mid], starts[mid + 1], text, from, length);
    if (cmp === 0) return mid;
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export const LEXICON_FILE = 'lexicon.bin';

/**
 * The built-in pack's lexicon, loaded on first use and kept; null when the
 * pack has none (cross-lingual search is then off). It serves every pack,
 * transformer packs included: translation does not depend on the towers.
 */
export const builtinLexicon: () => Lexicon | null = builtinFileOnce(
  LEXICON_FILE,
  (bytes) => new Lexicon(bytes),
  'cross-lingual search',
);
