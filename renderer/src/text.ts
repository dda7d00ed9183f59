import type { TextRange } from '../../main/api/contract.js';

export interface Segment {
  text: string;
  marked: boolean;
}

/** Splits `text` into runs inside/outside the ranges (clamped, sorted, overlaps merged). */
export function splitByRanges(text: string, ranges: readonly TextRange[], offset = 0): Segment[] {
  const clamped = ranges
    .map((r) => ({ start: Math.max(0, r.start - offset), end: Math.min(text.length, r.end - offset) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const segments: Segment[] = [];
  let at = 0;
  for (const r of clamped) {
    const start = Math.max(r.start, at);
    if (r.end <= start) continue;
    if (start > at) segments.push({ text: text.slice(at, start), marked: false });
    segments.push({ text: text.slice(start, r.end), marked: true });
    at = r.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), marked: false });
  return segments;
}

// Bidirectional embeddings, overrides and isolates: in a file name they make the page show
// the name in another order than it is ("invoice\u202Efdp.exe" shown as "invoiceexe.pdf").
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/gu;

/** A file or folder name as it is: bidirectional controls shown as `\u202e` escapes, as the CLI does. */
export function shownName(name: string): string {
  return name.replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The file name of a '/'-separated relative path. */
export function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}
