/**
 * Phase "ingest": the hostile corpus through one `docqa ingest` under
 * /usr/bin/time; then what status, the database and `ask` say about every file,
 * and whether the human output of ingest/status/ask lets control characters
 * reach the terminal.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildBombCorpus,
  buildHostileCorpus,
  type CorpusCase,
  type HostileCorpus,
} from '../hostileCorpus.js';
import {
  DOCQA_BIN,
  describeExit,
  haveGnuTime,
  REPO_ROOT,
  runDocqa,
  runShell,
  type RunResult,
} from '../docqa.js';
import {
  consistencyProblems,
  documentsOf,
  summarize,
  withLibrary,
  type DocumentRow,
} from '../libraryFile.js';
import {
  abnormalExit,
  askJson,
  inParallel,
  statusJson,
  type AskJson,
  type Parsed,
  type StatusJson,
} from '../queries.js';
import type { PhaseContext } from '../phase.js';

const PHASE = 'ingest';
const RSS_LIMIT_KB = 1.5 * 1024 * 1024;
/** Raw escape or bell characters in human output (the terminal would act on them). */
const CONTROL = /[\x1b\x07\x9b]/;

export async function hostileIngestPhase(ctx: PhaseContext): Promise<void> {
  const { results, tmp, settings } = ctx;
  const t0 = performance.now();
  const corpus = buildHostileCorpus(path.join(tmp, 'hostile'), { tinyFiles: settings.tinyFiles });
  const bombRoot = path.join(tmp, 'bombs');
  const bombCases = await buildBombCorpus(bombRoot, { bombBytes: settings.bombMiB * 2 ** 20 });
  ctx.log(
    `corpus: ${corpus.cases.length} named cases + ${corpus.tinyFiles} tiny files, ${bombCases.length} in the bomb folder, in ${Math.round(performance.now() - t0)} ms`,
  );
  const db = path.join(tmp, 'hostile.sqlite');
  const { summary } = await measuredIngest(ctx, 'ingest', corpus.root, db, 0.35);
  if (!existsSync(db)) {
    results.add(PHASE, 'library written', 'a library file', 'no library file', false);
    return;
  }

  const status = await statusJson(db);
  checkStatus(ctx, status.value, status.problem, summary, db, corpus.root);
  const rows = withLibrary(db, (conn) => {
    const problems = consistencyProblems(conn);
    results.add(
      PHASE,
      'index consistent (integrity, FTS, vectors)',
      'no problems',
      summarize(problems),
      problems.length === 0,
    );
    return documentsOf(conn, corpus.root);
  });
  const failedFiles = status.value?.failedFiles ?? [];
  await checkCases(ctx, corpus, db, rows, failedFiles);
  await checkTiny(ctx, corpus, db, rows);
  await checkSystemState(ctx, rows, path.join(tmp, 'system-state.sqlite'));
  await checkSpecialNames(ctx, corpus, db, failedFiles);
  const escRoot = path.join(tmp, 'escapes');
  await checkEscapes(ctx, corpus, db, escRoot);
  await checkEpipe(ctx, escRoot, db);
  await bombRun(ctx, bombRoot, bombCases, path.join(tmp, 'bombs.sqlite'));
}

/** `docqa ingest ROOT` under /usr/bin/time: no hang, exit 0, peak RSS under the bound. */
async function measuredIngest(
  ctx: PhaseContext,
  label: string,
  root: string,
  db: string,
  budgetFraction: number,
): Promise<{ run: RunResult; summary: IngestSummaryJson | null }> {
  const timeoutMs = ctx.budgetMs(budgetFraction);
  const run = await runDocqa(['ingest', root, '--db', db, '--json'], { timeoutMs, measure: true });
  const rssSource = haveGnuTime() ? '/usr/bin/time -v' : '/proc VmHWM';
  const { results } = ctx;
  results.add(
    PHASE,
    `${label} finishes (no hang)`,
    `exits within ${Math.round(timeoutMs / 1000)} s`,
    `${describeExit(run)} after ${(run.ms / 1000).toFixed(1)} s`,
    !run.timedOut,
  );
  results.add(
    PHASE,
    `${label} exit code`,
    'exit 0',
    `${describeExit(run)}${run.code ? `: ${lastLine(run.stderr)}` : ''}`,
    run.code === 0,
  );
  results.add(
    PHASE,
    `${label} peak RSS`,
    `< ${RSS_LIMIT_KB / 1024} MiB`,
    run.peakRssKb === null
      ? `unknown (${rssSource})`
      : run.timedOut
        ? `${Math.round(run.peakRssKb / 1024)} MiB when killed (/proc VmHWM)`
        : `${Math.round(run.peakRssKb / 1024)} MiB (${rssSource})`,
    run.peakRssKb !== null && run.peakRssKb < RSS_LIMIT_KB,
  );
  let summary: IngestSummaryJson | null = null;
  try {
    summary = JSON.parse(run.stdout) as IngestSummaryJson;
  } catch {
    summary = null;
  }
  return { run, summary };
}

