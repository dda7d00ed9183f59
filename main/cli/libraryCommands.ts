import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createReadStream, createWriteStream } from 'node:fs';
import { UserError } from '../engine/errors.js';
import { FOLDER_RESTORE_WINDOW_MS } from '../engine/store/removedFolders.js';
import { defaultDbPath, userDataDir } from '../engine/library/defaultDbPath.js';
import { Library } from '../engine/library/library.js';
import { ftsRebuildNotice } from '../engine/store/ftsIndex.js';
import { setLibraryInUse } from './libraryInUse.js';
import type { AskResult, IngestSummary } from '../engine/library/types.js';
import {
  CHUNK_TARGET_CHARS,
  DEFAULT_SEARCH_MODE,
  inWords,
  K_LIMITS,
  SEARCH_MODES,
  type ProviderName,
  type SearchMode,
} from '../engine/vocabulary/values.js';
import { sampleLibrary } from '../engine/library/sampleLibrary.js';
import type { EvalResult, ManualsEvalResult } from '../engine/eval/runEval.js';
import { formatAnswer } from './answerText.js';
import { chosenLibraryFile } from './libraryFile.js';
import { outputClosed } from './outputStreams.js';
import { describeProgress, formatBytes, formatDuration, ProgressLine } from './progressBar.js';
import { printable, safe } from './terminalText.js';
import { counted } from './counted.js';

/** The options commander parses for the library commands (commands/library.ts declares them). */
export interface LibraryCliOptions {
  db?: string;
  model?: string;
  provider?: ProviderName;
  json?: boolean;
}

export interface QueryCliOptions extends LibraryCliOptions {
  k?: string;
  mode?: string;
  /** false with --no-cross-lingual; otherwise the library setting decides. */
  crossLingual?: boolean;
  /** --as-written: the question's words exactly as written (no spelling correction). */
  asWritten?: boolean;
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function parseK(value: string | undefined): number {
  const k = Number(value ?? K_LIMITS.default);
  if (!Number.isInteger(k) || k < K_LIMITS.min || k > K_LIMITS.max)
    throw new UserError(
      `--k must be a whole number from ${K_LIMITS.min} to ${K_LIMITS.max} (got "${value}")`,
      '--k',
    );
  return k;
}

function parseModes(value: string | undefined): SearchMode[] {
  const modes = (value ?? DEFAULT_SEARCH_MODE).split(',').map((m) => m.trim());
  for (const m of modes) {
    if (!(SEARCH_MODES as readonly string[]).includes(m))
      throw new UserError(`--mode must be ${inWords(SEARCH_MODES)} (got "${m}")`, '--mode');
  }
  return modes as SearchMode[];
}

function parseMode(value: string | undefined): SearchMode {
  const modes = parseModes(value);
  if (modes.length !== 1) throw new UserError('--mode takes one mode here', '--mode');
  return modes[0];
}

/**
 * Opens the library; commands that only read refuse a library that does not exist yet.
 * `ownDefault` is a command's own default file (the demo's), chosen over $DOCQA_DB.
 */
export async function openLibrary(
  options: LibraryCliOptions,
  mustExist: boolean,
  ownDefault?: string,
): Promise<Library> {
  const dbPath =
    ownDefault === undefined
      ? (chosenLibraryFile(options.db) ?? defaultDbPath())
      : (chosenLibraryFile(options.db, {}) ?? ownDefault);
  if (mustExist && !existsSync(dbPath)) {
    throw new UserError(`no library at ${dbPath}: index a folder first with "docqa ingest <folder>"`, dbPath);
  }
  setLibraryInUse(dbPath);
  return Library.open({
    dbPath,
    packDir: options.model,
    provider: options.provider,
    onFtsRebuild: (passages) => process.stderr.write(`${ftsRebuildNotice(dbPath, passages)}\n`),
  });
}

/** Ctrl+C: the first one cancels the job cleanly (whole files stay indexed), a second one exits at once. */
function cancelOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the files in progress (Ctrl+C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: abort.signal, dispose: () => process.off('SIGINT', onSigint) };
}

