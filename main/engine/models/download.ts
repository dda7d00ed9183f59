import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fetch, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { UserError } from '../errors.js';

/**
 * One file from a Hugging Face-style hub: resumable (`<dest>.part` + HTTP
 * Range), verified (sha256, or the git blob id for small non-LFS files),
 * cancellable (AbortSignal; the part stays for the next run), through the
 * proxy the standard environment variables name (HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY, via undici's EnvHttpProxyAgent).
 */

export interface RemoteFile {
  /** URL to GET: the hub's redirect target (CDN) for LFS files, else the resolve URL. */
  url: string;
  bytes: number | null;
  /** sha256 of an LFS object as the hub reports it (X-Linked-Etag). */
  sha256: string | null;
  /** git blob id of a non-LFS file (its ETag). */
  gitBlobSha1: string | null;
  /** Commit the hub resolved the revision to (X-Repo-Commit). */
  commit: string | null;
}

export interface Expected {
  sha256?: string;
  bytes?: number;
}

let sharedDispatcher: Dispatcher | null = null;
/** Proxy-aware dispatcher, created once: it reads HTTPS_PROXY/HTTP_PROXY/NO_PROXY (any case). */
export function proxyDispatcher(): Dispatcher {
  sharedDispatcher ??= new EnvHttpProxyAgent();
  return sharedDispatcher;
}

const MAX_REDIRECTS = 5;

/** HEAD the resolve URL without following the hub's redirect to its CDN, to read the LFS metadata it carries. */
export async function probe(url: string, signal?: AbortSignal): Promise<RemoteFile> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await request(current, { method: 'HEAD', redirect: 'manual', signal });
    const h = res.headers;
    const linkedEtag = unquote(h.get('x-linked-etag'));
    const location = h.get('location');
    if (res.status >= 300 && res.status < 400 && location && !linkedEtag) {
      // A renamed repository or a relative redirect: keep looking for the metadata.
      current = new URL(location, current).href;
      continue;
    }
    if (res.status >= 400 || (res.status >= 300 && !location)) throw httpError(res.status, current);
    const etag = unquote(h.get('etag'));
    const size = h.get('x-linked-size') ?? h.get('content-length');
    return {
      url: location ? new URL(location, current).href : current,
      bytes: size !== null && /^\d+$/.test(size) ? Number(size) : null,
      sha256: linkedEtag && /^[0-9a-f]{64}$/.test(linkedEtag) ? linkedEtag : null,
      gitBlobSha1: !linkedEtag && etag && /^[0-9a-f]{40}$/.test(etag) ? etag : null,
      commit: h.get('x-repo-commit'),
    };
  }
  throw new UserError(`too many redirects fetching ${url}`, url);
}

export interface FileDownloadOptions {
  signal?: AbortSignal;
  /** Called as bytes land: bytes of this file on disk, bytes transferred by this call. */
  onBytes?: (onDisk: number, transferred: number) => void;
}

/**
 * Fetch `remote` into `dest`, resuming `<dest>.part` if one is there, and
 * verify it before the rename. A mismatch deletes the part (its bytes are
 * wrong, resuming would keep them) and throws.
 */
export async function downloadFile(
  remote: RemoteFile,
  dest: string,
  expected: Expected,
  options: FileDownloadOptions = {},
): Promise<{ sha256: string; bytes: number }> {
  const name = path.basename(dest);
  checkPins(name, remote, expected);
  const wantBytes = expected.bytes ?? remote.bytes ?? null;
  const wantSha256 = expected.sha256 ?? remote.sha256;
  if (!wantSha256 && !(remote.gitBlobSha1 && wantBytes !== null)) {
    throw new UserError(
      `${name}: the server reports no checksum for it and the catalogue pins none, so it cannot be verified`,
      name,
    );
  }

  await mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  let have = await sizeOf(part);
  if (wantBytes !== null && have > wantBytes) {
    await rm(part, { force: true });
    have = 0;
  }

  const sha256 = createHash('sha256');
  const blob = !wantSha256 && wantBytes !== null ? createHash('sha1').update(`blob ${wantBytes}\0`) : null;
  const hashes = blob ? [sha256, blob] : [sha256];

  if (wantBytes === null || have < wantBytes) {
    const res = await request(remote.url, {
      method: 'GET',
      redirect: 'follow',
      signal: options.signal,
      headers: have > 0 ? { range: `bytes=${have}-` } : {},
    });
    if (res.status === 200 && have > 0)
      have = 0; // the server ignored Range: start over
    else if (res.status !== 200 && res.status !== 206) throw httpError(res.status, remote.url);
    if (have > 0) await hashFile(part, hashes);
    let transferred = 0;
    const onDiskAtStart = have;
    const counting = async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        for (const h of hashes) h.update(chunk);
        transferred += chunk.length;
        options.onBytes?.(onDiskAtStart + transferred, transferred);
        yield chunk;
      }
    };
    try {
      await pipeline(
        Readable.fromWeb(res.body as never),
        counting,
        createWriteStream(part, { flags: have > 0 ? 'a' : 'w' }),
        { signal: options.signal },
      );
    } catch (e) {
      throw transferError(e, remote.url, options.signal);
    }
  } else {
    await hashFile(part, hashes);
  }

  const got = await sizeOf(part);
  if (wantBytes !== null && got !== wantBytes) {
    if (got > wantBytes) await rm(part, { force: true });
    throw new UserError(`${name}: got ${got} bytes, expected ${wantBytes}; run again to resume`, name);
  }
  const digest = sha256.digest('hex');
  if (wantSha256 ? digest !== wantSha256 : blob!.digest('hex') !== remote.gitBlobSha1) {
    await rm(part, { force: true });
    const want = wantSha256 ? `sha256 ${wantSha256}` : `git blob ${remote.gitBlobSha1}`;
    throw new UserError(
      `${name} is corrupt (checksum mismatch: expected ${want}); the partial file was deleted, run again to download it afresh`,
      name,
    );
  }
  await rename(part, dest);
  return { sha256: digest, bytes: got };
}

