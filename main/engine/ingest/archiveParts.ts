import { inflateRawSync } from 'node:zlib';
import { ExtractError } from './extractError.js';
import { checkDeclaredSizes, checkInflatedSizes, type InflateLimits } from './inflateBounds.js';
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
