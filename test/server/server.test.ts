import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/api/contract.js';
import { createApi, type Api } from '../../main/api/dispatcher.js';
import { WorkerEngine } from '../../main/api/workerEngine.js';
import { FolderWatch } from '../../main/api/folderWatch.js';
import { resolveLibraryFile } from '../../main/api/libraryFiles.js';
import { startWebServer, type WebServer } from '../../main/server/server.js';
import { createWebHost } from '../../main/server/webHost.js';
import { rawRequest, writeSmallPack, writeTree } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-server-'));
const docs = path.join(tmp, 'docs');
const outside = path.join(tmp, 'outside.txt');
let engine: WorkerEngine;
let api: Api;
let watch: FolderWatch;
let server: WebServer;
let port: number;
let token: string;

beforeAll(async () => {
  writeTree(docs, {
    'greatwall.md': '# 长城\n\n长城是中国古代的军事防御工程，总长度超过两万公里。\n',
    'notes/photosynthesis.txt':
      'Photosynthesis turns light into chemical energy in the chloroplasts of plant cells.\n',
  });
  writeFileSync(outside, 'a secret file outside the library\n');
  symlinkSync(outside, path.join(docs, 'link-to-outside.txt'));
  const renderer = path.join(tmp, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(
    path.join(renderer, 'index.html'),
    '<!doctype html><title>DocQA</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1);');
  // The pack is a library setting (as Settings sets it), not a session override, so it can be switched later.
  engine = await WorkerEngine.start({ dbPath: path.join(tmp, 'library.sqlite') });
  await engine.updateSettings({ packDir: await writeSmallPack(path.join(tmp, 'pack')) });
  api = createApi(engine, createWebHost('test'));
  watch = new FolderWatch(engine, api.events);
  await watch.restart(); // no folders yet: nothing to watch, and it must not hang
  server = await startWebServer({
    api,
    rendererDir: renderer,
    port: 0,
    maxBodyBytes: 64 * 1024,
    log: () => undefined,
  });
  ({ port, token } = server);
});

afterAll(async () => {
  await watch?.close();
  await server?.close();
  await api?.ingest.whenIdle();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const bearer = (): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
});
const post = (method: string, body: unknown, headers: Record<string, string> = bearer()) =>
  rawRequest(port, { method: 'POST', path: `/api/${method}`, headers, body: JSON.stringify(body) });

describe('access token', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses the page and the API without it, or with a wrong one', async () => {
    expect((await rawRequest(port, { path: '/' })).status).toBe(401);
    expect((await rawRequest(port, { path: '/assets/app.js' })).status).toBe(401);
    expect((await rawRequest(port, { path: '/?token=wrong' })).status).toBe(401);
    const noToken = await post('status', {}, { 'Content-Type': 'application/json' });
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.body)).toEqual({
      ok: false,
      error: { kind: 'user', message: 'missing or wrong access token', code: 'not-authorized', params: {} },
    });
    expect((await post('status', {}, { ...bearer(), Authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await rawRequest(port, { path: '/api/events' })).status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly SameSite=Strict cookie, then serves the app with it', async () => {
    const first = await rawRequest(port, { path: `/?token=${token}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^docqa_token_${port}=${token}; HttpOnly; SameSite=Strict; Path=/`));
    const jar = cookie.split(';')[0]!;
    const page = await rawRequest(port, { path: '/', headers: { Cookie: jar } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>DocQA</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const status = await post('status', {}, { Cookie: jar, 'Content-Type': 'application/json' });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body).result.folders).toEqual([]);
  });

  it('only listens on the loopback interface', async () => {
    await expect(startWebServer({ api, rendererDir: tmp, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /only listens on 127\.0\.0\.1/,
    );
  });
});

describe('request checks', () => {
  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const res = await rawRequest(port, {
      method: 'POST',
      path: '/api/status',
      headers: { ...bearer(), Host: `evil.example:${port}` },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(
      (await rawRequest(port, { path: `/?token=${token}`, headers: { Host: 'evil.example' } })).status,
    ).toBe(403);
  });

  it('refuses cross-origin browser requests even with the token', async () => {
    expect((await post('status', {}, { ...bearer(), Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('status', {}, { ...bearer(), 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect(
      (
        await post(
          'status',
          {},
          { ...bearer(), Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' },
        )
      ).status,
    ).toBe(200);
  });

  it('answers bad input with 400 and one clear message', async () => {
    const wrongType = await post('addFolder', { path: 5 });
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.body).error.message).toMatch(/^addFolder: path: .*expected string/);
    const extra = await post('ask', { question: 'hello', shell: 'rm -rf /' });
    expect(JSON.parse(extra.body).error.message).toMatch(/^ask: .*shell/);
    const empty = await post('ask', { question: '   ' });
    expect(JSON.parse(empty.body).error.message).toBe('ask: question: the question is empty');
    const missing = await post('addFolder', { path: path.join(tmp, 'no-such-folder') });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).error.kind).toBe('user');
  });

  it('rejects unknown methods, wrong verbs, non-JSON and oversized bodies', async () => {
    expect((await post('dropDatabase', {})).status).toBe(404);
    expect((await rawRequest(port, { path: '/api/status', headers: bearer() })).status).toBe(405);
    expect(
      (await post('status', {}, { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' })).status,
    ).toBe(415);
    const notJson = await rawRequest(port, {
      method: 'POST',
      path: '/api/status',
      headers: bearer(),
      body: '{"oops',
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not valid JSON/);
    const big = await post('ask', { question: 'x'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
  });

  it('answers 413 to a body over the limit and reads the rest, so the client can finish writing it', async () => {
    // A client writes part of an oversized body, reads the 413, then writes the rest. Closing
    // the connection right after the reply made that write fail (EPIPE / ECONNRESET): a client
    // that writes its whole body before reading saw a broken pipe instead of the 413.
    for (const headers of [{ 'Content-Length': String(4 << 20) }, { 'Transfer-Encoding': 'chunked' }]) {
      const outcome = await new Promise<{ status: number; rest: string }>((resolve) => {
        let status = 0;
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/ask',
            headers: { Host: `127.0.0.1:${port}`, ...bearer(), ...headers },
          },
          (res) => {
            status = res.statusCode ?? 0;
            res.resume();
            res.on('end', () =>
              setTimeout(() => {
                if (req.destroyed) return resolve({ status, rest: 'connection closed' });
                req.on('finish', () => resolve({ status, rest: 'written' }));
                req.end(Buffer.alloc(3 << 20, 0x20));
              }, 200),
            );
          },
        );
        req.on('error', (e: NodeJS.ErrnoException) => resolve({ status, rest: e.code ?? e.message }));
        req.write(Buffer.alloc(1 << 20, 0x20));
      });
      expect(outcome).toEqual({ status: 413, rest: 'written' });
    }
  });

  it('never serves files outside the renderer folder', async () => {
    const headers = { Authorization: `Bearer ${token}` };
    for (const p of ['/../library.sqlite', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/%00']) {
      const res = await rawRequest(port, { path: p, headers });
      expect(res.status, p).toBe(404);
      expect(res.body).not.toContain('secret');
    }
  });
});

describe('library over HTTP', () => {
  it('adds a folder, streams ingest progress over SSE until done, then answers', async () => {
    const events: ApiEvent[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port, path: '/api/events', headers: { Authorization: `Bearer ${token}` } },
        resolve,
      )
        .on('error', reject)
        .end();
    });
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    let buffer = '';
    const done = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as ApiEvent;
          events.push(event);
          if (event.type === 'ingest-done' || event.type === 'ingest-failed') resolve();
        }
      });
    });
    const added = await post('addFolder', { path: docs });
    expect(added.status).toBe(200);
    expect(JSON.parse(added.body).result.path).toBe(docs);
    await done;
    stream.destroy();
    const types = events.map((e) => e.type);
    expect(types).toContain('ingest-progress');
    expect(types).toContain('ingest-done');
    const final = events.find((e) => e.type === 'ingest-done');
    expect(final?.type === 'ingest-done' && final.summary.filesFailed).toBe(0);

    const status = JSON.parse((await post('status', {})).body).result;
    expect(status.documents).toBeGreaterThanOrEqual(2);
    const answer = JSON.parse(
      (await post('ask', { question: 'Photosynthesis chloroplasts', mode: 'bm25' })).body,
    ).result;
    expect(answer.results[0].path).toBe('notes/photosynthesis.txt');
    const state = JSON.parse((await post('ingestState', {})).body).result;
    expect(state).toMatchObject({ running: false, lastError: null });
  });

  it('watches the folder added while running and indexes a new file', async () => {
    const indexed = new Promise<void>((resolve) => {
      const off = api.events.subscribe((e) => {
        if (e.type === 'watch' && e.event.type === 'indexed') {
          off();
          resolve();
        }
      });
    });
    await watch.restart(); // what a 'folder-added' event does; awaited here so the watcher is ready
    writeFileSync(
      path.join(docs, 'notes', 'tides.md'),
      '# Tides\n\nTides are caused by the gravity of the moon and the sun.\n',
    );
    await indexed;
    const answer = JSON.parse(
      (await post('ask', { question: 'What causes tides?', mode: 'bm25' })).body,
    ).result;
    expect(answer.results[0].path).toBe('notes/tides.md');
  });

  it('re-embeds in the background with progress after the pack changes, and keeps answering', async () => {
    const other = await writeSmallPack(path.join(tmp, 'pack-2'), 99, 'app-test-pack-2');
    const seen: ApiEvent[] = [];
    const done = new Promise<void>((resolve) => {
      api.events.subscribe((e) => {
        seen.push(e);
        if (e.type === 'reembed' && !e.state.running) resolve();
      });
    });
    const updated = await post('updateSettings', { packDir: other });
    expect(JSON.parse(updated.body).result.packDir).toBe(other);
    const during = JSON.parse(
      (await post('ask', { question: 'Photosynthesis chloroplasts', mode: 'bm25' })).body,
    ).result;
    expect(during.results[0].path).toBe('notes/photosynthesis.txt');
    await done;
    const states = seen.flatMap((e) => (e.type === 'reembed' ? [e.state] : []));
    expect(states[0]?.running).toBe(true);
    expect(states.at(-1)).toMatchObject({ running: false, lastError: null, progress: { phase: 'done' } });
    const status = JSON.parse((await post('status', {})).body).result;
    expect(status).toMatchObject({ needsReembed: false, pack: { name: 'app-test-pack-2' } });
  });

  it('sets the question tower provider separately, and refuses an unknown one', async () => {
    const set = await post('updateSettings', { questionProvider: 'cpu' });
    expect(JSON.parse(set.body).result.questionProvider).toBe('cpu');
    const bad = await post('updateSettings', { questionProvider: 'tpu' });
    expect(bad.status).toBe(400);
    const cleared = await post('updateSettings', { questionProvider: null });
    expect(JSON.parse(cleared.body).result.questionProvider).toBeNull();
    const answer = JSON.parse((await post('ask', { question: 'Photosynthesis chloroplasts' })).body).result;
    expect(answer.results[0].path).toBe('notes/photosynthesis.txt');
  });

  it('opens files only inside the library folders', async () => {
    const refused = [
      outside,
      path.join(docs, '..', 'outside.txt'),
      path.join(docs, 'link-to-outside.txt'),
      '/etc/passwd',
      'greatwall.md',
    ];
    for (const p of refused) {
      for (const method of ['openFile', 'showInFolder']) {
        const res = await post(method, { path: p });
        expect(res.status, `${method} ${p}`).toBe(400);
        expect(JSON.parse(res.body).error.message).toMatch(
          /not inside the library's folders|not an absolute path/,
        );
      }
    }
    const gone = await post('openFile', { path: path.join(docs, 'deleted.md') });
    expect(JSON.parse(gone.body).error.message).toMatch(/^file not found/);
    const folders = await engine.listFolders();
    await expect(resolveLibraryFile(path.join(docs, 'notes', 'photosynthesis.txt'), folders)).resolves.toBe(
      realpathSync(path.join(docs, 'notes', 'photosynthesis.txt')),
    );
    await expect(resolveLibraryFile(path.join(docs, 'notes'), folders)).rejects.toThrow(/not a file/);
  });
});
