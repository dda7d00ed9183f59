/**
 * Engine benchmarks, each figure beside a baseline measured in the
 * same process:
 * - ingest: chunks/s and MB/s end to end (scan → extract → chunk → answer tower
 *   → SQLite) on a generated mixed zh/en text corpus, beside extract+chunk+analyze
 *   alone; PDF pages/s.
 * - query latency p50/p95 at 10k / 100k / 1M chunks for bm25, dense and hybrid:
 *   libraries built synthetically (generated text, clustered unit vectors) through
 *   the store's own write path; dense both exact (vec0) and binary-quantised
 *   (sign bits + float rescoring), with the binary path's recall@10 against exact.
 * - peak RSS while the real pipeline ingests 1M chunks, and database bytes per chunk.
 *
 * Run: `npm run bench -- engine [--sizes 10k,100k,1m] [--quick]`, or `npx tsx bench/engine.ts`.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chunkDocument, extractFile, scanFolder } from '../main/engine/ingest/index.js';
import { Library } from '../main/engine/library/index.js';
import { buildNode } from './nodeBuild.js';
import { DENSE_WEIGHT } from '../main/engine/library/library.js';
import { indexColumns } from '../main/engine/text/analyzer.js';
import { DenseChannel, EXACT_KNN_MAX_VECTORS } from '../main/engine/search/dense.js';
import { DenseSearchWorker } from '../main/engine/search/denseSearchWorker.js';
import { passageText } from '../main/engine/text/passageText.js';
import { LearnedRanker } from '../main/engine/rank/learnedRanker.js';
import { readPackRanker } from '../main/engine/rank/packRanker.js';
import { ScoreFusionRanker } from '../main/engine/search/ranker.js';
import { Searcher } from '../main/engine/search/searcher.js';
import { builtinLexicon } from '../main/engine/search/lexicon.js';
import { translateQuestion } from '../main/engine/search/translateQuery.js';
import { openDatabase } from '../main/engine/store/database.js';
import { DocumentStore, type ChunkRow } from '../main/engine/store/documentStore.js';
import { insertFolder } from '../main/engine/store/folders.js';
import { activeVectorSet, createVectorSet } from '../main/engine/store/vectorSets.js';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { openPack } from '../main/engine/towers/openPack.js';
import type { TowerPack } from '../main/engine/towers/types.js';
import { makePdf } from '../scripts/documentWriters/pdfWriter.js';
import { seededRandom } from '../test/library/random.js';

export interface EngineBenchOptions {
  sizes?: string[];
  quick?: boolean;
}

const SIZES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'ta',
  'shi',
  'po',
  'an',
  'el',
  'or',
  'um',
  'ix',
  'zu',
  've',
  'qua',
  'bri',
  'tor',
  'len',
  'das',
];
const HANZI =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理';

/** Generated text: Zipf-distributed pseudo-words, some paragraphs in Chinese. */
class TextGen {
  private readonly words: string[] = [];
  private readonly cdf: number[] = [];
  constructor(
    private readonly random: () => number,
    /** Real words mixed into the English paragraphs (what translated questions search for). */
    private readonly realWords: readonly string[] = [],
    private readonly realShare = 0.05,
  ) {
    let total = 0;
    for (let i = 0; i < 30_000; i++) {
      let w = '';
      for (let s = 0, n = 2 + (i % 3); s < n; s++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
      this.words.push(w);
      total += 1 / (i + 1);
      this.cdf.push(total);
    }
    for (let i = 0; i < this.cdf.length; i++) this.cdf[i] /= total;
  }

  word(): string {
    const x = this.random();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo];
  }