async function ingestWithProgress(
  lib: Library,
  folderIds: number[] | undefined,
  options: { json?: boolean; force?: boolean; retryFailed?: boolean },
): Promise<IngestSummary> {
  const line = new ProgressLine();
  const interrupt = cancelOnInterrupt();
  try {
    const run = options.retryFailed ? lib.retryFailed.bind(lib) : lib.ingest.bind(lib);
    return await run({
      folderIds,
      force: options.force,
      signal: interrupt.signal,
      onWaiting: () =>
        process.stderr.write('another ingest is running on this library; waiting for it to finish…\n'),
      onProgress: (p) => {
        if (!options.json) line.update(describeProgress(p, 200));
      },
    });
  } finally {
    line.done();
    interrupt.dispose();
  }
}

function summaryText(s: IngestSummary): string {
  const rate = s.elapsedMs > 0 ? s.chunks / (s.elapsedMs / 1000) : 0;
  const parts = [
    `${s.phase === 'cancelled' ? 'Cancelled' : 'Indexed'} in ${formatDuration(s.elapsedMs / 1000)}:`,
    `${s.filesAdded} added, ${s.filesUpdated} updated, ${s.filesRemoved} removed, ${s.filesSkipped} unchanged, ${s.filesFailed} failed;`,
    `${counted(s.chunks, 'passage')}${s.passagesKept ? ` (${s.passagesKept} already embedded)` : ''} (${rate.toFixed(0)}/s, ${formatBytes(s.bytesDone)})`,
  ];
  return parts.join(' ');
}

export interface IngestCliOptions extends LibraryCliOptions {
  force?: boolean;
  retryFailed?: boolean;
  ignore?: string[];
}

export async function runIngestCommand(folders: string[], options: IngestCliOptions): Promise<void> {
  const lib = await openLibrary(options, false);
  try {
    const ids: number[] = [];
    for (const f of folders) ids.push((await lib.addFolder(f, { ignore: options.ignore })).id);
    const summary = await ingestWithProgress(lib, ids, options);
    const failed = (await lib.failedFiles()).filter((f) => ids.includes(f.folderId));
    if (options.json) {
      out(JSON.stringify({ ...summary, dbPath: lib.dbPath, failed }));
      return;
    }
    out(summaryText(summary));
    if (failed.length) {
      out(`${failed.length} file(s) could not be indexed:`);
      for (const f of failed.slice(0, 20)) out(safe`  ${f.path}: ${f.error}`);
      if (failed.length > 20) out(`  … and ${failed.length - 20} more (docqa status)`);
    }
    out(safe`Library: ${lib.dbPath}`);
  } finally {
    await lib.close();
  }
}

/** The JSON shape of an answer, which scripts rely on: question, notFound, results with path/start/end/score/text and positions. */
function answerJson(a: AskResult): Record<string, unknown> {
  return {
    question: a.question,
    notFound: a.notFound,
    mode: a.mode,
    tookMs: Math.round(a.tookMs * 100) / 100,
    translatedTerms: a.translatedTerms,
    missingNames: a.missingNames,
    weakMatch: a.weakMatch,
    corrections: a.corrections,
    results: a.results.map((r) => ({
      path: r.path,
      start: r.start,
      end: r.end,
      score: r.score,
      text: r.text,
      absPath: r.absPath,
      title: r.title,
      headingPath: r.headingPath,
      line: r.line,
      page: r.page,
      // A deck's page is a slide (an optional field: earlier readers of this JSON see nothing new).
      ...(r.pageIsSlide ? { pageIsSlide: true } : {}),
      // A spreadsheet's line is its row (optional too).
      ...(r.lineIsRow ? { lineIsRow: true } : {}),
      highlights: r.highlights,
      channels: r.channels,
      lang: r.lang,
      ...(r.alsoIn?.length ? { alsoIn: r.alsoIn.map((d) => ({ path: d.path, absPath: d.absPath })) } : {}),
    })),
    // Logged answers only (docqa ask): the id that `docqa feedback` names.
    ...(a.answerId !== undefined ? { answerId: a.answerId } : {}),
  };
}

/** --no-cross-lingual turns translation off for this command; without it the library setting decides. */
function crossLingualOverride(options: QueryCliOptions): boolean | undefined {
  return options.crossLingual === false ? false : undefined;
}

