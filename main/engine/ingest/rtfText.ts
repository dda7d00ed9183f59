import iconv from 'iconv-lite';
import type { ContainerText } from './types.js';
import { ExtractError } from './extractError.js';
import { guessHeadings, paragraphText } from './guessedHeadings.js';
import { CONTROL, GROUP_END, GROUP_START, rtfTokens, TEXT, type RtfToken } from './rtfTokens.js';

/** Where the text of a group goes. */
type Destination = 'body' | 'footnote' | 'skip' | 'fonttbl' | 'stylesheet' | 'info' | 'title';

/** Group nesting followed; Word nests a few dozen deep at most. */
const MAX_DEPTH = 1024;

interface GroupState {
  destination: Destination;
  /** Characters of ANSI fallback after each \uN. */
  uc: number;
  font: number | null;
}

/** Groups whose text is no part of what the document shows. */
// prettier-ignore
const SKIPPED = new Set([
  'colortbl', 'pict', 'shppict', 'nonshppict', 'object', 'objdata', 'objclass', 'objname', 'sp',
  'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf',
  'annotation', 'atnid', 'atnauthor', 'atndate', 'atnref', 'atrfstart', 'atrfend',
  'fldinst', 'bkmkstart', 'bkmkend', 'listtable', 'listoverridetable', 'listtext', 'pntext', 'pn',
  'pntxta', 'pntxtb', 'rsidtbl', 'generator', 'xmlnstbl', 'themedata', 'colorschememapping',
  'latentstyles', 'datastore', 'filetbl', 'revtbl', 'pgdsctbl', 'userprops', 'docvar', 'template',
  'ftnsep', 'ftnsepc', 'ftncn', 'aftnsep', 'aftnsepc', 'aftncn', 'tc', 'xe', 'txe', 'mmathPr',
  'wgrffmtfilter', 'passwordhash', 'panose', 'falt', 'fname', 'defchp', 'defpap', 'protusertbl',
]);

/** Characters written as control words. */
// prettier-ignore
const SYMBOLS: Readonly<Record<string, string>> = {
  '{': '{', '}': '}', '\\': '\\', '~': ' ', _: '-', '-': '', emdash: '—', endash: '–',
  emspace: ' ', enspace: ' ', qmspace: ' ', bullet: '•', lquote: '‘', rquote: '’',
  ldblquote: '“', rdblquote: '”', tab: ' ', zwj: '', zwnj: '', line: '\n',
};

/** Windows code pages of the font character sets (\fcharsetN). */
// prettier-ignore
const CHARSET_CODEPAGES: Readonly<Record<number, number>> = {
  0: 1252, 77: 10000, 128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253, 162: 1254,
  163: 1258, 177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250,
};

interface RtfParagraph {
  text: string;
  /** From \outlinelevel or a heading style; 0 for body text. */
  level: number;
  table: boolean;
}

/**
 * Reads an RTF document (TextEdit's default format, WordPad's, Word's "Rich Text"): its
 * paragraphs, tables (a row a line, cells joined by " | ") and footnotes (after the text),
 * in the code pages its fonts and header declare and its \u escapes. Headers, footers,
 * comments, pictures, field instructions and the document's tables of fonts, colours and
 * styles are left out. Headings come from outline levels and heading styles; a document
 * with neither (TextEdit writes none) has them guessed from the paragraphs' shape.
 */
export function rtfText(bytes: Uint8Array, file: string): Promise<ContainerText> {
  if (
    !/^\s*\{\\rtf/u.test(
      Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64)).toString('latin1'),
    )
  )
    return Promise.reject(new ExtractError('invalid-rtf', 'not a valid RTF file (no RTF header)', file));
  const walker = new RtfWalker();
  for (const token of rtfTokens(bytes)) walker.take(token);
  return Promise.resolve(walker.finish());
}

class RtfWalker {
  private readonly stack: GroupState[] = [];
  /** Groups opened beyond MAX_DEPTH and not yet closed. */
  private tooDeep = 0;
  private state: GroupState = { destination: 'body', uc: 1, font: null };
  /** The next control word may name the group's destination. */
  private groupOpened = false;
  /** After \*: an unknown destination is skipped. */
  private optional = false;
  private ansiCodepage = 1252;
  private defaultFont: number | null = null;
  private readonly fontCodepages = new Map<number, number>();
  private readonly styleLevels = new Map<number, number>();
  private style: { number: number | null; level: number; name: string } | null = null;
  /** Groups open around the style sheet's own group; a style is a group directly inside it. */
  private stylesheetDepth = -1;
  private title = '';
  /** Bytes of text waiting to be decoded together (a double-byte character spans two \'hh). */
  private pending: number[] = [];
  private pendingCodepage = 1252;
  private fallbackToSkip = 0;
  private readonly body = new ParagraphSink();
  private readonly notes = new ParagraphSink();
  private level = 0;
  private inTable = false;

