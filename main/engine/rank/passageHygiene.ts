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
 * Character shingles of a passage's letters and digits, section numbers ("6.3.9.")
 * dropped, as 32-bit hashes of each SHINGLE-character window (a rolling
 * polynomial hash: no string per window). Spaces, punctuation and markup are left
 * out, so the same text as Markdown, HTML, a PDF or an office file (`# `, `|`
 * between table cells, backticks, quotes written otherwise) is the same text.
 */
export function shingles(text: string): Set<number> {
  const t = text
    .toLowerCase()
    .replace(/(^|\n)\s*(?:\d+\.)+\d*\s*/gu, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, '');
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

/** Whether two passages come from different files (copies count only across files). */
export function otherFile(a: HygieneItem, b: HygieneItem): boolean {
  return a.path !== b.path || a.folderId !== b.folderId;
}

/**
 * Whether two texts are close enough in length to be near-duplicates: Jaccard
 * 0.8 needs shingle sets within 0.8 of each other's size, and whitespace and
 * section numbers (not shingled) are allowed for generously. Checked before
 * shingling a passage that is only a candidate copy.
 */
export function comparableLength(a: string, b: string): boolean {
  return Math.min(a.length, b.length) >= 0.5 * Math.max(a.length, b.length);
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
 * manual) would fill several places of the answer: the group shows one copy, at
 * the place of its best-ranked member, and lists the others as `alsoIn`; they
 * leave the list. The copy shown is the first one `atHome` accepts (a passage in
 * a document of its own language: an English paragraph left untranslated in a
 * Chinese manual is shown from the English edition, with the Chinese manual
 * under "also in"), else the best-ranked. A group with no copy at home looks for
 * one among `reserve()` (the candidates ranked past the list, read only then:
 * the English edition's copy of a paragraph may rank far below the Chinese
 * manual's; shingled only when their lengths could match). `place` is the
 * member whose rank the group took.
 */
export function collapseDuplicates<T extends HygieneItem>(
  items: readonly T[],
  atHome: (item: T) => boolean = () => true,
  reserve: () => readonly T[] = () => [],
): (T & { alsoIn: T[]; place: T })[] {
  const groups: { members: T[]; home: T | null; shingles: Set<number> }[] = [];
  for (const item of items) {
    const sh = shingles(item.text);
    const same = groups.find(
      (g) => g.members.every((m) => otherFile(m, item)) && nearDuplicate(g.shingles, sh),
    );
    if (same) {
      same.members.push(item);
      if (!same.home && atHome(item)) same.home = item;
    } else groups.push({ members: [item], home: atHome(item) ? item : null, shingles: sh });
  }
  // Only groups away from home read the reserve (rare: mixed-language documents), once.
  let homes: { item: T; shingles: Set<number> | null }[] | null = null;
  for (const g of groups) {
    if (g.home) continue;
    homes ??= reserve()
      .filter((r) => atHome(r))
      .map((item) => ({ item, shingles: null }));
    const text = g.members[0].text;
    const found = homes.find(
      (h) =>
        g.members.every((m) => otherFile(m, h.item)) &&
        comparableLength(text, h.item.text) &&
        nearDuplicate(g.shingles, (h.shingles ??= shingles(h.item.text))),
    );
    if (found) {
      g.members.push(found.item);
      g.home = found.item;
      homes.splice(homes.indexOf(found), 1);
    }
  }
  return groups.map(({ members, home }) => {
    const shown = home ?? members[0];
    return { ...shown, alsoIn: members.filter((m) => m !== shown), place: members[0] };
  });
}
