import { UserError } from '../engine/errors.js';
import { PROVIDER_NAMES, type ProviderName } from '../engine/vocabulary/values.js';
import { createApi } from '../api/dispatcher.js';
import { WorkerEngine } from '../api/workerEngine.js';
import { FolderWatch } from '../api/folderWatch.js';
import { ensureRendererBuilt, packageVersion } from './rendererAssets.js';
import { LOOPBACK_HOSTS } from './security.js';
import { startWebServer } from './server.js';
import { createWebHost } from './webHost.js';
import { openInBrowser } from './openBrowser.js';

export interface ServeOptions {
  dbPath: string;
  port?: string;
  host?: string;
  model?: string;
  provider?: ProviderName;
  open?: boolean;
  watch?: boolean;
  json?: boolean;
}

/** Preferred port; taken → any free one (an explicit --port is never changed). */
export const DEFAULT_PORT = 7840;

/** `docqa serve`: runs until SIGINT/SIGTERM. */
export async function runServe(options: ServeOptions): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const port = parsePort(options.port);
  if (options.host && !LOOPBACK_HOSTS.has(options.host)) {
    throw new UserError(`docqa serve only listens on 127.0.0.1 (refusing --host ${options.host})`, '--host');
  }
  if (options.provider && !PROVIDER_NAMES.includes(options.provider)) {
    throw new UserError(
      `--provider must be one of ${PROVIDER_NAMES.join(', ')} (got ${options.provider})`,
      '--provider',
    );
  }
  const rendererDir = await ensureRendererBuilt(log);
  const engine = await WorkerEngine.start({
    dbPath: options.dbPath,
    ...(options.model ? { packDir: options.model } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
  });
  const api = createApi(engine, createWebHost(packageVersion()), {
    onInternalError: (method, e) =>
      log(`docqa serve: ${method}: ${e instanceof Error ? (e.stack ?? e.message) : e}`),
  });
  const serverOptions = { api, rendererDir, host: options.host, log };
  const server = await startWebServer({ ...serverOptions, port: port ?? DEFAULT_PORT })
    .catch((e: unknown) => {
      if (port === undefined && e instanceof UserError && e.subject === '--port')
        return startWebServer({ ...serverOptions, port: 0 });
      throw e;
    })
    .catch(async (e: unknown) => {
      await engine.close();
      throw e;
    });
  const watch = options.watch === false ? null : new FolderWatch(engine, api.events);
  await watch?.open(api.ingest);

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, db: options.dbPath })}\n`);
  } else {
    process.stdout.write(
      `DocQA web mode: ${server.url}\nLibrary: ${options.dbPath}\nPress Ctrl+C to stop.\n`,
    );
  }
  // The browser gets a one-time sign-in address through a private local page:
  // never the token, and nothing secret on any command line.
  const opened = options.open ? await openInBrowser(server.signInUrl(), { onError: log }) : null;

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await opened?.remove();
  api.ingest.cancel();
  await api.ingest.whenIdle();
  await watch?.close();
  await engine.close();
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new UserError(`--port must be a whole number from 0 to 65535 (got ${value})`, '--port');
  }
  return n;
}
