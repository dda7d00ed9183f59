/**
 * The desktop window's renderer is served from `app://docqa/`, not file://:
 * a file:// page may read any file:// URL, a custom standard scheme gives the
 * page its own origin that CSP 'self' and the navigation lock can name.
 * Plain Node (no Electron) so the path checks are tested without a window.
 */
import { CONTENT_SECURITY_POLICY } from '../api/csp.js';
import { contentTypeOf, resolveStaticFile } from '../server/staticFiles.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'docqa';
/** What the window loads. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export type AppResource =
  | { status: 200; file: string; headers: Record<string, string> }
  | { status: 404 | 405; headers: Record<string, string> };

const COMMON_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
} as const;

/**
 * What an app:// request gets: a file inside `rendererDir` with its MIME type
 * and the CSP, or 404 for anything else (another host, a path that leaves the
 * folder, encoded or through a symbolic link, a folder, a missing file).
 */
export async function resolveAppRequest(
  url: string,
  rendererDir: string,
  method = 'GET',
): Promise<AppResource> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { ...COMMON_HEADERS } };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 404, headers: { ...COMMON_HEADERS } };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username || parsed.password)
    return { status: 404, headers: { ...COMMON_HEADERS } };
  const file = await resolveStaticFile(rendererDir, parsed.pathname);
  if (!file) return { status: 404, headers: { ...COMMON_HEADERS } };
  return { status: 200, file, headers: { ...COMMON_HEADERS, 'Content-Type': contentTypeOf(file) } };
}
