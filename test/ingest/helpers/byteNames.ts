import { mkdirSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';

/** `报告` as GBK bytes, the way a Windows archive unzipped on Linux leaves it. */
export const GBK_REPORT = iconv.encode('报告', 'gbk');

/** `dir/<name bytes><suffix>` as a Buffer path (the only way to name a file with bytes that are not UTF-8). */
export function bytePath(dir: string, name: Uint8Array, suffix = ''): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/`), name, Buffer.from(suffix)]);
}

/**
 * Writes a file (or makes a folder) under a byte name; false when this file
 * system refuses names that are not UTF-8 (macOS, some network shares), where
 * the case cannot arise.
 */
export function writeByteNamed(target: Buffer, content: string | null): boolean {
  try {
    if (content === null) mkdirSync(target);
    else writeFileSync(target, content);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EILSEQ') return false;
    throw e;
  }
}
