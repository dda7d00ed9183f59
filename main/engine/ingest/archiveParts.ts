import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ExtractError } from './extractError.js';
import { checkDeclaredSizes, checkInflatedSizes, isReadPart, type InflateLimits } from './inflateBounds.js';
import { parseXml } from './xmlEvents.js';
import { entryData, readZipDirectory, ZipFormatError, type ZipEntry } from './zipDirectory.js';

/** A ZIP-based document (DOCX, PPTX, EPUB) whose parts passed the size bounds. */
export interface ArchiveParts {
  entries: ZipEntry[];
  /** A part's bytes, inflated (within the bound already checked). */
  read(entry: ZipEntry): Uint8Array;
}

/**
 * Reads the archive's directory and checks the parts `isRead` picks against the
 * bounds, first by what they declare, then by what they really inflate to, before
 * any is read. A broken archive is `damaged(cause)`: each format words its own.
 */
export async function openArchive(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits,
  isRead: (entry: ZipEntry) => boolean,
  damaged: (cause: unknown) => ExtractError,
): Promise<ArchiveParts> {
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(bytes);
  } catch (e) {
    if (e instanceof ZipFormatError || e instanceof RangeError) throw damaged(e);
    throw e;
  }
  checkDeclaredSizes(entries, limits, file, isRead);
  try {
    await checkInflatedSizes(bytes, entries, limits, file, isRead);
  } catch (e) {
    if (e instanceof ExtractError) throw e;
    throw damaged(e);
  }
  return {
    entries,
    read(entry) {
      if (entry.method !== 0 && entry.method !== 8)
        throw damaged(new Error(`${entry.name} is compressed by method ${entry.method}`));
      try {
        const data = entryData(bytes, entry);
        return entry.method === 8 ? inflateRawSync(data, { maxOutputLength: limits.maxInflatedBytes }) : data;
      } catch (e) {
        throw damaged(e);
      }
    },
  };
}

/** How one Office format words its refusals (each names its format and the old format it may be). */
export interface OfficeRefusals {
  /** An OLE container: an encrypted document, or an old binary one renamed. */
  encrypted: (file: string) => ExtractError;
  notZip: (file: string) => ExtractError;
  damaged: (file: string, cause: unknown) => ExtractError;
}

/** A relationship of an Office part: the archive path it points to, and its type (a URI). */
export interface OfficeRelationship {
  path: string;
  type: string;
}

/** An Office Open XML document's parts by name, as text. */
export interface OfficeParts extends ArchiveParts {
  /** The part's text (UTF-8), or null when the archive has no such part. */
  readText(name: string): string | null;
  /**
   * The relationships of a part (from `<its folder>/_rels/<its name>.rels`), by id; targets
   * resolved to archive paths, external ones (links to the web) left out. Empty when none.
   */
  relationships(partPath: string): Map<string, OfficeRelationship>;
}

/**
 * Opens a DOCX, PPTX or XLSX: refused as encrypted when it is an OLE container (what
 * Office writes for a password-protected file, and what an old .doc/.ppt/.xls is),
 * as not an archive, or by the size bounds over its XML parts.
 */
export async function openOfficeDocument(
  bytes: Uint8Array,
  file: string,
  limits: InflateLimits,
  refusals: OfficeRefusals,
): Promise<OfficeParts> {
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0)
    throw refusals.encrypted(file);
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw refusals.notZip(file);
  const parts = await openArchive(bytes, file, limits, isReadPart, (cause) => refusals.damaged(file, cause));
  const byName = new Map(parts.entries.map((e) => [e.name, e]));
  const readText = (name: string): string | null => {
    const entry = byName.get(name);
    return entry ? new TextDecoder('utf-8').decode(parts.read(entry)) : null;
  };
  return {
    ...parts,
    readText,
    relationships(partPath) {
      const dir = path.posix.dirname(partPath);
      const out = new Map<string, OfficeRelationship>();
      const xml = readText(path.posix.join(dir, '_rels', `${path.posix.basename(partPath)}.rels`));
      if (xml === null) return out;
      parseXml(xml, {
        open(name, attrs) {
          if (name !== 'relationship' || !attrs.id || !attrs.target || attrs.targetmode === 'External')
            return;
          const target = attrs.target.startsWith('/')
            ? attrs.target.slice(1)
            : path.posix.normalize(path.posix.join(dir, attrs.target));
          out.set(attrs.id, { path: target, type: attrs.type ?? '' });
        },
      });
      return out;
    },
  };
}
