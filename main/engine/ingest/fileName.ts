const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface DecodedFileName {
  /** The name as text; bytes that are not UTF-8 are written `\xNN` (so a person can tell which file it is). */
  name: string;
  /** False when the name's bytes are not valid UTF-8. */
  valid: boolean;
}

/**
 * A file name as the file system returned it (bytes, on Linux) → text. Names
 * that are not UTF-8 (GBK or Shift_JIS names left by unzipping a Windows archive)
 * cannot be stored as a path in the library's JSON contracts, which carry
 * strings; Node's own decoding would turn them into U+FFFD and the path would
 * no longer open. They are reported, with their stray bytes escaped.
 */
export function decodeFileName(bytes: Uint8Array): DecodedFileName {
  try {
    return { name: strictUtf8.decode(bytes), valid: true };
  } catch {
    // escape below
  }
  let name = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length) {
      name += strictUtf8.decode(bytes.subarray(i, i + length));
      i += length;
    } else {
      name += `\\x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
    }
  }
  return { name, valid: false };
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  for (let length = 1; length <= 4 && i + length <= bytes.length; length++) {
    try {
      strictUtf8.decode(bytes.subarray(i, i + length));
      return length;
    } catch {
      // a longer sequence, or none
    }
  }
  return 0;
}
