import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { redirectPage } from './redirectPage.js';
import { openCommand } from './webHost.js';

/**
 * Overrides the program that opens the page (default: xdg-open, open or
 * explorer.exe). It is run with one argument, the path of a local HTML file,
 * without a shell.
 */
export const BROWSER_ENV = 'DOCQA_BROWSER';

export interface OpenedPage {
  /** The local page handed to the browser. */
  readonly file: string;
  /** Removes the page (and its private folder); safe to call more than once. */
  remove(): Promise<void>;
}

export interface OpenPageOptions {
  /** Called when the browser cannot be started. */
  onError?: (message: string) => void;
  /** The page is removed after this long (default 2 minutes: a sign-in code's lifetime). */
  keepMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens `url` in the browser without putting it on any command line: program
 * arguments are readable by every local user (/proc/PID/cmdline), and the
 * address carries a credential. The browser gets the path of a small HTML
 * page instead, readable by this user only (mode 0600 in a fresh 0700 folder),
 * that moves on to `url`. Give it a one-time address (WebServer.signInUrl),
 * so that a page left behind opens nothing.
 */
export async function openInBrowser(url: string, options: OpenPageOptions = {}): Promise<OpenedPage> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docqa-open-'));
  const file = path.join(dir, 'open-docqa.html');
  await writeFile(file, redirectPage(url), { mode: 0o600, flag: 'wx' });
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  };
  const timer = setTimeout(() => void remove(), options.keepMs ?? 120_000);
  timer.unref();

  const override = (options.env ?? process.env)[BROWSER_ENV];
  const [program, ...args] = override ? [override, file] : openCommand(file);
  const child = spawn(program, args, { detached: true, stdio: 'ignore', shell: false });
  child.on('error', () =>
    options.onError?.(`could not start a browser (${program}); open the address above yourself`),
  );
  child.unref();
  return { file, remove };
}
