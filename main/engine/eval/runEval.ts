import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { Library } from '../library/library.js';
import type { IngestProgress, SearchMode } from '../library/types.js';
import { loadEvalSet, type EvalSet } from './evalSet.js';
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
}

export interface EvalResult extends Metrics {
  set: string;
  mode: SearchMode;
  ms_per_query: number;
}

function dbFileFor(options: EvalOptions, tmp: string, label: string): string {
  if (!options.dbPath) return path.join(tmp, `${label}.sqlite`);
  if (options.pool || options.setDirs.length === 1) return path.resolve(options.dbPath);
  const { dir, name, ext } = path.parse(path.resolve(options.dbPath));
  return path.join(dir, `${name}-${label}${ext || '.sqlite'}`);
}

/**
 * `docqa eval`: indexes the sets' docs/ (pooled into one library with `pool`),
 * asks every question in each mode and scores by ../shared/eval/README.md.
 * ms_per_query is the in-process time of Library.ask (question tower, recall,
 * ranking, highlights), averaged over the set.
 */
export async function runEval(options: EvalOptions): Promise<EvalResult[]> {
  if (!options.setDirs.length) throw new UserError('no evaluation set given', 'set-dir');
  const sets = options.setDirs.map(loadEvalSet);
  const names = new Set<string>();
  for (const s of sets) {
    if (names.has(s.name)) throw new UserError(`evaluation set given twice: ${s.dir}`, s.dir);
    names.add(s.name);
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-eval-'));
  const results: EvalResult[] = [];
  try {
    const groups: { label: string; sets: EvalSet[] }[] = options.pool
      ? [{ label: 'pooled', sets }]
      : sets.map((s) => ({ label: s.name, sets: [s] }));
    for (const group of groups) {
      const lib = await Library.open({
        dbPath: dbFileFor(options, tmp, group.label),
        packDir: options.packDir,
      });
      try {
        if (options.chunkTargetChars)
          await lib.updateSettings({ chunkTargetChars: options.chunkTargetChars });
        const folderIds: number[] = [];
        for (const s of group.sets) folderIds.push((await lib.addFolder(s.docsDir)).id);
        await lib.ingest({ folderIds, onProgress: (p) => options.onIngestProgress?.(group.label, p) });
        for (const set of group.sets) {
          for (const mode of options.modes) results.push(await scoreSet(lib, set, mode, options));
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
    acc.add(firstHitRank(q, set.docsDir, passages));
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
