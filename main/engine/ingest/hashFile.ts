import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileAccessError } from './extractError.js';

/**
 * sha256 (hex) of a file's bytes, streamed. A cryptographic hash rather than a
 * faster non-cryptographic one: it is only computed when size or mtime changed,
 * OpenSSL's SHA-256 runs at disk speed or better (≈1–2 GB/s with SHA extensions),
 * and a collision would silently keep stale text in the index.
 */
export async function hashFile(absPath: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(absPath, { highWaterMark: 1 << 20, signal: options.signal })) {
      hash.update(chunk as Buffer);
    }
  } catch (e) {
    options.signal?.throwIfAborted();
    throw fileAccessError(e, absPath);
  }
  return hash.digest('hex');
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
