import { isTableOfContents, passageShape } from './passageKind.js';

/** The part of a result that hygiene reads. */
export interface HygieneItem {
  text: string;
  path: string;
  folderId: number;
}

/**
 * Tables of contents, indexes and navigation lists repeat every heading, so they
 * match a question's words without answering it: they go after every passage
 * that is not one (stable otherwise).
 */
export function demoteTablesOfContents<T extends HygieneItem>(items: readonly T[]): T[] {
  const toc = items.map((r) => isTableOfContents(passageShape(r.text)));
  return [...items.filter((_, i) => !toc[i]), ...items.filter((_, i) => toc[i])];
}

const SHINGLE = 8;
/** Share of shared shingles from which two passages are the same text. */
export const DUPLICATE_JACCARD = 0.8;

/**
 * Character shingles of a passage with whitespace and section numbers ("6.3.9.")
 * dropped, as 32-bit hashes of each SHINGLE-character window (a rolling
 * polynomial hash: no string per window).
 */
function shingles(text: string): Set<number> {
  const t = text
    .toLowerCase()
    .replace(/(^|\n)\s*(?:\d+\.)+\d*\s*/gu, '$1')
    .replace(/\s+/gu, '');
  const out = new Set<number>();
  const B = 31;
  let top = 1; // B^(SHINGLE-1)
  for (let i = 1; i < SHINGLE; i++) top = Math.imul(top, B);
  let h = 0;
  for (let i = 0; i < t.length; i++) {
    if (i >= SHINGLE) h = (h - Math.imul(t.charCodeAt(i - SHINGLE), top)) | 0;
    h = (Math.imul(h, B) + t.charCodeAt(i)) | 0;
    if (i >= SHINGLE - 1) out.add(h);
  }
  if (!out.size && t) out.add(h);
  return out;
}

/**
 * Whether two shingle sets have a Jaccard similarity of at least
 * DUPLICATE_JACCARD. J = s / (|a| + |b| − s) ≥ t needs s ≥ t(|a| + |b|) / (1 + t)
 * shared shingles, so once more of the smaller set's shingles are missing from
 * the larger than it can spare, the answer is no: unrelated passages (nearly
 * every pair among the ~100 ranked) stop after a tenth of the look-ups.
 */
export function nearDuplicate(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (!a.size || !b.size) return false;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  // Jaccard is at most |small| / |large|: most pairs stop here.
  if (small.size < large.size * DUPLICATE_JACCARD) return false;
  // One more miss than the bound allows before giving up, so rounding never
  // stops a pair early; a pair read to the end is judged by the ratio itself.
  const spare = small.size - (DUPLICATE_JACCARD * (a.size + b.size)) / (1 + DUPLICATE_JACCARD) + 1;
  let missing = 0;
  for (const s of small) if (!large.has(s) && ++missing > spare) return false;
  const shared = small.size - missing;
  return shared / (a.size + b.size - shared) >= DUPLICATE_JACCARD;
}

/**
 * The same text in two files (an HTML and a PDF edition, two versions of a
 * manual) would fill several places of the answer: the first keeps its place and
 * lists the others as `alsoIn`; they leave the list.
 */
export function collapseDuplicates<T extends HygieneItem>(items: readonly T[]): (T & { alsoIn: T[] })[] {
  const kept: { item: T & { alsoIn: T[] }; shingles: Set<number> }[] = [];
  for (const item of items) {
    const sh = shingles(item.text);
    const same = kept.find(
      (k) =>
        (k.item.path !== item.path || k.item.folderId !== item.folderId) && nearDuplicate(k.shingles, sh),
    );
    if (same) same.item.alsoIn.push(item);
    else kept.push({ item: { ...item, alsoIn: [] }, shingles: sh });
  }
  return kept.map((k) => k.item);
}
