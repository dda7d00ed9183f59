import { isHanOrKana } from '../text/cjk.js';
import { chineseFoldTables } from './chineseFold.js';

/**
 * Steps 1–3 of the featurizer definition (featurizerSpec.ts): cap, NFKC,
 * lower-case, Chinese fold, and segmentation into CJK runs and word runs of
 * code points. Results live in module-level scratch buffers reused between
 * calls (one featurizer per thread), so the hot path allocates nothing per token.
 */
export const RUN_WORD = 1;
export const RUN_CJK = 2;

const SEP = 0;
const WORD = 1;
const CJK = 2;
/** Combining mark: continues a word, dropped elsewhere. */
const MARK = 3;
/** Default-ignorable: skipped without breaking a run. */
const IGNORE = 4;

export interface TextRuns {
  /** Code points of all runs, back to back. */
  cps: Int32Array;
  /** Run r covers cps[start[r] .. end[r]). */
  start: Int32Array;
  end: Int32Array;
  kind: Uint8Array;
  count: number;
}

export interface RunOptions {
  maxChars: number;
  maxWordChars: number;
  foldChinese: boolean;
}

function isIgnorable(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x200c ||
    cp === 0x200d ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const JOINING_MARK = /^[\p{Mn}\p{Mc}]$/u;

function classifySlow(cp: number): number {
  if (isIgnorable(cp)) return IGNORE;
  if (isHanOrKana(cp)) return CJK;
  if (cp >= 0xd800 && cp <= 0xdfff) return SEP;
  const ch = String.fromCodePoint(cp);
  if (LETTER_OR_DIGIT.test(ch)) return WORD;
  if (JOINING_MARK.test(ch)) return MARK;
  return SEP;
}

let bmpClass: Uint8Array | null = null;

/**
 * Classes of all BMP code points. Built with a few regex scans over one string
 * of every BMP character rather than 65,536 single tests (45 ms → a few ms of
 * every worker's start-up).
 */
function classTable(): Uint8Array {
  if (bmpClass === null) {
    const table = new Uint8Array(0x10000);
    const codes = new Uint16Array(0x10000 - 0x800);
    let n = 0;
    for (let cp = 0; cp < 0x10000; cp++) if (cp < 0xd800 || cp > 0xdfff) codes[n++] = cp;
    const all = new TextDecoder('utf-16le').decode(codes);
    const mark = (re: RegExp, cls: number): void => {
      for (const m of all.matchAll(re))
        for (let i = m.index, e = i + m[0].length; i < e; i++) table[codes[i]!] = cls;
    };
    mark(/[\p{L}\p{N}]+/gu, WORD);
    mark(/[\p{Mn}\p{Mc}]+/gu, MARK);
    for (let cp = 0; cp < 0x10000; cp++) {
      if (isIgnorable(cp)) table[cp] = IGNORE;
      else if (isHanOrKana(cp)) table[cp] = CJK;
    }
    bmpClass = table;
  }
  return bmpClass;
}

let scratch: TextRuns = {
  cps: new Int32Array(4096),
  start: new Int32Array(2048),
  end: new Int32Array(2048),
  kind: new Uint8Array(2048),
  count: 0,
};

function ensureScratch(units: number): TextRuns {
  if (scratch.cps.length < units) {
    const cap = Math.max(units, scratch.cps.length * 2);
    scratch = {
      cps: new Int32Array(cap),
      start: new Int32Array(cap),
      end: new Int32Array(cap),
      kind: new Uint8Array(cap),
      count: 0,
    };
  }
  return scratch;
}

/** The first `maxChars` UTF-16 units, never ending on half a surrogate pair. */
export function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const last = text.charCodeAt(maxChars - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? maxChars - 1 : maxChars);
}

export function normalizeForFeatures(text: string, maxChars: number): string {
  return capText(text, maxChars).normalize('NFKC').toLowerCase();
}

/**
 * Segment `text` into runs. The returned object is scratch: read it before the
 * next call on this thread.
 */
export function textRuns(text: string, options: RunOptions): TextRuns {
  const s = normalizeForFeatures(text, options.maxChars);
  const n = s.length;
  const out = ensureScratch(n + 1);
  const { cps, start, end, kind } = out;
  const classes = classTable();
  const fold = options.foldChinese ? chineseFoldTables() : null;
  const maxWord = options.maxWordChars;
  let count = 0;
  let len = 0;
  let open = SEP; // class of the run being built: SEP (none), WORD or CJK
  for (let i = 0; i < n; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    let cls = cp < 0x10000 ? classes[cp]! : classifySlow(cp);
    if (cls === IGNORE) continue;
    if (cls === MARK) cls = open === WORD ? WORD : SEP;
    if (cls !== open) {
      if (open !== SEP) {
        end[count] = len;
        kind[count] = open === WORD ? RUN_WORD : RUN_CJK;
        count++;
      }
      if (cls !== SEP) start[count] = len;
      open = cls;
    }
    if (cls === WORD) {
      if (len - start[count]! < maxWord) cps[len++] = cp;
    } else if (cls === CJK) {
      if (fold !== null) {
        cps[len++] = cp < 0x10000 ? fold.bmp[cp] || cp : (fold.astral.get(cp) ?? cp);
      } else {
        cps[len++] = cp;
      }
    }
  }
  if (open !== SEP) {
    end[count] = len;
    kind[count] = open === WORD ? RUN_WORD : RUN_CJK;
    count++;
  }
  out.count = count;
  return out;
}

/**
 * The normalised token stream the featurizer sees: each word, and each CJK
 * character, as a string (after NFKC, lower-casing and the Chinese fold).
 */
export function tokenizeForIndex(
  text: string,
  options: RunOptions = { maxChars: Number.MAX_SAFE_INTEGER, maxWordChars: 1024, foldChinese: true },
): string[] {
  const runs = textRuns(text, options);
  const tokens: string[] = [];
  for (let r = 0; r < runs.count; r++) {
    if (runs.kind[r] === RUN_WORD) {
      tokens.push(String.fromCodePoint(...runs.cps.subarray(runs.start[r], runs.end[r])));
    } else {
      for (let i = runs.start[r]!; i < runs.end[r]!; i++) tokens.push(String.fromCodePoint(runs.cps[i]!));
    }
  }
  return tokens;
}
