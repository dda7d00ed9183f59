/**
 * Measurements behind the engine's defaults (not part of `npm run bench`: it
 * needs ../shared/eval and prebuilt indexes). Usage:
 *
 *   docqa eval ../shared/eval/* --pool --mode bm25 --db /tmp/pooled.sqlite      # builds the pooled index
 *   docqa eval ../shared/eval/covidqa-dev --mode bm25 --db /tmp/covid.sqlite     # single-set libraries
 *   npx tsx bench/engine-tuning.ts fusion /tmp/pooled.sqlite ../shared/eval/*
 *   npx tsx bench/engine-tuning.ts notfound /tmp/pooled.sqlite ../shared/eval/* -- /tmp/covid.sqlite:cmrc2018-dev,boolq-dev
 *
 * fusion: records every question's candidates with both channel scores once,
 * then scores score-fusion weights and RRF offline (hit@1/5/10, MRR@10 per set).
 * notfound: the not-found evidence (coverage, cosine) of the best passage for
 * questions whose documents are in the library vs questions asked of a library
 * without their documents, and the error rates of threshold pairs.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadEvalSet, type EvalSet } from '../main/engine/eval/evalSet.js';
import { firstHitRank, MetricsAccumulator } from '../main/engine/eval/scoring.js';
import { DenseChannel } from '../main/engine/search/dense.js';
import type { TopEvidence } from '../main/engine/search/notFound.js';
import {
  ScoreFusionRanker,
  type Candidate,
  type RankedCandidate,
  type Ranker,
  type RankInput,
} from '../main/engine/search/ranker.js';
import { Searcher } from '../main/engine/search/searcher.js';
import { DENSE_WEIGHT } from '../main/engine/library/library.js';
import { openDatabase, type Db } from '../main/engine/store/database.js';
import { activeVectorSet } from '../main/engine/store/vectorSets.js';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { openPack } from '../main/engine/towers/openPack.js';
import type { TowerPack } from '../main/engine/towers/types.js';

/** Passes candidates through in fused order, keeping a copy for offline sweeps. */
class RecordingRanker implements Ranker {
  readonly name = 'recording';
  last: Candidate[] = [];
  private readonly inner = new ScoreFusionRanker(0.5);

  rank(input: RankInput): RankedCandidate[] {
    this.last = input.candidates.map((c) => ({ ...c }));
    return this.inner.rank(input);
  }
}

interface Recorded {
  set: string;
  candidates: Candidate[];
  /** Chunks in BM25's own top 100 (the others got their BM25 score filled in). */
  inBm25Top: Set<number>;
  /** Chunk id → whether it is a hit for the question. */
  hits: Set<number>;
}

async function open(dbPath: string, pack: TowerPack): Promise<{ db: Db; dense: DenseChannel }> {
  const db = openDatabase(dbPath);
  const set = activeVectorSet(db);
  if (!set) throw new Error(`${dbPath} has no vectors`);
  if (set.answerHash !== pack.answerTower.hash) throw new Error(`${dbPath} was embedded with another pack`);
  return { db, dense: new DenseChannel(db, set) };
}