  paragraph(chars: number): string {
    if (this.random() < 0.3) {
      let s = '';
      while (s.length < chars / 2) {
        s += HANZI[Math.floor(this.random() * HANZI.length)];
        if (this.random() < 0.06) s += '。';
      }
      return `${s}。`;
    }
    const out: string[] = [];
    let n = 0;
    while (n < chars) {
      const w =
        this.realWords.length && this.random() < this.realShare
          ? this.realWords[Math.floor(this.random() * this.realWords.length)]
          : this.word();
      out.push(w);
      n += w.length + 1;
    }
    return `${out.join(' ')}.`;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function latency(samples: number[]): { p50_ms: number; p95_ms: number; mean_ms: number } {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    p50_ms: r(percentile(s, 50)),
    p95_ms: r(percentile(s, 95)),
    mean_ms: r(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/**
 * Each question timed with `before` and then `after`, one right after the other, so that other
 * load on the machine falls on both alike: the two tails and what `after` adds, in the tails
 * and question by question.
 */
async function pairedLatency(
  questions: readonly string[],
  before: (q: string) => Promise<unknown>,
  after: (q: string) => Promise<unknown>,
) {
  const beforeMs: number[] = [];
  const afterMs: number[] = [];
  const timed = async (fn: (q: string) => Promise<unknown>, q: string) => {
    const t = performance.now();
    await fn(q);
    return performance.now() - t;
  };
  // Each question is asked twice in a row, and the second asking finds its terms' pages and
  // document frequencies cached: the two take turns going first, or "after" gains what it
  // only inherits (measured: ~7 ms a question at 100k when "after" always went second).
  for (const [i, q] of questions.entries()) {
    if (i % 2 === 0) {
      beforeMs.push(await timed(before, q));
      afterMs.push(await timed(after, q));
    } else {
      afterMs.push(await timed(after, q));
      beforeMs.push(await timed(before, q));
    }
  }
  const a = latency(beforeMs);
  const b = latency(afterMs);
  const perQuestion = latency(afterMs.map((x, i) => x - beforeMs[i]));
  return {
    before: a,
    after: b,
    added_p50_ms: +(b.p50_ms - a.p50_ms).toFixed(2),
    added_p95_ms: +(b.p95_ms - a.p95_ms).toFixed(2),
    added_per_question_median_ms: perQuestion.p50_ms,
    added_per_question_p95_ms: perQuestion.p95_ms,
  };
}

function dirBytes(file: string): number {
  let n = 0;
  for (const suffix of ['', '-wal', '-shm'])
    n += statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0;
  return n;
}

/** Peak resident set size of this process (all threads) while `fn` runs, sampled every 100 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakRssMB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakRssMB: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

export function writeTextCorpus(dir: string, files: number, paragraphsPerFile: number, seed: number): number {
  const gen = new TextGen(seededRandom(seed));
  const random = seededRandom(seed + 1);
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const sub = path.join(dir, `d${f % 50}`);
    mkdirSync(sub, { recursive: true });
    const paras = [`Document ${f}`];
    for (let p = 0; p < paragraphsPerFile; p++) paras.push(gen.paragraph(150 + Math.floor(random() * 450)));
    const text = `${paras.join('\n\n')}\n`;
    writeFileSync(path.join(sub, `${f}.${f % 3 === 0 ? 'md' : 'txt'}`), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/** Extract + chunk + analyze alone, in this thread: what the pipeline costs without towers and SQLite. */
async function baselineExtractChunk(dir: string): Promise<{ chunks: number; seconds: number }> {
  const started = performance.now();
  let chunks = 0;
  for await (const file of scanFolder(dir)) {
    const doc = await extractFile(file.absPath);
    for (const c of chunkDocument(doc)) {
      indexColumns(passageText(doc.title, c.headingPath, c.text));
      chunks++;
    }
  }
  return { chunks, seconds: (performance.now() - started) / 1000 };
}

type LibraryClass = typeof Library;

/** The Library users run: the out/node build when it compiles, else the sources (through tsx, workers included). */
async function libraryUnderTest(): Promise<{ Library: LibraryClass; ranFrom: string }> {
  const error = buildNode();
  if (error) return { Library, ranFrom: `TypeScript sources via tsx (${error})` };
  const compiled = new URL('../out/node/main/engine/library/index.js', import.meta.url);
  const mod = (await import(compiled.href)) as { Library: LibraryClass };
  return { Library: mod.Library, ranFrom: 'out/node (tsc build, as after npm ci)' };
}

async function ingestRun(
  docs: string,
  dbPath: string,
  settings: { chunkTargetChars?: number } = {},
  LibraryImpl: LibraryClass = Library,
) {
  const lib = await LibraryImpl.open({ dbPath, provider: 'cpu' });
  try {
    if (settings.chunkTargetChars) await lib.updateSettings({ chunkTargetChars: settings.chunkTargetChars });
    await lib.addFolder(docs);
    const started = performance.now();
    // Steady state: from the first written chunk on (worker start and pack loading excluded).
    let first: { at: number; chunks: number; bytes: number } | null = null;
    const { result: summary, peakRssMB } = await withPeakRss(() =>
      lib.ingest({
        onProgress: (p) => {
          if (!first && p.chunks > 0) first = { at: performance.now(), chunks: p.chunks, bytes: p.bytesDone };
        },
      }),
    );
    const ended = performance.now();
    const f = first as { at: number; chunks: number; bytes: number } | null;
    const steadySeconds = f ? (ended - f.at) / 1000 : 0;
    return {
      summary,
      seconds: (ended - started) / 1000,
      steady:
        f && steadySeconds > 0
          ? {
              chunksPerS: Math.round((summary.chunks - f.chunks) / steadySeconds),
              MBPerS: +((summary.bytesDone - f.bytes) / 2 ** 20 / steadySeconds).toFixed(2),
            }
          : null,
      peakRssMB,
      dbBytes: dirBytes(dbPath),
    };
  } finally {
    await lib.close();
  }
}

async function benchIngest(
  tmp: string,
  quick: boolean,
  lib: { Library: LibraryClass; ranFrom: string },
): Promise<Record<string, unknown>> {
  const docs = path.join(tmp, 'ingest-docs');
  const files = quick ? 300 : 2000;
  const bytes = writeTextCorpus(docs, files, 6, 7);
  const base = await baselineExtractChunk(docs);
  const run = await ingestRun(docs, path.join(tmp, 'ingest.sqlite'), {}, lib.Library);
  // The same run from the TypeScript sources: workers compile as they start (developers' `npm run bench` before a build).
  const fromSources = await ingestRun(docs, path.join(tmp, 'ingest-sources.sqlite'));
  const s = run.summary;
  return {
    ran_from: lib.ranFrom,
    corpus: { files, MB: +(bytes / 2 ** 20).toFixed(2), chunks: s.chunks },
    end_to_end: {
      chunks_per_s: Math.round(s.chunks / run.seconds),
      MB_per_s: +(bytes / 2 ** 20 / run.seconds).toFixed(2),
      seconds: +run.seconds.toFixed(2),
      peak_rss_MB: run.peakRssMB,
      db_bytes_per_chunk: Math.round(run.dbBytes / s.chunks),
    },
    steady_state_after_first_chunk: run.steady,
    from_sources_via_tsx: {
      chunks_per_s: Math.round(fromSources.summary.chunks / fromSources.seconds),
      seconds: +fromSources.seconds.toFixed(2),
      steady_state_after_first_chunk: fromSources.steady,
    },
    baseline_extract_chunk_analyze_only: {
      chunks_per_s: Math.round(base.chunks / base.seconds),
      seconds: +base.seconds.toFixed(2),
    },
    target_chunks_per_s: 2000,
  };
}

async function benchPdf(
  tmp: string,
  quick: boolean,
  lib: { Library: LibraryClass },
): Promise<Record<string, unknown>> {
  const docs = path.join(tmp, 'pdf-docs');
  mkdirSync(docs, { recursive: true });
  const gen = new TextGen(seededRandom(11));
  const files = quick ? 5 : 20;
  const pagesPer = 10;
  for (let f = 0; f < files; f++) {
    const pages = Array.from({ length: pagesPer }, () => ({
      lines: Array.from({ length: 30 }, (_, i) =>
        i % 6 === 5
          ? ''
          : gen
              .paragraph(70)
              .slice(0, 90)
              .replace(/[^\x20-\x7e]/g, 'x'),
      ),
    }));
    writeFileSync(path.join(docs, `report-${f}.pdf`), makePdf(pages, { title: `Report ${f}` }));
  }
  const run = await ingestRun(docs, path.join(tmp, 'pdf.sqlite'), {}, lib.Library);
  return {
    files,
    pages: files * pagesPer,
    pages_per_s: +((files * pagesPer) / run.seconds).toFixed(1),
    chunks: run.summary.chunks,
    seconds: +run.seconds.toFixed(2),
  };
}

/** A library of `n` generated chunks with clustered unit vectors, written through DocumentStore. */
export function buildSyntheticLibrary(
  dbPath: string,
  n: number,
  dim: number,
  pack: TowerPack,
  realWords: readonly string[] = [],
): { queries: { text: string; vector: Float32Array }[] } {
  const db = openDatabase(dbPath);
  const random = seededRandom(n);
  const gen = new TextGen(seededRandom(n + 1), realWords);
  const folderId = insertFolder(db, '/bench');
  const set = createVectorSet(
    db,
    {
      answerHash: pack.answerTower.hash,
      questionHash: pack.questionTower.hash,
      packName: pack.name,
      packVersion: pack.version,
      packDir: pack.dir,
      dim,
    },
    'active',
  );
  const store = new DocumentStore(db);
  const clusters = 2000;
  const centroids = Float32Array.from({ length: clusters * dim }, () => random() - 0.5);
  const unit = (v: Float32Array, o: number) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += v[o + j] ** 2;
    const k = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) v[o + j] *= k;
  };
  const vectorNear = (out: Float32Array, o: number, c: number, noise: number) => {
    for (let j = 0; j < dim; j++) out[o + j] = centroids[c * dim + j] + (random() - 0.5) * noise;
    unit(out, o);
  };
  const perDoc = 100;
  const queries: { text: string; vector: Float32Array }[] = [];
  for (let d = 0; d * perDoc < n; d++) {
    const count = Math.min(perDoc, n - d * perDoc);
    const chunks: ChunkRow[] = [];
    const vectors = new Float32Array(count * dim);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const text = gen.paragraph(300);
      chunks.push({
        ord: i,
        start: at,
        end: at + text.length,
        headingPath: [],
        page: null,
        line: i + 1,
        text,
        fts: indexColumns(text),
      });
      at += text.length + 2;
      vectorNear(vectors, i * dim, Math.floor(random() * clusters), 1.2);
      if (queries.length < 400 && random() < 400 / n + 0.001) {
        const words = text.split(/\s+/);
        const q = new Float32Array(dim);
        for (let j = 0; j < dim; j++) q[j] = vectors[i * dim + j] + (random() - 0.5) * 0.08;
        unit(q, 0);
        queries.push({ text: words.slice(0, 8).join(' '), vector: q });
      }
    }
    db.transaction(() =>
      store.write({
        folderId,
        relPath: `doc-${d}.txt`,
        size: at,
        mtimeMs: 0,
        hash: String(d),
        type: 'text',
        title: `Doc ${d}`,
        encoding: 'utf-8',
        chunks,
        vectors: new Map([[set.id, vectors]]),
      }),
    )();
  }
  db.close();
  return { queries };
}

async function benchLatency(
  tmp: string,
  label: string,
  n: number,
  pack: TowerPack,
  quick: boolean,
): Promise<Record<string, unknown>> {
  const dbPath = path.join(tmp, `latency-${label}.sqlite`);
  const built = performance.now();
  // Chinese questions (runs of the corpus's characters) and, in the English paragraphs, the
  // English words the lexicon translates them to: so cross-lingual recall has passages to find.
  const lexicon = builtinLexicon();
  const pick = seededRandom(n + 2);
  const chineseQuestions = Array.from({ length: quick ? 25 : 100 }, () =>
    Array.from({ length: 8 + Math.floor(pick() * 8) }, () => HANZI[Math.floor(pick() * HANZI.length)]).join(
      '',
    ),
  );
  const translations = lexicon
    ? [
        ...new Set(
          chineseQuestions.flatMap((q) =>
            translateQuestion(lexicon, q).groups.flatMap((g) =>
              g.members.flatMap((m) => m.display.split(/[^a-z]+/).filter((w) => w.length > 2)),
            ),
          ),
        ),
      ]
    : [];
  const { queries } = buildSyntheticLibrary(dbPath, n, pack.dim, pack, translations);
  const buildSeconds = (performance.now() - built) / 1000;
  const db = openDatabase(dbPath);
  const denseSearch = new DenseSearchWorker(dbPath);
  try {
    const set = activeVectorSet(db)!;
    const channel = new DenseChannel(db, set);
    const searcher = new Searcher(db, new ScoreFusionRanker(DENSE_WEIGHT));
    const qs = queries.slice(0, quick ? 50 : 200);
    // The question tower runs for real (its latency is part of every dense/hybrid figure);
    // recall is measured with the synthetic query vectors that match the synthetic library.
    const embed = async (q: string) => (await pack.embedQuestions([q])).subarray(0, pack.dim);
    // A searcher's one-time caches (its first searches read the rows' lengths, between
    // searches: search/postingsBm25.ts) fill before it is timed, as in the first seconds of use.
    const settle = () => new Promise((r) => setTimeout(r, Math.ceil(n / 500)));
    const time = async (fn: (q: (typeof qs)[number]) => Promise<unknown>) => {
      await fn(qs[0]); // warm
      await fn(qs[1]);
      await settle();
      const samples: number[] = [];
      for (const q of qs) {
        const t = performance.now();
        await fn(q);
        samples.push(performance.now() - t);
      }
      return latency(samples);
    };
    const result: Record<string, unknown> = {
      chunks: n,
      build_seconds: +buildSeconds.toFixed(1),
      db_bytes_per_chunk: Math.round(dirBytes(dbPath) / n),
    };
    result.bm25 = await time((q) => searcher.search(q.text, 10, 'bm25', null));
    result.dense_exact = await time(async (q) => channel.exact(await embed(q.text), 100));
    result.dense_binary = await time(async (q) => channel.coarseThenRescore(await embed(q.text), 100));
    // As the Library runs it: on the binary path the dense channel searches in its own thread beside BM25.
    const parallelTop = (q: Float32Array, k: number) => denseSearch.top(set.id, q, k);
    result.hybrid = await time((q) =>
      searcher.search(q.text, 10, 'hybrid', { channel, embedQuestion: embed, parallelTop }),
    );
    result.hybrid_path = channel.choosePath();
    // What cross-lingual recall adds per question: the same questions (the library's own and the
    // Chinese ones) asked with the built-in lexicon and without, taking turns, so that other load
    // on the machine falls on both alike. A library question cut from a Chinese paragraph
    // ("the first 8 words" of unspaced text is the whole paragraph) is cut to 16 characters, the
    // length of a question; the whole paragraphs are measured apart, as pasted text.
    // The searcher as the Library builds it (with the built-in lexicon), and its dense side.
    const withLexicon = new Searcher(
      db,
      new ScoreFusionRanker(DENSE_WEIGHT),
      undefined,
      undefined,
      () => lexicon,
    );
    // Its comparator is a searcher as new as it: `searcher` above has already asked the library's
    // questions, and its cached document frequencies (a walk of each common term's posting list
    // when first asked) would be counted against the crossing.
    const withoutLexicon = new Searcher(db, new ScoreFusionRanker(DENSE_WEIGHT));
    const dense = { channel, embedQuestion: embed, parallelTop };
    const isChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);
    if (lexicon) {
      const crossing = withLexicon;
      const asked = [
        ...qs.map((q) => (isChinese(q.text) ? [...q.text].slice(0, 16).join('') : q.text)),
        ...chineseQuestions,
      ];
      const pasted = qs.map((q) => q.text).filter(isChinese);
      let translated = 0;
      for (const text of asked.slice(0, 2)) {
        await crossing.search(text, 10, 'hybrid', dense); // warm
        await withoutLexicon.search(text, 10, 'hybrid', dense);
      }
      await settle();
      const { before, after, ...added } = await pairedLatency(
        asked,
        (text) => withoutLexicon.search(text, 10, 'hybrid', dense),
        async (text) => {
          if ((await crossing.search(text, 10, 'hybrid', dense)).translatedTerms.length) translated++;
        },
      );
      const paragraphs = await pairedLatency(
        pasted,
        (text) => withoutLexicon.search(text, 10, 'hybrid', dense),
        (text) => crossing.search(text, 10, 'hybrid', dense),
      );
      result.cross_lingual = {
        questions: asked.length,
        chinese_questions: chineseQuestions.length,
        translated_questions: translated,
        hybrid: before,
        hybrid_cross_lingual: after,
        ...added,
        pasted_chinese_paragraphs: { questions: pasted.length, ...paragraphs },
      };
    }
    // The learned ranking stage the built-in pack ships, paired with score fusion.
    const shipped = readPackRanker(builtinPackDir());
    if (shipped) {
      const learned = new LearnedRanker(shipped.model, DENSE_WEIGHT, shipped.background);
      await searcher.search(qs[0].text, 10, 'hybrid', dense, learned); // warm
      const { before, after, ...added } = await pairedLatency(
        qs.map((q) => q.text),
        (text) => searcher.search(text, 10, 'hybrid', dense),
        (text) => searcher.search(text, 10, 'hybrid', dense, learned),
      );
      result.learned_ranker = {
        questions: qs.length,
        hybrid: before,
        hybrid_learned_ranker: after,
        ...added,
      };
    }
    // Spelling correction (search/spelling.ts), paired with the same search as written: what it
    // costs a question whose words the library holds (the common case), and one with a typing
    // error in one of its words (a letter changed, never the first or last).
    {
      const speller = withLexicon;
      const english = qs.map((q) => q.text).filter((t) => !isChinese(t));
      const typoPick = seededRandom(n + 3);
      const typed = english.flatMap((text) => {
        const words = [...text.matchAll(/[a-z]{5,}/g)];
        if (!words.length) return [];
        const m = words[Math.floor(typoPick() * words.length)];
        const i = 1 + Math.floor(typoPick() * (m[0].length - 2));
        const letter = 'abcdefghijklmnopqrstuvwxyz'[Math.floor(typoPick() * 26)];
        const word = m[0].slice(0, i) + letter + m[0].slice(i + 1);
        return word === m[0] ? [] : [text.slice(0, m.index) + word + text.slice(m.index + m[0].length)];
      });
      const asWritten = (text: string) =>
        speller.search(text, 10, 'hybrid', dense, undefined, { correctSpelling: false });
      let corrected = 0;
      await speller.search(english[0], 10, 'hybrid', dense); // warm
      await speller.search(english[1], 10, 'hybrid', dense);
      await settle();
      const clean = await pairedLatency(english, asWritten, (text) =>
        speller.search(text, 10, 'hybrid', dense),
      );
      const typos = await pairedLatency(typed, asWritten, async (text) => {
        if ((await speller.search(text, 10, 'hybrid', dense)).corrections.length) corrected++;
      });
      result.spelling = {
        questions: english.length,
        written_as_held: clean,
        one_typo: { questions: typed.length, corrected, ...typos },
      };
    }
    result.hybrid_one_thread = await time((q) =>
      searcher.search(q.text, 10, 'hybrid', { channel, embedQuestion: embed }),
    );
    let overlap = 0;
    for (const q of qs) {
      const exact = [...channel.exact(q.vector, 10).keys()];
      const coarse = new Set(channel.coarseThenRescore(q.vector, 10).keys());
      overlap += exact.filter((id) => coarse.has(id)).length;
    }
    result.binary_recall_at_10_vs_exact = +(overlap / (qs.length * 10)).toFixed(4);
    return result;
  } finally {
    await denseSearch.close();
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  }
}