export async function runAskCommand(question: string, options: QueryCliOptions): Promise<void> {
  if (!question.trim()) throw new UserError('the question is empty: docqa ask "<question>"', 'question');
  const k = parseK(options.k);
  const mode = parseMode(options.mode);
  const lib = await openLibrary(options, true);
  try {
    // Logged, so the user can say which passage answered it (`docqa feedback`); search --batch and eval are not.
    const answer = await lib.ask(question, {
      k,
      mode,
      crossLingual: crossLingualOverride(options),
      asWritten: options.asWritten === true,
      log: true,
    });
    if (options.json) {
      out(JSON.stringify(answerJson(answer)));
      return;
    }
    out(formatAnswer(answer, { tty: Boolean(process.stdout.isTTY) }));
    if (answer.answerId !== undefined && answer.results.length)
      out('\n' + feedbackHint(answer.answerId, options.db));
  } finally {
    await lib.close();
  }
}

/** The one line after a text answer that tells how to say which passage answered it. */
function feedbackHint(answerId: number, db: string | undefined): string {
  const dbArgument = db === undefined ? '' : ` --db ${shellWord(db)}`;
  return `Answer ${answerId} — say which passage answered it: docqa feedback ${answerId} <rank> good|bad${printable(dbArgument)}`;
}

