import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../engine/errors.js';

/** A program and its arguments, run without a shell. */
export type OpenerCommand = [program: string, ...args: string[]];

/**
 * How long to wait for the opener's verdict. xdg-open, `open` and gio return
 * within a second once the file's program is started (or found missing); an
 * opener still running after this is a program running in the foreground
 * (xdg-open's generic fallback), which means it did start.
 */
const VERDICT_MS = 4_000;

/** xdg-open's documented exit codes. */
const XDG_OPEN_EXIT: Record<number, string> = {
  1: 'xdg-open was called wrongly',
  2: 'the file does not exist',
  3: 'no program on this computer opens this type of file',
  4: 'no program on this computer opens this type of file',
};

/**
 * Runs the system's opener (xdg-open, open, explorer.exe, or the program in
 * DOCQA_OPENER) and resolves only when it succeeded: it exited with 0, or is
 * still running after a while. A non-zero exit or a failed start rejects with
 * the reason (its exit code explained, and the first line it wrote on stderr).
 */
export function runOpener(
  [program, ...args]: OpenerCommand,
  {
    exitStatusCounts = true,
    verdictMs = VERDICT_MS,
  }: {
    /** False for explorer.exe, which exits with 1 even when it opened the file. */
    exitStatusCounts?: boolean;
    verdictMs?: number;
  } = {},
): Promise<void> {
  // Its stderr goes to a file, not a pipe: the program the opener starts inherits it, and must be
  // free to write there long after we stopped listening (a closed pipe would kill it with SIGPIPE).
  const errFile = path.join(os.tmpdir(), `docqa-opener-${process.pid}-${randomBytes(6).toString('hex')}.log`);
  const readStderr = (): string => {
    try {
      const fd = openSync(errFile, 'r');
      try {
        const buffer = Buffer.alloc(4096);
        return buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
      } finally {
        closeSync(fd);
      }
    } catch {
      return '';
    } finally {
      rmSync(errFile, { force: true });
    }
  };
  return new Promise((resolve, reject) => {
    const errFd = openSync(errFile, 'w', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(program, args, { detached: true, stdio: ['ignore', 'ignore', errFd], shell: false });
    } finally {
      closeSync(errFd);
    }
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      // Still running: the program it handed the file to started in the foreground.
      child.unref();
      rmSync(errFile, { force: true });
      settle(null);
    }, verdictMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      rmSync(errFile, { force: true });
      settle(
        new UserError(
          e.code === 'ENOENT'
            ? `cannot open files here: ${program} is not installed`
            : `cannot open: ${e.message}`,
        ),
      );
    });
    child.once('spawn', () => {
      if (!exitStatusCounts) {
        child.unref();
        settle(null);
      }
    });
    // 'exit', not 'close': a program the opener started may hold its stderr for hours.
    child.once('exit', (code, signal) => {
      const stderr = readStderr();
      if (code === 0) return settle(null);
      settle(new UserError(openerFailure(program, code, signal, stderr)));
    });
  });
}

function openerFailure(
  program: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
): string {
  const name = program.split(/[\\/]/).pop() ?? program;
  const detail = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  const why =
    code === null
      ? `${name} was stopped (${signal ?? 'signal'})`
      : name === 'xdg-open' && XDG_OPEN_EXIT[code]
        ? `${XDG_OPEN_EXIT[code]} (xdg-open exited with ${code})`
        : `${name} exited with ${code}`;
  return detail ? `${why}: ${detail.slice(0, 300)}` : why;
}

/**
 * The opener commands for a file and for its folder. DOCQA_OPENER names a
 * program to use instead of the system's (called with the file, or with the
 * folder); tests point it at a script, and a person can at a program of their choice.
 */
export function openerFor(
  env: NodeJS.ProcessEnv,
  system: { open: (file: string) => OpenerCommand; reveal: (file: string) => OpenerCommand },
): { open: (file: string) => OpenerCommand; reveal: (file: string) => OpenerCommand; replaced: boolean } {
  const override = env.DOCQA_OPENER?.trim();
  if (!override) return { ...system, replaced: false };
  return {
    open: (file) => [override, file],
    reveal: (file) => [override, path.dirname(file)],
    replaced: true,
  };
}