  take(token: RtfToken): void {
    if (this.tooDeep > 0 && token.type !== GROUP_START && token.type !== GROUP_END) return;
    if (token.type !== TEXT && !(token.type === CONTROL && token.word === "'")) this.flush();
    switch (token.type) {
      case GROUP_START:
        // Deeper than any document nests: counted, not followed, and their text dropped, so a
        // file of braces cannot grow the stack without bound.
        if (this.stack.length >= MAX_DEPTH) {
          this.tooDeep++;
          return;
        }
        this.stack.push(this.state);
        this.state = { ...this.state };
        if (this.state.destination === 'stylesheet' && this.stack.length === this.stylesheetDepth + 1)
          this.style = { number: null, level: 0, name: '' };
        this.groupOpened = true;
        this.fallbackToSkip = 0;
        return;
      case GROUP_END:
        this.endGroup();
        return;
      case TEXT:
        this.text(token.data!);
        this.groupOpened = false;
        return;
      case CONTROL:
        this.control(token.word!, token.param, token.data);
    }
  }

  finish(): ContainerText {
    this.flush();
    this.body.end(false);
    this.notes.end(false);
    const paragraphs = [...this.body.paragraphs, ...this.notes.paragraphs];
    const styled = paragraphs.some((p) => p.level > 0);
    const levels = styled ? paragraphs.map((p) => p.level) : guessHeadings(paragraphs);
    return {
      ...paragraphText(paragraphs, levels),
      title: this.title.replace(/\s+/gu, ' ').trim() || null,
    };
  }

  private endGroup(): void {
    if (this.tooDeep > 0) {
      this.tooDeep--;
      return;
    }
    const style = this.style;
    if (this.state.destination === 'stylesheet' && this.stack.length === this.stylesheetDepth + 1 && style) {
      const heading = /^heading\s*(\d)/iu.exec(style.name.trim());
      const level = style.level || (heading ? Number(heading[1]) : 0);
      if (level && style.number !== null) this.styleLevels.set(style.number, level);
      this.style = null;
    }
    this.state = this.stack.pop() ?? { destination: 'body', uc: 1, font: null };
    this.groupOpened = false;
    this.optional = false;
    this.fallbackToSkip = 0;
  }

  private control(word: string, param: number | undefined, data: Uint8Array | undefined): void {
    const opened = this.groupOpened;
    this.groupOpened = false;
    if (word === '*') {
      this.optional = opened;
      this.groupOpened = opened;
      return;
    }
    const optional = this.optional;
    this.optional = false;
    const here = this.state.destination;
    if (opened && here !== 'skip' && this.destination(word, optional)) return;
    if (here === 'skip') return;
    if (here === 'fonttbl') return this.fontControl(word, param);
    if (here === 'stylesheet') return this.styleControl(word, param);
    if (word === "'") {
      if (this.fallbackToSkip > 0) this.fallbackToSkip--;
      else if (data) this.bytes(data);
      return;
    }
    if (word === 'u' && param !== undefined) {
      this.write(String.fromCharCode(param < 0 ? param + 65536 : param));
      this.fallbackToSkip = this.state.uc;
      return;
    }
    switch (word) {
      case 'uc':
        this.state.uc = param ?? 1;
        return;
      case 'ansicpg':
        if (param) this.ansiCodepage = param;
        return;
      case 'deff':
        this.defaultFont = param ?? null;
        return;
      case 'f':
        this.state.font = param ?? null;
        return;
      case 'pard':
        this.level = 0;
        this.inTable = false;
        return;
      case 'intbl':
        this.inTable = true;
        return;
      case 's':
        this.level = this.styleLevels.get(param ?? 0) ?? 0;
        return;
      case 'outlinelevel':
        this.level = param !== undefined && param < 9 ? param + 1 : 0;
        return;
      case 'par':
      case 'sect':
      case 'page':
      case '\n':
      case '\r':
        this.sink()?.end(this.inTable, this.level);
        return;
      case 'cell':
      case 'nestcell':
        this.sink()?.endCell();
        return;
      case 'row':
      case 'nestrow':
        this.sink()?.endRow();
        return;
    }
    const symbol = SYMBOLS[word];
    if (symbol !== undefined) this.write(symbol);
  }