/** A file name as one shell word (quoted when it holds anything but plain path characters). */
function shellWord(text: string): string {
  return /^[\w./~@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export async function runSearchBatchCommand(options: QueryCliOptions & { batch: string }): Promise<void> {
  const k = parseK(options.k);
  const mode = parseMode(options.mode);
  const file = path.resolve(options.batch);
  if (!existsSync(file)) throw new UserError(`questions file not found: ${options.batch}`, options.batch);
  const lib = await openLibrary(options, true);
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let n = 0;
    for await (const raw of lines) {
      n++;
      if (!raw.trim()) continue;
      let item: { id?: unknown; question?: unknown };
      try {
        item = JSON.parse(raw) as typeof item;
      } catch {
        throw new UserError(`${options.batch}:${n}: not valid JSON`, options.batch);
      }
      if (
        item === null ||
        typeof item !== 'object' ||
        item.id === undefined ||
        typeof item.question !== 'string'
      ) {
        throw new UserError(
          `${options.batch}:${n}: each line needs "id" and "question" (text)`,
          options.batch,
        );
      }
      const answer = await lib.ask(item.question, {
        k,
        mode,
        crossLingual: crossLingualOverride(options),
        asWritten: options.asWritten === true,
      });
      out(
        JSON.stringify({
          id: item.id,
          notFound: answer.notFound,
          translatedTerms: answer.translatedTerms,
          missingNames: answer.missingNames,
          weakMatch: answer.weakMatch,
          corrections: answer.corrections,
          results: answer.results.map((r) => ({
            path: r.path,
            start: r.start,
            end: r.end,
            score: r.score,
            text: r.text,
            lang: r.lang,
          })),
        }),
      );
    }
  } finally {
    await lib.close();
  }
}

export async function runEvalCommand(
  sets: string[],
  options: QueryCliOptions & { pool?: boolean; chunkChars?: string; dump?: string },
): Promise<void> {
  const modes = parseModes(options.mode);
  const k = parseK(options.k);
  const chunkTargetChars = options.chunkChars === undefined ? undefined : Number(options.chunkChars);
  if (
    chunkTargetChars !== undefined &&
    (!Number.isInteger(chunkTargetChars) ||
      chunkTargetChars < CHUNK_TARGET_CHARS.min ||
      chunkTargetChars > CHUNK_TARGET_CHARS.max)
  ) {
    throw new UserError(
      `--chunk-chars must be a whole number from ${CHUNK_TARGET_CHARS.min} to ${CHUNK_TARGET_CHARS.max} (got "${options.chunkChars}")`,
      '--chunk-chars',
    );
  }
  const { runEval } = await import('../engine/eval/runEval.js');
  const dump = options.dump ? createWriteStream(options.dump) : null;
  // `docqa eval ../shared/eval/*` also matches the folder's README: plain files are passed over, with a note.
  const setDirs = sets.filter((s) => {
    const file = statSync(s, { throwIfNoEntry: false })?.isFile();
    if (file) process.stderr.write(safe`docqa: skipping ${s} (a file, not an evaluation set folder)` + '\n');
    return !file;
  });
  const line = new ProgressLine();
  const results = await runEval({
    setDirs,
    pool: Boolean(options.pool),
    modes,
    k,
    packDir: options.model,
    dbPath: options.db === undefined ? undefined : chosenLibraryFile(options.db, {}),
    chunkTargetChars,
    onIngestProgress: (label, p) => line.update(`indexing ${printable(label)}: ${describeProgress(p, 160)}`),
    onQuestion: (set, mode, done, total) => {
      if (done % 50 === 0 || done === total) line.update(safe`${set} (${mode}): ${done}/${total} questions`);
    },
    onAnswer: dump ? (record) => dump.write(JSON.stringify(record) + '\n') : undefined,
  }).finally(() => {
    line.done();
    dump?.end();
  });
  if (options.json) {
    for (const r of results) out(JSON.stringify(r));
    return;
  }
  const squadStyle = results.filter((r): r is EvalResult => !('kind' in r));
  const manuals = results.filter((r): r is ManualsEvalResult => 'kind' in r);
  if (squadStyle.length)
    out('set                      mode    questions  hit@1   hit@5   hit@10  mrr@10  ms/query');
  for (const r of squadStyle) {
    out(
      `${printable(r.set).padEnd(24)} ${r.mode.padEnd(7)} ${String(r.questions).padStart(9)}  ${[
        r['hit@1'],
        r['hit@5'],
        r['hit@10'],
        r['mrr@10'],
      ]
        .map((x) => x.toFixed(3))
        .join('   ')}  ${r.ms_per_query.toFixed(2).padStart(8)}`,
    );
  }
  if (!manuals.length) return;
  // Manuals sets: the README rule ("not found" is a miss); kind none counts right "not found" answers.
  out('set                      mode    kind    questions  hit@1   hit@3   hit@10  mrr@10  not found');
  for (const r of manuals) {
    const figures =
      r['hit@1'] === null
        ? '   –       –       –       –  '
        : [r['hit@1'], r['hit@3']!, r['hit@10']!, r['mrr@10']!].map((x) => x.toFixed(3)).join('   ');
    out(
      `${r.set.padEnd(24)} ${r.mode.padEnd(7)} ${r.kind.padEnd(7)} ${String(r.questions).padStart(9)}  ${figures}  ${String(r.notFound).padStart(9)}`,
    );
  }
}

export async function runStatusCommand(options: LibraryCliOptions): Promise<void> {
  const lib = await openLibrary(options, true);
  try {
    const status = await lib.status();
    const failed = await lib.failedFiles();
    if (options.json) {
      out(JSON.stringify({ ...status, failedFiles: failed }));
      return;
    }
    out(safe`Library   ${status.dbPath} (${formatBytes(status.dbBytes)})`);
    out(
      `Content   ${counted(status.documents, 'document')}, ${counted(status.chunks, 'passage')}, ${status.failed} failed`,
    );
    out(
      safe`Pack      ${status.pack.name} ${status.pack.version} (${status.pack.kind}, dim ${status.pack.dim}${status.pack.builtin ? ', built-in' : ''}) ${status.pack.dir}`,
    );
    const p = status.provider;
    out(
      safe`Provider  ${p.active} (requested ${p.requested}; available: ${p.available.join(', ')})${p.fallbackReason ? `: ${p.fallbackReason}` : ''}`,
    );
    if (status.needsReembed)
      out(
        'Vectors   made by another answer tower: search uses them until re-embedding completes ("docqa models use" re-embeds)',
      );
    out('Folders');
    if (!status.folders.length) out('  (none: add one with "docqa ingest <folder>")');
    for (const f of status.folders) {
      out(
        safe`  [${f.id}] ${f.path}  ${f.state}  ${counted(f.documents, 'document')}, ${counted(f.chunks, 'passage')}, ${f.failed} failed${f.lastIndexedAt ? `, indexed ${f.lastIndexedAt}` : ''}`,
      );
    }
    if (status.removedFolders.length) {
      out(
        `Removed in the last ${FOLDER_RESTORE_WINDOW_MS / 60_000} minutes (put back with "docqa remove --undo <folder>")`,
      );
      for (const r of status.removedFolders) out(safe`  ${r.path}  removed ${r.removedAt}`);
    }
    if (failed.length) {
      out('Failed files');
      const folderPath = new Map(status.folders.map((f) => [f.id, f.path]));
      for (const f of failed) out(safe`  ${path.join(folderPath.get(f.folderId) ?? '', f.path)}: ${f.error}`);
    }
  } finally {
    await lib.close();
  }
}

export async function runWatchCommand(options: LibraryCliOptions): Promise<void> {
  const lib = await openLibrary(options, true);
  try {
    if (!(await lib.listFolders()).length)
      throw new UserError('the library has no folders: add one with "docqa ingest <folder>"', lib.dbPath);
    const first = await ingestWithProgress(lib, undefined, options);
    if (first.phase === 'cancelled') return;
    const log = (event: Record<string, unknown>, text: string): void =>
      out(options.json ? JSON.stringify(event) : text);
    log({ type: 'indexed', summary: first }, summaryText(first));
    const stop = await lib.watch((e) => {
      if (e.type === 'indexed') log(e, summaryText(e.summary));
      else if (e.type === 'error') log(e, safe`error: ${e.message}`);
      else log(e, safe`${e.type}: ${e.path}`);
    });
    if (!options.json) out('Watching for changes (Ctrl+C stops)');
    // Ctrl+C, a kill, or the reader of our output going away (`docqa watch | head`) ends the watch.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      if (outputClosed.aborted) resolve();
      else outputClosed.addEventListener('abort', () => resolve(), { once: true });
    });
    await stop();
  } finally {
    await lib.close();
  }
}

