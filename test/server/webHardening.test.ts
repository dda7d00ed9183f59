import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/api/contract.js';
import { createApi, type Api } from '../../main/api/dispatcher.js';
import { WorkerEngine } from '../../main/api/workerEngine.js';
import { LoginCodes } from '../../main/server/loginCodes.js';
import { BROWSER_ENV, openInBrowser } from '../../main/server/openBrowser.js';
import { startWebServer, type WebServer } from '../../main/server/server.js';
import { createWebHost } from '../../main/server/webHost.js';
import { rawRequest } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const REQUEST_TIMEOUT_MS = 1500;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-web-hardening-'));
const renderer = path.join(tmp, 'renderer');
const logged: string[] = [];
let engine: WorkerEngine;
let api: Api;
let server: WebServer;
let port: number;
let token: string;

beforeAll(async () => {
  mkdirSync(renderer, { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>DocQA</title><p>the app</p>');
  engine = await WorkerEngine.start({ dbPath: path.join(tmp, 'library.sqlite') });
  api = createApi(engine, createWebHost('test'));
  server = await startWebServer({
    api,
    rendererDir: renderer,
    port: 0,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    headersTimeoutMs: 1000,
    log: (line) => logged.push(line),
  });
  ({ port, token } = server);
});

afterAll(async () => {
  await server?.close();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cookieName = () => `docqa_token_${port}`;

/** Sends `text` as is on a new connection; resolves with all the server wrote once it closes the connection. */
function rawExchange(text: string, keepOpenMs = 20_000): Promise<{ reply: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ reply, closedByServer: false });
    }, keepOpenMs);
    socket.on('data', (c: Buffer) => (reply += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ reply, closedByServer: true });
    });
    socket.write(text);
  });
}

