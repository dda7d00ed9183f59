import { from, to } from 'opencc-js/preset/t2cn';

/**
 * Traditional → Simplified folding, one character at a time, from opencc-js's
 * own dictionaries: Taiwan and Hong Kong variant tables (TWVariantsRev,
 * HKVariantsRev: regional form → OpenCC standard form) followed by
 * TSCharacters (standard Traditional → Simplified), iterated to a fixed point.
 *
 * Why characters and not opencc-js's phrase converter: the fold only has to
 * send both spellings of a text to the same features (questions and passages
 * go through the same projection), and the phrase converter costs 175–385 µs
 * per 1,000 characters here — several times the whole featurizer budget — and
 * 2.6 s on 10 MB. Measured on cmrc2018-dev (341k Han characters converted to
 * Traditional with opencc-js `cn→tw`, `cn→hk` and `cn→t`), the character fold
 * maps 99.98% of positions back to the same character as the Simplified
 * original; the rest are one-to-many choices such as 借/藉, 复/覆, 了/瞭.
 * The fold is a projection for matching, not a display conversion (e.g. 么
 * and 麼 both become 幺).
 */
let bmpTable: Uint32Array | null = null;
let astralTable: Map<number, number> | null = null;

function parseDict(dict: unknown): Map<number, number> {
  const map = new Map<number, number>();
  if (typeof dict !== 'string') return map;
  for (const entry of dict.split('|')) {
    const space = entry.indexOf(' ');
    if (space <= 0) continue;
    const source = entry.slice(0, space);
    const target = entry.slice(space + 1);
    const s = source.codePointAt(0)!;
    const t = target.codePointAt(0)!;
    // Character tables only: skip anything that is not one code point each side.
    if (String.fromCodePoint(s) !== source || String.fromCodePoint(t) !== target) continue;
    map.set(s, t);
  }
  return map;
}

/** The character dictionary of a one-group chain such as `[[phrases, characters]]`. */
function characterDict(chain: readonly (readonly unknown[])[] | undefined): Map<number, number> {
  const group = chain?.[0] ?? [];
  return parseDict(group[group.length - 1]);
}

function buildTables(): void {
  const ts = characterDict(to.cn);
  const variants = [characterDict(from.tw), characterDict(from.hk)];
  const step = (c: number): number => {
    for (const v of variants) {
      const r = v.get(c);
      if (r !== undefined) return ts.get(r) ?? r;
    }
    return ts.get(c) ?? c;
  };
  const sources = new Set<number>([...ts.keys(), ...variants.flatMap((v) => [...v.keys()])]);
  bmpTable = new Uint32Array(0x10000);
  astralTable = new Map();
  for (const c of sources) {
    let x = c;
    for (let i = 0; i < 8; i++) {
      const y = step(x);
      if (y === x) break;
      x = y;
    }
    if (x === c) continue;
    if (c < 0x10000) bmpTable[c] = x;
    else astralTable.set(c, x);
  }
}

export interface FoldTables {
  /** BMP source → target code point; 0 where the character does not fold. */
  bmp: Uint32Array;
  /** Sources outside the BMP. */
  astral: Map<number, number>;
}

/** The fold as lookup tables, for hot loops that inline the lookup. */
export function chineseFoldTables(): FoldTables {
  if (bmpTable === null) buildTables();
  return { bmp: bmpTable!, astral: astralTable! };
}

/** The folded code point of a Han character (itself when the tables have no entry). */
export function foldChinese(cp: number): number {
  const { bmp, astral } = chineseFoldTables();
  if (cp < 0x10000) return bmp[cp] || cp;
  return astral.get(cp) ?? cp;
}
