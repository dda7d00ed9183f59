/**
 * What the index sees for one chunk: the document title and heading path, then
 * the chunk text. Both FTS5 and the answer tower get this text (the title
 * prepended to paragraph chunks is what the BM25 baseline was measured with:
 * main/engine/eval/README.md). A title or heading the chunk already starts with
 * is not repeated.
 */
export function passageText(title: string, headingPath: readonly string[], text: string): string {
  const head = text.slice(0, 200);
  const context: string[] = [];
  for (const part of [title, ...headingPath]) {
    const p = part.trim();
    if (p && !context.includes(p) && !head.includes(p)) context.push(p);
  }
  return context.length ? `${context.join(' › ')}\n${text}` : text;
}

/** A chunk as the library stores it: its document's title, its heading path as JSON, its text. */
export interface StoredChunkText {
  title: string | null;
  heading_path: string;
  text: string;
}

/** `passageText` of a stored chunk: what was indexed and embedded for it. */
export function storedPassageText(c: StoredChunkText): string {
  return passageText(c.title ?? '', JSON.parse(c.heading_path) as string[], c.text);
}
