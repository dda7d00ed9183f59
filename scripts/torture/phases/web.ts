/**
 * Phase "web": attacks on `docqa serve` (127.0.0.1 only): missing and wrong
 * tokens, foreign Host and Origin, path traversal (plain and encoded), oversize
 * bodies, a malformed % in the cookie, a body that never arrives, opening
 * files that are not documents, and whether `serve --open` hands the token to
 * the opener's command line (a fake xdg-open first on PATH records its argv).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  describeExit,
  docqaEnv,
  runDocqa,
  sleep,
  startDocqa,
  stopDocqa,
  type DocqaProcess,
} from '../docqa.js';
import type { PhaseContext } from '../phase.js';

const PHASE = 'web';
/** How long the server may keep a request open whose body never comes. */
const STALLED_BODY_BOUND_MS = 60_000;

interface Reply {
  status: number;
  body: string;
}

export async function webPhase(ctx: PhaseContext): Promise<void> {
  const { results, tmp } = ctx;
  const docs = path.join(tmp, 'docs');
  mkdirSync(docs, { recursive: true });
  const good = path.join(docs, 'good.md');
  writeFileSync(good, '# Harbour\n\nThe harbour lantern marker is webmarkerquill.\n');
  const evil = ['evil.sh', 'evil.desktop', 'evil.exe'].map((n) => path.join(docs, n));
  writeFileSync(evil[0], '#!/bin/sh\necho pwned webmarkerquill\n');
  writeFileSync(evil[1], '[Desktop Entry]\nType=Application\nExec=sh -c "echo pwned"\nName=webmarkerquill\n');
  writeFileSync(evil[2], 'MZ not really a program');
  const db = path.join(tmp, 'web.sqlite');
  const ingest = await runDocqa(['ingest', docs, '--db', db, '--json'], { timeoutMs: ctx.budgetMs(0.3) });
  if (ingest.code !== 0) ctx.log(`ingest of the web folder: ${describeExit(ingest)}`);

  // A fake xdg-open (and open, for macOS-style hosts) that records its arguments, one line per call.
  const fakeBin = path.join(tmp, 'fake-bin');
  const openerLog = path.join(tmp, 'opener.log');
  mkdirSync(fakeBin, { recursive: true });
  for (const name of ['xdg-open', 'open']) {
    const script = path.join(fakeBin, name);
    writeFileSync(
      script,
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\t' "$a"; done >> '${openerLog}'\necho >> '${openerLog}'\n`,
    );
    chmodSync(script, 0o755);
  }
  const openerCalls = (): string[] =>
    existsSync(openerLog) ? readFileSync(openerLog, 'utf8').split('\n').filter(Boolean) : [];

  const refused = await runDocqa(['serve', '--db', db, '--host', '0.0.0.0', '--port', '0'], {
    timeoutMs: ctx.budgetMs(0.2),
  });
  results.add(
    PHASE,
    'serve --host 0.0.0.0',
    'refused with exit 2',
    describeExit(refused),
    refused.code === 2,
  );

  const serve = startDocqa(
    ['serve', '--db', db, '--json', '--port', '0', '--open', '--no-watch'],
    docqaEnv({ PATH: `${fakeBin}:${process.env.PATH ?? ''}` }),
  );
  const address = await waitForAddress(serve, ctx.budgetMs(0.5));
  if (!address) {
    results.add(
      PHASE,
      'serve starts',
      'prints its address',
      `${describeExit({ code: serve.child.exitCode, signal: serve.child.signalCode })}: ${serve.output().stderr.slice(-200)}`,
      false,
    );
    await stopDocqa(serve, 'SIGKILL');
    return;
  }
  const { port } = address;
  const token = address.token;
  await sleep(1500); // --open starts the opener right after the address is printed
  const startupCalls = openerCalls();
  try {
    const stalled = stalledBody(port, token);
    const req = (
      method: string,
      p: string,
      headers: Record<string, string> = {},
      body?: string | Buffer,
    ): Promise<Reply> => request(port, method, p, { Host: `127.0.0.1:${port}`, ...headers }, body);
    const bearer = { Authorization: `Bearer ${token}` };
    const json = { 'Content-Type': 'application/json' };
    const expectStatus = async (name: string, reply: Promise<Reply>, want: number[]): Promise<void> => {
      const r = await reply.catch((e: Error) => ({ status: 0, body: e.message }));
      results.add(
        PHASE,
        name,
        want.join(' or '),
        `${r.status}${r.status >= 400 ? '' : ` ${r.body.slice(0, 60)}`}`,
        want.includes(r.status),
      );
    };

    await expectStatus(
      'control: bearer token',
      req('POST', '/api/status', { ...bearer, ...json }, '{}'),
      [200],
    );
    await expectStatus('no token: page', req('GET', '/'), [401]);
    await expectStatus('no token: API', req('POST', '/api/status', json, '{}'), [401]);
    await expectStatus(
      'wrong bearer token',
      req('POST', '/api/status', { Authorization: `Bearer ${token}x`, ...json }, '{}'),
      [401],
    );
    await expectStatus('wrong ?token=', req('GET', '/?token=AAAAAAAAAAAAAAAA'), [401]);
    await expectStatus('empty token cookie', req('GET', '/', { Cookie: `docqa_token_${port}=` }), [401]);
    await expectStatus(
      'bad Host',
      req('POST', '/api/status', { ...bearer, ...json, Host: `evil.example:${port}` }, '{}'),
      [403],
    );
    await expectStatus(
      'bad Host (rebinding suffix)',
      req('GET', '/', { ...bearer, Host: `127.0.0.1.evil.example:${port}` }),
      [403],
    );
    await expectStatus(
      'bad Origin',
      req('POST', '/api/status', { ...bearer, ...json, Origin: 'http://evil.example' }, '{}'),
      [403],
    );
    await expectStatus(
      'cross-site fetch',
      req('POST', '/api/status', { ...bearer, ...json, 'Sec-Fetch-Site': 'cross-site' }, '{}'),
      [403],
    );

    const malformed = await req('GET', '/', { Cookie: `docqa_token_${port}=%E0%A4%A; other=%` }).catch(
      (e: Error) => ({ status: 0, body: e.message }),
    );
    const malformedApi = await req(
      'POST',
      '/api/status',
      { ...json, Cookie: `docqa_token_${port}=%zz` },
      '{}',
    ).catch((e: Error) => ({ status: 0, body: e.message }));
    const traced = /URIError|^\s+at /m.test(serve.output().stderr);
    results.add(
      PHASE,
      'malformed % in the cookie',
      '401, no 500, no stack trace',
      `page ${malformed.status}, API ${malformedApi.status}${traced ? ', stack trace on stderr' : ''}`,
      malformed.status === 401 && malformedApi.status === 401 && !traced,
    );

    const traversals = [
      '/../../../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e%5c%2e%2e%5c%2e%2e%5cpackage.json',
      '/..%252f..%252f..%252fpackage.json',
      '/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
      '/....//....//....//etc/passwd',
      '/%00/../../package.json',
    ];
    const leaks: string[] = [];
    const statuses = new Set<number>();
    for (const p of traversals) {
      const r = await req('GET', p, bearer).catch((e: Error) => ({ status: 0, body: e.message }));
      statuses.add(r.status);
      if (r.status === 200 && /root:.*:0:0:|"allowScripts"|"name": "docqa"/.test(r.body)) leaks.push(p);
    }
    results.add(
      PHASE,
      `path traversal (${traversals.length} forms)`,
      'no file outside the web root served',
      leaks.length ? `served: ${leaks.join(' ')}` : `refused (${[...statuses].join('/')})`,
      leaks.length === 0,
    );

    const big = Buffer.alloc(2 * 1024 * 1024 + 10, 0x20);
    await expectStatus(
      'oversize body (Content-Length)',
      req('POST', '/api/ask', { ...bearer, ...json }, big),
      [413],
    );
    await expectStatus('oversize body (chunked)', chunkedUpload(port, token, big), [413]);

    await checkOpenFile(ctx, req, bearer, good, evil, openerCalls);
    checkOpenToken(ctx, token, startupCalls);
    await checkLoopbackOnly(ctx, port);

    const s = await stalled;
    results.add(
      PHASE,
      'request body never arrives',
      `connection closed by the server within ${STALLED_BODY_BOUND_MS / 1000} s`,
      s.closedAfterMs === null
        ? `still open after ${STALLED_BODY_BOUND_MS / 1000} s`
        : `closed after ${(s.closedAfterMs / 1000).toFixed(1)} s${s.status ? ` (${s.status})` : ''}`,
      s.closedAfterMs !== null,
    );
  } finally {
    const stopped = await stopDocqa(serve, 'SIGTERM', 15_000);
    results.add(
      PHASE,
      'serve stops on SIGTERM',
      'exits 0',
      stopped.forced ? 'had to be killed' : describeExit(stopped),
      !stopped.forced && stopped.code === 0,
    );
  }
}

