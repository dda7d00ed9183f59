/**
 * The central directory of a ZIP archive (DOCX is one), read from the file's
 * bytes without inflating anything: each entry's name, method, sizes and where
 * its data sits. This is what lets a decompression bomb be refused by the sizes
 * it declares before any of it is inflated. ZIP64 (sizes or offsets over 4 GiB,
 * more than 65535 entries) is understood. Layout: APPNOTE.TXT §4.3.
 */

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; anything else is what the archive says. */
  method: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
  compressedSize: number;
  /** As declared: the archive may lie; see `inflatedSize` in docxBounds.ts. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The bytes are not a ZIP archive this reader understands; `message` says where it broke. */
export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const ZIP64_EXTRA = 0x0001;
const MAX_COMMENT = 0xffff;

export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const z64 = readZip64End(view, eocd);
    if (z64) ({ count, size, offset } = z64);
  }
  if (offset + size > bytes.length)
    throw new ZipFormatError('the central directory lies past the end of the file');
  const entries: ZipEntry[] = [];
  let at = offset;
  const decoder = new TextDecoder('utf-8');
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_HEADER_SIZE > bytes.length || view.getUint32(at, true) !== CENTRAL_HEADER)
      throw new ZipFormatError(`central directory entry ${i + 1} of ${count} is damaged`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const nameStart = at + CENTRAL_HEADER_SIZE;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > bytes.length) throw new ZipFormatError(`central directory entry ${i + 1} runs past the end`);
    // Names are UTF-8 when flag bit 11 says so, else CP437; only ASCII names matter here.
    const name = decoder.decode(bytes.subarray(nameStart, extraStart));
    const z64 = zip64Extra(view, extraStart, extraLength, {
      uncompressed: uncompressedSize === 0xffffffff,
      compressed: compressedSize === 0xffffffff,
      offset: localHeaderOffset === 0xffffffff,
    });
    uncompressedSize = z64.uncompressed ?? uncompressedSize;
    compressedSize = z64.compressed ?? compressedSize;
    localHeaderOffset = z64.offset ?? localHeaderOffset;
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    at = next;
  }
  return entries;
}

/** The entry's compressed bytes, found through its local header. */
export function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + LOCAL_HEADER_SIZE > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER)
    throw new ZipFormatError(`the local header of ${entry.name} is damaged`);
  const start = at + LOCAL_HEADER_SIZE + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipFormatError(`the data of ${entry.name} runs past the end of the file`);
  return bytes.subarray(start, end);
}

/** Offset of the end-of-central-directory record: the last one, searched back over a possible comment. */
function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - EOCD_SIZE;
  if (last < 0) throw new ZipFormatError('too short to be a ZIP archive');
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    // The comment length must reach exactly to the end of the file, or this is data that looks like a signature.
    if (
      view.getUint32(at, true) === EOCD &&
      at + EOCD_SIZE + view.getUint16(at + 20, true) === view.byteLength
    )
      return at;
  }
  throw new ZipFormatError('no end of central directory (not a ZIP archive, or truncated)');
}

function readZip64End(view: DataView, eocd: number): { count: number; size: number; offset: number } | null {
  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) return null;
  const record = safeNumber(view.getBigUint64(locator + 8, true), 'ZIP64 end record offset');
  if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD)
    throw new ZipFormatError('the ZIP64 end of central directory is damaged');
  return {
    count: safeNumber(view.getBigUint64(record + 32, true), 'ZIP64 entry count'),
    size: safeNumber(view.getBigUint64(record + 40, true), 'ZIP64 central directory size'),
    offset: safeNumber(view.getBigUint64(record + 48, true), 'ZIP64 central directory offset'),
  };
}

/** The ZIP64 extended-information field holds, in this order, only the values whose 32-bit field is 0xFFFFFFFF. */
function zip64Extra(
  view: DataView,
  start: number,
  length: number,
  needs: { uncompressed: boolean; compressed: boolean; offset: boolean },
): { uncompressed?: number; compressed?: number; offset?: number } {
  if (!needs.uncompressed && !needs.compressed && !needs.offset) return {};
  for (let at = start; at + 4 <= start + length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA) {
      const out: { uncompressed?: number; compressed?: number; offset?: number } = {};
      let p = at + 4;
      const end = p + size;
      const next = (what: string, clamp = false): number => {
        if (p + 8 > end) throw new ZipFormatError(`the ZIP64 field lacks the ${what}`);
        const v = view.getBigUint64(p, true);
        p += 8;
        return clamp && v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : safeNumber(v, what);
      };
      // A declared size out of range is kept as "huge", so the bounds name it for what it is.
      if (needs.uncompressed) out.uncompressed = next('uncompressed size', true);
      if (needs.compressed) out.compressed = next('compressed size');
      if (needs.offset) out.offset = next('local header offset');
      return out;
    }
    at += 4 + size;
  }
  throw new ZipFormatError('a ZIP64 entry has no ZIP64 field');
}

function safeNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError(`the ${what} is out of range`);
  return Number(v);
}
