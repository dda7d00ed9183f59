import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../engine/errors.js';
import { apiErrorReason } from '../api/apiErrors.js';
import type { Api } from '../api/dispatcher.js';
import type { ApiReply } from '../api/contract.js';
import { isApiMethod } from '../api/methods.js';
import {
  hostAllowed,
  LOOPBACK_HOSTS,
  newAccessToken,
  originAllowed,
  readCookies,
  setSecurityHeaders,
  tokenCookieName,
  tokensMatch,
} from './security.js';
import { resolveStaticFile, sendFile } from './staticFiles.js';
import { LOGIN_CODE_TTL_MS, LoginCodes } from './loginCodes.js';
import { redirectPage } from './redirectPage.js';

export interface WebServerOptions {
  api: Api;
  /** The built renderer (index.html + assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  token?: string;
  maxBodyBytes?: number;
  /** Time a client has to send a whole request (headers and body); default 30 s. Streams of events are not limited by it. */
  requestTimeoutMs?: number;
  /** Time a client has to send the request headers; default 10 s. */
  headersTimeoutMs?: number;
  /** Lifetime of a one-time sign-in code (see `signInUrl`); default 2 minutes. */
  loginCodeTtlMs?: number;
  /** Internal errors and notices; user errors go back to the caller only. */
  log?: (line: string) => void;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** The address to open, with the access token. */
  readonly url: string;
  /**
   * An address that lets one browser in once, within the sign-in code's
   * lifetime, without the access token in it: what `serve --open` hands to the
   * browser, since program arguments are readable by every local user.
   */
  signInUrl(): string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1 << 20;
/** How much of a body over the limit is read and dropped after the 413, so the client can finish writing. */
const OVERSIZE_DRAIN_BYTES = 64 << 20;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 15_000;

/**
 * Web mode: the renderer and the API over HTTP on the loopback interface,
 * behind a per-run access token (query string once → HttpOnly SameSite=Strict
 * cookie, or `Authorization: Bearer`; a one-time sign-in code is traded for the
 * same cookie), Host/Origin checks against DNS
 * rebinding and cross-site requests, a body size limit, JSON errors, and
 * progress as server-sent events.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new UserError(`docqa serve only listens on 127.0.0.1 (refusing --host ${host})`, '--host');
  }
  const token = options.token ?? newAccessToken();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rendererDir = options.rendererDir;
  const streams = new Set<ServerResponse>();
  const loginCodes = new LoginCodes(options.loginCodeTtlMs ?? LOGIN_CODE_TTL_MS);
  let port = 0;
  const tokenCookie = (): string => `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;

  const authorized = (req: IncomingMessage): boolean => {
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
    if (bearer !== null) return tokensMatch(bearer, token);
    // A cookie another page on 127.0.0.1 planted must not hide ours.
    return readCookies(req, tokenCookieName(port)).some((value) => tokensMatch(value, token));
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    res.setHeader('Cache-Control', 'no-store');
    if (!originAllowed(req, port)) return sendReply(res, 403, userError('cross-origin requests are refused'));
    if (!authorized(req)) return sendReply(res, 401, userError('missing or wrong access token'));
    if (pathname === '/api/events') {
      if (req.method !== 'GET') return sendReply(res, 405, userError('use GET for /api/events'));
      return openEventStream(req, res);
    }
    const method = pathname.slice('/api/'.length);
    if (!isApiMethod(method))
      return sendReply(res, 404, userError(`unknown API method: ${method.slice(0, 100)}`));
    if (req.method !== 'POST') return sendReply(res, 405, userError(`use POST for /api/${method}`));
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendReply(res, 415, userError('send the input as application/json'));
    }
    const body = await readBody(req, maxBody);
    if (body === 'aborted') return; // the client went away, or sent its body too slowly and was cut off
    // The connection stays open while the rest of the body is read and dropped (readBody): a client
    // still writing it gets this reply, not a broken pipe.
    if (body === 'too-large') return sendReply(res, 413, userError(`request body over ${maxBody} bytes`));
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        return sendReply(res, 400, userError('the request body is not valid JSON'));
      }
    }
    const reply = await options.api.call(method, input);
    sendReply(res, reply.ok ? 200 : reply.error.kind === 'user' ? 400 : 500, reply);
  };

  const openEventStream = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    streams.add(res);
    const unsubscribe = options.api.events.subscribe((event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  };

  const handlePage = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    const code = url.searchParams.get('code');
    if (code !== null) {
      if (!loginCodes.redeem(code)) return sendText(res, 401, SIGN_IN_HELP);
      // The browser came from a local file (see openInBrowser), so a redirect
      // would stay cross-site and the SameSite=Strict cookie would not be sent
      // with it: the page itself moves on, as a same-origin navigation.
      res.setHeader('Set-Cookie', tokenCookie());
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(redirectPage(url.pathname));
      return;
    }
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!tokensMatch(given, token)) return sendText(res, 401, ACCESS_HELP);
      // Trade the token in the address for a cookie, and drop it from the address bar and history.
      res.setHeader('Set-Cookie', tokenCookie());
      res.statusCode = 303;
      res.setHeader('Location', url.pathname);
      res.end();
      return;
    }
    if (!authorized(req)) return sendText(res, 401, ACCESS_HELP);
    const file = await resolveStaticFile(rendererDir, url.pathname);
    if (!file) return sendText(res, 404, 'Not found');
    sendFile(res, file, req.method);
  };

  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server: Server = createServer(
    {
      // Bodies that never arrive are cut off (408). It bounds receiving the
      // request only: event streams, whose requests are complete, live on.
      requestTimeout,
      headersTimeout: Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout),
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    },
    (req, res) => {
      setSecurityHeaders(res);
      if (!hostAllowed(req, port)) {
        sendText(res, 403, 'Forbidden: unexpected Host header');
        return;
      }
      let url: URL;
      try {
        url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      } catch {
        sendText(res, 400, 'Bad request: malformed address');
        return;
      }
      const work = url.pathname.startsWith('/api/')
        ? handleApi(req, res, url.pathname)
        : handlePage(req, res, url);
      work.catch((e: unknown) => {
        log(`docqa serve: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        if (!res.headersSent)
          sendReply(res, 500, {
            ok: false,
            error: {
              kind: 'internal',
              message: 'internal error',
              code: 'internal',
              params: { message: 'internal error' },
            },
          });
        else res.destroy();
      });
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UserError(`port ${options.port} is already in use (choose another with --port)`, '--port')
          : e,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    signInUrl: () => `http://127.0.0.1:${port}/?code=${loginCodes.issue()}`,
    close: async () => {
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const ACCESS_HELP =
  'DocQA web mode needs its access token: open the address that `docqa serve` printed (it ends with ?token=…).';

const SIGN_IN_HELP =
  'This DocQA sign-in link was used already or has expired: open the address that `docqa serve` printed.';

function userError(message: string): ApiReply<never> {
  return { ok: false, error: { kind: 'user', message, ...apiErrorReason(message) } };
}

function sendReply(res: ServerResponse, status: number, reply: ApiReply<unknown>): void {
  const body = JSON.stringify(reply);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/** 'aborted': the connection closed before the whole body came (the client left, or the request timeout cut it off). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const overLimit = (): void => {
      tooLarge = true;
      chunks.length = 0;
      resolve('too-large');
    };
    if (declared > limit) overLimit();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Over the limit the rest is read and dropped, up to a bound: beyond it the client is cut off.
      if (size > limit + OVERSIZE_DRAIN_BYTES) req.socket.destroy();
      else if (tooLarge) return;
      else if (size > limit) overLimit();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve('aborted'));
    req.on('close', () => resolve('aborted')); // no effect after 'end'
  });
}