async function waitForAddress(
  p: DocqaProcess,
  timeoutMs: number,
): Promise<{ port: number; token: string } | null> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end && p.child.exitCode === null) {
    const line = p.output().stdout.split('\n')[0];
    if (p.output().stdout.includes('\n')) {
      try {
        const { url, port } = JSON.parse(line) as { url: string; port: number };
        return { port, token: new URL(url).searchParams.get('token') ?? '' };
      } catch {
        return null;
      }
    }
    await sleep(200);
  }
  return null;
}

function request(
  port: number,
  method: string,
  rawPath: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: rawPath, headers, timeout: 15_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c.length < 200_000 ? c : ''));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no reply in 15 s')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve({ status: 0, body: `${e.code}` }) : reject(e),
    );
    req.end(body);
  });
}

/** A body sent chunked (no Content-Length), so the server must count bytes as they come. */
function chunkedUpload(port: number, token: string, body: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/ask',
        headers: {
          Host: `127.0.0.1:${port}`,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Transfer-Encoding': 'chunked',
        },
        timeout: 15_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no reply in 15 s')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve({ status: 0, body: e.code }) : reject(e),
    );
    for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    req.end();
  });
}

/** An authenticated POST that promises 100 bytes and sends none: how long until the server hangs up? */
function stalledBody(
  port: number,
  token: string,
): Promise<{ closedAfterMs: number | null; status: string | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({
        closedAfterMs: closed ? performance.now() - started : null,
        status: /^HTTP\/1\.1 (\d+)/.exec(reply)?.[1] ?? null,
      });
    };
    const timer = setTimeout(() => done(false), STALLED_BODY_BOUND_MS);
    socket.on('data', (c: Buffer) => (reply += c.toString('latin1')));
    socket.on('close', () => done(true));
    socket.on('error', () => undefined);
    socket.write(
      `POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`,
    );
  });
}