function hitIds(db: Db, set: EvalSet, q: EvalSet['questions'][number], ids: number[]): Set<number> {
  const rows = db
    .prepare(
      `SELECT c.id, c.start, c.end, c.text, d.rel_path AS path, f.path AS folder FROM chunks c
       JOIN documents d ON d.id = c.document_id JOIN folders f ON f.id = d.folder_id
       WHERE c.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as {
    id: number;
    start: number;
    end: number;
    text: string;
    path: string;
    folder: string;
  }[];
  return new Set(rows.filter((r) => firstHitRank(q, set.docsDir, [r]) === 1).map((r) => r.id));
}

async function record(dbPath: string, sets: EvalSet[], pack: TowerPack): Promise<Recorded[]> {
  // Recording takes minutes; the candidates are kept beside the index for further sweeps.
  const cache = `${dbPath}.candidates.json`;
  if (existsSync(cache)) {
    return (
      JSON.parse(readFileSync(cache, 'utf8')) as (Omit<Recorded, 'inBm25Top' | 'hits'> & {
        inBm25Top: number[];
        hits: number[];
      })[]
    ).map((r) => ({
      ...r,
      inBm25Top: new Set(r.inBm25Top),
      hits: new Set(r.hits),
    }));
  }
  const { db, dense } = await open(dbPath, pack);
  const ranker = new RecordingRanker();
  const searcher = new Searcher(db, ranker);
  const out: Recorded[] = [];
  for (const set of sets) {
    for (const q of set.questions) {
      await searcher.search(q.question, 10, 'bm25', null);
      const inBm25Top = new Set(ranker.last.map((c) => c.chunkId));
      await searcher.search(q.question, 10, 'hybrid', {
        channel: dense,
        embedQuestion: async (t) => pack.embedQuestions([t]),
      });
      out.push({
        set: set.name,
        candidates: ranker.last,
        inBm25Top,
        hits: hitIds(
          db,
          set,
          q,
          ranker.last.map((c) => c.chunkId),
        ),
      });
    }
    process.stderr.write(`recorded ${set.name}\n`);
  }
  db.close();
  writeFileSync(
    cache,
    JSON.stringify(out.map((r) => ({ ...r, inBm25Top: [...r.inBm25Top], hits: [...r.hits] }))),
  );
  return out;
}

function score(
  recorded: Recorded[],
  order: (c: Candidate[]) => Candidate[],
  zeroFill = false,
): Map<string, ReturnType<MetricsAccumulator['result']>> {
  const acc = new Map<string, MetricsAccumulator>();
  for (const r of recorded) {
    const candidates = zeroFill
      ? r.candidates.map((c) => (r.inBm25Top.has(c.chunkId) ? c : { ...c, bm25: undefined }))
      : r.candidates;
    const ranked = order(candidates).slice(0, 10);
    const i = ranked.findIndex((c) => r.hits.has(c.chunkId));
    if (!acc.has(r.set)) acc.set(r.set, new MetricsAccumulator());
    acc.get(r.set)!.add(i + 1);
  }
  return new Map([...acc].map(([k, v]) => [k, v.result()]));
}

const byScore = (f: (c: Candidate) => number) => (cs: Candidate[]) =>
  [...cs].sort((a, b) => f(b) - f(a) || a.chunkId - b.chunkId);

function fusion(recorded: Recorded[]): void {
  const rows: Record<string, unknown>[] = [];
  const add = (label: string, order: (c: Candidate[]) => Candidate[], zeroFill = false) => {
    for (const [set, m] of score(recorded, order, zeroFill)) rows.push({ method: label, set, ...m });
  };
  // Channels alone over their own top-100 lists.
  add('bm25', (cs) => byScore((c) => c.bm25 ?? -Infinity)(cs.filter((c) => c.bm25 !== undefined)), true);
  add('dense', (cs) => byScore((c) => c.dense ?? -Infinity)(cs));
  const weights = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5, 2.0];
  for (const w of weights) {
    // The engine's ranker; dense-only candidates count BM25 0 (as in the engine: no second FTS query).
    add(
      `fusion w=${w}`,
      (cs) => new ScoreFusionRanker(w).rank({ question: '', mode: 'hybrid', candidates: cs }),
      true,
    );
  }
  // The baseline's fusion: BM25/top BM25 + w × raw cosine (the engine normalises the cosine by its top too).
  for (const w of weights) {
    add(
      `raw-cosine w=${w}`,
      (cs) => {
        const topB = Math.max(0, ...cs.map((c) => c.bm25 ?? 0));
        return byScore((c) => (topB > 0 ? (c.bm25 ?? 0) / topB : 0) + w * (c.dense ?? 0))(cs);
      },
      true,
    );
  }
  add('rrf k=60', (cs) => {
    const rank = (f: (c: Candidate) => number | undefined) => {
      const sorted = cs.filter((c) => f(c) !== undefined).sort((a, b) => f(b)! - f(a)!);
      return new Map(sorted.map((c, i) => [c.chunkId, i + 1]));
    };
    const rb = rank((c) => c.bm25);
    const rd = rank((c) => c.dense);
    return byScore(
      (c) =>
        (rb.has(c.chunkId) ? 1 / (60 + rb.get(c.chunkId)!) : 0) +
        (rd.has(c.chunkId) ? 1 / (60 + rd.get(c.chunkId)!) : 0),
    )(cs);
  });
  for (const r of rows) console.log(JSON.stringify(r));
}

/** With DOCQA_NOTFOUND_MODE=bm25 the evidence has no cosine (coverage alone; any pack). */
async function evidence(
  dbPath: string,
  sets: EvalSet[],
  pack: TowerPack,
): Promise<{ set: string; e: TopEvidence; hit: boolean }[]> {
  const lexical = process.env.DOCQA_NOTFOUND_MODE === 'bm25';
  const db = lexical ? openDatabase(dbPath) : null;
  const opened = db ? { db, dense: null } : await open(dbPath, pack);
  const searcher = new Searcher(opened.db, new ScoreFusionRanker(DENSE_WEIGHT));
  const out: { set: string; e: TopEvidence; hit: boolean }[] = [];
  for (const set of sets) {
    for (const q of set.questions) {
      const dense = opened.dense
        ? { channel: opened.dense, embedQuestion: async (t: string) => pack.embedQuestions([t]) }
        : null;
      const { results } = await searcher.search(q.question, 1, dense ? 'hybrid' : 'bm25', dense);
      if (!results.length) {
        out.push({
          set: set.name,
          e: { coverage: 0, cosine: null, absentNames: [], absentShare: 1 },
          hit: false,
        });
        continue;
      }
      const folder =
        (opened.db
          .prepare('SELECT path FROM folders WHERE id = ?')
          .pluck()
          .get(results[0].folderId) as string) ?? '';
      const hit = firstHitRank(q, set.docsDir, [{ ...results[0], folder }]) === 1;
      out.push({ set: set.name, e: searcher.evidence(q.question, results[0], dense !== null), hit });
    }
  }
  opened.db.close();
  return out;
}

async function notFound(pooled: string, sets: EvalSet[], outside: string[], pack: TowerPack): Promise<void> {
  const inside = await evidence(pooled, sets, pack);
  const away: { set: string; e: TopEvidence }[] = [];
  for (const spec of outside) {
    const [db, names] = spec.split(':');
    const asked = sets.filter((s) => names.split(',').includes(s.name));
    away.push(
      ...(await evidence(db, asked, pack)).map((x) => ({ ...x, set: `${x.set}@${path.basename(db)}` })),
    );
  }
  for (const minCoverage of [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
    for (const minCosine of process.env.DOCQA_NOTFOUND_MODE === 'bm25'
      ? [1.1]
      : [0.3, 0.4, 0.5, 0.6, 0.7, 1.1]) {
      const nf = (e: TopEvidence) => e.coverage < minCoverage && (e.cosine === null || e.cosine < minCosine);
      const perSet = new Map<string, { n: number; nf: number }>();
      for (const x of [
        ...inside.map((i) => ({ ...i, set: `in:${i.set}` })),
        ...away.map((a) => ({ ...a, set: `out:${a.set}` })),
      ]) {
        const s = perSet.get(x.set) ?? { n: 0, nf: 0 };
        s.n++;
        if (nf(x.e)) s.nf++;
        perSet.set(x.set, s);
      }
      const hitInside = inside.filter((x) => x.hit);
      const wrongOnHits = hitInside.filter((x) => nf(x.e)).length / Math.max(hitInside.length, 1);
      console.log(
        JSON.stringify({
          minCoverage,
          minCosine,
          notFoundOnTop1Hits: +wrongOnHits.toFixed(4),
          ...Object.fromEntries([...perSet].map(([k, v]) => [k, +(v.nf / v.n).toFixed(4)])),
        }),
      );
    }
  }
}

async function main(): Promise<void> {
  const [what, dbPath, ...rest] = process.argv.slice(2);
  const sep = rest.indexOf('--');
  const setDirs = (sep >= 0 ? rest.slice(0, sep) : rest).filter((d) => statSync(d).isDirectory());
  const sets = setDirs.map(loadEvalSet);
  const pack = await openPack(process.env.DOCQA_PACK ?? builtinPackDir(), { provider: 'cpu' });
  try {
    if (what === 'fusion') fusion(await record(dbPath, sets, pack));
    else if (what === 'notfound') await notFound(dbPath, sets, sep >= 0 ? rest.slice(sep + 1) : [], pack);
    else throw new Error('usage: engine-tuning.ts fusion|notfound DB SET… [-- DB:set,set …]');
  } finally {
    await pack.close();
  }
}

// A measurement script, not a suite: `npm run bench` imports every bench/*.ts, so run only when started directly.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
