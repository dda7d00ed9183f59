import { openArchive } from './archiveParts.js';
import type { ExtractError } from './extractError.js';
import type { InflateLimits } from './inflateBounds.js';
import { firstElementText, parseXml } from './xmlEvents.js';
import type { ZipEntry } from './zipDirectory.js';

/** How one OpenDocument format words its refusals. */
export interface OdfRefusals {
  /** Saved with a password: content.xml is encrypted. */
  encrypted: (file: string) => ExtractError;
  notZip: (file: string) => ExtractError;
  damaged: (file: string, cause: unknown) => ExtractError;
}

/** The parts an OpenDocument reader parses; pictures and thumbnails are never inflated. */
const isOdfReadPart = (entry: ZipEntry): boolean => /\.(?:xml|rdf)$/i.test(entry.name);

/**
 * An OpenDocument file's (.odt, .ods, .odp) content.xml and meta.xml's title, after
 * the size bounds (as for DOCX). A file saved with a password keeps content.xml
 * encrypted, as META-INF/manifest.xml says: refused as such.
 */
export async function readOdfPackage(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits,
  refusals: OdfRefusals,
): Promise<{ content: string; title: string | null }> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw refusals.notZip(file);
  const { entries, read } = await openArchive(bytes, file, limits, isOdfReadPart, (cause) =>
    refusals.damaged(file, cause),
  );
  const byName = new Map(entries.map((e) => [e.name, e]));
  const readPart = (name: string): string | null => {
    const entry = byName.get(name);
    return entry ? new TextDecoder('utf-8').decode(read(entry)) : null;
  };
  const manifest = readPart('META-INF/manifest.xml');
  if (manifest !== null && contentIsEncrypted(manifest)) throw refusals.encrypted(file);
  const content = readPart('content.xml');
  if (content === null) throw refusals.damaged(file, new Error('no content.xml'));
  return { content, title: firstElementText(readPart('meta.xml'), 'title') };
}

/** Whether META-INF/manifest.xml gives content.xml encryption data. */
function contentIsEncrypted(xml: string): boolean {
  let path: string | null = null;
  let encrypted = false;
  parseXml(xml, {
    open(name, attrs) {
      if (name === 'file-entry') path = attrs['manifest:full-path'] ?? null;
      else if (name === 'encryption-data' && path === 'content.xml') encrypted = true;
    },
    close(name) {
      if (name === 'file-entry') path = null;
    },
  });
  return encrypted;
}
