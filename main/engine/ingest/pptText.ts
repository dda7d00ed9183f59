import type CFB from 'cfb';
import type { ContainerText } from './types.js';
import { ExtractError } from './extractError.js';
import { oleStream, oleSummaryTitle, readOleFile } from './oleFiles.js';
import { SectionedText } from './sectionedText.js';

// Record types of the "PowerPoint Document" stream ([MS-PPT] 2.13.24).
const DOCUMENT = 0x03e8;
const SLIDE = 0x03ee;
const NOTES = 0x03f0;
const NOTES_ATOM = 0x03f1;
const SLIDE_PERSIST_ATOM = 0x03f3;
const SLIDE_LIST_WITH_TEXT = 0x0ff0;
const USER_EDIT_ATOM = 0x0ff5;
const PERSIST_DIRECTORY_ATOM = 0x1772;
const TEXT_HEADER_ATOM = 0x0f9f;
const TEXT_CHARS_ATOM = 0x0fa0;
const TEXT_BYTES_ATOM = 0x0fa8;
/** CurrentUserAtom's header token when the document is encrypted. */
const ENCRYPTED_TOKEN = 0xf3d1c4df;
// Text types (TextHeaderAtom): title, centred title, notes.
const TITLE_TYPES = new Set([0, 6]);
/** A text box holding a number alone: the slide's (or notes page's) number. */
const SLIDE_NUMBER = /^\d{1,4}$/u;
/** One line, short, no sentence's end. */
const UNTYPED_TITLE = /^[^\n]{1,80}(?<![.!?:;。！？：；])$/u;
/** Edits followed back from the current one: a file saved quickly appends an edit each time. */
const MAX_EDITS = 4096;

interface RecordHeader {
  type: number;
  instance: number;
  container: boolean;
  /** Offset of the record's data. */
  data: number;
  end: number;
}

interface SlideText {
  type: number;
  text: string;
}

/**
 * A PowerPoint 97–2003 deck (.ppt): each slide's text in the presentation's order, its
 * title as a heading, its other text and then its speaker notes, each slide a page, as
 * for PPTX. The stream is read as PowerPoint reads it: the current edit's persist
 * directory (and those of earlier edits) locates the document and each slide, so text a
 * quick save left behind in an older copy of a slide is not read.
 */
export function pptText(bytes: Uint8Array, file: string): Promise<ContainerText> {
  return readOleFile(bytes, file, (container) => readDeck(container, file), damaged);
}

function readDeck(container: CFB.CFB$Container, file: string): ContainerText {
  const stream = (name: string) => oleStream(container, name);
  const doc = stream('PowerPoint Document');
  const currentUser = stream('Current User');
  if (!doc || !currentUser)
    throw new ExtractError('invalid-ppt', 'not a PowerPoint 97–2003 presentation (no slides stream)', file);
  if (currentUser.length >= 20 && currentUser.readUInt32LE(12) === ENCRYPTED_TOKEN) throw encrypted(file);
  if (stream('EncryptedSummary')) throw encrypted(file);

  const { persist, documentRef } = persistDirectory(doc, currentUser.readUInt32LE(16));
  const documentAt = persist.get(documentRef);
  const document = documentAt !== undefined ? header(doc, documentAt) : null;
  if (!document || document.type !== DOCUMENT) throw damaged(file, new Error('no document record'));

  const notesOf = notesBySlide(doc, document, persist);
  const out = new SectionedText();
  let number = 0;
  // Each slide once, whatever the list repeats (its text would multiply without bound).
  const seen = new Set<number>();
  for (const { persistRef, slideId, texts } of slideList(doc, document, 0)) {
    number++;
    if (seen.has(persistRef)) continue;
    seen.add(persistRef);
    const at = persist.get(persistRef);
    const slide = at !== undefined ? header(doc, at) : null;
    const own = slide?.type === SLIDE ? textsIn(doc, slide) : [];
    const listed = new Set(texts.map((t) => t.text));
    const all = [...texts, ...own.filter((t) => !listed.has(t.text))].filter(
      (t) => !SLIDE_NUMBER.test(t.text),
    );
    // Without a title placeholder (LibreOffice writes every text as "other"), a first line of its own.
    const title =
      all.find((t) => TITLE_TYPES.has(t.type))?.text ??
      (all[0] && UNTYPED_TITLE.test(all[0].text) ? all[0].text : '');
    const notes = notesOf.get(slideId) ?? [];
    out.add(title, [...all.filter((t) => t.text !== title).map((t) => t.text), ...notes], number);
  }
  return { text: out.text, headings: out.headings, pages: out.pages, title: oleSummaryTitle(container) };
}

/** The record at `at`, or null when it does not fit in the stream. */
function header(buf: Buffer, at: number): RecordHeader | null {
  if (at < 0 || at + 8 > buf.length) return null;
  const verInstance = buf.readUInt16LE(at);
  const end = at + 8 + buf.readUInt32LE(at + 4);
  if (end > buf.length) return null;
  return {
    type: buf.readUInt16LE(at + 2),
    instance: verInstance >> 4,
    container: (verInstance & 0xf) === 0xf,
    data: at + 8,
    end,
  };
}

