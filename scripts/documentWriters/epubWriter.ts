import { makeZip, type RawZipEntry, type ZipOptions } from './zipWriter.js';

export interface EpubChapter {
  /** Path under the package's folder ("text/ch1.xhtml"). */
  href: string;
  /** The chapter's <body> content (XHTML). */
  body: string;
}

export interface EpubOptions extends ZipOptions {
  /** dc:title; none when null. */
  title?: string | null;
  /** The package's folder in the archive (default "OEBPS"). */
  folder?: string;
  /** Chapters in reading order as the spine lists them (default: as given). */
  spine?: string[];
  /** Archive paths META-INF/encryption.xml lists as encrypted. */
  encrypted?: string[];
  /** Chapters the package lists but the archive leaves out. */
  missing?: string[];
  /** Entries to add or to replace as they are (a chapter's bytes, a lying size). */
  extra?: Record<string, string | Buffer | RawZipEntry>;
}

const chapterXhtml = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>chapter</title></head><body>${body}</body></html>`;

/** An EPUB 3 book of the given chapters: container, package (manifest, spine), chapters; enough for tests. */
export function makeEpub(chapters: EpubChapter[], options: EpubOptions = {}): Buffer {
  const folder = options.folder ?? 'OEBPS';
  const prefix = folder ? `${folder}/` : '';
  const ids = new Map(chapters.map((c, i) => [c.href, `c${i + 1}`]));
  const spine = options.spine ?? chapters.map((c) => c.href);
  const title = options.title === undefined ? 'A Book' : options.title;
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:0</dc:identifier>
    ${title === null ? '' : `<dc:title>${title}</dc:title>`}
    <dc:language>en</dc:language>
  </metadata>
  <manifest>
${chapters.map((c) => `    <item id="${ids.get(c.href)}" href="${encodeURI(c.href)}" media-type="application/xhtml+xml"/>`).join('\n')}
    <item id="css" href="style.css" media-type="text/css"/>
  </manifest>
  <spine>
${spine.map((href) => `    <itemref idref="${ids.get(href)}"/>`).join('\n')}
  </spine>
</package>`;
  const entries: Record<string, string | Buffer | RawZipEntry> = {
    mimetype: 'application/epub+zip',
    'META-INF/container.xml': `<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="${prefix}content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>`,
    [`${prefix}content.opf`]: opf,
    [`${prefix}style.css`]: 'body { margin: 0 }',
  };
  // Zip order differs from reading order on purpose: readers must follow the spine.
  for (const c of [...chapters].reverse())
    if (!options.missing?.includes(c.href)) entries[`${prefix}${c.href}`] = chapterXhtml(c.body);
  if (options.encrypted?.length)
    entries['META-INF/encryption.xml'] = `<?xml version="1.0"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
${options.encrypted.map((p) => `  <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="${p}"/></enc:CipherData></enc:EncryptedData>`).join('\n')}
</encryption>`;
  Object.assign(entries, options.extra ?? {});
  return makeZip(entries, options);
}
