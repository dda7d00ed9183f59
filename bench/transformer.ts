/**
 * Transformer-pack figures: embedding throughput and question
 * latency of the tiny test encoder and of an encoder shaped like
 * multilingual-e5-small (random weights: the real weights cannot be fetched
 * here, the cost is the same), beside the built-in pack when it is present;
 * download throughput from a hub-like server on 127.0.0.1.
 *
 *   npx tsx bench/transformer.ts            # prints JSON
 *   npm run bench -- transformer            # through bench/index.ts
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Library } from '../main/engine/library/index.js';
import { probe, downloadFile } from '../main/engine/models/download.js';
import { importFolder } from '../main/engine/models/importFolder.js';
import { openTransformerPack } from '../main/engine/towers/transformer/index.js';
import { TextTokenizer } from '../main/engine/towers/transformer/tokenizer.js';
import type { TowerPack } from '../main/engine/towers/types.js';
import { startHub } from '../test/models/hubServer.js';
import { writeTinyExport } from '../test/transformer/tinyExport.js';

const EN =
  'DocQA answers questions about the documents in your own folders, offline, with two-tower retrieval over SQLite. ';
const ZH = '本地文档问答助手离线运行，用双塔模型检索你自己文件夹里的文档，并给出答案所在的段落。';

function chunk(i: number): string {
  let s = `#${i} `;
  while (s.length < 1000) s += i % 2 ? EN + ZH : ZH + EN;
  return s.slice(0, 1000);
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function towerFigures(pack: TowerPack, chunks: number, questions: number) {
  const texts = Array.from({ length: chunks }, (_, i) => chunk(i));
  await pack.embedAnswers(texts.slice(0, 4)); // warm
  const t0 = performance.now();
  await pack.embedAnswers(texts);
  const answerSeconds = (performance.now() - t0) / 1000;
  const lat: number[] = [];
  for (let i = 0; i < questions; i++) {
    const q = i % 2 ? `what does DocQA do with document ${i}?` : `第${i}个文档里说了什么？`;
    const t = performance.now();
    await pack.embedQuestions([q]);
    lat.push(performance.now() - t);
  }
  return {
    chunksPerSecond: +(chunks / answerSeconds).toFixed(1),
    mbPerSecond: +((chunks * 1000 * 2) / 1e6 / answerSeconds).toFixed(3),
    questionP50Ms: +percentile(lat, 50).toFixed(2),
    questionP95Ms: +percentile(lat, 95).toFixed(2),
  };
}

async function transformerCase(
  tmp: string,
  label: string,
  enc: Parameters<typeof writeTinyExport>[1],
  maxLength: number,
  chunks: number,
  workers: number,
) {
  const src = path.join(tmp, `${label}-src`);
  await writeTinyExport(src, enc);
  const t0 = performance.now();
  const { dir, manifest } = await importFolder(src, {
    modelsDir: path.join(tmp, 'models'),
    name: `${label}-${workers}w`,
    pooling: 'mean',
    questionPrefix: 'query: ',
    answerPrefix: 'passage: ',
    maxLength,
  });
  const importMs = performance.now() - t0;
  const t1 = performance.now();
  const pack = await openTransformerPack(dir, manifest as unknown as Record<string, unknown>, {
    provider: 'cpu',
    workers,
    threads: Math.max(1, Math.floor(os.availableParallelism() / workers)),
  });
  const loadMs = performance.now() - t1;
  try {
    const tok = await TextTokenizer.load(path.join(dir, 'tokenizer.json'));
    const tokens = Array.from({ length: 50 }, (_, i) => tok.encode(`passage: ${chunk(i)}`, maxLength).length);
    const t2 = performance.now();
    for (let i = 0; i < 200; i++) tok.encode(`passage: ${chunk(i)}`, maxLength);
    const tokenizeMsPerChunk = (performance.now() - t2) / 200;
    return {
      model: label,
      workers,
      modelBytes: manifest.files['encoder.onnx'].bytes,
      tokensPerChunk: Math.round(tokens.reduce((a, b) => a + b, 0) / tokens.length),
      tokenizeMsPerChunk: +tokenizeMsPerChunk.toFixed(3),
      importMs: Math.round(importMs),
      loadMs: Math.round(loadMs),
      ...(await towerFigures(pack, chunks, 50)),
    };
  } finally {
    await pack.close();
  }
}

async function builtinCase(chunks: number) {
  // The built-in hashed pack, through the towers runtime, when both exist in this checkout.
  try {
    const towers = (await import('../main/engine/towers/openPack.js' as string)) as {
      openPack: (dir: string, o: object) => Promise<TowerPack>;
    };
    const builtin = (await import('../main/engine/towers/builtinPack.js' as string)) as {
      builtinPackDir: () => string;
    };
    const t1 = performance.now();
    const pack = await towers.openPack(builtin.builtinPackDir(), { provider: 'cpu' });
    const loadMs = performance.now() - t1;
    try {
      return {
        model: `built-in ${pack.name}`,
        loadMs: Math.round(loadMs),
        ...(await towerFigures(pack, chunks, 200)),
      };
    } finally {
      await pack.close();
    }
  } catch (e) {
    return { model: 'built-in', skipped: (e as Error).message.split('\n')[0] };
  }
}

async function downloadThroughput(tmp: string, mib: number) {
  const data = new Uint8Array(randomBytes(mib * 1048576));
  const hub = await startHub('bench/blob', { 'blob.bin': { data, lfs: true } });
  hub.chunkBytes = 1 << 20;
  try {
    const t0 = performance.now();
    const remote = await probe(`${hub.url}/bench/blob/resolve/main/blob.bin`);
    const got = await downloadFile(remote, path.join(tmp, 'blob.bin'), {});
    const seconds = (performance.now() - t0) / 1000;
    const ok =
      got.sha256 ===
      createHash('sha256')
        .update(await readFile(path.join(tmp, 'blob.bin')))
        .digest('hex');
    return {
      mib,
      seconds: +seconds.toFixed(2),
      mibPerSecond: +(mib / seconds).toFixed(1),
      verified: ok,
      note: 'loopback HTTP, server in the same process, sha256 verified while streaming, written to disk',
    };
  } finally {
    await hub.close();
  }
}

/** Library.reembed from one tiny-encoder pack to another over an indexed generated corpus. */
async function reembedThroughput(tmp: string, files: number) {
  const docs = path.join(tmp, 'reembed-docs');
  await mkdir(docs, { recursive: true });
  for (let i = 0; i < files; i++)
    await writeFile(path.join(docs, `doc-${i}.txt`), `${chunk(i)}\n\n${chunk(i + 1)}\n`);
  const packs: string[] = [];
  for (const seed of [1, 2]) {
    await writeTinyExport(path.join(tmp, `re-${seed}`), { seed, maxPositions: 514 });
    packs.push(
      (
        await importFolder(path.join(tmp, `re-${seed}`), {
          modelsDir: path.join(tmp, 'models'),
          name: `re-${seed}`,
          pooling: 'mean',
          answerPrefix: 'passage: ',
          maxLength: 512,
        })
      ).dir,
    );
  }
  const lib = await Library.open({ dbPath: path.join(tmp, 'reembed.sqlite') });
  try {
    await lib.updateSettings({ packDir: packs[0], provider: 'cpu' });
    await lib.addFolder(docs);
    const ingest = await lib.ingest();
    const t0 = performance.now();
    const done = await lib.reembed({ packDir: packs[1] });
    const seconds = (performance.now() - t0) / 1000;
    return {
      model: 'tiny test encoder (H=32, 2 layers)',
      chunks: done.chunksDone,
      seconds: +seconds.toFixed(2),
      chunksPerSecond: +(done.chunksDone / seconds).toFixed(1),
      ingestChunks: ingest.chunks,
    };
  } finally {
    await lib.close();
  }
}

export async function run(options: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'docqa-bench-transformer-'));
  try {
    const e5Shape = { hidden: 384, heads: 12, layers: 12, ffn: 1536, maxPositions: 514, seed: 1 };
    const tiny = { seed: 1, maxPositions: 514 };
    const rows = [
      await transformerCase(
        tmp,
        'tiny test encoder (H=32, 2 layers)',
        tiny,
        512,
        options.quick ? 200 : 1000,
        1,
      ),
      await transformerCase(
        tmp,
        'tiny test encoder (H=32, 2 layers)',
        tiny,
        512,
        options.quick ? 200 : 1000,
        2,
      ),
      await transformerCase(
        tmp,
        'e5-small-shaped (H=384, 12 layers, random fp32)',
        e5Shape,
        512,
        options.quick ? 8 : 32,
        1,
      ),
      await builtinCase(options.quick ? 500 : 2000),
    ];
    return {
      machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}`,
      chunkChars: 1000,
      towers: rows,
      download: await downloadThroughput(tmp, options.quick ? 64 : 256),
      reembed: await reembedThroughput(tmp, options.quick ? 50 : 200),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run({ quick: process.argv.includes('--quick') }), null, 2));
}