async function benchMillionIngest(
  tmp: string,
  lib: { Library: LibraryClass; ranFrom: string },
): Promise<Record<string, unknown>> {
  // 1M chunks through the real pipeline; short paragraphs and a 200-character
  // chunk target keep the generated corpus near 250 MB on disk.
  const docs = path.join(tmp, 'million');
  const files = 20_000;
  const bytes = writeTextCorpus(docs, files, 50, 13);
  const run = await ingestRun(docs, path.join(tmp, 'million.sqlite'), { chunkTargetChars: 200 }, lib.Library);
  const s = run.summary;
  rmSync(docs, { recursive: true, force: true });
  return {
    ran_from: lib.ranFrom,
    chunks: s.chunks,
    corpus_MB: +(bytes / 2 ** 20).toFixed(1),
    chunk_target_chars: 200,
    seconds: +run.seconds.toFixed(1),
    chunks_per_s: Math.round(s.chunks / run.seconds),
    steady_state_after_first_chunk: run.steady,
    peak_rss_MB: run.peakRssMB,
    db_bytes_per_chunk: Math.round(run.dbBytes / Math.max(s.chunks, 1)),
    target_peak_rss_MB: 1024,
  };
}

export async function run(options: EngineBenchOptions = {}): Promise<Record<string, unknown>> {
  const quick = options.quick ?? false;
  const sizes = options.sizes ?? (quick ? ['10k'] : ['10k', '100k', '1m']);
  for (const s of sizes)
    if (!SIZES[s]) throw new Error(`unknown size ${s} (use ${Object.keys(SIZES).join(', ')})`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-bench-engine-'));
  const pack = await openPack(builtinPackDir(), { provider: 'cpu' });
  try {
    const out: Record<string, unknown> = {
      pack: `${pack.name} ${pack.version} (dim ${pack.dim})`,
      exact_knn_max_vectors: EXACT_KNN_MAX_VECTORS,
    };
    const lib = await libraryUnderTest();
    out.ingest_text = await benchIngest(tmp, quick, lib);
    out.ingest_pdf = await benchPdf(tmp, quick, lib);
    const lat: Record<string, unknown> = {};
    for (const s of sizes) lat[s] = await benchLatency(tmp, s, SIZES[s], pack, quick);
    out.query_latency = lat;
    out.query_latency_targets = { hybrid_p95_ms_at_100k: 50, hybrid_p95_ms_at_1m: 150 };
    if (sizes.includes('1m') && !quick) out.ingest_1m = await benchMillionIngest(tmp, lib);
    return out;
  } finally {
    await pack.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--sizes');
  console.log(
    JSON.stringify(await run({ quick, sizes: i > 0 ? process.argv[i + 1].split(',') : undefined }), null, 2),
  );
}
