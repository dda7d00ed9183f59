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
  if (run.timedOut || run.code !== 0)
    return {
      run,
      value: null,
      problem: `${describeExit(run)}: ${run.stderr.trim().split('\n').pop() ?? ''}`,
    };
  try {
    return { run, value: JSON.parse(run.stdout) as T, problem: null };
  } catch {
    return { run, value: null, problem: `not JSON: ${run.stdout.slice(0, 120)}` };
  }
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
