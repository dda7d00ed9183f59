import path from 'node:path';
import type { Db } from '../store/database.js';
import { UserError } from '../errors.js';
import type { PassagePreview, TextRange } from './types.js';

interface Row {
  id: number;
  ord: number;
  start: number;
  end: number;
  text: string;
  heading_path: string;
  page: number | null;
  line: number;
}

/** Neighbouring chunks read on each side to build the context. */
const NEIGHBOURS = 3;

/**
 * A passage with the text around it, rebuilt from the neighbouring chunks (the
 * library stores chunks, not whole documents). Gaps between chunks are
 * whitespace the chunker trimmed: shown as a blank line. Highlights (from the
 * question that found the passage, when known) are offsets into `context`,
 * like `passage`.
 */
export function passagePreview(
  db: Db,
  chunkId: number,
  contextChars: number,
  highlights: TextRange[],
): PassagePreview {
  const chunk = db
    .prepare(
      `SELECT c.id, c.document_id, c.ord, c.start, c.end, c.text, c.heading_path, c.page, c.line,
              d.rel_path, d.title, f.path AS folder
       FROM chunks c JOIN documents d ON d.id = c.document_id JOIN folders f ON f.id = d.folder_id WHERE c.id = ?`,
    )
    .get(chunkId) as
    (Row & { document_id: number; rel_path: string; title: string | null; folder: string }) | undefined;
  if (!chunk) throw new UserError(`no passage with id ${chunkId} in this library`, String(chunkId));
  const around = db
    .prepare(
      'SELECT id, ord, start, end, text FROM chunks WHERE document_id = ? AND ord BETWEEN ? AND ? ORDER BY ord',
    )
    .all(chunk.document_id, chunk.ord - NEIGHBOURS, chunk.ord + NEIGHBOURS) as Row[];
  let context = '';
  let prevEnd = -1;
  let passage: TextRange = { start: 0, end: 0 };
  for (const r of around) {
    let text = r.text;
    if (prevEnd >= 0) {
      if (r.start >= prevEnd) context += r.start > prevEnd ? '\n\n' : '';
      else text = text.slice(Math.min(prevEnd - r.start, text.length)); // overlapping chunks
    }
    if (r.id === chunk.id) passage = { start: context.length, end: context.length + r.text.length };
    context += r.id === chunk.id ? r.text : text;
    prevEnd = r.end;
  }
  // Keep at most `contextChars` on each side of the passage.
  const from = Math.max(0, passage.start - contextChars);
  const to = Math.min(context.length, passage.end + contextChars);
  context = context.slice(from, to);
  const shift = (t: TextRange): TextRange => ({ start: t.start - from, end: t.end - from });
  passage = shift(passage);
  return {
    path: chunk.rel_path,
    absPath: path.join(chunk.folder, ...chunk.rel_path.split('/')),
    title: chunk.title ?? '',
    context,
    passage,
    highlights: highlights.map((h) => ({ start: passage.start + h.start, end: passage.start + h.end })),
    line: chunk.line,
    page: chunk.page,
    headingPath: JSON.parse(chunk.heading_path) as string[],
  };
}
