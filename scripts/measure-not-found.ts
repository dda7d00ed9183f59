/**
 * How often "not found" is said, on questions that are not evaluation questions:
 * the training pairs' questions asked of a library built from their passages
 * (scripts/trainingLibrary.ts), those whose passage is in it (answerable) and
 * those whose whole article was left out, or only their passage (no answer
 * there; the rest of the article still speaks of the same things).
 *
 *   npx tsx scripts/measure-not-found.ts [--train ../shared/train] [--questions 2000]
 *       [--seed 11] [--work DIR] [--model PACK]
 *
 * Prints, per language, the share of each kind said "not found" by the shipped
 * rule (search/notFound.ts) and by the rule before it (best passage's coverage
 * and cosine alone), and writes them as JSON to bench/results/not-found.json.
 * `--work DIR` keeps the documents and the index there, so a second run skips
 * the ingest.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Library } from '../main/engine/library/library.js';
import { NotFoundRule, type TopEvidence } from '../main/engine/search/notFound.js';
import { readTrainingPairs, SeededOrder, writeTrainingDocuments } from './trainingLibrary.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const trainDir = path.resolve(arg('--train', '../shared/train'));
const questionCount = Number(arg('--questions', '2000'));
const seed = Number(arg('--seed', '11'));
const packDir = args.includes('--model') ? path.resolve(arg('--model', '')) : undefined;
const work = args.includes('--work') ? path.resolve(arg('--work', '')) : null;

/** The shipped rule, keeping the evidence it was last shown. */
class RecordingRule extends NotFoundRule {
  last: TopEvidence | null = null;
  override isNotFound(e: TopEvidence): boolean {
    this.last = e;
    return super.isNotFound(e);
  }
}

const shippedRule = new NotFoundRule();
const RULES: Record<string, (e: TopEvidence) => boolean> = {
  shipped: (e) => shippedRule.isNotFound(e),
  // The rule before: a weak best passage alone.
  'coverage+cosine (before)': (e) => shippedRule.isWeak(e),
};

async function main(): Promise<void> {
  if (!existsSync(trainDir)) throw new Error(`no training pairs at ${trainDir}`);
  const started = Date.now();
  const order = new SeededOrder(seed);
  const pairs = readTrainingPairs(trainDir, order);
  const dir = work ?? mkdtempSync(path.join(os.tmpdir(), 'docqa-notfound-'));
  mkdirSync(dir, { recursive: true });
  const docs = path.join(dir, 'docs');
  const { spans, absent, articleAbsent } = writeTrainingDocuments(pairs, docs, order);
  const rule = new RecordingRule();
  const lib = await Library.open({ dbPath: path.join(dir, 'train.sqlite'), packDir, notFoundRule: rule });
  try {
    const folder = await lib.addFolder(docs);
    await lib.ingest({ folderIds: [folder.id] });
    console.log(`${spans.size} passages indexed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    const oneEach = new Map<string, (typeof pairs)[number]>();
    for (const p of order.shuffle(pairs.slice())) if (!oneEach.has(p.passage)) oneEach.set(p.passage, p);
    const asked = [
      ...[...oneEach.values()].filter((p) => !absent(p)).slice(0, questionCount),
      ...[...oneEach.values()].filter(absent).slice(0, questionCount),
    ];
    // Per "lang / answerable|no answer": questions, and how many each rule says "not found".
    const counts = new Map<string, { questions: number } & Record<string, number>>();
    for (const p of asked) {
      rule.last = null;
      const answer = await lib.ask(p.question, { k: 10, mode: 'hybrid' });
      const kind = articleAbsent(p) ? 'article left out' : absent(p) ? 'passage left out' : 'answerable';
      const key = `${p.lang} / ${kind}`;
      const c = counts.get(key) ?? { questions: 0 };
      c.questions++;
      for (const [name, says] of Object.entries(RULES)) {
        const notFound = rule.last ? says(rule.last) : answer.notFound;
        c[name] = (c[name] ?? 0) + (notFound ? 1 : 0);
      }
      counts.set(key, c);
    }
    const rows = [...counts].sort().map(([kind, c]) => ({
      kind,
      questions: c.questions,
      ...Object.fromEntries(Object.keys(RULES).map((r) => [r, +((c[r] ?? 0) / c.questions).toFixed(4)])),
    }));
    console.log(`share said "not found" (${((Date.now() - started) / 1000).toFixed(0)} s):`);
    console.table(rows);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/not-found.json',
      JSON.stringify({ seed, questionsPerKind: questionCount, rows }, null, 2) + '\n',
    );
  } finally {
    await lib.close();
    if (!work) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
