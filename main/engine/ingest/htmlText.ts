import { Parser } from 'htmlparser2';
import type { Heading } from './types.js';

export interface HtmlText {
  /** Visible text: blocks separated by a blank line, <br>/<li>/<tr> by a line break, runs of spaces collapsed. */
  text: string;
  headings: Heading[];
  /** The <title> element's text, if any. */
  title: string | null;
}

// Elements whose content is never shown as text.
const HIDDEN = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'head',
  'select',
  'button',
]);
// Elements that end a paragraph (a blank line in the text).
const BLOCK = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'table',
  'ul',
  'ol',
  'dl',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'nav',
  'aside',
  'figure',
  'figcaption',
  'address',
  'hr',
  'form',
  'fieldset',
  'details',
  'summary',
  'caption',
  'body',
  'html',
  'center',
]);
// Elements that end a line.
const LINE = new Set(['br', 'li', 'tr', 'dt', 'dd', 'option', 'legend']);
const CELL = new Set(['td', 'th']);
const HEADING = /^h([1-6])$/;
// What a permalink beside a heading or a definition shows: Sphinx's and MkDocs' ¶, Node's #,
// rustdoc's §, an icon (no text at all). It links to the place itself; it is not its words.
const PERMALINK_MARK = /^[#¶§🔗⚓]?$/u;
// Elements inside a link that keep it a run of words.
const INLINE_IN_LINK = new Set([
  'span',
  'code',
  'em',
  'strong',
  'b',
  'i',
  'small',
  'sup',
  'sub',
  'kbd',
  'var',
  'abbr',
]);

/**
 * Visible text of an HTML document with its headings' positions in that text.
 * htmlparser2 tolerates broken markup and decodes entities; we only decide
 * layout: which elements break paragraphs or lines and where spaces collapse.
 */
export function htmlText(html: string, options: { cellsInline?: boolean } = {}): HtmlText {
  let out = '';
  // Breaks and spaces are held back until the next visible text, so the
  // result never starts or ends with them and runs of them collapse.
  let pendingBreak = 0;
  let pendingSpace = false;
  let hiddenDepth = 0;
  let preDepth = 0;
  // With `cellsInline`, paragraphs and line breaks inside a table cell are a space: Word's
  // tables (through mammoth) hold every cell's text in a <p>, and a row must stay one line.
  // Not for HTML in general, whose pages are often laid out in tables.
  let cellDepth = 0;
  // A cell after a cell of the same row that wrote text starts with " | ", as the other
  // readers write a table's row: "Apple | February | 150 kg", not "Apple February 150 kg".
  let rowHasText = false;
  let pendingCell = false;
  const inlineInCell = (name: string) =>
    options.cellsInline === true && cellDepth > 0 && (BLOCK.has(name) || LINE.has(name));
  let titleText: string | null = null;
  let inTitle = false;
  const headings: Heading[] = [];
  // A heading's words are kept as they are written, not sliced from `out` at its end: slicing
  // the growing text makes V8 copy all of it into one flat string, and a heading with no
  // space to collapse or trim stays a slice of that copy, keeping it alive. Over the ~3,000
  // headings of Node's all.html (8 MB) that was more than 4 GB, and time grew as its square.
  let openHeading: { level: number; start: number; words: string[] } | null = null;

  // The text of an in-page link (`href="#…"`), held back until the link closes: written then,
  // unless it is only a permalink's mark.
  let inPageLink: string | null = null;
  const endInPageLink = () => {
    const text = inPageLink;
    inPageLink = null;
    if (text !== null && !PERMALINK_MARK.test(text.trim())) write(text);
  };

  const requestBreak = (n: number) => {
    pendingBreak = Math.max(pendingBreak, n);
    pendingSpace = false;
    pendingCell = false;
  };

  const write = (raw: string) => {
    let data = raw;
    if (preDepth === 0) {
      data = raw.replace(/[\s\u00a0]+/g, ' ');
      if (data.startsWith(' ')) {
        pendingSpace = true;
        data = data.slice(1);
      }
      if (data === '') return;
    }
    const separator =
      out.length > 0 && pendingBreak > 0
        ? '\n'.repeat(pendingBreak)
        : out.length > 0 && pendingCell
          ? ' | '
          : out.length > 0 && pendingSpace
            ? ' '
            : '';
    out += separator;
    pendingBreak = 0;
    pendingSpace = false;
    pendingCell = false;
    if (cellDepth > 0) rowHasText = true;
    if (preDepth === 0 && data.endsWith(' ')) {
      data = data.slice(0, -1);
      pendingSpace = true;
    }
    if (openHeading) {
      if (openHeading.start < 0) openHeading.start = out.length;
      else openHeading.words.push(separator);
      openHeading.words.push(data);
    }
    out += data;
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title' && hiddenDepth <= 1) inTitle = true;
        if (HIDDEN.has(name)) {
          hiddenDepth++;
          return;
        }
        if (hiddenDepth > 0) return;
        // A link that holds more than inline words (a block, a line break, an image) is no
        // permalink: what it held so far is written, and the rest as it comes.
        if (inPageLink !== null && !INLINE_IN_LINK.has(name)) endInPageLink();
        if (name === 'a' && attributes.href?.startsWith('#')) inPageLink = '';
        if (name === 'tr') rowHasText = false;
        if (CELL.has(name)) {
          cellDepth++;
          if (rowHasText) pendingCell = true;
        }
        if (CELL.has(name) || inlineInCell(name)) pendingSpace = true;
        else if (BLOCK.has(name)) requestBreak(2);
        else if (LINE.has(name)) requestBreak(1);
        if (name === 'pre') preDepth++;
        const h = HEADING.exec(name);
        if (h && !openHeading) openHeading = { level: Number(h[1]), start: -1, words: [] };
      },
      ontext(data) {
        if (inTitle) titleText = (titleText ?? '') + data;
        else if (hiddenDepth > 0) return;
        else if (inPageLink !== null) inPageLink += data;
        else write(data);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (HIDDEN.has(name)) {
          hiddenDepth = Math.max(0, hiddenDepth - 1);
          return;
        }
        if (hiddenDepth > 0) return;
        if (inPageLink !== null && (name === 'a' || !INLINE_IN_LINK.has(name))) endInPageLink();
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        const h = HEADING.exec(name);
        if (h && openHeading && openHeading.level === Number(h[1])) {
          if (openHeading.start >= 0 && out.length > openHeading.start) {
            const words = openHeading.words.join('').replace(/\s+/g, ' ').trim();
            if (words)
              headings.push({
                level: openHeading.level,
                text: words,
                start: openHeading.start,
                end: out.length,
              });
          }
          openHeading = null;
        }
        if (CELL.has(name)) {
          cellDepth = Math.max(0, cellDepth - 1);
          pendingSpace = true;
        } else if (inlineInCell(name)) pendingSpace = true;
        else if (BLOCK.has(name)) requestBreak(2);
        else if (LINE.has(name) && name !== 'br') requestBreak(1);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  endInPageLink();
  const title = (titleText as string | null)?.replace(/\s+/g, ' ').trim() || null;
  return { text: out, headings, title };
}

/** The charset an HTML file declares in its first bytes (`<meta charset>` or http-equiv), if any. */
export function declaredHtmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString(
    'latin1',
  );
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)/i.exec(head);
  return m ? m[1] : null;
}
