import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/library.js';
import type { GbdtModel } from '../../main/engine/rank/gbdt.js';
import { readPackRanker } from '../../main/engine/rank/packRanker.js';
import { FEATURE_NAMES, RANK_FEATURE_SET } from '../../main/engine/rank/rankFeatures.js';
import { writeTestPack } from '../library/helpers.js';

/** A ranker of one tree: one split on `feature` at 0.5, scoring `below` under it and `above` over it. */
function oneSplitRanker(feature: (typeof FEATURE_NAMES)[number], below: number, above: number): GbdtModel {
  const f = FEATURE_NAMES.indexOf(feature);
  return {
    format: 'docqa-gbdt-1',
    featureSet: RANK_FEATURE_SET,
    features: [...FEATURE_NAMES],
    baseScore: 0,
    trees: [
      {
        feature: [f, -1, -1],
        threshold: [0.5, 0, 0],
        left: [1, 0, 0],
        right: [2, 0, 0],
        value: [0, below, above],
      },
    ],
  };
}

/** Puts the passage with the best heading coverage first, whatever BM25 says. */
const headingRanker = () => oneSplitRanker('coverageHeading', 0, 1);
/** Sends every passage in the question's other language below the rest. */
const sameLanguageRanker = () => oneSplitRanker('languageGap', 1, 0);

function addRanker(packDir: string, model: GbdtModel, sha?: string): void {
  const bytes = Buffer.from(JSON.stringify(model));
  writeFileSync(path.join(packDir, 'ranker.json'), bytes);
  const manifestPath = path.join(packDir, 'manifest.json');
  const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
  m.files['ranker.json'] = {
    sha256: sha ?? createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
  };
  m.ranker = { file: 'ranker.json', featureSet: model.featureSet, training: { name: 'test' } };
  writeFileSync(manifestPath, JSON.stringify(m));
}

/**
 * Two files about kettle descaling: the first says it four times in its body (BM25 puts it
 * first), the second once, in its heading (a ranker on heading coverage puts it first).
 */
function writeKettleDocs(tmp: string): string {
  const docs = path.join(tmp, 'docs');
  mkdirSync(docs);
  writeFileSync(
    path.join(docs, 'a-notes.md'),
    '# Notes\n\nKettle descaling, kettle descaling, kettle descaling, kettle descaling: we talked about it.\n',
  );
  writeFileSync(
    path.join(docs, 'b-manual.md'),
    '# Kettle descaling\n\nFill with vinegar and water, boil, rinse twice.\n',
  );
  return docs;
}

/** The first hybrid result for "kettle descaling" over `docs`, in a new library with the pack. */
async function firstKettleResult(packDir: string, dbPath: string, docs: string): Promise<string> {
  const lib = await Library.open({ dbPath, packDir });
  try {
    await lib.addFolder(docs);
    await lib.ingest();
    return (await lib.ask('kettle descaling', { mode: 'hybrid' })).results[0].path;
  } finally {
    await lib.close();
  }
}

describe('the ranking model a pack ships', () => {
  let tmp: string;
  let docs: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-packranker-'));
    docs = writeKettleDocs(tmp);
    for (let i = 0; i < 5; i++)
      writeFileSync(path.join(docs, `filler-${i}.md`), `# Filler ${i}\n\nNothing about it here ${i}.\n`);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is loaded from the manifest, and changes the order of hybrid results', async () => {
    const plain = await writeTestPack(path.join(tmp, 'plain'));
    const ranked = path.join(tmp, 'ranked');
    cpSync(plain, ranked, { recursive: true });
    addRanker(ranked, headingRanker());
    expect(readPackRanker(plain)).toBeNull();
    expect(readPackRanker(ranked)?.model.trees).toHaveLength(1);
    const first = (packDir: string) =>
      firstKettleResult(packDir, path.join(tmp, `${path.basename(packDir)}.sqlite`), docs);
    expect(await first(plain)).toBe('a-notes.md');
    expect(await first(ranked)).toBe('b-manual.md');
  });

  it('is refused when the file is not the one the manifest lists, and search falls back to score fusion', async () => {
    const pack = path.join(tmp, 'tampered');
    cpSync(await writeTestPack(path.join(tmp, 'plain2')), pack, { recursive: true });
    addRanker(pack, headingRanker(), '0'.repeat(64));
    expect(() => readPackRanker(pack)).toThrow(/sha256/);
    expect(await firstKettleResult(pack, path.join(tmp, 'tampered.sqlite'), docs)).toBe('a-notes.md');
  });
});

describe('a pack ranker of another feature set', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-featureset-'));
    writeKettleDocs(tmp);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const firstWith = async (name: string, model: GbdtModel) => {
    const pack = path.join(tmp, name);
    cpSync(await writeTestPack(path.join(tmp, `${name}-plain`)), pack, { recursive: true });
    addRanker(pack, model);
    return firstKettleResult(pack, path.join(tmp, `${name}.sqlite`), path.join(tmp, 'docs'));
  };

  it('ranks with trees of an earlier set, which read the first columns of this one', async () => {
    const earlier = {
      ...headingRanker(),
      featureSet: 'docqa-rank-features-1',
      features: FEATURE_NAMES.slice(0, 22),
    };
    expect(await firstWith('earlier', earlier)).toBe('b-manual.md');
  });

  it('falls back to score fusion for a set this version does not compute (a newer pack)', async () => {
    const newer = {
      ...headingRanker(),
      featureSet: 'docqa-rank-features-99',
      features: [...FEATURE_NAMES, 'aFeatureFromTheFuture'],
    };
    expect(await firstWith('newer', newer)).toBe('a-notes.md');
  });
});