  /** Whether `word`, opening a group, made it a destination of its own. */
  private destination(word: string, optional: boolean): boolean {
    const here = this.state.destination;
    let next: Destination | null = null;
    if (word === 'fonttbl') next = 'fonttbl';
    else if (word === 'stylesheet') {
      next = 'stylesheet';
      this.stylesheetDepth = this.stack.length;
      this.style = null;
    } else if (word === 'info') next = 'info';
    else if (word === 'title' && here === 'info') next = 'title';
    else if (word === 'footnote' && here === 'body') next = 'footnote';
    else if (word === 'fldrslt' || word === 'shptxt' || word === 'shpinst' || word === 'shp') next = null;
    else if (SKIPPED.has(word) || optional || here === 'info') next = 'skip';
    if (next === null) return false;
    this.state.destination = next;
    return true;
  }

  private fontControl(word: string, param: number | undefined): void {
    if (word === 'f' && param !== undefined) this.state.font = param;
    else if ((word === 'fcharset' || word === 'cpg') && this.state.font !== null && param !== undefined) {
      const codepage = word === 'cpg' ? param : CHARSET_CODEPAGES[param];
      if (codepage) this.fontCodepages.set(this.state.font, codepage);
    }
  }

  private styleControl(word: string, param: number | undefined): void {
    if (!this.style) return;
    if (word === 's') this.style.number = param ?? 0;
    else if (word === 'outlinelevel' && param !== undefined && param < 9) this.style.level = param + 1;
  }

  private text(data: Uint8Array): void {
    let from = 0;
    while (this.fallbackToSkip > 0 && from < data.length) {
      from++;
      this.fallbackToSkip--;
    }
    // Most runs are ASCII: written as they are, without a decoder.
    let ascii = this.pending.length === 0;
    for (let i = from; ascii && i < data.length; i++) if (data[i] >= 0x80) ascii = false;
    if (ascii) {
      this.write(
        Buffer.from(data.buffer, data.byteOffset + from, data.length - from)
          .toString('latin1')
          .replace(/[\r\n]/gu, ''),
      );
      return;
    }
    for (let i = from; i < data.length; i++) {
      const b = data[i];
      if (b !== 10 && b !== 13) this.bytes1(b);
    }
  }

  private bytes(data: Uint8Array): void {
    for (const b of data) this.bytes1(b);
  }

  private bytes1(b: number): void {
    const codepage = this.codepage();
    if (this.pending.length && codepage !== this.pendingCodepage) this.flush();
    this.pendingCodepage = codepage;
    this.pending.push(b);
  }

  private codepage(): number {
    const font = this.state.font ?? this.defaultFont;
    return (font !== null ? this.fontCodepages.get(font) : undefined) ?? this.ansiCodepage;
  }

  private flush(): void {
    if (!this.pending.length) return;
    const name = this.pendingCodepage === 10000 ? 'macintosh' : `cp${this.pendingCodepage}`;
    const bytes = Buffer.from(this.pending);
    this.pending = [];
    this.write(iconv.decode(bytes, iconv.encodingExists(name) ? name : 'cp1252'));
  }

  private write(text: string): void {
    switch (this.state.destination) {
      case 'title':
        this.title += text;
        return;
      case 'stylesheet':
        if (this.style) this.style.name += text;
        return;
      default:
        this.sink()?.write(text);
    }
  }

  private sink(): ParagraphSink | null {
    const d = this.state.destination;
    return d === 'body' ? this.body : d === 'footnote' ? this.notes : null;
  }
}

/** Paragraphs and tables as they are written. */
class ParagraphSink {
  readonly paragraphs: RtfParagraph[] = [];
  private current = '';
  private cells: string[] = [];
  private rows: string[] = [];

  write(text: string): void {
    this.current += text;
  }

  /** The end of a paragraph; in a table cell, one of the cell's lines. */
  end(inTable: boolean, level = 0): void {
    if (inTable) {
      this.current += ' ';
      return;
    }
    this.endTable();
    const text = clean(this.current);
    this.current = '';
    if (text) this.paragraphs.push({ text, level, table: false });
  }

  endCell(): void {
    this.cells.push(clean(this.current).replace(/\n/gu, ' '));
    this.current = '';
  }

  endRow(): void {
    if (clean(this.current)) this.endCell();
    this.current = '';
    while (this.cells.length && !this.cells[this.cells.length - 1]) this.cells.pop();
    if (this.cells.length) this.rows.push(this.cells.join(' | '));
    this.cells = [];
  }

  private endTable(): void {
    if (this.cells.length) this.endRow();
    if (this.rows.length) this.paragraphs.push({ text: this.rows.join('\n'), level: 0, table: true });
    this.rows = [];
  }
}

/** Control characters dropped, runs of spaces made one, lines trimmed, and a list item's bullet left out (other readers write none). */
function clean(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/gu, '')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/gu, ' ').trim())
    .join('\n')
    .replace(/^\n+|\n+$/gu, '')
    .replace(/^[•·▪◦‣]\s*/u, '');
}
