/**
 * Pasted paragraphs across languages, where the answer is known: the Debian
 * New Maintainers' Guide exists in English and in a full Chinese translation
 * with the same files and section numbers (manuals-dev's docs). Passages of one
 * language, cut to a paragraph's length, are pasted as questions into a library
 * of the other language alone; the answer is any passage of the same file and
 * section number there. Not an evaluation set (nothing here is fitted to it):
 * a check of the pasted-text path of cross-lingual recall (search/crossLingual.ts).
 *
 *   npx tsx scripts/measure-pasted.ts [--docs ../shared/eval/manuals-dev/docs] [--work DIR]
 *
 * Prints per direction the share first, in the top 10, MRR@10, how many were
 * answered "not found" and the median time, and writes them as JSON to
 * bench/results/pasted.json. `--work DIR` keeps both libraries for a second run.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Library } from '../main/engine/library/library.js';
import { openDatabase } from '../main/engine/store/database.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const docsDir = path.resolve(arg('--docs', '../shared/eval/manuals-dev/docs'));
const work = args.includes('--work') ? path.resolve(arg('--work', '')) : null;

interface Direction {
  name: string;
  /** Folder whose passages are pasted, and the folder of the library they are pasted into. */
  from: string;
  into: string;
  /** How much of a passage is pasted, and what makes it a paragraph of its language. */
  chars: number;
  isParagraph: (text: string) => boolean;
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;
const DIRECTIONS: Direction[] = [
  {
    name: 'zh pasted into en',
    from: 'maint-guide-zh-cn',
    into: 'maint-guide',
    chars: 150,
    isParagraph: (t) => count(t, /[\u4e00-\u9fff]/g) >= 80,
  },
  {
    name: 'en pasted into zh',
    from: 'maint-guide',
    into: 'maint-guide-zh-cn',
    chars: 400,
    isParagraph: (t) => count(t, /[a-z]/gi) >= 250,
  },
];

/** The deepest numbered heading of a passage ("4.1" of "4.1. control"). */
function sectionNumber(headingPath: string[]): string | null {
  for (let i = headingPath.length - 1; i >= 0; i--) {
    const m = /^(\d+(?:\.\d+)*)\.?\s/.exec(headingPath[i]);
    if (m) return m[1];
  }
  return null;
}

const fileStem = (relPath: string) => path.basename(relPath).split('.')[0];

interface Passage {
  id: number;
  key: string | null;
  text: string;
}

async function library(dbPath: string, folder: string): Promise<void> {
  if (existsSync(dbPath)) return;
  const lib = await Library.open({ dbPath });
  try {
    const f = await lib.addFolder(folder);
    await lib.ingest({ folderIds: [f.id] });
  } finally {
    await lib.close();
  }
}

function passages(dbPath: string): Passage[] {
  const db = openDatabase(dbPath);
  try {
    const rows = db
      .prepare(
        'SELECT c.id, d.rel_path, c.heading_path, c.text FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.id',
      )
      .all() as { id: number; rel_path: string; heading_path: string; text: string }[];
    return rows.map((r) => {
      const section = sectionNumber(JSON.parse(r.heading_path) as string[]);
      return { id: r.id, key: section ? `${fileStem(r.rel_path)}#${section}` : null, text: r.text };
    });
  } finally {
    db.close();
  }
}

async function measure(dir: string, d: Direction): Promise<Record<string, number | string>> {
  const fromDb = path.join(dir, `${d.from}.sqlite`);
  const intoDb = path.join(dir, `${d.into}.sqlite`);
  await library(fromDb, path.join(docsDir, d.from));
  await library(intoDb, path.join(docsDir, d.into));
  const target = new Map(passages(intoDb).map((p) => [p.id, p.key]));
  const keys = new Set(target.values());
  // Spaces collapsed, line breaks kept: what a paragraph copied from a page looks like.
  const pasted = passages(fromDb)
    .map((p) => ({ key: p.key, text: p.text.replace(/[ \t]+/g, ' ').slice(0, d.chars) }))
    .filter((p) => p.key !== null && keys.has(p.key) && d.isParagraph(p.text));
  const lib = await Library.open({ dbPath: intoDb });
  let first = 0;
  let top10 = 0;
  let mrr = 0;
  let notFound = 0;
  const ms: number[] = [];
  try {
    for (const p of pasted) {
      const started = performance.now();
      const answer = await lib.ask(p.text, { k: 10, mode: 'hybrid', log: false });
      ms.push(performance.now() - started);
      const rank = answer.results.findIndex((r) => target.get(r.chunkId) === p.key);
      if (rank === 0) first++;
      if (rank >= 0) {
        top10++;
        mrr += 1 / (rank + 1);
      }
      if (answer.notFound) notFound++;
    }
  } finally {
    await lib.close();
  }
  ms.sort((a, b) => a - b);
  const n = pasted.length;
  return {
    direction: d.name,
    pasted: n,
    first: +(first / n).toFixed(3),
    top10: +(top10 / n).toFixed(3),
    mrr10: +(mrr / n).toFixed(3),
    notFound,
    p50_ms: +ms[ms.length >> 1].toFixed(1),
  };
}

async function main(): Promise<void> {
  for (const d of DIRECTIONS)
    for (const folder of [d.from, d.into])
      if (!existsSync(path.join(docsDir, folder))) throw new Error(`no ${folder} under ${docsDir}`);
  const dir = work ?? mkdtempSync(path.join(os.tmpdir(), 'docqa-pasted-'));
  mkdirSync(dir, { recursive: true });
  try {
    const results = [];
    for (const d of DIRECTIONS) results.push(await measure(dir, d));
    console.table(results);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/pasted.json',
      `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`,
    );
  } finally {
    if (!work) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
