import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME, resolveAppRequest } from './appProtocol.js';

/**
 * Before the app is ready: app:// is a standard, secure scheme (its own
 * origin, relative URLs, fetch), so the renderer runs as it would on https.
 * corsEnabled: the bundle is loaded as module scripts, which are fetched in
 * CORS mode; no other origin is ever shown (see navigation.ts) to read it.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
    },
  ]);
}

/** Once ready: serves app://docqa/ from the built renderer folder, and nothing else (see appProtocol.ts). */
export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const resource = await resolveAppRequest(request.url, rendererDir, request.method);
    if (resource.status !== 200) return new Response(null, resource);
    // net.fetch reads inside app.asar; the headers are ours (MIME type, CSP).
    const file = await net.fetch(pathToFileURL(resource.file).href);
    return new Response(request.method === 'HEAD' ? null : file.body, {
      status: 200,
      headers: resource.headers,
    });
  });
}
