import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FEATURIZER_SPEC } from '../../main/engine/towers/featurizerSpec.js';
import type { HashedTowerParams } from '../../main/engine/towers/onnx/hashedTower.js';
import { writeHashedPack } from '../../main/engine/towers/packWriter.js';
import { createApi, type Api } from '../../main/api/dispatcher.js';
import { WorkerEngine } from '../../main/api/workerEngine.js';
import { createWebHost } from '../../main/server/webHost.js';

/** A small real tower pack (random weights, 2^10 buckets): the engine runs it like any pack. */
export async function writeSmallPack(dir: string, seed = 7, name = 'app-test-pack'): Promise<string> {
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const rows = 1 << 10;
  const dim = 16;
  const tower: HashedTowerParams = {
    rows,
    dimIn: dim,
    table: { dtype: 'float32', data: Float32Array.from({ length: rows * dim }, () => random() - 0.5) },
    pooling: 'sqrtn',
  };
  await writeHashedPack(dir, {
    name,
    version: '1.0.0',
    license: 'MIT',
    featurizer: { ...DEFAULT_FEATURIZER_SPEC, log2Buckets: 10 },
    question: tower,
    answer: 'shared',
  });
  return dir;
}

/** Writes `files` (relative path → text) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with full control of headers (Host, Origin, Cookie), unlike fetch. */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The web API over a real engine in its worker, on the library `dbPath`, with a small pack written to `packDir`. */
export async function startTestApi(
  dbPath: string,
  packDir: string,
): Promise<{ engine: WorkerEngine; api: Api; stop(): Promise<void> }> {
  const engine = await WorkerEngine.start({ dbPath });
  await engine.updateSettings({ packDir: await writeSmallPack(packDir) });
  const api = createApi(engine, createWebHost('test'));
  return {
    engine,
    api,
    stop: async () => {
      await api.ingest.whenIdle();
      await engine.close();
    },
  };
}
