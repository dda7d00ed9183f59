/**
 * What one typing error costs, and what spelling correction gives back: each
 * sampled question of the English SQuAD-style dev sets is asked as written,
 * with one typo in one of its longer words (a letter left out, added, changed
 * or two swapped, never the first or last letter), and with that typo
 * searched as written (`asWritten`: the engine before correction). One
 * library holds all the sets, as `docqa eval --pool` builds it.
 *
 *   npx tsx scripts/measure-typos.ts [--eval ../shared/eval] [--db FILE]
 *       [--questions 400] [--seed 7]
 *
 * Prints hit@1 / hit@10 (the sets' README rule) and "not found" per set and
 * way of asking, and the time per question; writes them as JSON to
 * bench/results/typos.json. `--db` keeps the library, so a second run skips
 * the ingest.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Library } from '../main/engine/library/library.js';
import { loadEvalSet, type EvalQuestion } from '../main/engine/eval/evalSet.js';
import { firstHitRank } from '../main/engine/eval/scoring.js';
import { stopwordSet } from '../main/engine/search/coverage.js';
import { analyze } from '../main/engine/text/analyzer.js';
import { SeededOrder } from './trainingLibrary.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const evalDir = path.resolve(arg('--eval', '../shared/eval'));
const perSet = Number(arg('--questions', '400'));
const seed = Number(arg('--seed', '7'));
const SETS = ['boolq-dev', 'tydiqa-goldp-en-dev', 'covidqa-dev'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

const below = (order: SeededOrder, n: number) => Math.floor(order.random() * n);

/** The question with one typing error in one of its content words of five letters or more; null if it has none. */
function withTypo(question: string, order: SeededOrder): string | null {
  const stop = stopwordSet();
  const words = [...question.matchAll(/[A-Za-z]{5,}/g)].filter((m) => !stop.has(analyze(m[0])[0] ?? ''));
  if (!words.length) return null;
  const m = words[below(order, words.length)];
  const w = m[0];
  const i = 1 + below(order, w.length - 2);
  const c = LETTERS[below(order, 26)];
  const typed = [
    w.slice(0, i) + w.slice(i + 1),
    w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2),
    w.slice(0, i) + c + w.slice(i + 1),
    w.slice(0, i) + c + w.slice(i),
  ][below(order, 4)];
  if (typed.toLowerCase() === w.toLowerCase()) return null;
  return question.slice(0, m.index) + typed + question.slice(m.index + w.length);
}

interface Tally {
  asked: number;
  hit1: number;
  hit10: number;
  notFound: number;
  corrected: number;
  ms: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docqa-typos-'));
  const dbPath = args.includes('--db') ? path.resolve(arg('--db', '')) : path.join(dir, 'pooled.sqlite');
  const sets = SETS.map((s) => loadEvalSet(path.join(evalDir, s)));
  const lib = await Library.open({ dbPath });
  try {
    const folderIds: number[] = [];
    for (const s of sets) folderIds.push((await lib.addFolder(s.docsDir)).id);
    await lib.ingest({ folderIds });
    const folders = new Map((await lib.listFolders()).map((f) => [f.id, f.path]));
    const rows: Record<string, unknown>[] = [];
    for (const set of sets) {
      const order = new SeededOrder(seed);
      const sample = order.shuffle(set.questions.slice()).slice(0, perSet);
      const ways = ['as written', 'one typo, searched as written', 'one typo, corrected'] as const;
      const tallies = new Map<string, Tally>(
        ways.map((w) => [w, { asked: 0, hit1: 0, hit10: 0, notFound: 0, corrected: 0, ms: 0 }]),
      );
      const ask = async (q: EvalQuestion, text: string, asWritten: boolean, t: Tally) => {
        const started = performance.now();
        const a = await lib.ask(text, { k: 10, mode: 'hybrid', asWritten });
        t.ms += performance.now() - started;
        const rank = firstHitRank(
          q,
          set.docsDir,
          a.results.map((r) => ({ ...r, folder: folders.get(r.folderId) ?? '' })),
        );
        t.asked++;
        t.hit1 += rank === 1 ? 1 : 0;
        t.hit10 += rank >= 1 ? 1 : 0;
        t.notFound += a.notFound ? 1 : 0;
        t.corrected += a.corrections.length ? 1 : 0;
      };
      for (const q of sample) {
        const typed = withTypo(q.question, order);
        if (!typed) continue;
        await ask(q, q.question, false, tallies.get(ways[0])!);
        await ask(q, typed, true, tallies.get(ways[1])!);
        await ask(q, typed, false, tallies.get(ways[2])!);
      }
      for (const [way, t] of tallies) {
        const share = (n: number) => +(n / Math.max(t.asked, 1)).toFixed(4);
        rows.push({
          set: set.name,
          asked: way,
          questions: t.asked,
          'hit@1': share(t.hit1),
          'hit@10': share(t.hit10),
          notFound: t.notFound,
          corrected: t.corrected,
          ms_per_query: +(t.ms / Math.max(t.asked, 1)).toFixed(2),
        });
      }
    }
    console.table(rows);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/typos.json',
      JSON.stringify({ seed, questionsPerSet: perSet, rows }, null, 2) + '\n',
    );
  } finally {
    await lib.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
