import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { Library } from '../library/library.js';
import type { IngestProgress, SearchMode } from '../library/types.js';
import { loadEvalSet, type EvalSet } from './evalSet.js';
import { firstManualsHitRank, ManualsAccumulator, type ManualsMetrics } from './manualsScoring.js';
import { isManualsSet, loadManualsSet, type ManualsSet } from './manualsSet.js';
import { firstHitRank, MetricsAccumulator, type Metrics } from './scoring.js';

export interface EvalOptions {
  setDirs: string[];
  /** One library for all sets (each set's questions asked against all documents). */
  pool: boolean;
  modes: SearchMode[];
  /** Results fetched per question (scored on the first 10). */
  k: number;
  packDir?: string;
  /**
   * Keep the index in this file (several sets without --pool: one file per set,
   * named after it) so a later run skips the ingest; default a temporary file.
   */
  dbPath?: string;
  /** Chunk size for the index (default: the library default). A reused --db keeps the chunks it has. */
  chunkTargetChars?: number;
  onIngestProgress?: (set: string, p: IngestProgress) => void;
  onQuestion?: (set: string, mode: SearchMode, done: number, total: number) => void;
  /** Every question's outcome (for `--dump`): what was asked, where the first hit was, what came back. */
  onAnswer?: (record: EvalAnswerRecord) => void;
}

export interface EvalAnswerRecord {
  set: string;
  mode: SearchMode;
  id: string;
  kind?: string;
  question: string;
  notFound: boolean;
  /** 1-based rank of the first hit in the first 10, 0 if none ("not found" ignored). */
  firstHit: number;
  results: { path: string; score: number }[];
}

export interface EvalResult extends Metrics {
  set: string;
  mode: SearchMode;
  ms_per_query: number;
}

/** A manuals-format set's figures for one kind of question (the set README's rule). */
export interface ManualsEvalResult extends ManualsMetrics {
  set: string;
  mode: SearchMode;
  ms_per_query: number;
}

type AnySet = EvalSet | ManualsSet;

/** A set's part searched in one library: a SQuAD-style set whole, or one library folder of a manuals set. */
interface SetPart {
  set: AnySet;
  /** The folder indexed for this part. */
  folder: string;
  /** Manuals sets: the library folder name under docs/ ('' = docs/ itself). */
  library?: string;
}

function dbFileFor(options: EvalOptions, tmp: string, label: string, libraries: number): string {
  if (!options.dbPath) return path.join(tmp, `${label}.sqlite`);
  if (libraries === 1) return path.resolve(options.dbPath);
  const { dir, name, ext } = path.parse(path.resolve(options.dbPath));
  return path.join(dir, `${name}-${label}${ext || '.sqlite'}`);
}

/**
 * `docqa eval`: indexes the sets' docs/ (pooled into one library with `pool`),
 * asks every question in each mode and scores by ../shared/eval/README.md.
 * ms_per_query is the in-process time of Library.ask (question tower, recall,
 * ranking, highlights), averaged over the set.
 */
