import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1, with its URL layout and
 * headers: `/<repo>/resolve/<rev>/<path>` answers small files directly
 * (ETag = git blob id) and LFS files with a 302 to a CDN URL carrying
 * X-Linked-Etag (sha256) and X-Linked-Size; every answer has X-Repo-Commit.
 * The CDN honours Range. Faults can be switched on per file.
 */
export interface HubFile {
  data: Uint8Array;
  lfs: boolean;
}

export interface HubServer {
  url: string;
  requests: { method: string; path: string; range: string | null }[];
  /** Cut the connection after this many body bytes, once, for these paths. */
  interruptOnce: Map<string, number>;
  /** Serve these paths with one byte flipped (headers still describe the real file). */
  corrupt: Set<string>;
  /** Report this size instead of the real one (free-disk check). */
  claimSize: Map<string, number>;
  /** Pause between chunks, so a test can act mid-transfer. */
  chunkDelayMs: number;
  /** Bytes per write (16 KiB; the benchmark raises it). */
  chunkBytes: number;
  close(): Promise<void>;
}

export const COMMIT = 'c0ffee0000000000000000000000000000000001';

const sha256 = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');
const gitBlob = (d: Uint8Array) => createHash('sha1').update(`blob ${d.length}\0`).update(d).digest('hex');

export async function startHub(repo: string, files: Record<string, HubFile>): Promise<HubServer> {
  const byHash = new Map(Object.entries(files).map(([p, f]) => [sha256(f.data), p]));
  const state: Omit<HubServer, 'url' | 'close'> = {
    requests: [],
    interruptOnce: new Map(),
    corrupt: new Set(),
    claimSize: new Map(),
    chunkDelayMs: 0,
    chunkBytes: 16384,
  };

  const sendBody = async (res: http.ServerResponse, rel: string, data: Uint8Array, range: string | null) => {
    let body = data;
    if (state.corrupt.has(rel)) {
      body = Uint8Array.from(data);
      body[body.length >> 1] ^= 0xff;
    }
    let start = 0;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'accept-ranges': 'bytes',
      });
    } else {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
    }
    const cut = state.interruptOnce.get(rel);
    if (cut !== undefined) state.interruptOnce.delete(rel);
    for (let at = start; at < body.length; at += state.chunkBytes) {
      const end = Math.min(body.length, at + state.chunkBytes);
      if (cut !== undefined && end - start > cut) {
        res.write(body.subarray(at, start + cut));
        await new Promise((r) => setTimeout(r, 20));
        res.destroy();
        return;
      }
      if (!res.write(body.subarray(at, end))) await new Promise((r) => res.once('drain', r));
      if (state.chunkDelayMs) await new Promise((r) => setTimeout(r, state.chunkDelayMs));
      if (res.destroyed) return;
    }
    res.end();
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const range = req.headers.range ?? null;
    state.requests.push({ method: req.method ?? '', path: decodeURIComponent(url.pathname), range });
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) {
      const rel = byHash.get(cdn[1]);
      if (!rel) return void res.writeHead(404).end();
      return void sendBody(res, rel, files[rel].data, range);
    }
    const prefix = `/${repo}/resolve/`;
    const pathname = decodeURIComponent(url.pathname);
    if (!pathname.startsWith(prefix)) return void res.writeHead(404).end();
    const rest = pathname.slice(prefix.length);
    const rel = rest.slice(rest.indexOf('/') + 1);
    const file = files[rel];
    if (!file) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
    const size = state.claimSize.get(rel) ?? file.data.length;
    if (file.lfs) {
      const sha = sha256(file.data);
      res.writeHead(302, {
        location: `/cdn/${sha}`,
        'x-linked-etag': `"${sha}"`,
        'x-linked-size': String(size),
        'x-repo-commit': COMMIT,
        etag: `"${sha}"`,
        'content-length': 0,
      });
      return void res.end();
    }
    if (req.method === 'HEAD') {
      res.writeHead(200, {
        etag: `"${gitBlob(file.data)}"`,
        'content-length': size,
        'x-repo-commit': COMMIT,
      });
      return void res.end();
    }
    res.setHeader('etag', `"${gitBlob(file.data)}"`);
    res.setHeader('x-repo-commit', COMMIT);
    void sendBody(res, rel, file.data, range);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
