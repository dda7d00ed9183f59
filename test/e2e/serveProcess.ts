import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/docqa.js', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  /** ms from spawn until the address was printed (engine open, renderer ready, listening). */
  startupMs: number;
  stderr(): string;
  stop(): Promise<number | null>;
}

/**
 * Runs the real `docqa serve` command and waits for the address it prints:
 * from the TypeScript sources (as a developer runs it; the default, so tests
 * see the current code) or from the out/node build `npm ci` makes.
 */
export async function startServe(
  args: string[],
  { timeoutMs = 120_000, fromSource = true }: { timeoutMs?: number; fromSource?: boolean } = {},
): Promise<ServeProcess> {
  const started = performance.now();
  const env = { ...process.env };
  if (fromSource) env.DOCQA_FROM_SOURCE = '1';
  else delete env.DOCQA_FROM_SOURCE;
  const child = spawn(process.execPath, [bin, 'serve', '--json', '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`docqa serve printed no address in ${timeoutMs} ms:\n${err}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`docqa serve exited (${code}) before printing its address:\n${err}`));
    });
  });
  const { url, port } = JSON.parse(line) as { url: string; port: number };
  return {
    child,
    url,
    port,
    token: new URL(url).searchParams.get('token')!,
    startupMs: performance.now() - started,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** One API call with the bearer token, as a script would make it. */
export async function callApi<T>(
  serve: Pick<ServeProcess, 'port' | 'token'>,
  method: string,
  input: unknown = {},
): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${serve.port}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const reply = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!reply.ok) throw new Error(`${method}: ${reply.error?.message}`);
  return reply.result as T;
}
