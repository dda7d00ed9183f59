/** 256 Mi UTF-16 code units: 512 MB as a string, half of V8's longest string, 4× a 64 MiB text file. */
export const DEFAULT_MAX_EXTRACTED_CHARS = 256 * 1024 * 1024;
