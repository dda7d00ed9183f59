import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeTinyExport } from '../transformer/tinyExport.js';
import { startHub, type HubServer } from './hubServer.js';

const run = promisify(execFile);
const bin = path.resolve('bin/docqa.js');
let tmp: string;
let hub: HubServer;

async function docqa(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, DOCQA_FROM_SOURCE: '1', DOCQA_MODELS_DIR: path.join(tmp, 'models'), ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docqa-models-cli-'));
  await writeTinyExport(path.join(tmp, 'export'), { onnxFile: 'onnx/model_quantized.onnx' });
  const read = async (rel: string) => new Uint8Array(await readFile(path.join(tmp, 'export', rel)));
  hub = await startHub('Xenova/multilingual-e5-base', {
    'config.json': { data: await read('config.json'), lfs: false },
    'tokenizer.json': { data: await read('tokenizer.json'), lfs: true },
    'onnx/model_int8.onnx': { data: await read('onnx/model_quantized.onnx'), lfs: true },
  });
});

afterAll(async () => {
  await hub?.close();
  await rm(tmp, { recursive: true, force: true });
});

it('models import, then list shows it; bad input is one line on stderr with exit code 2', async () => {
  const imp = await docqa([
    'models',
    'import',
    path.join(tmp, 'export'),
    '--name',
    'tiny',
    '--query-prefix',
    'query: ',
    '--json',
  ]);
  expect(imp.code).toBe(0);
  const got = JSON.parse(imp.stdout);
  expect(got.manifest).toMatchObject({
    name: 'tiny',
    kind: 'transformer',
    dim: 32,
    prefixes: { question: 'query: ', answer: '' },
  });

  const list = JSON.parse((await docqa(['models', 'list', '--json'])).stdout);
  expect(list.installed.map((p: { name: string }) => p.name)).toEqual(['tiny']);
  expect(list.catalogue.map((c: { id: string }) => c.id)).toEqual([
    'multilingual-e5-small',
    'bge-small-zh-v1.5',
    'bge-small-en-v1.5',
    'multilingual-e5-base',
  ]);

  const bad = await docqa(['models', 'import', path.join(tmp, 'missing')]);
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim().split('\n')).toEqual([
    `docqa: model folder not found: ${path.join(tmp, 'missing')}`,
  ]);
});

it('models download from HF_ENDPOINT at a given revision', async () => {
  // An unpinned revision: sizes and hashes come from the server's headers.
  const r = await docqa(
    ['models', 'download', 'multilingual-e5-base', '--revision', 'main', '--precision', 'int8', '--json'],
    { HF_ENDPOINT: hub.url },
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const got = JSON.parse(r.stdout);
  expect(got.manifest).toMatchObject({
    name: 'multilingual-e5-base',
    pooling: 'mean',
    prefixes: { question: 'query: ', answer: 'passage: ' },
  });
  expect(got.bytesTransferred).toBeGreaterThan(0);
});

it('models verify checks every file of a pack, and names the one that was damaged', async () => {
  const builtin = await docqa(['models', 'verify', '--json']);
  expect(builtin.code).toBe(0);
  const intact = JSON.parse(builtin.stdout) as { root: string; files: number; bytes: number };
  expect(intact.files).toBeGreaterThan(5);
  // A copy with one byte of its word vectors changed (size unchanged: only the hash tells).
  const copy = path.join(tmp, 'damaged-pack');
  await cp(intact.root, copy, { recursive: true });
  const file = path.join(copy, 'word-vectors.bin');
  const bytes = await readFile(file);
  bytes[bytes.length >> 1] ^= 0xff;
  await writeFile(file, bytes);
  const damaged = await docqa(['models', 'verify', copy]);
  expect(damaged.code).toBe(2);
  expect(damaged.stderr).toMatch(/word-vectors\.bin does not match its manifest entry/);
  const imported = await docqa(['models', 'verify', 'tiny']);
  expect(imported.code).toBe(0);
  expect(imported.stdout).toMatch(/files match the manifest/);
});