export async function runEval(options: EvalOptions): Promise<(EvalResult | ManualsEvalResult)[]> {
  if (!options.setDirs.length) throw new UserError('no evaluation set given', 'set-dir');
  const sets: AnySet[] = options.setDirs.map((d) => (isManualsSet(d) ? loadManualsSet(d) : loadEvalSet(d)));
  const names = new Set<string>();
  for (const s of sets) {
    if (names.has(s.name)) throw new UserError(`evaluation set given twice: ${s.dir}`, s.dir);
    names.add(s.name);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-eval-'));
  const results: (EvalResult | ManualsEvalResult)[] = [];
  try {
    const groups = libraryGroups(sets, options.pool);
    for (const group of groups) {
      const lib = await Library.open({
        dbPath: dbFileFor(options, tmp, group.label, groups.length),
        packDir: options.packDir,
      });
      try {
        if (options.chunkTargetChars)
          await lib.updateSettings({ chunkTargetChars: options.chunkTargetChars });
        const folderIds: number[] = [];
        for (const folder of new Set(group.parts.map((p) => p.folder)))
          folderIds.push((await lib.addFolder(folder)).id);
        await lib.ingest({ folderIds, onProgress: (p) => options.onIngestProgress?.(group.label, p) });
        for (const mode of options.modes) {
          for (const part of group.parts) {
            if ('format' in part.set) results.push(...(await scoreManualsPart(lib, part, mode, options)));
            else results.push(await scoreSet(lib, part.set, mode, options));
          }
        }
      } finally {
        await lib.close();
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}

/**
 * Which libraries to build. A manuals set whose questions name library folders
 * (manuals-xling-dev) gets one library per folder, never pooled with anything: its
 * README forbids mixing them, since each folder is the other's translation.
 */
function libraryGroups(sets: AnySet[], pool: boolean): { label: string; parts: SetPart[] }[] {
  const pooled: SetPart[] = [];
  const groups: { label: string; parts: SetPart[] }[] = [];
  for (const set of sets) {
    if ('format' in set && (set.libraries.length > 1 || set.libraries[0] !== '')) {
      for (const library of set.libraries)
        groups.push({
          label: `${set.name}-${library}`,
          parts: [{ set, folder: path.join(set.docsDir, library), library }],
        });
      continue;
    }
    const part: SetPart = { set, folder: set.docsDir, library: '' };
    if (pool) pooled.push(part);
    else groups.push({ label: set.name, parts: [part] });
  }
  return pool && pooled.length ? [{ label: 'pooled', parts: pooled }, ...groups] : groups;
}

async function scoreManualsPart(
  lib: Library,
  part: SetPart,
  mode: SearchMode,
  options: EvalOptions,
): Promise<ManualsEvalResult[]> {
  const set = part.set as ManualsSet;
  const folders = new Map((await lib.listFolders()).map((f) => [f.id, f.path]));
  const questions = set.questions.filter((q) => q.library === part.library);
  const acc = new ManualsAccumulator();
  let ms = 0;
  for (let i = 0; i < questions.length; i++) {
    const q = questions[i];
    const started = performance.now();
    const answer = await lib.ask(q.question, { k: options.k, mode });
    ms += performance.now() - started;
    // Paths count only from the question's own library folder (relative to it, as the rule says).
    const passages = answer.results.map((r) => ({
      path: folders.get(r.folderId) === part.folder ? r.path : '',
      text: r.text,
    }));
    const rank = firstManualsHitRank(q, passages);
    acc.add(q.kind, rank, answer.notFound);
    options.onAnswer?.({
      set: set.name,
      mode,
      id: q.id,
      kind: q.kind,
      question: q.question,
      notFound: answer.notFound,
      firstHit: rank,
      results: answer.results.slice(0, 10).map((r) => ({ path: r.path, score: r.score })),
    });
    options.onQuestion?.(set.name, mode, i + 1, questions.length);
  }
  const perQuery = Math.round((ms / Math.max(questions.length, 1)) * 100) / 100;
  return acc.result().map((m) => ({ set: set.name, mode, ...m, ms_per_query: perQuery }));
}

async function scoreSet(
  lib: Library,
  set: EvalSet,
  mode: SearchMode,
  options: EvalOptions,
): Promise<EvalResult> {
  const folders = new Map((await lib.listFolders()).map((f) => [f.id, f.path]));
  const acc = new MetricsAccumulator();
  let ms = 0;
  for (let i = 0; i < set.questions.length; i++) {
    const q = set.questions[i];
    const started = performance.now();
    const answer = await lib.ask(q.question, { k: options.k, mode });
    ms += performance.now() - started;
    const passages = answer.results.map((r) => ({
      folder: folders.get(r.folderId) ?? '',
      path: r.path,
      start: r.start,
      end: r.end,
      text: r.text,
    }));
    const rank = firstHitRank(q, set.docsDir, passages);
    acc.add(rank);
    options.onAnswer?.({
      set: set.name,
      mode,
      id: q.id,
      question: q.question,
      notFound: answer.notFound,
      firstHit: rank,
      results: answer.results.slice(0, 10).map((r) => ({ path: r.path, score: r.score })),
    });
    options.onQuestion?.(set.name, mode, i + 1, set.questions.length);
  }
  const metrics = acc.result();
  return {
    set: set.name,
    mode,
    ...metrics,
    ms_per_query: Math.round((ms / Math.max(metrics.questions, 1)) * 100) / 100,
  };
}
