/** The JSON contracts of `docqa ask --json` and `docqa status --json`, read through the real command. */
import { describeExit, runDocqa, type RunResult } from './docqa.js';

export interface AskJson {
  notFound: boolean;
  results: { path: string; absPath?: string; text: string }[];
}

export interface StatusJson {
  documents: number;
  chunks: number;
  failed: number;
  folders: { id: number; path: string; state: string; documents: number; failed: number }[];
  failedFiles: { folderId: number; path: string; error: string }[];
}

export interface Parsed<T> {
  run: RunResult;
  value: T | null;
  /** Why `value` is null: how the command ended, or that its output was not JSON. */
  problem: string | null;
}

function parseJsonRun<T>(run: RunResult): Parsed<T> {
  let value: T | null = null;
  try {
    value = JSON.parse(run.stdout) as T;
  } catch {
    value = null;
  }
  // A command that printed its answer and then crashed is two findings: the answer is judged
  // on its own, and the crash is reported by `abnormalExit`.
  if (value !== null) return { run, value, problem: null };
  if (run.timedOut || run.code !== 0)
    return { run, value: null, problem: `${describeExit(run)}: ${crashLine(run.stderr)}` };
  return { run, value: null, problem: `not JSON: ${run.stdout.slice(0, 120)}` };
}

/** The line of stderr that says most about a crash (`terminate called …`), else its last line. */
export function crashLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return (lines.find((l) => /terminate called|Segmentation|Error:/.test(l)) ?? lines.pop() ?? '')
    .trim()
    .slice(0, 160);
}

/** How a run that should have exited 0 ended, or null when it did. */
export function abnormalExit(run: RunResult): string | null {
  return run.code === 0 && !run.timedOut ? null : `${describeExit(run)} (${crashLine(run.stderr)})`;
}

export async function askJson(
  dbPath: string,
  question: string,
  timeoutMs = 90_000,
): Promise<Parsed<AskJson>> {
  return parseJsonRun(
    await runDocqa(['ask', '--db', dbPath, '--json', '--k', '5', '--', question], { timeoutMs }),
  );
}

export async function statusJson(dbPath: string, timeoutMs = 90_000): Promise<Parsed<StatusJson>> {
  return parseJsonRun(await runDocqa(['status', '--db', dbPath, '--json'], { timeoutMs }));
}

/** Runs `work` over `items`, at most `limit` at a time (the machine has two cores). */
export async function inParallel<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]);
      }
    }),
  );
  return out;
}
