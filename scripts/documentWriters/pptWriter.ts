import CFB from 'cfb';

/** One slide of a PowerPoint 97–2003 deck, as the test needs it. */
export interface PptSlide {
  /** Kept in the slide list, as PowerPoint keeps its placeholders' text (type: title). */
  title?: string;
  /** Text boxes of the slide itself, with their text type (4: other, 1: body). */
  boxes?: { type?: number; text: string }[];
  notes?: string;
}

export interface PptOptions {
  /**
   * A quick save after the first: slide 1 written again with these boxes, and a second
   * edit whose persist directory points slide 1 at the new copy (the old stays in the file).
   */
  quickSavedFirstSlide?: { type?: number; text: string }[];
  /** The Current User stream says the document is encrypted. */
  encrypted?: boolean;
  /** The slide list names every slide this many times over (a hostile file). */
  listRepeats?: number;
}

const rec = (type: number, instance: number, body: Buffer | Buffer[]): Buffer => {
  const container = Array.isArray(body);
  const data = container ? Buffer.concat(body) : body;
  const head = Buffer.alloc(8);
  head.writeUInt16LE((instance << 4) | (container ? 0xf : 0), 0);
  head.writeUInt16LE(type, 2);
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data]);
};
const u32 = (...values: number[]) => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
};
const textAtoms = (type: number, text: string) => [
  rec(0x0f9f, 0, u32(type)),
  // PowerPoint ends paragraphs with \r.
  rec(0x0fa0, 0, Buffer.from(text.replace(/\n/g, '\r'), 'utf16le')),
];
/** A shape's text box, as OfficeArt nests it (the reader looks into any container). */
const textBox = (type: number, text: string) => rec(0xf00d, 0, textAtoms(type, text));

/**
 * A .ppt as the reader needs it: the "PowerPoint Document" stream with its document
 * container (the slide list with each slide's persist id and title, the notes list), the
 * slides and notes pages, a persist directory and a user edit, and the "Current User"
 * stream that points at the edit.
 */
export function makePpt(slides: PptSlide[], options: PptOptions = {}): Buffer {
  // Persist ids: 1 the document, then each slide, then each notes page.
  const slideRef = (i: number) => 2 + i;
  const notesRef = (i: number) => 2 + slides.length + i;
  const slideId = (i: number) => 256 + i;
  const persistAtom = (ref: number, id: number) => rec(0x03f3, 0, u32(ref, 0, 0, id, 0));
  const document = rec(0x03e8, 0, [
    rec(
      0x0ff0,
      0,
      Array.from({ length: options.listRepeats ?? 1 }, () => slides)
        .flat()
        .flatMap((s, j) => {
          const i = j % slides.length;
          return [persistAtom(slideRef(i), slideId(i)), ...(s.title ? textAtoms(0, s.title) : [])];
        }),
    ),
    rec(
      0x0ff0,
      2,
      slides.map((_, i) => persistAtom(notesRef(i), 0x80000000 + i)),
    ),
  ]);
  const slideContainer = (boxes: PptSlide['boxes'] = []) =>
    rec(0x03ee, 0, [rec(0x03ef, 0, Buffer.alloc(24)), ...boxes.map((b) => textBox(b.type ?? 4, b.text))]);
  const parts: Buffer[] = [document];
  let at = document.length;
  const offsets = new Map<number, number>([[1, 0]]);
  const append = (ref: number | null, part: Buffer) => {
    if (ref !== null) offsets.set(ref, at);
    parts.push(part);
    at += part.length;
  };
  slides.forEach((s, i) => append(slideRef(i), slideContainer(s.boxes)));
  slides.forEach((s, i) =>
    append(
      notesRef(i),
      rec(0x03f0, 0, [rec(0x03f1, 0, u32(slideId(i), 0)), ...(s.notes ? [textBox(2, s.notes)] : [])]),
    ),
  );
  const edit = (refs: number[], previousEdit: number): number => {
    const directoryAt = at;
    // Consecutive ids in one entry each (first id in the low 20 bits, the count above).
    append(null, rec(0x1772, 0, Buffer.concat(refs.map((ref) => u32(ref | (1 << 20), offsets.get(ref)!)))));
    const editAt = at;
    append(
      null,
      rec(
        0x0ff5,
        0,
        Buffer.concat([
          u32(slideRef(0)),
          Buffer.from([0, 0, 0, 3]),
          u32(previousEdit, directoryAt, 1, 1000),
          Buffer.alloc(4),
        ]),
      ),
    );
    return editAt;
  };
  let current = edit([...offsets.keys()], 0);
  if (options.quickSavedFirstSlide) {
    append(slideRef(0), slideContainer(options.quickSavedFirstSlide));
    current = edit([slideRef(0)], current);
  }
  const currentUser = rec(
    0x0ff6,
    0,
    Buffer.concat([
      u32(20, options.encrypted ? 0xf3d1c4df : 0xe391c05f, current),
      Buffer.from([0, 0, 0xf4, 3, 3, 0, 0, 0]),
    ]),
  );
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, 'PowerPoint Document', Buffer.concat(parts));
  CFB.utils.cfb_add(cfb, 'Current User', currentUser);
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}