/** The records directly inside a container. */
function* children(buf: Buffer, parent: RecordHeader): Generator<RecordHeader> {
  let at = parent.data;
  while (at < parent.end) {
    const child = header(buf, at);
    if (!child || child.end > parent.end) return;
    yield child;
    at = child.end;
  }
}

/** Persist id → offset, from the current edit back to the first (a later edit's entry wins). */
function persistDirectory(
  doc: Buffer,
  currentEdit: number,
): { persist: Map<number, number>; documentRef: number } {
  const persist = new Map<number, number>();
  let documentRef = -1;
  const seen = new Set<number>();
  for (let at = currentEdit; at > 0 && !seen.has(at) && seen.size < MAX_EDITS;) {
    seen.add(at);
    const edit = header(doc, at);
    if (!edit || edit.type !== USER_EDIT_ATOM || edit.end - edit.data < 24) break;
    if (documentRef < 0) documentRef = doc.readUInt32LE(edit.data + 16);
    const directory = header(doc, doc.readUInt32LE(edit.data + 12));
    if (directory?.type === PERSIST_DIRECTORY_ATOM) {
      for (let p = directory.data; p + 4 <= directory.end;) {
        const entry = doc.readUInt32LE(p);
        const first = entry & 0xfffff;
        const count = entry >>> 20;
        p += 4;
        for (let i = 0; i < count && p + 4 <= directory.end; i++, p += 4)
          if (!persist.has(first + i)) persist.set(first + i, doc.readUInt32LE(p));
      }
    }
    at = doc.readUInt32LE(edit.data + 8);
  }
  return { persist, documentRef };
}

interface ListedSlide {
  persistRef: number;
  slideId: number;
  /** Text the list holds for the slide (PowerPoint keeps its placeholders' text here). */
  texts: SlideText[];
}

/** The slides (instance 0) or notes pages (2) in the presentation's order, with the text the list holds for each. */
function slideList(doc: Buffer, document: RecordHeader, instance: 0 | 2): ListedSlide[] {
  const slides: ListedSlide[] = [];
  for (const list of children(doc, document)) {
    if (list.type !== SLIDE_LIST_WITH_TEXT || list.instance !== instance) continue;
    let type = -1;
    for (const r of children(doc, list)) {
      if (r.type === SLIDE_PERSIST_ATOM && r.end - r.data >= 16)
        slides.push({
          persistRef: doc.readUInt32LE(r.data),
          slideId: doc.readUInt32LE(r.data + 12),
          texts: [],
        });
      else if (r.type === TEXT_HEADER_ATOM && r.end - r.data >= 4) type = doc.readUInt32LE(r.data);
      else if (slides.length) {
        const text = atomText(doc, r);
        if (text) slides[slides.length - 1].texts.push({ type, text });
      }
    }
  }
  return slides;
}

/** Every text atom inside a slide's or notes page's shapes, with the type of its text. */
function textsIn(doc: Buffer, parent: RecordHeader, out: SlideText[] = [], depth = 0): SlideText[] {
  let type = -1;
  for (const r of children(doc, parent)) {
    if (r.container && depth < 32) textsIn(doc, r, out, depth + 1);
    else if (r.type === TEXT_HEADER_ATOM && r.end - r.data >= 4) type = doc.readUInt32LE(r.data);
    else {
      const text = atomText(doc, r);
      if (text) out.push({ type, text });
    }
  }
  return out;
}

/**
 * The speaker notes of each slide, by its slide id: each notes page names its slide in its
 * NotesAtom (a slide's SlideAtom may name its notes page too, but writers leave it 0).
 */
function notesBySlide(
  doc: Buffer,
  document: RecordHeader,
  persist: Map<number, number>,
): Map<number, string[]> {
  const notes = new Map<number, string[]>();
  const seen = new Set<number>();
  for (const page of slideList(doc, document, 2)) {
    if (seen.has(page.persistRef)) continue;
    seen.add(page.persistRef);
    const at = persist.get(page.persistRef);
    const container = at !== undefined ? header(doc, at) : null;
    if (container?.type !== NOTES) continue;
    const atom = [...children(doc, container)].find((r) => r.type === NOTES_ATOM && r.end - r.data >= 4);
    if (!atom) continue;
    // The notes body; LibreOffice writes it as "other" text. A page number is no note.
    const texts = textsIn(doc, container)
      .filter((t) => !SLIDE_NUMBER.test(t.text))
      .map((t) => t.text);
    if (texts.length) notes.set(doc.readUInt32LE(atom.data), texts);
  }
  return notes;
}

/** A text atom's text (paragraphs end with \r, a line break is \v), '' for other records. */
function atomText(doc: Buffer, r: RecordHeader): string {
  let raw: string;
  if (r.type === TEXT_CHARS_ATOM) raw = doc.toString('utf16le', r.data, r.end - ((r.end - r.data) % 2));
  else if (r.type === TEXT_BYTES_ATOM) raw = doc.toString('latin1', r.data, r.end);
  else return '';
  return raw
    .replace(/[\r\v]/gu, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f]/gu, '')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/gu, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function encrypted(file: string): ExtractError {
  return new ExtractError('encrypted', 'password-protected PPT', file);
}

function damaged(file: string, cause: unknown): ExtractError {
  return new ExtractError('invalid-ppt', 'not a valid PowerPoint 97–2003 presentation (damaged?)', file, {
    cause,
  });
}
