/**
 * Starting the real `docqa` command (bin/docqa.js) the way a user does: a child
 * process with its own argv and environment, a wall-clock limit, and its peak RSS
 * read by `/usr/bin/time -v` (or, without it, from /proc/<pid>/status VmHWM).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DOCQA_BIN = path.join(REPO_ROOT, 'bin', 'docqa.js');
const TIME_BIN = '/usr/bin/time';

/**
 * out/node is used when it is at least as new as every source file under main/
 * (what `npm ci` users run); a stale or missing build means the sources (tsx),
 * so the campaign always tests the code in the checkout.
 */
export function compiledIsCurrent(): boolean {
  const entry = path.join(REPO_ROOT, 'out', 'node', 'main', 'cli', 'index.js');
  if (!existsSync(entry)) return false;
  const builtAt = statSync(entry).mtimeMs;
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p));
      else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
    }
    return t;
  };
  return newest(path.join(REPO_ROOT, 'main')) <= builtAt;
}

/**
 * Builds out/node (`tsc -p tsconfig.node.json`, what `npm ci` runs) when it is
 * missing or stale: the campaign starts docqa ~150 times, and the compiled
 * command starts in about half the time of the sources under tsx.
 * Returns null on success, else why not.
 */
export async function buildCompiled(timeoutMs: number): Promise<string | null> {
  if (compiledIsCurrent()) return null;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.node.json'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code === 0 && compiledIsCurrent()) return null;
  return code === null ? `tsc took over ${timeoutMs / 1000} s` : (out.split('\n')[0] ?? `tsc exit ${code}`);
}

let baseEnv: NodeJS.ProcessEnv | null = null;

/** The environment every docqa child gets; `configureEnv` fills it once at start. */
export function configureEnv(dataHome: string, options: { fromSource: boolean }): { fromSource: boolean } {
  const fromSource = options.fromSource || !compiledIsCurrent();
  baseEnv = { ...process.env, XDG_DATA_HOME: dataHome, NO_COLOR: '1' };
  delete baseEnv.DOCQA_DB;
  if (fromSource) baseEnv.DOCQA_FROM_SOURCE = '1';
  else delete baseEnv.DOCQA_FROM_SOURCE;
  return { fromSource };
}

export function docqaEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  if (!baseEnv) throw new Error('configureEnv() first');
  const env = { ...baseEnv };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export const haveGnuTime = (): boolean => existsSync(TIME_BIN);

export interface RunResult {
  code: number | null;
  /** The signal that ended docqa itself (also when it ran under /usr/bin/time). */
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
  /** Peak resident set size of the docqa process in KiB; null when it could not be read. */
  peakRssKb: number | null;
}

export interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Measure peak RSS (under /usr/bin/time -v when present). */
  measure?: boolean;
  cwd?: string;
}

/** `docqa ARGS` to completion (or until the limit, when its whole process group is killed). */
export function runDocqa(args: string[], options: RunOptions): Promise<RunResult> {
  const timeFile = path.join(
    os.tmpdir(),
    `docqa-torture-time-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  const underTime = Boolean(options.measure) && haveGnuTime();
  const argv = underTime
    ? [TIME_BIN, ['-v', '-o', timeFile, process.execPath, DOCQA_BIN, ...args]]
    : [process.execPath, [DOCQA_BIN, ...args]];
  const started = performance.now();
  const child = spawn(argv[0] as string, argv[1] as string[], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? docqaEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout kills docqa and not just /usr/bin/time.
    detached: true,
  } satisfies SpawnOptions);
  const output = collectOutput(child);
  // Polled as well as measured by /usr/bin/time: a run killed at its time limit leaves no report.
  let procPeak: number | null = null;
  const poll = options.measure
    ? setInterval(() => {
        const pid = underTime ? childPidOf(child.pid) : child.pid;
        const kb = readVmHwmKb(pid);
        if (kb !== null) procPeak = Math.max(procPeak ?? 0, kb);
      }, 100)
    : null;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child, 'SIGKILL');
  }, options.timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let result: RunResult = {
        code,
        signal,
        ...output(),
        timedOut,
        ms: performance.now() - started,
        peakRssKb: procPeak,
      };
      if (underTime) result = withTimeReport(result, timeFile);
      if (result.peakRssKb === null) result.peakRssKb = procPeak;
      resolve(result);
    });
  });
}

/** Folds /usr/bin/time -v's report (peak RSS, exit status or the signal that ended docqa) into the result. */
function withTimeReport(result: RunResult, file: string): RunResult {
  let report = '';
  try {
    report = readFileSync(file, 'utf8');
    rmSync(file, { force: true });
  } catch {
    return result;
  }
  if (!report.includes('Maximum resident')) return result;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  const exit = /Exit status: (\d+)/.exec(report);
  const signal = /Command terminated by signal (\d+)/.exec(report);
  return {
    ...result,
    peakRssKb: rss ? Number(rss[1]) : null,
    code: signal ? null : exit ? Number(exit[1]) : result.code,
    signal: signal ? signalName(Number(signal[1])) : result.signal,
  };
}

function signalName(n: number): string {
  const names: Record<number, string> = { 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };
  return names[n] ?? `signal ${n}`;
}

/** The (first) child of `pid`: docqa under /usr/bin/time. */
function childPidOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

export function readVmHwmKb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** A shell pipeline (e.g. `docqa … | true`) to completion or its limit, in its own process group. */
export function runShell(command: string, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const child = spawn('sh', ['-c', command], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? docqaEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = collectOutput(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child, 'SIGKILL');
  }, options.timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...output(), timedOut, ms: performance.now() - started, peakRssKb: null });
    }),
  );
}

/** A long-running docqa (watch, serve, an ingest to be killed): own process group, output collected. */
export interface DocqaProcess {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with [code, signal] when it has exited. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

export function startDocqa(args: string[], env: NodeJS.ProcessEnv = docqaEnv()): DocqaProcess {
  const child = spawn(process.execPath, [DOCQA_BIN, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = collectOutput(child);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (code, signal) => resolve([code, signal])),
  );
  return { child, output, exited };
}

/** Everything a child writes to stdout and stderr, read as it arrives. */
function collectOutput(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return () => ({ stdout, stderr });
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Stops a long-running docqa: `signal`, then SIGKILL after `graceMs`. Returns how it ended. */
export async function stopDocqa(
  p: DocqaProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<{ code: number | null; signal: string | null; forced: boolean }> {
  killGroup(p.child, signal);
  let forced = false;
  const timer = setTimeout(() => {
    forced = true;
    killGroup(p.child, 'SIGKILL');
  }, graceMs);
  const [code, sig] = await p.exited;
  clearTimeout(timer);
  return { code, signal: sig, forced };
}

export function describeExit(r: { code: number | null; signal: string | null; timedOut?: boolean }): string {
  if (r.timedOut) return 'timed out (killed)';
  return r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts an ingest and resolves once it has begun writing (the library's WAL
 * changed) or has exited: the moment from which a kill can hurt.
 */
export async function startWhenWriting(
  args: string[],
  db: string,
): Promise<{ process: DocqaProcess; writingAt: number }> {
  const wal = `${db}-wal`;
  const stamp = (): string => {
    const st = statSync(wal, { throwIfNoEntry: false });
    return st ? `${st.size}:${st.mtimeMs}` : '';
  };
  const before = stamp();
  const proc = startDocqa(args);
  while (proc.child.exitCode === null && proc.child.signalCode === null && stamp() === before)
    await sleep(25);
  return { process: proc, writingAt: performance.now() };
}
