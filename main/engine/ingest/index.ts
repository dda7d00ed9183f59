/**
 * The document side of ingest: pure functions the engine's ingest pipeline calls
 * (scan → hash → extract → chunk) and the folder watcher. No store, no workers here.
 */
export type {
  Chunk,
  DocumentType,
  ExtractedDocument,
  Heading,
  IngestWarning,
  PageSpan,
  ScannedFile,
  TextSpan,
} from './types.js';
export { ExtractError, isExtractError, type ExtractFailure } from './extractError.js';
export {
  documentTypeOf,
  extensionOf,
  isPlainTextType,
  readsCompressedParts,
  isSupportedFile,
  supportedExtensions,
} from './fileTypes.js';
export { DEFAULT_IGNORE_PATTERNS, createIgnoreMatcher, type IgnoreMatcher } from './ignoreRules.js';
export { scanFolder, type ScanOptions } from './scanFolder.js';
export { readerKey, type PassageCut } from './readerVersions.js';
export { hashBytes, hashFile } from './hashFile.js';
export { decodeText, isBinaryContent, type DecodedText } from './encoding.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_EXTRACTED_CHARS,
  extractFile,
  type ExtractOptions,
} from './extractFile.js';
export { DEFAULT_INFLATE_LIMITS, type InflateLimits } from './inflateBounds.js';
export { readZipDirectory, ZipFormatError, type ZipEntry } from './zipDirectory.js';
export { DEFAULT_OVERLAP_CHARS, DEFAULT_TARGET_CHARS, chunkDocument, type ChunkOptions } from './chunk.js';
export { splitSentences } from './sentences.js';
export { LineCounter } from './lines.js';
export {
  watchFolders,
  type FolderEvent,
  type FolderEventType,
  type FolderWatcher,
  type WatchOptions,
} from './watchFolders.js';
