import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import { resourcesDirectory } from '../../main/engine/towers/builtinPack.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('docqa-notfound-');
let lib: Library;

const GARDEN: Record<string, string> = {
  'garden/lawn.md': `# Lawn care

## Mowing

Mow the lawn when the grass is about eight centimetres tall, and never cut more than a third of the blade at once.

## Watering

Water deeply once a week, early in the morning, so the roots grow down instead of staying near the surface.

## Feeding

Spread a slow-release fertiliser in spring and again in early autumn.
`,
  'garden/roses.md': `# Roses

Prune roses in late winter, just above an outward-facing bud. Remove dead, diseased and crossing stems first.

Aphids can be washed off with a strong jet of water; ladybirds eat them too.
`,
  '园艺/番茄.md': `# 番茄种植

番茄喜欢阳光，每天至少需要六小时日照。幼苗长到二十厘米时要搭支架。浇水要浇透，但不要让土壤一直积水。
`,
};

/** Asked of the garden library, then again after an unrelated folder joins it. */
const QUESTIONS = [
  'How tall should the grass be before I cut it?',
  'What can I do about aphids on my roses?',
  '番茄苗长多高的时候要搭支架？',
  'How do I connect the Husqvarna robot to its charging station?',
  'Can I use Roundup on the lawn?',
  'penguin migration across antarctic ice shelves',
];

async function outcomes(): Promise<{ notFound: boolean; top: string | undefined; missing: string[] }[]> {
  const out = [];
  for (const q of QUESTIONS) {
    const a = await lib.ask(q, { k: 5 });
    out.push({ notFound: a.notFound, top: a.results[0]?.path, missing: a.missingNames });
  }
  return out;
}

beforeAll(async () => {
  for (const [rel, text] of Object.entries(GARDEN)) tmp.file(path.join('garden-docs', rel), text);
  lib = await Library.open({ dbPath: path.join(tmp.dir, 'lib.sqlite'), provider: 'cpu' });
  const folder = await lib.addFolder(path.join(tmp.dir, 'garden-docs'));
  await lib.ingest({ folderIds: [folder.id] });
});

afterAll(async () => {
  await lib.close();
  tmp.cleanup();
});

describe('"not found" with the built-in pack', () => {
  it('answers what the library covers, and names what it does not', async () => {
    const before = await outcomes();
    expect(before.map((o) => o.notFound)).toEqual([false, false, false, true, true, true]);
    expect(before.slice(0, 3).map((o) => o.top)).toEqual([
      'garden/lawn.md',
      'garden/roses.md',
      '园艺/番茄.md',
    ]);
    expect(before[3].missing).toEqual(['Husqvarna']);
    expect(before[4].missing).toEqual(['Roundup']);
    expect(before[5].missing).toEqual([]);
  });

  it('keeps every outcome when a small unrelated folder joins the library', async () => {
    const before = await outcomes();
    const unrelated = path.join(tmp.dir, 'unrelated');
    cpSync(path.join(resourcesDirectory(), 'sample-docs'), unrelated, { recursive: true });
    const folder = await lib.addFolder(unrelated);
    const summary = await lib.ingest({ folderIds: [folder.id] });
    expect(summary.filesAdded).toBeGreaterThanOrEqual(8);
    // Same decisions and the same answers; the closest passages of a "not found" may come from anywhere.
    const shown = (o: { notFound: boolean; top: string | undefined; missing: string[] }) =>
      o.notFound ? { ...o, top: null } : o;
    expect((await outcomes()).map(shown)).toEqual(before.map(shown));
  });
});
