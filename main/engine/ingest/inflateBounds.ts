import { createInflateRaw } from 'node:zlib';
import { ExtractError } from './extractError.js';
import { formatBytes } from './formatBytes.js';
import { entryData, type ZipEntry } from './zipDirectory.js';

/** What the compressed parts of one document may inflate to (see DEFAULT_INFLATE_LIMITS). */
export interface InflateLimits {
  /** Most bytes the parts that are read may inflate to, one part or all together. */
  maxInflatedBytes: number;
  /** Most a part may grow on inflating (inflated ÷ compressed), for parts over RATIO_FLOOR. */
  maxInflateRatio: number;
}

/**
 * 100 MB is ~20× the document.xml of a 1,000-page report, and no DOCX part of
 * text compresses 100× (XML of prose deflates 5–20×); a bomb declares both:
 * 300 MB from 918 KB is 335×.
 */
export const DEFAULT_INFLATE_LIMITS: InflateLimits = {
  maxInflatedBytes: 100 * 1024 * 1024,
  maxInflateRatio: 100,
};

/** Below this size a part's ratio is not checked: it cannot hurt, and tiny repetitive parts compress very well. */
export const RATIO_FLOOR = 1024 * 1024;

/** The parts of an Office Open XML file (DOCX, PPTX, XLSX) that are parsed (XML and relationships); images and other media are never inflated. */
export function isReadPart(entry: ZipEntry): boolean {
  return /\.(?:xml|rels)$/i.test(entry.name);
}

/**
 * Refuses an archive by what its central directory declares, before anything is
 * inflated: one read part over the size bound or the ratio bound, or all read
 * parts together over the size bound.
 */
export function checkDeclaredSizes(
  entries: ZipEntry[],
  limits: InflateLimits,
  file: string,
  isRead: (entry: ZipEntry) => boolean = isReadPart,
): void {
  let total = 0;
  for (const entry of entries.filter(isRead)) {
    const size = entry.uncompressedSize;
    total += size;
    if (size > limits.maxInflatedBytes) throw bomb(`${entry.name} declares ${formatBytes(size)}`, file);
    const ratio = size / Math.max(entry.compressedSize, 1);
    if (size > RATIO_FLOOR && ratio > limits.maxInflateRatio)
      throw bomb(
        `${entry.name} declares ${formatBytes(size)} from ${formatBytes(entry.compressedSize)}, ${Math.round(ratio)}×`,
        file,
      );
  }
  if (total > limits.maxInflatedBytes) throw bomb(`its parts declare ${formatBytes(total)} together`, file);
}

/**
 * Inflates the read parts, counting and discarding the output, and stops at the
 * bound: declared sizes can lie, and JSZip (inside mammoth) trusts them. Memory
 * stays at one zlib window; the parts are inflated again by mammoth afterwards.
 */
export async function checkInflatedSizes(
  bytes: Uint8Array,
  entries: ZipEntry[],
  limits: InflateLimits,
  file: string,
  isRead: (entry: ZipEntry) => boolean = isReadPart,
): Promise<void> {
  let total = 0;
  for (const entry of entries.filter(isRead)) {
    const data = entryData(bytes, entry);
    const budget = Math.min(
      limits.maxInflatedBytes - total,
      Math.max(RATIO_FLOOR, data.length * limits.maxInflateRatio),
    );
    const size = entry.method === 8 ? await inflatedSize(data, budget) : data.length;
    if (size > budget) {
      const what =
        total + size > limits.maxInflatedBytes
          ? `more than ${formatBytes(limits.maxInflatedBytes - total)}`
          : `more than ${limits.maxInflateRatio}× its ${formatBytes(data.length)}`;
      throw bomb(
        `${entry.name} inflates to ${what}, though it declares ${formatBytes(entry.uncompressedSize)}`,
        file,
      );
    }
    total += size;
  }
}

/** Bytes a raw deflate stream inflates to, or `limit + 1` as soon as it passes `limit`. Rejects on damaged data. */
export function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    let total = 0;
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        inflate.destroy();
        resolve(limit + 1);
      }
    });
    inflate.on('end', () => resolve(total));
    inflate.on('error', reject);
    inflate.end(data);
  });
}

function bomb(detail: string, file: string): ExtractError {
  return new ExtractError('decompression-bomb', `decompression bomb (${detail})`, file);
}
