import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_INFLATE_LIMITS } from '../../main/engine/ingest/index.js';
import { Extractor, type ExtractorOptions } from '../../main/engine/library/extractor.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('docqa-extractor-');
afterAll(() => tmp.cleanup());

const options: ExtractorOptions = {
  inflate: DEFAULT_INFLATE_LIMITS,
  maxExtractedChars: 1_000_000,
  memoryMb: 0,
  timeoutMs: 120_000,
};

describe('Extractor', () => {
  it('reads files in its thread and reports failures by their reason', async () => {
    const extractor = new Extractor();
    extractor.configure(options);
    try {
      const signal = new AbortController().signal;
      const ok = await extractor.extract(tmp.file('a.md', '# Title\n\nBody text.'), 'markdown', signal);
      expect(ok).toMatchObject({ doc: { title: 'Title', type: 'markdown' } });
      const empty = await extractor.extract(tmp.file('empty.txt', ''), 'text', signal);
      expect(empty).toEqual({ failure: 'empty file' });
    } finally {
      await extractor.close();
    }
  });

  it('stops a file that reads past the time bound, and a fresh thread reads the next', async () => {
    const extractor = new Extractor();
    // 1 ms: the thread cannot even start in that time, so this file always runs over.
    extractor.configure({ ...options, timeoutMs: 1 });
    try {
      const signal = new AbortController().signal;
      const slow = await extractor.extract(tmp.file('slow.txt', 'words '.repeat(1000)), 'text', signal);
      expect(slow).toEqual({ failure: 'reading this file took longer than 1 ms; it was stopped' });
      extractor.configure(options);
      const next = await extractor.extract(tmp.file('next.txt', 'The next file.'), 'text', signal);
      expect(next).toMatchObject({ doc: { text: 'The next file.' } });
    } finally {
      await extractor.close();
    }
  });

  it('rejects with the abort reason when cancelled, and reads again afterwards', async () => {
    const extractor = new Extractor();
    extractor.configure(options);
    try {
      const abort = new AbortController();
      const reading = extractor.extract(tmp.file('c.txt', 'cancel me'), 'text', abort.signal);
      abort.abort(new Error('stop'));
      await expect(reading).rejects.toThrow('stop');
      const file = path.join(tmp.dir, 'c.txt');
      const again = await extractor.extract(file, 'text', new AbortController().signal);
      expect(again).toMatchObject({ doc: { text: 'cancel me' } });
    } finally {
      await extractor.close();
    }
  });
});
