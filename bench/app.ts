/**
 * App figures: renderer bundle size, `docqa serve` start → first
 * answer on a 1,000-document library, and how fast the web-mode server
 * answers API calls while it indexes. `npm run bench -- app`, or alone:
 * `npx tsx bench/app.ts [--docs N]`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildNode } from './nodeBuild.js';
import { gzipSync } from 'node:zlib';
import type { IngestState } from '../main/api/contract.js';
import type { AskResult } from '../main/engine/library/types.js';
import { ensureRendererBuilt } from '../main/server/rendererAssets.js';
import { writeCorpus } from '../test/e2e/corpus.js';
import { callApi, startServe } from '../test/e2e/serveProcess.js';

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length
    ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10
    : Number.NaN;
};

/** Raw and gzip bytes of the JS and CSS the renderer loads. */
async function bundleSize(): Promise<Record<string, number>> {
  const out = await ensureRendererBuilt(() => undefined);
  const sizes = { jsBytes: 0, jsGzipBytes: 0, cssBytes: 0, cssGzipBytes: 0 };
  for (const name of readdirSync(path.join(out, 'assets'))) {
    const data = readFileSync(path.join(out, 'assets', name));
    if (name.endsWith('.js')) {
      sizes.jsBytes += data.length;
      sizes.jsGzipBytes += gzipSync(data, { level: 9 }).length;
    } else if (name.endsWith('.css')) {
      sizes.cssBytes += data.length;
      sizes.cssGzipBytes += gzipSync(data, { level: 9 }).length;
    }
  }
  return sizes;
}

export async function run(
  options: { docs?: number; quick?: boolean } = {},
): Promise<Record<string, unknown>> {
  const docs = options.docs ?? (options.quick ? 200 : 1000);
  const buildError = buildNode();
  const serveFrom = { fromSource: buildError !== null };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-bench-app-'));
  const folder = path.join(tmp, 'docs');
  const db = path.join(tmp, 'library.sqlite');
  try {
    const bundle = await bundleSize();
    writeCorpus(folder, docs - 6); // + 2 target, 3 other and 1 unreadable file = `docs` files
    const corpusBytes = readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .reduce((n, e) => n + statSync(path.join(e.parentPath, e.name)).size, 0);

    // 1. Index through web mode, timing API calls while the server indexes.
    const first = await startServe(['--db', db, '--no-watch'], serveFrom);
    const during: number[] = [];
    let state: IngestState;
    const t0 = performance.now();
    await callApi(first, 'addFolder', { path: folder });
    do {
      const t = performance.now();
      state = await callApi<IngestState>(first, 'ingestState');
      if (state.running) during.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    } while (state.running);
    const indexMs = performance.now() - t0;
    const idle: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await callApi(first, 'ingestState');
      idle.push(performance.now() - t);
    }
    await first.stop();

    // 2. A fresh `docqa serve` on the indexed library: start → first answer.
    const started = performance.now();
    const second = await startServe(['--db', db, '--no-watch'], serveFrom);
    const answer = await callApi<AskResult>(second, 'ask', {
      question: 'Where does photosynthesis take place in plant cells?',
    });
    const firstAnswerMs = performance.now() - started;
    const warm: number[] = [];
    for (const q of [
      '明长城西边的终点是哪里？',
      'Tokyo rail network',
      '饺子的馅',
      'quarterly budget report supplier',
    ]) {
      const t = performance.now();
      await callApi<AskResult>(second, 'ask', { question: q });
      warm.push(performance.now() - t);
    }
    await second.stop();

    return {
      serveRanFrom:
        buildError === null
          ? 'out/node (tsc build, as after npm ci)'
          : `TypeScript sources via tsx (${buildError})`,
      rendererBundle: bundle,
      library: {
        files: docs,
        corpusBytes,
        filesFailed: state.lastSummary?.filesFailed ?? null,
        chunks: state.lastSummary?.chunks ?? null,
      },
      indexThroughServeMs: Math.round(indexMs),
      apiWhileIndexingMs: {
        samples: during.length,
        p50: percentile(during, 50),
        p95: percentile(during, 95),
        max: percentile(during, 100),
      },
      apiIdleMs: { p50: percentile(idle, 50), p95: percentile(idle, 95) },
      serveStartToAddressMs: Math.round(second.startupMs),
      serveStartToFirstAnswerMs: Math.round(firstAnswerMs),
      firstAnswerTopPath: answer.results[0]?.path ?? null,
      warmAskMs: { p50: percentile(warm, 50), max: percentile(warm, 100) },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--docs');
  run({ docs: i > 0 ? Number(process.argv[i + 1]) : undefined }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
