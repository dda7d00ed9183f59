import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downloadPack } from '../../main/engine/models/downloadPack.js';
import type { DownloadProgress } from '../../main/engine/models/progress.js';
import { writeTinyExport } from '../transformer/tinyExport.js';
import { COMMIT, startHub, type HubServer } from './hubServer.js';

const REPO = 'Xenova/bge-small-en-v1.5';
const ID = 'bge-small-en-v1.5';
const MODEL = 'onnx/model_quantized.onnx';
let tmp: string;
let hub: HubServer;
let files: Record<string, { data: Uint8Array; lfs: boolean }>;
let run = 0;
let modelsDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docqa-download-'));
  const src = path.join(tmp, 'export');
  await writeTinyExport(src, { seed: 9, onnxFile: MODEL });
  const read = (rel: string) => readFile(path.join(src, rel)).then((b) => new Uint8Array(b));
  files = {
    'config.json': { data: await read('config.json'), lfs: false },
    'tokenizer_config.json': { data: await read('tokenizer_config.json'), lfs: false },
    'tokenizer.json': { data: await read('tokenizer.json'), lfs: true },
    [MODEL]: { data: await read(MODEL), lfs: true },
  };
  hub = await startHub(REPO, files);
});

afterAll(async () => {
  await hub?.close();
  await rm(tmp, { recursive: true, force: true });
});

afterEach(() => {
  hub.requests.length = 0;
  hub.interruptOnce.clear();
  hub.corrupt.clear();
  hub.claimSize.clear();
  hub.chunkDelayMs = 0;
});

const freshModelsDir = () => (modelsDir = path.join(tmp, `models-${run++}`));

describe('downloadPack from a hub-like server on 127.0.0.1', () => {
  it('downloads, verifies and installs a pack, with progress up to the total', async () => {
    const events: DownloadProgress[] = [];
    const got = await downloadPack(ID, {
      modelsDir: freshModelsDir(),
      endpoint: hub.url,
      onProgress: (p) => events.push(p),
    });
    expect(got.dir).toBe(path.join(modelsDir, ID));
    expect(got.commit).toBe(COMMIT);
    expect(got.manifest.version).toBe(COMMIT.slice(0, 12));
    expect(got.manifest.transformer.source).toMatchObject({ repo: REPO, revision: COMMIT, catalogueId: ID });
    expect(got.manifest).toMatchObject({
      dim: 32,
      pooling: 'cls',
      license: 'MIT',
      prefixes: { question: 'Represent this sentence for searching relevant passages: ', answer: '' },
    });
    const total = Object.values(files).reduce((a, f) => a + f.data.length, 0);
    expect(got.bytesTransferred).toBe(total);
    const last = events.at(-1)!;
    expect(last.bytesDone).toBe(total);
    expect(last.bytesTotal).toBe(total);
    for (let i = 1; i < events.length; i++)
      expect(events[i].bytesDone).toBeGreaterThanOrEqual(events[i - 1].bytesDone);
    expect((await readFile(path.join(got.dir, 'encoder.onnx'))).equals(Buffer.from(files[MODEL].data))).toBe(
      true,
    );
    expect(await readdir(path.join(modelsDir, '.downloads'))).toEqual([]);
    // Metadata came from HEAD without following the CDN redirect; the body from the CDN.
    expect(hub.requests.some((r) => r.method === 'HEAD' && r.path === `/${REPO}/resolve/main/${MODEL}`)).toBe(
      true,
    );
    expect(hub.requests.some((r) => r.method === 'GET' && r.path.startsWith('/cdn/'))).toBe(true);
  });

  it('resumes an interrupted transfer with a Range request and still verifies the whole file', async () => {
    hub.interruptOnce.set(MODEL, 20_000);
    const got = await downloadPack(ID, { modelsDir: freshModelsDir(), endpoint: hub.url });
    expect(hub.requests.filter((r) => r.method === 'GET' && r.range === 'bytes=20000-')).toHaveLength(1);
    expect(got.manifest.files['encoder.onnx'].bytes).toBe(files[MODEL].data.length);
  });

  it('cancel keeps the partial file; the next run resumes from it', async () => {
    hub.chunkDelayMs = 10;
    const dir = freshModelsDir();
    const ac = new AbortController();
    const first = downloadPack(ID, {
      modelsDir: dir,
      endpoint: hub.url,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.file === MODEL && p.bytesDone > files['tokenizer.json'].data.length + 20_000) ac.abort();
      },
    });
    await expect(first).rejects.toThrow(/cancelled.*resume/);
    const part = path.join(dir, '.downloads', `${ID}@main-int8`, `${MODEL}.part`);
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    hub.chunkDelayMs = 0;
    await downloadPack(ID, { modelsDir: dir, endpoint: hub.url });
    expect(hub.requests.some((r) => r.range === `bytes=${kept}-`)).toBe(true);
  });

  it('a corrupted transfer fails the checksum, deletes the part and installs nothing', async () => {
    hub.corrupt.add(MODEL);
    const dir = freshModelsDir();
    await expect(downloadPack(ID, { modelsDir: dir, endpoint: hub.url })).rejects.toThrow(
      /quantized\.onnx is corrupt \(checksum mismatch/,
    );
    await expect(stat(path.join(dir, ID))).rejects.toThrow();
    await expect(stat(path.join(dir, '.downloads', `${ID}@main-int8`, `${MODEL}.part`))).rejects.toThrow();
  });

  it('a corrupted small (non-LFS) file is caught by its git blob id', async () => {
    hub.corrupt.add('config.json');
    await expect(downloadPack(ID, { modelsDir: freshModelsDir(), endpoint: hub.url })).rejects.toThrow(
      /config\.json is corrupt/,
    );
  });

  it('refuses when the disk cannot hold it, when offline, and for unknown models or files', async () => {
    hub.claimSize.set(MODEL, 1e15);
    await expect(downloadPack(ID, { modelsDir: freshModelsDir(), endpoint: hub.url })).rejects.toThrow(
      /not enough free disk space/,
    );
    const closed = await startHub(REPO, {});
    await closed.close();
    await expect(downloadPack(ID, { modelsDir: freshModelsDir(), endpoint: closed.url })).rejects.toThrow(
      /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): this machine looks offline/,
    );
    await expect(
      downloadPack('no-such-model', { modelsDir: freshModelsDir(), endpoint: hub.url }),
    ).rejects.toThrow(/unknown model "no-such-model"; known: multilingual-e5-small/);
    await expect(
      downloadPack(ID, { modelsDir: freshModelsDir(), endpoint: hub.url, precision: 'fp16' }),
    ).rejects.toThrow(/model_fp16\.onnx: not found \(HTTP 404\)/);
  });

  it('checks pinned catalogue values: the hub serving different bytes is refused before downloading', async () => {
    const e5 = await startHub('Xenova/multilingual-e5-small', files);
    try {
      // multilingual-e5-small pins its tokenizer.json sha256; this hub serves the tiny one.
      await expect(
        downloadPack('multilingual-e5-small', { modelsDir: freshModelsDir(), endpoint: e5.url }),
      ).rejects.toThrow(/catalogue pins/);
      expect(e5.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
    } finally {
      await e5.close();
    }
  });
});
