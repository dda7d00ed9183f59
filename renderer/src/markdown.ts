/**
 * A tiny Markdown subset for text that packs and catalogues ship (attribution
 * lines): paragraphs, `-`/`*`/`1.` lists, `code`, **strong**, *emphasis*,
 * [links](https://…) and bare http(s) addresses. It returns a tree that the
 * renderer turns into React elements: no HTML string is ever built or
 * injected, and a link is a link only when its address is http(s).
 */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  { type: 'paragraph'; children: Inline[] } | { type: 'list'; ordered: boolean; items: Inline[][] };

const LIST_ITEM = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const endParagraph = (): void => {
    if (paragraph.length) blocks.push({ type: 'paragraph', children: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  for (const line of source.split(/\r?\n/)) {
    const item = LIST_ITEM.exec(line);
    if (item) {
      endParagraph();
      const ordered = item[2] !== undefined;
      const last = blocks.at(-1);
      const content = parseInline(item[3]!);
      if (last?.type === 'list' && last.ordered === ordered) last.items.push(content);
      else blocks.push({ type: 'list', ordered, items: [content] });
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  return blocks;
}

// One alternative per inline form, tried left to right.
const INLINE =
  /`([^`]+)`|\[([^\]]+)\]\(([^()\s]+)\)|(https?:\/\/[^\s<>()`]*[^\s<>()`.,;:!?'"])|\*\*(.+?)\*\*|\*([^*\s](?:[^*]*[^*\s])?)\*|(?<![\p{L}\p{N}_])_([^_\s](?:[^_]*[^_\s])?)_(?![\p{L}\p{N}_])/gu;

export function isSafeHref(href: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(href);
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pushText = (t: string): void => {
    if (!t) return;
    const last = out.at(-1);
    if (last?.type === 'text') last.text += t;
    else out.push({ type: 'text', text: t });
  };
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    pushText(text.slice(at, m.index));
    at = m.index + m[0].length;
    const [, code, label, href, bare, strong, em1, em2] = m;
    if (code !== undefined) out.push({ type: 'code', text: code });
    else if (label !== undefined) {
      // A link to anything but http(s) (javascript:, file:, data:) stays its plain text.
      if (isSafeHref(href!)) out.push({ type: 'link', href: href!, children: parseInline(label) });
      else out.push(...parseInline(label));
    } else if (bare !== undefined)
      out.push({ type: 'link', href: bare, children: [{ type: 'text', text: bare }] });
    else if (strong !== undefined) out.push({ type: 'strong', children: parseInline(strong) });
    else out.push({ type: 'em', children: parseInline((em1 ?? em2)!) });
  }
  pushText(text.slice(at));
  return out;
}
