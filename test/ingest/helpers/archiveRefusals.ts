import { extractFile } from '../../../main/engine/ingest/extractFile.js';
import type { ExtractFailure } from '../../../main/engine/ingest/extractError.js';
import { deflatedRepeat, makeZip, type RawZipEntry } from '../../../scripts/documentWriters/zipWriter.js';
import { expectFailure } from './expectFailure.js';
import type { TempDir } from './tempDir.js';

const MB = 1024 * 1024;

/** A ZIP-based format, as its tests make its files. */
export interface ArchiveFormat {
  ext: string;
  /** How its refusals name it: "PPTX", "ODT". */
  name: string;
  failure: ExtractFailure;
  /** A good file: cut short, it is damaged. */
  whole: Uint8Array;
  /** A good file without text. */
  empty: Uint8Array;
  /** A good file with `part` replaced by the given entry, and that part's name. */
  withPart: (entry: RawZipEntry) => Uint8Array;
  part: string;
}

/**
 * What every reader of a ZIP-based format refuses, each with its one-line reason: not a
 * ZIP archive, cut short, a ZIP of something else, no text, and a part that declares 300 MB
 * (refused by what it declares, before anything is inflated).
 */
export async function expectArchiveRefusals(dir: TempDir, f: ArchiveFormat): Promise<void> {
  const { ext, name, failure } = f;
  const notZip = dir.write(`fake.${ext}`, 'plain text, not an archive');
  await expectFailure(
    extractFile(notZip),
    failure,
    new RegExp(`^not a valid ${name} \\(not a ZIP archive\\)$`),
    notZip,
  );
  const damaged = new RegExp(`^not a valid ${name} \\(damaged or truncated\\?\\)$`);
  const truncated = dir.write(`truncated.${ext}`, f.whole.subarray(0, Math.floor(f.whole.length * 0.6)));
  await expectFailure(extractFile(truncated), failure, damaged, truncated);
  const otherZip = dir.write(`photos.${ext}`, makeZip({ 'a.txt': 'not a document' }));
  await expectFailure(extractFile(otherZip), failure, damaged, otherZip);
  const empty = dir.write(`empty.${ext}`, f.empty);
  await expectFailure(extractFile(empty), 'no-text', /^no text/, empty);
  const bomb = dir.write(
    `bomb.${ext}`,
    f.withPart({ deflated: deflatedRepeat('<p/>', 300 * MB), declaredSize: 300 * MB }),
  );
  const part = f.part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  await expectFailure(
    extractFile(bomb),
    'decompression-bomb',
    new RegExp(`^decompression bomb \\(${part} declares 300\\.0 MB\\)$`),
    bomb,
  );
}
