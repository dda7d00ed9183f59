import fs, { createReadStream } from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webp': 'image/webp',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps a URL path to a file under `root`, or null when it would leave the
 * folder (`..`, encoded or not; a symbolic link pointing out) or is no regular
 * file. `/` is index.html. Shared by web mode and the desktop app's app:// protocol.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // A backslash is a separator on Windows: no built file has one in its name.
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (rel.split('/').includes('..')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, rel);
  if (!isInside(file, base)) return null;
  // fs.promises looked up at call time: inside Electron these calls read app.asar.
  const info = await fs.promises.stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  // The folder itself may be reached through a link (an install path); what is in it may not point out.
  const [realBase, realFile] = await Promise.all([
    fs.promises.realpath(base),
    fs.promises.realpath(file),
  ]).catch(() => [null, null]);
  return realBase && realFile && isInside(realFile, realBase) ? file : null;
}

function isInside(file: string, dir: string): boolean {
  return file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** The Content-Type a built renderer file is served with. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export function sendFile(res: ServerResponse, file: string, method: string): void {
  const type = contentTypeOf(file);
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  // Hashed asset names never change content; index.html must always be fresh.
  res.setHeader(
    'Cache-Control',
    file.includes(`${path.sep}assets${path.sep}`) ? 'private, max-age=31536000, immutable' : 'no-store',
  );
  if (method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
