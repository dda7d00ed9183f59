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