/** What the hub says about a file must agree with what the catalogue pins, before a byte is fetched. */
export function checkPins(name: string, remote: RemoteFile, expected: Expected): void {
  if (expected.sha256 && remote.sha256 && expected.sha256 !== remote.sha256) {
    throw new UserError(
      `${name}: the hub reports sha256 ${remote.sha256}, the catalogue pins ${expected.sha256}; refusing to install a different file`,
      name,
    );
  }
  if (expected.bytes !== undefined && remote.bytes !== null && expected.bytes !== remote.bytes) {
    throw new UserError(
      `${name}: the hub reports ${remote.bytes} bytes, the catalogue pins ${expected.bytes}; refusing to install a different file`,
      name,
    );
  }
}

/** Errors worth retrying with a resume (the connection broke), as opposed to wrong data or a refusal. */
export function isTransient(e: unknown): boolean {
  return e instanceof TransferInterrupted;
}

export class TransferInterrupted extends UserError {}

export class DownloadCancelled extends UserError {
  constructor() {
    super('download cancelled; run the same command again to resume');
  }
}

async function request(
  url: string,
  init: {
    method: string;
    redirect: 'manual' | 'follow';
    signal?: AbortSignal;
    headers?: Record<string, string>;
  },
) {
  try {
    return await fetch(url, {
      ...init,
      dispatcher: proxyDispatcher(),
      headers: { 'user-agent': 'docqa', ...init.headers },
    });
  } catch (e) {
    throw connectError(e, url, init.signal);
  }
}

const OFFLINE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETDOWN',
]);

function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function connectError(e: unknown, url: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return new DownloadCancelled();
  const code = errorCode(e);
  const host = safeHost(url);
  if (code && OFFLINE_CODES.has(code)) {
    return new UserError(
      `cannot reach ${host} (${code}): this machine looks offline or the proxy is unreachable; to install without a network, copy a model folder here and run "docqa models import <folder>"`,
      host,
      { cause: e },
    );
  }
  return new TransferInterrupted(
    `connection to ${host} failed (${code ?? (e as Error).message}); run again to resume`,
    host,
    { cause: e },
  );
}

function transferError(e: unknown, url: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return new DownloadCancelled();
  if (e instanceof UserError) return e;
  const code = errorCode(e);
  if (code && /^E(NOSPC|DQUOT|ACCES|PERM|ROFS)$/.test(code))
    return new UserError(`cannot write the download (${code})`, undefined, { cause: e });
  return new TransferInterrupted(
    `transfer from ${safeHost(url)} broke off (${code ?? (e as Error).message}); run again to resume`,
    safeHost(url),
    { cause: e },
  );
}

function httpError(status: number, url: string): UserError {
  const what =
    status === 404
      ? 'not found'
      : status === 401 || status === 403
        ? 'refused (gated or private repository?)'
        : 'failed';
  return new UserError(`${url}: ${what} (HTTP ${status})`, url);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function unquote(v: string | null): string | null {
  if (!v) return null;
  return v.replace(/^W\//, '').replace(/^"|"$/g, '');
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function hashFile(file: string, hashes: Hash[]): Promise<void> {
  for await (const chunk of createReadStream(file)) for (const h of hashes) h.update(chunk as Buffer);
}
