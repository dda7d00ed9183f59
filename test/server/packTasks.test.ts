import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, PackDownloadState } from '../../main/api/contract.js';
import { PackTasks } from '../../main/api/packTasks.js';
import { startHub, type HubServer } from '../models/hubServer.js';
import { writeTinyExport } from '../transformer/tinyExport.js';

// Settings' model downloads and imports, against a hub-like server on 127.0.0.1
// serving a tiny real encoder export (the models engineer's test fixtures).
const REPO = 'Xenova/bge-small-en-v1.5';
const ID = 'bge-small-en-v1.5';
const MODEL = 'onnx/model_quantized.onnx';
let tmp: string;
let hub: HubServer;
const saved = { models: process.env.DOCQA_MODELS_DIR, endpoint: process.env.HF_ENDPOINT };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docqa-packtasks-'));
  const src = path.join(tmp, 'export');
  await writeTinyExport(src, { seed: 3, onnxFile: MODEL });
  const read = async (rel: string) => new Uint8Array(await readFile(path.join(src, rel)));
  hub = await startHub(REPO, {
    'config.json': { data: await read('config.json'), lfs: false },
    'tokenizer_config.json': { data: await read('tokenizer_config.json'), lfs: false },
    'tokenizer.json': { data: await read('tokenizer.json'), lfs: true },
    [MODEL]: { data: await read(MODEL), lfs: true },
  });
  // Worker threads take process.env as it is when they start.
  process.env.DOCQA_MODELS_DIR = path.join(tmp, 'models');
  process.env.HF_ENDPOINT = hub.url;
});

afterAll(async () => {
  process.env.DOCQA_MODELS_DIR = saved.models;
  process.env.HF_ENDPOINT = saved.endpoint;
  if (saved.models === undefined) delete process.env.DOCQA_MODELS_DIR;
  if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
  await hub?.close();
  await rm(tmp, { recursive: true, force: true });
});

function settled(events: ApiEvent[]): Promise<PackDownloadState> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const last = events.at(-1);
      if (last?.type === 'pack-download' && !last.state.running) {
        clearInterval(timer);
        resolve(last.state);
      }
    }, 20);
  });
}

describe('model packs from Settings', () => {
  it('downloads a catalogue pack in a worker, with progress events, and installs it', async () => {
    const events: ApiEvent[] = [];
    const tasks = new PackTasks((e) => events.push(e));
    expect(tasks.download(ID)).toMatchObject({ running: true, id: ID });
    expect(tasks.download(ID).running).toBe(true); // a second request joins the running one
    const state = await settled(events);
    expect(state.lastError).toBeNull();
    expect(state.lastInstalled).toMatchObject({
      name: ID,
      kind: 'transformer',
      dir: path.join(tmp, 'models', ID),
    });
    const withProgress = events.filter((e) => e.type === 'pack-download' && e.state.progress);
    expect(withProgress.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'pack-download')).toBe(true);
  });

  it('cancels a download and reports why it stopped', async () => {
    hub.chunkDelayMs = 30;
    process.env.DOCQA_MODELS_DIR = path.join(tmp, 'models-cancel');
    const events: ApiEvent[] = [];
    const tasks = new PackTasks((e) => events.push(e));
    tasks.download(ID);
    await new Promise((r) => setTimeout(r, 200));
    expect(tasks.state().running).toBe(true);
    tasks.cancel();
    const state = await settled(events);
    hub.chunkDelayMs = 0;
    process.env.DOCQA_MODELS_DIR = path.join(tmp, 'models');
    expect(state.lastInstalled).toBeNull();
    expect(state.lastError).toMatch(/cancel/i);
    // With its code, which the page words in its language.
    expect(state.lastErrorReason).toEqual({ code: 'download-cancelled', params: {} });
  });

  it('imports a hub-exported folder, and names the problem when the folder is not one', async () => {
    const tasks = new PackTasks(() => undefined);
    const src = path.join(tmp, 'export-2');
    await writeTinyExport(src, { seed: 5 });
    const pack = await tasks.import(src, 'tiny-import');
    expect(pack).toMatchObject({
      name: 'tiny-import',
      kind: 'transformer',
      dir: path.join(tmp, 'models', 'tiny-import'),
    });
    expect(pack.bytes).toBeGreaterThan(0);
    await expect(tasks.import(path.join(tmp, 'nothing-here'))).rejects.toThrow(/nothing-here/);
  });
});