async function checkOpenFile(
  ctx: PhaseContext,
  req: (method: string, p: string, headers?: Record<string, string>, body?: string) => Promise<Reply>,
  bearer: Record<string, string>,
  good: string,
  evil: string[],
  openerCalls: () => string[],
): Promise<void> {
  const headers = { ...bearer, 'Content-Type': 'application/json' };
  // "Open file" opens an indexed document named by its id (from an answer); anything else is
  // only shown in its folder. The good file's id comes from asking for its marker.
  const asked = await req('POST', '/api/ask', headers, JSON.stringify({ question: 'webmarkerquill' })).catch(
    () => ({ status: 0, body: '' }),
  );
  let documentId: number | undefined;
  try {
    const answer = JSON.parse(asked.body) as {
      result?: { results?: { absPath: string; documentId: number }[] };
    };
    documentId = answer.result?.results?.find((r) => r.absPath === good)?.documentId;
  } catch {
    documentId = undefined;
  }
  const call = async (method: string, file: string): Promise<{ status: number; args: string[] }> => {
    const before = openerCalls().length;
    // The evil files are sent with the good file's id too: an id that names another file must not open it.
    const body =
      method === 'openFile' && documentId !== undefined ? { path: file, documentId } : { path: file };
    const r = await req('POST', `/api/${method}`, headers, JSON.stringify(body)).catch(() => ({
      status: 0,
      body: '',
    }));
    await sleep(600); // the opener runs detached
    return { status: r.status, args: openerCalls().slice(before) };
  };
  const control = await call('openFile', good);
  const mechanism = control.args.some((a) => a.split('\t').includes(good));
  ctx.results.add(
    PHASE,
    'control: openFile on an indexed .md',
    'the opener gets the file',
    `${control.status}; opener got ${JSON.stringify(control.args)}`,
    control.status === 200 && mechanism,
  );
  for (const file of evil) {
    const name = path.basename(file);
    const opened = await call('openFile', file);
    const shown = await call('showInFolder', file);
    const handedOver = [...opened.args, ...shown.args].filter((a) => a.split('\t').includes(file));
    ctx.results.add(
      PHASE,
      `openFile/showInFolder ${name}`,
      'never handed to the opener (its folder may be shown)',
      `openFile ${opened.status}, showInFolder ${shown.status}; ${handedOver.length ? `opener got ${name}` : 'not handed over'}${mechanism ? '' : ' (opener check unverified)'}`,
      handedOver.length === 0 && mechanism,
    );
  }
}

/** `serve --open`: what the opener (any local user can read /proc/<pid>/cmdline) was given. */
function checkOpenToken(ctx: PhaseContext, token: string, startupCalls: string[]): void {
  const first = startupCalls[0];
  ctx.results.add(
    PHASE,
    'serve --open: token not in the opener argv',
    'the opener ran, without the token in its arguments',
    first === undefined
      ? 'the opener never ran'
      : first.includes(token) || /token=/.test(first)
        ? `argv has the token: ${first.replace(token, '<token>').slice(0, 70)}`
        : `argv: ${first.slice(0, 80)}`,
    first !== undefined && token.length > 0 && !first.includes(token) && !/token=/.test(first),
  );
}

/** Nothing answers on the machine's other addresses. */
async function checkLoopbackOnly(ctx: PhaseContext, port: number): Promise<void> {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address);
  const reachable: string[] = [];
  for (const address of addresses) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: address, port, timeout: 3000 });
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
      s.on('timeout', () => (s.destroy(), resolve(false)));
    });
    if (ok) reachable.push(address);
  }
  ctx.results.add(
    PHASE,
    'listens on 127.0.0.1 only',
    'no answer on other interfaces',
    addresses.length
      ? reachable.length
        ? `answers on ${reachable.join(', ')}`
        : `refused on ${addresses.join(', ')}`
      : 'no other interface to try',
    reachable.length === 0,
  );
}