interface IngestSummaryJson {
  filesFailed?: number;
  failed?: unknown[];
}

/** The bombs fail with a reason, quickly and within the memory bound, and the files after them are indexed. */
async function bombRun(ctx: PhaseContext, root: string, cases: CorpusCase[], db: string): Promise<void> {
  await measuredIngest(ctx, 'bomb-folder ingest', root, db, 0.25);
  if (!existsSync(db)) return;
  const rows = withLibrary(db, (conn) => documentsOf(conn, root));
  const failedFiles = (await statusJson(db)).value?.failedFiles ?? [];
  for (const c of cases) {
    if (c.expect === 'failed') checkFailed(ctx, c, rows, failedFiles);
    else await checkFindable(ctx, c, db, rows);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.slice(0, 160) ?? '';
}

function checkStatus(
  ctx: PhaseContext,
  status: StatusJson | null,
  problem: string | null,
  summary: IngestSummaryJson | null,
  db: string,
  root: string,
): void {
  const { results } = ctx;
  if (!status) {
    results.add(PHASE, 'status --json', 'exit 0 with JSON', problem ?? '?', false);
    return;
  }
  const counts = withLibrary(db, (conn) => ({
    ok: conn.prepare(`SELECT COUNT(*) FROM documents WHERE status = 'ok'`).pluck().get() as number,
    failed: conn.prepare(`SELECT COUNT(*) FROM documents WHERE status <> 'ok'`).pluck().get() as number,
    chunks: conn.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number,
  }));
  const sameCounts =
    status.documents === counts.ok &&
    status.failed === counts.failed &&
    status.chunks === counts.chunks &&
    status.failedFiles.length === status.failed;
  results.add(
    PHASE,
    'status --json matches the database',
    'documents, failed, chunks, failedFiles agree',
    `status ${status.documents}/${status.failed}/${status.chunks} (${status.failedFiles.length} failedFiles), db ${counts.ok}/${counts.failed}/${counts.chunks}`,
    sameCounts,
  );
  const folder = status.folders.find((f) => f.path === root);
  results.add(
    PHASE,
    'folder state after ingest',
    "'ok'",
    folder ? `'${folder.state}'` : 'folder missing',
    folder?.state === 'ok',
  );
  const summaryFailed = summary?.filesFailed;
  const listed = summary?.failed?.length;
  results.add(
    PHASE,
    'summary failed count = status',
    'ingest summary filesFailed = its failed list = status failed',
    summary
      ? `summary ${summaryFailed}, list ${listed}, status ${status.failed}`
      : 'no ingest summary (ingest did not finish)',
    summary !== null && summaryFailed === status.failed && listed === status.failed,
  );
}

async function checkCases(
  ctx: PhaseContext,
  corpus: HostileCorpus,
  db: string,
  rows: Map<string, DocumentRow>,
  failedFiles: StatusJson['failedFiles'],
): Promise<void> {
  const { results } = ctx;
  const findable = corpus.cases.filter((c) => c.expect === 'findable');
  const answers = await inParallel(findable, 2, (c) => askJson(db, c.marker!));
  for (const [i, c] of findable.entries()) await checkFindable(ctx, c, db, rows, answers[i]);
  const crashes = answers.map((a) => abnormalExit(a.run)).filter((x): x is string => x !== null);
  results.add(
    PHASE,
    `ask --json exits cleanly (${answers.length} runs)`,
    'every run exits 0',
    crashes.length ? `${crashes.length} did not: ${crashes[0]}` : 'all exit 0',
    crashes.length === 0,
  );
  for (const c of corpus.cases.filter((x) => x.expect === 'failed')) checkFailed(ctx, c, rows, failedFiles);
  for (const c of corpus.cases.filter((x) => x.expect === 'not-indexed')) {
    const row = rows.get(c.rel);
    results.add(
      PHASE,
      `special: ${c.label}`,
      'skipped or failed with a reason; never indexed, no hang',
      !row ? 'skipped' : row.status === 'ok' ? `indexed (${row.chunks} passages)` : `failed: ${row.error}`,
      !row || (row.status !== 'ok' && Boolean(row.error)),
    );
  }
  // XXE: whatever becomes of the document, the file its entity names never reaches the index.
  const leaked = withLibrary(db, (conn) =>
    conn.prepare(`SELECT COUNT(*) FROM chunks WHERE text LIKE ?`).pluck().get(`%${corpus.secret}%`),
  ) as number;
  const fates = corpus.xxe.map(({ rel }) => {
    const row = rows.get(rel);
    return `${rel} ${row ? (row.status === 'ok' ? 'indexed' : `failed: ${row.error}`) : 'skipped'}`;
  });
  results.add(
    PHASE,
    'XXE docx and epub',
    'external entity not resolved (no secret in the index)',
    `${leaked ? 'SECRET INDEXED' : 'secret not indexed'}; ${fates.join('; ')}`,
    leaked === 0,
  );
}

/** Indexed, decoded faithfully, and among the first answers to its marker. */
async function checkFindable(
  ctx: PhaseContext,
  c: CorpusCase,
  db: string,
  rows: Map<string, DocumentRow>,
  answer?: Parsed<AskJson>,
): Promise<void> {
  const row = rows.get(c.rel);
  const a = answer ?? (await askJson(db, c.marker!));
  const rank = a.value ? a.value.results.findIndex((r) => r.path === c.rel) : -1;
  const decoded = row?.status === 'ok' && row.text.includes(c.probe!);
  const observed = !row
    ? 'not in the index'
    : row.status !== 'ok'
      ? `failed: ${row.error}`
      : !decoded
        ? 'indexed, but its text is not decoded faithfully'
        : a.value
          ? rank >= 0
            ? `indexed, answer #${rank + 1}`
            : `indexed, not in the top ${a.value.results.length} answers`
          : `ask: ${a.problem}`;
  ctx.results.add(
    PHASE,
    `good: ${c.label}`,
    'indexed and found by its marker (top 3)',
    observed,
    decoded && rank >= 0 && rank < 3,
  );
}

function checkFailed(
  ctx: PhaseContext,
  c: CorpusCase,
  rows: Map<string, DocumentRow>,
  failedFiles: StatusJson['failedFiles'],
): void {
  const row = rows.get(c.rel);
  const listed = failedFiles.find((f) => f.path === c.rel);
  const reasonOk = Boolean(row?.error) && (!c.reason || c.reason.test(row?.error ?? ''));
  const observed = !row
    ? 'not recorded'
    : row.status === 'ok'
      ? `indexed (${row.chunks} passages)`
      : `failed: ${row.error}${listed ? '' : ' (missing from status failedFiles)'}`;
  ctx.results.add(
    PHASE,
    `bad: ${c.label}`,
    c.reason ? `failed, reason ~ ${c.reason.source.slice(0, 30)}` : 'failed with a reason',
    observed,
    row?.status !== 'ok' && reasonOk && Boolean(listed),
  );
}

async function checkTiny(
  ctx: PhaseContext,
  corpus: HostileCorpus,
  db: string,
  rows: Map<string, DocumentRow>,
): Promise<void> {
  let ok = 0;
  for (const [rel, row] of rows) if (rel.startsWith('tiny/') && row.status === 'ok') ok++;
  const asked = await askJson(db, corpus.tinyMarker);
  const found = asked.value?.results.some(
    (r) => r.path.startsWith('tiny/') && r.text.includes(corpus.tinyMarker),
  );
  ctx.results.add(
    PHASE,
    `${corpus.tinyFiles} tiny files`,
    `${corpus.tinyFiles} indexed, the last found by its marker`,
    `${ok} indexed, last ${found ? 'found' : `not found${asked.problem ? ` (${asked.problem})` : ''}`}`,
    ok === corpus.tinyFiles && Boolean(found),
  );
}

/** /proc is refused as a folder, in one line, and a link to /proc/self inside a folder is never followed. */
async function checkSystemState(
  ctx: PhaseContext,
  rows: Map<string, DocumentRow>,
  otherDb: string,
): Promise<void> {
  if (!existsSync('/proc/self/root')) return;
  const through = [...rows.keys()].filter((rel) => rel.startsWith('special/this-process/'));
  ctx.results.add(
    PHASE,
    'link to /proc/self in the folder',
    'nothing indexed through it',
    through.length ? `${through.length} documents, e.g. ${through[0].slice(0, 80)}` : 'nothing',
    through.length === 0,
  );
  const added = await runDocqa(['ingest', '/proc', '--db', otherDb], { timeoutMs: ctx.budgetMs(0.05) });
  const lines = added.stderr.trim().split('\n');
  const status = await statusJson(otherDb);
  const folders = status.value?.folders.length ?? 0;
  ctx.results.add(
    PHASE,
    'ingest /proc',
    "exit 2, one line naming the system's state, no folder added",
    `${describeExit(added)}: ${lastLine(added.stderr)}; ${folders} folders`,
    added.code === 2 && lines.length === 1 && /running system's state/.test(lines[0]) && folders === 0,
  );
}

async function checkSpecialNames(
  ctx: PhaseContext,
  corpus: HostileCorpus,
  db: string,
  failedFiles: StatusJson['failedFiles'],
): Promise<void> {
  // A name that is not UTF-8: recorded as failed with a reason about the name, or indexed faithfully.
  const known = new Set(corpus.cases.map((c) => c.rel));
  const nameFailure = failedFiles.find((f) => !known.has(f.path) && /name|utf-?8|encod/i.test(f.error));
  const asked = await askJson(db, corpus.gbkName.marker);
  const found = asked.value?.results.find((r) => r.text.includes(corpus.gbkName.marker));
  ctx.results.add(
    PHASE,
    'non-UTF-8 (GBK) file name',
    'recorded as failed with a reason (or indexed faithfully)',
    nameFailure
      ? `failed: ${nameFailure.error}`
      : found
        ? `indexed as ${JSON.stringify(found.path)}`
        : 'silently dropped',
    Boolean(nameFailure || found),
  );
  const sentinels = corpus.injectionSentinels.filter((s) =>
    [REPO_ROOT, corpus.root, path.join(corpus.root, 'names'), process.cwd()].some((d) =>
      existsSync(path.join(d, s)),
    ),
  );
  ctx.results.add(
    PHASE,
    '$(…) and `…` names not executed',
    'no PWNED_* file created',
    sentinels.length ? `created: ${sentinels.join(', ')}` : 'none created',
    sentinels.length === 0 && readdirSync(corpus.root).every((n) => !n.startsWith('PWNED')),
  );
}

/**
 * Human output of ingest (its failed list, with a file named with ESC [2J … BEL), status, and ask
 * (a file named with ESC ]0; … BEL, a passage containing ESC [2J) must not carry raw control characters.
 */
async function checkEscapes(
  ctx: PhaseContext,
  corpus: HostileCorpus,
  db: string,
  escRoot: string,
): Promise<void> {
  mkdirSync(escRoot, { recursive: true });
  writeFileSync(path.join(escRoot, '\x1b[2Jwiped\x07.pdf'), '%PDF-1.7\nnot really a PDF\n');
  writeFileSync(path.join(escRoot, '\x1b]0;pwned\x07.md'), '# Title\n\nescapefoldermarker text.\n');
  const markerOf = (label: string): string => corpus.cases.find((c) => c.label === label)!.marker!;
  const runs: [string, string[]][] = [
    ['ingest (human output)', ['ingest', escRoot, '--db', db]],
    ['status (human output)', ['status', '--db', db]],
    ['ask: passage with ESC[2J', ['ask', '--db', db, '--', markerOf('esc in text')]],
    ['ask: file named with ESC ]0;', ['ask', '--db', db, '--', markerOf('esc name')]],
  ];
  for (const [label, args] of runs) {
    const r = await runDocqa(args, { timeoutMs: ctx.budgetMs(0.15) });
    const text = r.stdout + r.stderr;
    const hit = CONTROL.exec(text);
    ctx.results.add(
      'escapes',
      label,
      'exit 0, no raw ESC/BEL in output',
      r.code !== 0
        ? `${describeExit(r)}${hit ? ', raw control characters' : ''}: ${lastLine(r.stderr)}`
        : hit
          ? `raw ${hit[0] === '\x07' ? 'BEL' : 'ESC'} at …${text.slice(Math.max(0, hit.index - 20), hit.index + 8)}`
          : 'clean',
      r.code === 0 && !hit,
    );
  }
}

/** `docqa ingest DIR | true`: a closed stdout is no reason for a stack trace. */
async function checkEpipe(ctx: PhaseContext, root: string, db: string): Promise<void> {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const r = await runShell(`${q(process.execPath)} ${q(DOCQA_BIN)} ingest ${q(root)} --db ${q(db)} | true`, {
    timeoutMs: ctx.budgetMs(0.15),
  });
  const trace = /EPIPE|^\s+at /m.exec(r.stderr);
  ctx.results.add(
    'cli',
    'ingest DIR | true',
    'no EPIPE stack trace',
    trace ? `stderr: ${lastLine(r.stderr.slice(0, trace.index + 80))}` : r.timedOut ? 'timed out' : 'quiet',
    !trace && !r.timedOut,
  );
}
