import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import { bytePath, GBK_REPORT, writeByteNamed } from '../ingest/helpers/byteNames.js';
import { checkLibraryFile } from './consistency.js';
import { tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-hostile-');
let packDir: string;

beforeAll(async () => {
  packDir = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
});

afterAll(() => tmp.cleanup());

/** A library of one folder, closed after `use`. */
async function withLibrary<T>(
  name: string,
  use: (lib: Library, folder: string, dbPath: string) => Promise<T>,
): Promise<T> {
  const folder = path.join(tmp.dir, name);
  const dbPath = path.join(tmp.dir, `${name}.sqlite`);
  const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
  try {
    await lib.addFolder(folder);
    return await use(lib, folder, dbPath);
  } finally {
    await lib.close();
  }
}

describe('a file whose name is not UTF-8', () => {
  it('is recorded as failed with the reason, counted in the summary and in status', async (ctx) => {
    tmp.file('gbk-names/good.txt', 'The harbour opens at six in the morning.');
    if (!writeByteNamed(bytePath(path.join(tmp.dir, 'gbk-names'), GBK_REPORT, '.txt'), '季度报告'))
      return ctx.skip('this file system refuses names that are not UTF-8');
    await withLibrary('gbk-names', async (lib, _folder, dbPath) => {
      const summary = await lib.ingest();
      expect(summary).toMatchObject({ filesAdded: 1, filesFailed: 1 });
      expect((await lib.failedFiles()).map((f) => [f.path, f.error])).toEqual([
        ['\\xB1\\xA8\\xB8\\xE6.txt', 'file name is not valid UTF-8; rename it'],
      ]);
      const status = await lib.status();
      expect([status.documents, status.failed, status.folders[0].failed]).toEqual([1, 1, 1]);
      // A second run finds it again: still one row, still failed.
      await lib.ingest();
      expect((await lib.failedFiles()).length).toBe(1);
      expect(checkLibraryFile(dbPath)).toEqual([]);
    });
  });
});