describe('malformed input before authentication', () => {
  it('answers a token cookie with a malformed % escape with 401, without an internal error', async () => {
    for (const value of ['%', '%E0%A4%A', 'abc%zz']) {
      const page = await rawRequest(port, { path: '/', headers: { Cookie: `${cookieName()}=${value}` } });
      expect(page.status).toBe(401);
      expect(page.body).toContain('needs its access token');
      expect(page.body).not.toMatch(/\n\s+at /);
      const call = await rawRequest(port, {
        method: 'POST',
        path: '/api/status',
        headers: { Cookie: `${cookieName()}=${value}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(call.status).toBe(401);
      expect(JSON.parse(call.body)).toEqual({
        ok: false,
        error: { kind: 'user', message: 'missing or wrong access token', code: 'not-authorized', params: {} },
      });
    }
    expect(logged).toEqual([]);
  });

  it('still lets the right cookie in when another page planted a bad one beside it', async () => {
    const page = await rawRequest(port, {
      path: '/',
      headers: { Cookie: `${cookieName()}=%; ${cookieName()}=planted; ${cookieName()}=${token}` },
    });
    expect(page.status).toBe(200);
  });

  it('answers an address the URL parser refuses with 400', async () => {
    const { reply } = await rawExchange(
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(logged).toEqual([]);
    expect((await rawRequest(port, { path: '/' })).status).toBe(401); // still serving
  });
});

describe('server timeouts', () => {
  it('closes an authenticated request whose body never arrives', async () => {
    const head = [
      'POST /api/status HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      `Authorization: Bearer ${token}`,
      'Content-Type: application/json',
      'Content-Length: 100',
      '',
      '{"par',
    ].join('\r\n');
    const { reply, closedByServer } = await rawExchange(head);
    expect(closedByServer).toBe(true);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(logged).toEqual([]);
  });

  it('closes a connection whose headers never end', async () => {
    const { closedByServer } = await rawExchange(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: 1`);
    expect(closedByServer).toBe(true);
  });

  it('keeps an event stream open well past the request timeout', async () => {
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS * 3));
    const event: ApiEvent = { type: 'library-changed', reason: 'watch' };
    api.events.emit(event);
    while (!text.includes('library-changed')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain(JSON.stringify(event));
    controller.abort();
  });
});

describe('one-time sign-in codes', () => {
  it('lets a browser in once, then never again', async () => {
    const url = new URL(server.signInUrl());
    expect(url.origin).toBe(`http://127.0.0.1:${port}`);
    expect(url.search).not.toContain(token);
    const first = await rawRequest(port, { path: `/${url.search}` });
    expect(first.status).toBe(200);
    expect(first.body).toContain('http-equiv="refresh" content="0;url=/"');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`));
    const again = await rawRequest(port, { path: `/${url.search}` });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect((await rawRequest(port, { path: '/', headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(
      200,
    );
    expect((await rawRequest(port, { path: '/?code=made-up' })).status).toBe(401);
  });

  it('expires codes that were not used in time', () => {
    let now = 1_000_000;
    const codes = new LoginCodes(60_000, () => now);
    const late = codes.issue();
    const spent = codes.issue();
    expect(codes.redeem(spent)).toBe(true);
    now += 60_001;
    expect(codes.redeem(late)).toBe(false);
    expect(codes.redeem(spent)).toBe(false);
    const fresh = codes.issue();
    expect(fresh).not.toBe(late);
    expect(codes.redeem(fresh)).toBe(true);
  });
});

describe('serve --open', () => {
  /** A stand-in browser that writes down the arguments it was started with. */
  function recordingOpener(): { program: string; argvFile: string } {
    const dir = mkdtempSync(path.join(tmp, 'opener-'));
    const program = path.join(dir, 'browser.sh');
    const argvFile = path.join(dir, 'argv.txt');
    writeFileSync(
      program,
      `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > '${argvFile}.part' && mv '${argvFile}.part' '${argvFile}'\n`,
    );
    chmodSync(program, 0o755);
    return { program, argvFile };
  }

  async function argvOf(argvFile: string): Promise<string[]> {
    const deadline = Date.now() + 20_000;
    while (!existsSync(argvFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return readFileSync(argvFile, 'utf8').trimEnd().split('\n');
  }

  it('hands the browser a private local page, with neither the token nor the code in its arguments', async () => {
    const { program, argvFile } = recordingOpener();
    const signIn = server.signInUrl();
    const code = new URL(signIn).searchParams.get('code')!;
    const opened = await openInBrowser(signIn, { env: { [BROWSER_ENV]: program } });
    try {
      const argv = await argvOf(argvFile);
      expect(argv).toEqual([program, opened.file]);
      for (const arg of argv) {
        expect(arg).not.toContain(token);
        expect(arg).not.toContain(code);
      }
      if (process.platform !== 'win32') {
        expect(statSync(opened.file).mode & 0o777).toBe(0o600);
        expect(statSync(path.dirname(opened.file)).mode & 0o777).toBe(0o700);
      }
      const page = readFileSync(opened.file, 'utf8');
      expect(page).toContain(`content="0;url=${signIn}"`);
      expect(page).not.toContain(token);
    } finally {
      await opened.remove();
    }
    expect(existsSync(opened.file)).toBe(false);
  });

  it.skipIf(!existsSync(CHROMIUM))('signs a real browser in from that page', async () => {
    const { program, argvFile } = recordingOpener();
    const opened = await openInBrowser(server.signInUrl(), { env: { [BROWSER_ENV]: program } });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    try {
      const [, file] = await argvOf(argvFile);
      const page = await browser.newPage();
      await page.goto(`file://${file}`);
      await page.waitForURL(`http://127.0.0.1:${port}/`, { timeout: 20_000 });
      await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('DocQA');
      expect(await page.textContent('p')).toBe('the app');
      // The page's code is spent: opening the page again signs nobody in.
      const other = await browser.newContext();
      const second = await other.newPage();
      await second.goto(`file://${file}`);
      await second.waitForURL(/\?code=/, { timeout: 20_000 });
      await expect.poll(async () => (await second.textContent('body')) ?? '').toContain('used already');
    } finally {
      await browser.close();
      await opened.remove();
    }
  });
});
