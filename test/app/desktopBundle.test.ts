import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerEngine } from '../../main/api/workerEngine.js';
import { setWorkerDirectory } from '../../main/engine/workers/spawnWorker.js';
import { writeSmallPack, writeTree } from '../server/helpers.js';

// The desktop bundle as electron-vite builds it (into a scratch folder under out/, so
// bare imports still resolve from the repository's node_modules), with the engine and
// every worker it starts loaded from the flat out/main layout, exactly as the app does.
const root = fileURLToPath(new URL('../../', import.meta.url));
const outRoot = path.join(root, 'out', `bundle-test-${process.pid}`);
const outMain = path.join(outRoot, 'main');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-bundle-'));
let engine: WorkerEngine | undefined;

beforeAll(() => {
  const pkg = createRequire(import.meta.url).resolve('electron-vite/package.json');
  const bin = path.join(path.dirname(pkg), 'bin', 'electron-vite.js');
  const build = spawnSync(process.execPath, [bin, 'build'], {
    cwd: root,
    env: { ...process.env, DOCQA_OUT_DIR: outRoot },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 150_000);

afterAll(async () => {
  await engine?.close();
  setWorkerDirectory(null);
  rmSync(outRoot, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('desktop bundle (electron-vite build)', () => {
  it('emits main, every worker entry flat in out/main, a CommonJS preload and the renderer', () => {
    for (const f of [
      'index.js',
      'engine.worker.js',
      'packTasks.worker.js',
      'job.worker.js',
      'hashedTower.worker.js',
    ]) {
      expect(existsSync(path.join(outMain, f)), f).toBe(true);
    }
    const preload = readFileSync(path.join(outRoot, 'preload', 'index.cjs'), 'utf8');
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/^import /m);
    expect(existsSync(path.join(outRoot, 'renderer', 'index.html'))).toBe(true);
    expect(readFileSync(path.join(outMain, 'index.js'), 'utf8')).toMatch(/from "electron"/);
  });

  it('runs the engine from the bundled worker files: ingest and ask work off the calling thread', async () => {
    const docs = path.join(tmp, 'docs');
    writeTree(docs, {
      'a.md': '# Rivers\n\nThe Yangtze is the longest river in Asia.\n',
      'b.txt': '黄河是中国第二长的河流，被称为中华民族的母亲河。\n',
    });
    setWorkerDirectory(outMain);
    engine = await WorkerEngine.start(
      { dbPath: path.join(tmp, 'library.sqlite'), packDir: await writeSmallPack(path.join(tmp, 'pack')) },
      { workerDir: outMain },
    );
    const folder = await engine.addFolder(docs);
    const progress: string[] = [];
    const summary = await engine.ingest({
      folderIds: [folder.id],
      onProgress: (p) => progress.push(p.phase),
    });
    expect(summary.filesAdded).toBe(2);
    expect(progress.length).toBeGreaterThan(0);
    const answer = await engine.ask('黄河 母亲河', { mode: 'bm25' });
    expect(answer.results[0]?.path).toBe('b.txt');
  });
});
