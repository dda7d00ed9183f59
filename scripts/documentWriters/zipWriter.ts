import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * An entry given as already-deflated bytes, with the sizes the archive should
 * declare for it (which need not be true: a bomb can lie).
 */
export interface RawZipEntry {
  deflated: Buffer;
  declaredSize: number;
  crc?: number;
}

export interface ZipOptions {
  /** Write the ZIP64 form: 0xFFFFFFFF in the 32-bit fields, the real values in ZIP64 records. */
  zip64?: boolean;
  /** An archive comment (it sits after the end record, so readers must search back for it). */
  comment?: string;
}

/** `content` deflated, declaring its true size and CRC (spread it and change `declaredSize` to lie). */
export function rawZipEntry(content: string | Buffer): RawZipEntry {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { deflated: deflateRawSync(data), declaredSize: data.length, crc: crc32(data) };
}

/** A ZIP archive (deflate) of the given entries: enough for DOCX files in tests. */
export function makeZip(
  entries: Record<string, string | Buffer | RawZipEntry>,
  options: ZipOptions = {},
): Buffer {
  const zip64 = options.zip64 ?? false;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    let packed: Buffer, size: number, crc: number;
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      packed = deflateRawSync(data);
      size = data.length;
      crc = crc32(data);
    } else {
      packed = content.deflated;
      size = content.declaredSize;
      crc = content.crc ?? 0;
    }
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    const localExtra = zip64 ? zip64Field([size, packed.length]) : Buffer.alloc(0);
    local.writeUInt32LE(zip64 ? 0xffffffff : packed.length, 18);
    local.writeUInt32LE(zip64 ? 0xffffffff : size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    locals.push(local, nameBytes, localExtra, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(zip64 ? 45 : 20, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    const centralExtra = zip64 ? zip64Field([size, packed.length, offset]) : Buffer.alloc(0);
    central.writeUInt32LE(zip64 ? 0xffffffff : packed.length, 20);
    central.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    centrals.push(Buffer.concat([central, nameBytes, centralExtra]));
    offset += local.length + nameBytes.length + localExtra.length + packed.length;
  }
  const count = centrals.length;
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const tail: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of the record
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(centralSize), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + centralSize), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : count, 8);
  end.writeUInt16LE(zip64 ? 0xffff : count, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : centralSize, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, ...centrals, ...tail, end, comment]);
}

function zip64Field(values: number[]): Buffer {
  const field = Buffer.alloc(4 + 8 * values.length);
  field.writeUInt16LE(0x0001, 0);
  field.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => field.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return field;
}

/**
 * A raw deflate stream of `unit` repeated (cut at each MiB) to `totalBytes`, without ever holding
 * them: each 1 MiB block is deflated once with a full flush (byte-aligned, no
 * back-references across it), so copies of it can be laid end to end, and a
 * final empty block closes the stream. 300 MB of `<w:p/>` is ~300 KB of it.
 */
export function deflatedRepeat(unit: string, totalBytes: number): Buffer {
  const blockBytes = 1024 * 1024;
  const unitBytes = Buffer.from(unit, 'utf8');
  if (totalBytes % blockBytes !== 0) throw new Error('totalBytes must be whole MiB');
  const block = deflateRawSync(Buffer.alloc(blockBytes, unitBytes), { finishFlush: constants.Z_FULL_FLUSH });
  const finalEmptyBlock = Buffer.from([0x03, 0x00]);
  return Buffer.concat([...Array<Buffer>(totalBytes / blockBytes).fill(block), finalEmptyBlock]);
}
