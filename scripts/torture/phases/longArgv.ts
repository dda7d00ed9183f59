/**
 * Phase "argv": command lines of 20 KB and more (a 3,000-word question, 200
 * folder arguments). The onnxruntime crash they caused does not happen when
 * the environment has CI set (DESIGN.md §6), so CI is removed for these runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeExit, docqaEnv, runDocqa } from '../docqa.js';
import type { PhaseContext } from '../phase.js';

const PHASE = 'argv';

export async function longArgvPhase(ctx: PhaseContext): Promise<void> {
  const { results, tmp } = ctx;
  const env = docqaEnv({ CI: undefined, CONTINUOUS_INTEGRATION: undefined });
  const db = path.join(tmp, 'argv.sqlite');
  const folders: string[] = [];
  for (let i = 0; i < 200; i++) {
    // Long names, so that 200 of them make a command line well past the ~12 KB where the crash began.
    const dir = path.join(tmp, 'folders', `folder-${String(i).padStart(3, '0')}-${'x'.repeat(60)}`);
    mkdirSync(dir, { recursive: true });
    folders.push(dir);
    writeFileSync(
      path.join(dir, 'note.txt'),
      `Note ${i}: the lighthouse keeper logs argvmarker${i} every night.\n`,
    );
  }
  // A library with passages and vectors first (a short command line), so that `ask` runs its towers.
  const seed = await runDocqa(['ingest', folders[0], '--db', db, '--json'], {
    timeoutMs: ctx.budgetMs(0.3),
    env,
  });
  if (seed.code !== 0) ctx.log(`short ingest: ${describeExit(seed)}`);

  const ingest = await runDocqa(['ingest', ...folders, '--db', db, '--json'], {
    timeoutMs: ctx.budgetMs(0.5),
    env,
  });
  const bytes = Buffer.byteLength(folders.join(' '));
  results.add(
    PHASE,
    `ingest with 200 folders (${Math.round(bytes / 1024)} KB argv, no CI)`,
    'exit 0',
    `${describeExit(ingest)}${ingest.code ? `: ${ingest.stderr.trim().split('\n').pop()?.slice(0, 100) ?? ''}` : ''}`,
    ingest.code === 0,
  );

  const words = 'how does the lighthouse keeper record the weather at night and why'.split(' ');
  const question = Array.from({ length: 4000 }, (_, i) => words[i % words.length]).join(' ');
  const ask = await runDocqa(['ask', '--db', db, '--json', '--', question], {
    timeoutMs: ctx.budgetMs(0.4),
    env,
  });
  let json = false;
  try {
    json = typeof (JSON.parse(ask.stdout) as { notFound?: unknown }).notFound === 'boolean';
  } catch {
    json = false;
  }
  results.add(
    PHASE,
    `ask with a ${Math.round(Buffer.byteLength(question) / 1024)} KB question (no CI)`,
    'exit 0 with a JSON answer',
    `${describeExit(ask)}${json ? ', JSON answer' : ask.code === 0 ? ', not JSON' : ''}`,
    ask.code === 0 && json,
  );
}