describe('a learned ranker and translated recall', () => {
  it('leaves the crossing passages where score fusion put them', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-slots-'));
    try {
      const docs = path.join(tmp, 'docs');
      mkdirSync(docs);
      writeFileSync(
        path.join(docs, 'tea.md'),
        '# Green tea\n\nBrew green tea with water at 80 degrees for two minutes.\n',
      );
      writeFileSync(path.join(docs, '咖啡.md'), '# 咖啡\n\n咖啡豆要放在阴凉干燥的地方。\n');
      writeFileSync(path.join(docs, '茶具.md'), '# 茶具\n\n茶具用完以后要洗干净晾干。\n');
      const plain = await writeTestPack(path.join(tmp, 'plain'));
      const ranked = path.join(tmp, 'ranked');
      cpSync(plain, ranked, { recursive: true });
      addRanker(ranked, sameLanguageRanker());
      const order = async (packDir: string, crossLingual: boolean) => {
        const lib = await Library.open({
          dbPath: path.join(tmp, `${path.basename(packDir)}.sqlite`),
          packDir,
        });
        try {
          await lib.addFolder(docs);
          await lib.ingest();
          const out = await lib.ask('绿茶的水温', { mode: 'hybrid', crossLingual });
          return out.results.map((r) => r.path);
        } finally {
          await lib.close();
        }
      };
      const fused = await order(plain, true);
      expect(fused[0]).toBe('tea.md');
      // The Chinese passages may swap (the ranker orders them); the English one keeps its place.
      const learned = await order(ranked, true);
      expect(learned[0]).toBe('tea.md');
      expect([...learned].sort()).toEqual([...fused].sort());
      // Without translation the same ranker does push the English passage down.
      const untranslated = await order(ranked, false);
      expect(untranslated.indexOf('tea.md')).toBe(untranslated.length - 1);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

/** A library of `files` (relative path → text) with the test pack, open while `use` runs. */
async function withLibraryOf(files: Record<string, string>, use: (lib: Library) => Promise<void>) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-hygiene-'));
  try {
    const docs = path.join(tmp, 'docs');
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(docs, rel)), { recursive: true });
      writeFileSync(path.join(docs, rel), text);
    }
    const lib = await Library.open({
      dbPath: path.join(tmp, 'lib.sqlite'),
      packDir: await writeTestPack(path.join(tmp, 'pack')),
    });
    try {
      await lib.addFolder(docs);
      await lib.ingest();
      await use(lib);
    } finally {
      await lib.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('the same text in two files', () => {
  it('is one result, naming the other file in alsoIn', async () => {
    const page =
      '# Printing\n\n6.3.9. Sharing a printer\n\nOpen the CUPS page on port 631 and tick "share this printer" for the classroom.\n';
    const files = {
      'v11/manual.md': page,
      'v12/manual.md': page.replace('6.3.9.', '6.3.10.'),
      'other.md': '# Scanning\n\nScanners are shared with saned on port 6566.\n',
    };
    await withLibraryOf(files, async (lib) => {
      const { results } = await lib.ask('share a printer with CUPS', { mode: 'hybrid' });
      const printing = results.filter((r) => r.path.endsWith('manual.md'));
      expect(printing).toHaveLength(1);
      expect(printing[0].alsoIn?.map((d) => d.path)).toEqual([
        printing[0].path === 'v11/manual.md' ? 'v12/manual.md' : 'v11/manual.md',
      ]);
    });
  });
});

describe('an untranslated paragraph of a Chinese manual', () => {
  it('is shown from the English edition, naming the Chinese manual in alsoIn', async () => {
    const paragraph =
      'When users insert a USB drive into a diskless workstation, an icon appears on the desktop; ' +
      'a double click on the icon mounts the drive and opens its files in the file manager. ' +
      'The drive is unmounted when the user logs out or clicks the eject symbol next to its name, ' +
      'and the files copied to the home directory stay on the server, not on the workstation.\n';
    const files = {
      'en/manual.md': `# Thin clients\n\n## Access to USB drives\n\n${paragraph}`,
      // The Chinese manual's headings are translated, this paragraph is not.
      'zh/manual.md': `# 瘦客户机\n\n## 访问 U 盘和光盘\n\n${paragraph}`,
      'zh/printing.md':
        '# 打印\n\n## 共享打印机\n\n在教室里共享打印机：打开 CUPS 页面，勾选共享这台打印机。\n',
    };
    await withLibraryOf(files, async (lib) => {
      // The Chinese headings match the question too, so the Chinese manual's copy ranks first.
      const { results } = await lib.ask('瘦客户机上插了 U 盘 USB drive，怎么打开 desktop icon？', {
        mode: 'hybrid',
      });
      const copies = results.filter((r) => r.path.endsWith('manual.md'));
      expect(copies).toHaveLength(1);
      expect(copies[0].path).toBe('en/manual.md');
      expect(copies[0].alsoIn?.map((d) => d.path)).toEqual(['zh/manual.md']);
      expect(copies[0].headingPath).toEqual(['Thin clients', 'Access to USB drives']);
    });
  });
});
