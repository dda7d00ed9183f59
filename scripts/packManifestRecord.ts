import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What a build script that adds files to a pack records in its manifest. */
export interface PackResourceRecord {
  /** The files it wrote, by name in the pack folder, with their bytes (hashed here). */
  files: Record<string, Uint8Array>;
  /** Its own section of the manifest (`lexicon`, `englishWords`, `wordVectors`), replaced whole. */
  key: string;
  section: Record<string, unknown>;
  /** Its attribution line, which starts with its main file's name and a colon. */
  attribution: string;
}

/**
 * Records a pack resource in the pack's manifest: each file's sha256 and size, its section,
 * and its attribution line, replaced in place when rebuilt (so the record keeps its order)
 * and appended the first time.
 */
export function recordInPackManifest(packDir: string, record: PackResourceRecord): void {
  const manifestFile = path.join(packDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    attribution: string[];
    files: Record<string, { sha256: string; bytes: number }>;
  } & Record<string, unknown>;
  for (const [name, bytes] of Object.entries(record.files))
    manifest.files[name] = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.byteLength,
    };
  manifest[record.key] = record.section;
  const prefix = record.attribution.slice(0, record.attribution.indexOf(':') + 1);
  const at = manifest.attribution.findIndex((a) => a.startsWith(prefix));
  if (at >= 0) manifest.attribution[at] = record.attribution;
  else manifest.attribution.push(record.attribution);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}
