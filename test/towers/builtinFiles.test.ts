import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BUILTIN_PACK_NAME,
  builtinPackDir,
  loadBuiltinFile,
  setResourcesDirectory,
} from '../../main/engine/towers/builtinPack.js';
import { builtinWordVectors, WORD_VECTORS_FILE, WordVectors } from '../../main/engine/rank/wordVectors.js';
import { builtinLexicon } from '../../main/engine/search/lexicon.js';
import { analyseQuestion, FEATURE_NAMES, rankingFeatures } from '../../main/engine/rank/rankFeatures.js';

// An installed app whose pack lost its lexicon and whose word vectors were cut short (a disk
// error, an interrupted copy): questions are still answered, and the damage is said.
describe("the built-in pack's shared files", () => {
  let resources: string;
  const shipped = builtinPackDir();
  beforeAll(() => {
    resources = mkdtempSync(path.join(os.tmpdir(), 'docqa-resources-'));
    const pack = path.join(resources, 'models', BUILTIN_PACK_NAME);
    mkdirSync(pack, { recursive: true });
    const vectors = readFileSync(path.join(shipped, WORD_VECTORS_FILE));
    writeFileSync(path.join(pack, WORD_VECTORS_FILE), vectors.subarray(0, vectors.length >> 1));
    copyFileSync(path.join(shipped, 'manifest.json'), path.join(pack, 'manifest.json'));
    setResourcesDirectory(resources);
  });
  afterAll(() => {
    setResourcesDirectory(null);
    rmSync(resources, { recursive: true, force: true });
  });

  it('says once that a damaged file is not used, and is quiet about an absent one', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(builtinWordVectors()).toBeNull();
      expect(loadBuiltinFile(WORD_VECTORS_FILE, (b) => WordVectors.fromBytes(b), 'again')).toBeNull();
      expect(builtinLexicon()).toBeNull();
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0][0]);
      expect(line).toContain(path.join(resources, 'models', BUILTIN_PACK_NAME, WORD_VECTORS_FILE));
      expect(line).toContain('damaged');
      expect(line).toContain('related words');
    } finally {
      warn.mockRestore();
    }
  });

  it('ranks without the related-words feature rather than failing', () => {
    const [row] = rankingFeatures(
      analyseQuestion('How do I share a printer between laptops?'),
      [
        {
          chunkId: 1,
          bm25: 1,
          dense: 0.5,
          text: 'Connect the inkjet to the desktop computer and every notebook can print to it.',
          title: 'Classroom equipment',
          headingPath: [],
          start: 0,
        },
      ],
      { chunks: 100, df: new Map<string, number>() },
    );
    // With the shipped vectors this passage scores above 0.2 (test/rank/ranker.test.ts).
    expect(row[FEATURE_NAMES.indexOf('relatedWords')]).toBe(-1);
    expect(row.every((v) => Number.isFinite(v))).toBe(true);
  });
});