export async function runRemoveCommand(
  folder: string,
  options: LibraryCliOptions & { undo?: boolean },
): Promise<void> {
  const lib = await openLibrary(options, true);
  try {
    const abs = path.resolve(folder);
    if (options.undo) {
      const removal = lib.restorableRemovalOf(abs);
      if (removal === null)
        throw new UserError(
          `${folder} was not removed from this library in the last ${FOLDER_RESTORE_WINDOW_MS / 60_000} minutes`,
          folder,
        );
      const restored = await lib.restoreFolder(removal);
      out(safe`Put ${restored.path} back in the library; indexing it again.`);
      out(summaryText(await ingestWithProgress(lib, [restored.id], options)));
      return;
    }
    const f = (await lib.listFolders()).find((x) => x.path === abs);
    if (!f) throw new UserError(`not a library folder: ${folder}`, folder);
    await lib.removeFolder(f.id);
    out(
      safe`Removed ${abs} from the library (${counted(f.documents, 'document')}); files on disk are untouched.`,
    );
    out(safe`To undo within ${FOLDER_RESTORE_WINDOW_MS / 60_000} minutes: docqa remove --undo ${abs}`);
  } finally {
    await lib.close();
  }
}

export async function runDemoCommand(options: LibraryCliOptions): Promise<void> {
  const { folder: samples, ignore, questions } = sampleLibrary();
  const ownFile = path.join(userDataDir(), 'DocQA', 'demo.sqlite');
  const lib = await openLibrary(options, false, ownFile);
  try {
    const folders = await lib.listFolders();
    // The demo's own file holds this installation's samples only: another clone's or an older
    // install's copy (gone from disk, often) came back as "also in: …". A library named with
    // --db is the user's, and keeps its folders.
    if (path.resolve(lib.dbPath) === path.resolve(ownFile))
      for (const other of folders.filter((f) => f.path !== samples)) await lib.removeFolder(other.id);
    const known = folders.find((f) => f.path === samples);
    const folder = known ?? (await lib.addFolder(samples, { ignore }));
    const summary = await ingestWithProgress(lib, [folder.id], options);
    const answers: (AskResult & { expected: string })[] = [];
    for (const q of questions)
      answers.push({ ...(await lib.ask(q.question, { k: 3 })), expected: q.expected });
    if (options.json) {
      out(
        JSON.stringify({
          dbPath: lib.dbPath,
          indexed: summary,
          answers: answers.map((a) => ({ ...answerJson(a), expected: a.expected })),
        }),
      );
      return;
    }
    out(
      safe`Indexed the sample documents in ${samples} (${summary.chunks ? counted(summary.chunks, 'passage') : 'no new passages'}) into ${lib.dbPath}` +
        '\n',
    );
    for (const a of answers) {
      out(safe`Q: ${a.question}`);
      out(
        formatAnswer(
          { ...a, results: a.results.slice(0, 1) },
          { tty: Boolean(process.stdout.isTTY), maxChars: 400 },
        ),
      );
      out('');
    }
    out('Ask your own: docqa ingest <folder>, then docqa ask "<question>"');
  } finally {
    await lib.close();
  }
}
