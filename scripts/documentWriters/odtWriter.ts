import { makeZip, type RawZipEntry, type ZipOptions } from './zipWriter.js';

export interface OdtOptions extends ZipOptions {
  /** The kind of document (default text): its mimetype and the element under office:body. */
  kind?: 'text' | 'spreadsheet' | 'presentation';
  /** meta.xml's dc:title; none when null. */
  title?: string | null;
  /** Mark content.xml encrypted in the manifest, as a document saved with a password is. */
  encrypted?: boolean;
  /** Entries to add or to replace as they are (content.xml's bytes, a lying size). */
  extra?: Record<string, string | Buffer | RawZipEntry>;
}

const OFFICE_NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"';

/**
 * An OpenDocument file whose office:text (or office:spreadsheet, office:presentation)
 * holds `body` (ODF XML with the text:, table:, draw: and presentation: prefixes); enough for tests.
 */
export function makeOdt(body: string, options: OdtOptions = {}): Buffer {
  const kind = options.kind ?? 'text';
  const title = options.title === undefined ? 'A Document' : options.title;
  const encryption = options.encrypted
    ? '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
    : '';
  const entries: Record<string, string | Buffer | RawZipEntry> = {
    mimetype: `application/vnd.oasis.opendocument.${kind}`,
    'META-INF/manifest.xml': `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">${encryption}</manifest:file-entry><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
    'meta.xml': `<?xml version="1.0" encoding="UTF-8"?><office:document-meta ${OFFICE_NS} office:version="1.3"><office:meta>${title === null ? '' : `<dc:title>${title}</dc:title>`}</office:meta></office:document-meta>`,
    'content.xml': `<?xml version="1.0" encoding="UTF-8"?><office:document-content ${OFFICE_NS} office:version="1.3"><office:automatic-styles><style:style xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" style:name="P1"><text:p>not text: a style</text:p></style:style></office:automatic-styles><office:body><office:${kind}>${body}</office:${kind}></office:body></office:document-content>`,
  };
  Object.assign(entries, options.extra ?? {});
  return makeZip(entries, options);
}
