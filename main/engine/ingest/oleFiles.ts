/** What the Office 97–2003 readers share: the OLE container (cfb), its streams and its summary properties. */
import CFB from 'cfb';
import iconv from 'iconv-lite';
import type { ContainerText } from './types.js';
import { ExtractError } from './extractError.js';

/**
 * Reads an OLE file with `read`; a failure that is not already a reason of its own (the
 * container or a stream that cannot be followed) is `damaged`.
 */
export function readOleFile(
  bytes: Uint8Array,
  file: string,
  read: (container: CFB.CFB$Container) => ContainerText,
  damaged: (file: string, cause: unknown) => ExtractError,
): Promise<ContainerText> {
  try {
    return Promise.resolve(read(CFB.read(bytes, { type: 'buffer' })));
  } catch (e) {
    return Promise.reject(e instanceof ExtractError ? e : damaged(file, e));
  }
}

/** A stream of the container by name, or null. */
export function oleStream(container: CFB.CFB$Container, name: string): Buffer | null {
  const entry = CFB.find(container, name);
  return entry ? Buffer.from(entry.content as Uint8Array) : null;
}

const PID_CODEPAGE = 1;
const PID_TITLE = 2;
const VT_I2 = 2;
const VT_LPSTR = 0x1e;
const VT_LPWSTR = 0x1f;
/** Longest title read, in bytes: a title, not a document. */
const MAX_TITLE_BYTES = 4096;

/**
 * The title an Office 97–2003 file (.doc, .ppt, .xls) records in its "\x05SummaryInformation"
 * property set ([MS-OLEPS]), or null: absent, empty, or not readable. Never throws.
 */
export function oleSummaryTitle(container: CFB.CFB$Container): string | null {
  try {
    const entry = CFB.find(container, '\u0005SummaryInformation');
    if (!entry) return null;
    const b = Buffer.from(entry.content as Uint8Array);
    // Header: byte order, version, system, class id (28 bytes), the count of sets, then the
    // first set's format id (16 bytes) and offset.
    if (b.length < 48 || b.readUInt16LE(0) !== 0xfffe) return null;
    const section = b.readUInt32LE(44);
    if (section + 8 > b.length) return null;
    const count = Math.min(b.readUInt32LE(section + 4), 1024);
    const offsets = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const at = section + 8 + i * 8;
      if (at + 8 > b.length) break;
      offsets.set(b.readUInt32LE(at), section + b.readUInt32LE(at + 4));
    }
    const codepageAt = offsets.get(PID_CODEPAGE);
    const codepage =
      codepageAt !== undefined && codepageAt + 6 <= b.length && b.readUInt16LE(codepageAt) === VT_I2
        ? b.readUInt16LE(codepageAt + 4)
        : 1252;
    const at = offsets.get(PID_TITLE);
    if (at === undefined || at + 8 > b.length) return null;
    const type = b.readUInt32LE(at) & 0xffff;
    const length = b.readUInt32LE(at + 4);
    let title: string;
    if (type === VT_LPWSTR) {
      const end = Math.min(at + 8 + length * 2, at + 8 + MAX_TITLE_BYTES, b.length);
      title = b.toString('utf16le', at + 8, end);
    } else if (type === VT_LPSTR) {
      const bytes = b.subarray(at + 8, Math.min(at + 8 + length, at + 8 + MAX_TITLE_BYTES, b.length));
      title =
        codepage === 1200
          ? bytes.toString('utf16le')
          : codepage === 65001
            ? bytes.toString('utf8')
            : iconv.decode(bytes, iconv.encodingExists(`cp${codepage}`) ? `cp${codepage}` : 'cp1252');
    } else return null;
    title = title
      .replace(/\0[\s\S]*$/u, '')
      .replace(/\s+/gu, ' ')
      .trim();
    return title || null;
  } catch {
    return null;
  }
}
