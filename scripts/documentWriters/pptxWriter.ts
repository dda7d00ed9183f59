import { makeZip, type RawZipEntry, type ZipOptions } from './zipWriter.js';

export interface PptxSlide {
  title?: string;
  /** Paragraphs of the body text box. */
  body?: string[];
  /** Rows of a table (cells as text). */
  table?: string[][];
  /** A text box inside mc:AlternateContent, with its copy for older readers in mc:Fallback. */
  alternate?: string;
  /** The slide's number placeholder, as PowerPoint writes it on every slide. */
  number?: string;
  /** Paragraphs of the speaker notes. */
  notes?: string[];
}

export interface PptxOptions extends ZipOptions {
  /** docProps/core.xml's dc:title; none when null. */
  title?: string | null;
  /** The presentation's order of the slide files (1-based file numbers; default 1, 2, …). */
  order?: number[];
  /** Slide files the presentation lists but the archive leaves out (1-based). */
  missing?: number[];
  /** Entries to add or to replace as they are (a slide's bytes, a lying size). */
  extra?: Record<string, string | Buffer | RawZipEntry>;
}

const NS =
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const paragraph = (text: string) =>
  `<a:p><a:r><a:rPr lang="en-US"/><a:t>${escapeXml(text)}</a:t></a:r></a:p>`;

function shape(id: number, placeholder: string | null, paragraphs: string[]): string {
  const ph =
    placeholder === null ? '' : placeholder === 'body' ? '<p:ph idx="1"/>' : `<p:ph type="${placeholder}"/>`;
  return `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="Shape ${id}"/><p:cNvSpPr/><p:nvPr>${ph}</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>${paragraphs.map(paragraph).join('')}</p:txBody></p:sp>`;
}

function table(rows: string[][]): string {
  const tr = (cells: string[]) =>
    `<a:tr h="370840">${cells.map((c) => `<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>${paragraph(c)}</a:txBody><a:tcPr/></a:tc>`).join('')}</a:tr>`;
  return `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="9" name="Table"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblGrid/>${rows.map(tr).join('')}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`;
}

function slideXml(s: PptxSlide): string {
  // The number first: readers must not take the first text on a slide for its title.
  const shapes = [
    s.number === undefined ? '' : shape(5, 'sldNum', [s.number]),
    s.title === undefined ? '' : shape(2, 'title', [s.title]),
    s.body ? shape(3, 'body', s.body) : '',
    s.table ? table(s.table) : '',
    s.alternate === undefined
      ? ''
      : `<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="a14">${shape(7, null, [s.alternate])}</mc:Choice><mc:Fallback>${shape(8, null, [s.alternate])}</mc:Fallback></mc:AlternateContent>`,
  ];
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:sld ${NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shapes.join('')}</p:spTree></p:cSld></p:sld>`;
}

function notesXml(notes: string[], slideNumber: number): string {
  // A notes page holds the slide's picture and number too; only its body is notes.
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:notes ${NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shape(2, 'sldImg', [])}${shape(3, 'body', notes)}${shape(4, 'sldNum', [String(slideNumber)])}</p:spTree></p:cSld></p:notes>`;
}

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A PowerPoint deck of the given slides (file N holds slides[N-1]); enough for tests. */
export function makePptx(slides: PptxSlide[], options: PptxOptions = {}): Buffer {
  const order = options.order ?? slides.map((_, i) => i + 1);
  const title = options.title === undefined ? 'A Deck' : options.title;
  const entries: Record<string, string | Buffer | RawZipEntry> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="ppt/presentation.xml"/></Relationships>`,
    'docProps/core.xml': `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">${title === null ? '' : `<dc:title>${escapeXml(title)}</dc:title>`}</cp:coreProperties>`,
    'ppt/presentation.xml': `<?xml version="1.0" encoding="UTF-8"?><p:presentation ${NS}><p:sldIdLst>${order.map((n, i) => `<p:sldId id="${256 + i}" r:id="rId${100 + n}"/>`).join('')}</p:sldIdLst></p:presentation>`,
    'ppt/_rels/presentation.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/slideMaster" Target="slideMasters/slideMaster1.xml"/>${slides.map((_, i) => `<Relationship Id="rId${101 + i}" Type="${REL}/slide" Target="slides/slide${i + 1}.xml"/>`).join('')}</Relationships>`,
  };
  slides.forEach((s, i) => {
    const n = i + 1;
    if (!options.missing?.includes(n)) entries[`ppt/slides/slide${n}.xml`] = slideXml(s);
    if (s.notes) {
      entries[`ppt/slides/_rels/slide${n}.xml.rels`] =
        `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/><Relationship Id="rId2" Type="${REL}/notesSlide" Target="../notesSlides/notesSlide${n}.xml"/></Relationships>`;
      entries[`ppt/notesSlides/notesSlide${n}.xml`] = notesXml(s.notes, n);
    }
  });
  Object.assign(entries, options.extra ?? {});
  return makeZip(entries, options);
}
