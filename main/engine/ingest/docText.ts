import CFB from 'cfb';
import WordExtractor from 'word-extractor';
import type { ContainerText } from './types.js';
import { docxText } from './docxText.js';
import { decodeText, isBinaryContent } from './encoding.js';
import { ExtractError } from './extractError.js';
import { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
import { declaredHtmlCharset, htmlText } from './htmlText.js';
import { oleSummaryTitle } from './oleFiles.js';
import { plainTextTitle } from './plainTextTitle.js';
import { rtfText } from './rtfText.js';
import { guessHeadings, paragraphText, type Paragraph } from './guessedHeadings.js';

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, signature: readonly number[]) =>
  signature.every((b, i) => bytes[i] === b);

/**
 * A Word 97–2003 document (.doc): its main text, then its text boxes, footnotes and
 * endnotes, through word-extractor. Comments, headers and footers are left out, as in
 * the other office formats. The binary format keeps no heading the extractor can
 * see, so headings are guessed from the paragraphs' shape (`guessHeadings`).
 * A Word 2007 file saved as .doc is read as DOCX, and an RTF file (Word's "Rich Text"),
 * a web page or a text file named .doc as what it is.
 */
export async function docText(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits = DEFAULT_INFLATE_LIMITS,
): Promise<ContainerText> {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]))
    return { ...(await docxText(bytes, file, limits)), title: null };
  if (startsWith(bytes, [0x7b, 0x5c, 0x72, 0x74, 0x66])) return rtfText(bytes, file);
  if (startsWith(bytes, OLE_SIGNATURE)) return wordBinaryText(bytes, file);
  return textNamedDoc(bytes) ?? Promise.reject(notWordFile(file));
}

/**
 * A web page or plain text named .doc: web applications export "Word" reports as HTML
 * under that name, and old projects wrote their documentation as text files named so.
 */
function textNamedDoc(bytes: Uint8Array): ContainerText | null {
  const decoded = decodeText(bytes, { declared: declaredHtmlCharset(bytes) });
  if (isBinaryContent(decoded)) return null;
  if (/^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html)/iu.test(decoded.text.slice(0, 1024))) {
    const html = htmlText(decoded.text);
    return { text: html.text, headings: html.headings, title: html.title, warnings: decoded.warnings };
  }
  const titleLine = plainTextTitle(decoded.text);
  return {
    text: decoded.text,
    headings: titleLine ? [titleLine] : [],
    title: titleLine?.text ?? null,
    warnings: decoded.warnings,
  };
}

/** The text of an OLE file holding a Word 97–2003 document; anything else fails as damaged. */
export async function wordBinaryText(bytes: Uint8Array, file: string): Promise<ContainerText> {
  let parts: string[];
  try {
    const doc = await new WordExtractor().extract(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    // The extractor folds curly quotes and long dashes to ASCII; the words are the same.
    parts = [
      doc.getBody(),
      doc.getTextboxes({ includeHeadersAndFooters: false, includeBody: true }),
      doc.getFootnotes(),
      doc.getEndnotes(),
    ];
  } catch (e) {
    throw damaged(file, e);
  }
  const paragraphs = parts.flatMap(paragraphsOf);
  const { text, headings } = paragraphText(paragraphs, guessHeadings(paragraphs));
  // An encrypted document's pieces decrypt to nothing readable; a damaged one's may too.
  if (unreadableShare(text) > 0.05) throw damaged(file, new Error('the text is not readable'));
  return { text, headings, title: documentTitle(bytes) };
}

/** The title in the file's summary properties (Word's File › Properties), when it has one. */
function documentTitle(bytes: Uint8Array): string | null {
  try {
    return oleSummaryTitle(CFB.read(bytes, { type: 'buffer' }));
  } catch {
    return null;
  }
}

/**
 * Word ends a paragraph with a line break and a table cell with a tab (the extractor's
 * reading of cell marks): consecutive rows are one block, as the other readers write tables.
 */
function paragraphsOf(part: string): Paragraph[] {
  const out: Paragraph[] = [];
  for (const raw of part.split('\n')) {
    // A note starts with a tab after its mark; a row's last cell ends with one.
    const cells = raw.split('\t').map((c) => c.replace(/[ \u00a0]+/g, ' ').trim());
    while (cells.length && !cells[cells.length - 1]) cells.pop();
    while (cells.length && !cells[0]) cells.shift();
    if (cells.length > 1) {
      const row = cells.join(' | ');
      const last = out[out.length - 1];
      if (last?.table) last.text += `\n${row}`;
      else out.push({ text: row, table: true });
      continue;
    }
    if (cells.length) out.push({ text: cells[0], table: false });
  }
  return out;
}

/** Share of characters no document shows: controls, private use, lone surrogates, U+FFFD. */
function unreadableShare(text: string): number {
  let bad = 0;
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    seen++;
    if (c < 32 || (c >= 0x7f && c < 0xa0) || (c >= 0xe000 && c < 0xf900) || c === 0xfffd) bad++;
    else if (c >= 0xd800 && c < 0xdc00) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) i++;
      else bad++;
    } else if (c >= 0xdc00 && c < 0xe000) bad++;
  }
  return seen ? bad / seen : 0;
}

function notWordFile(file: string): ExtractError {
  return new ExtractError('invalid-doc', 'not a Word 97–2003 document (not an OLE file)', file);
}

function damaged(file: string, cause: unknown): ExtractError {
  return new ExtractError(
    'invalid-doc',
    'not a valid Word 97–2003 document (damaged, or saved with a password?)',
    file,
    { cause },
  );
}
