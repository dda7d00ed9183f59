/**
 * `npm run torture [-- PHASE…] [--keep] [--quick] [--from-source]`: the hostile-input and crash
 * campaign, against the real `docqa` command. Phases: ingest (the
 * hostile corpus, escapes), crash (kill -9 loop, concurrent ingest), watch
 * (a burst of file operations), web (attacks on `docqa serve`), argv (long
 * command lines without CI in the environment), disk (a full disk under the
 * library: ingest and re-index on open). Prints a table, writes
 * bench/results/torture-<date>.json, exits 1 when any case fails.
 * Bounded to about ten minutes on two cores; not part of `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCompiled, configureEnv, haveGnuTime, REPO_ROOT } from './docqa.js';
import type { Phase, PhaseContext, TortureSettings } from './phase.js';
import { Results } from './results.js';
import { hostileIngestPhase } from './phases/hostileIngest.js';
import { crashPhase } from './phases/crash.js';
import { signalKillsPhase } from './phases/signalKills.js';
import { watchBurstPhase } from './phases/watchBurst.js';
import { webPhase } from './phases/web.js';
import { longArgvPhase } from './phases/longArgv.js';
import { fullDiskPhase } from './phases/fullDisk.js';

/** Each phase's share of the ten minutes; a phase stops its own steps when its share is spent. */
const PHASES: { name: string; run: Phase; budgetMs: number }[] = [
  { name: 'ingest', run: hostileIngestPhase, budgetMs: 200_000 },
  { name: 'crash', run: crashPhase, budgetMs: 170_000 },
  { name: 'signals', run: signalKillsPhase, budgetMs: 90_000 },
  { name: 'watch', run: watchBurstPhase, budgetMs: 90_000 },
  { name: 'web', run: webPhase, budgetMs: 90_000 },
  { name: 'argv', run: longArgvPhase, budgetMs: 60_000 },
  { name: 'disk', run: fullDiskPhase, budgetMs: 120_000 },
];

interface Args {
  phases: string[];
  keep: boolean;
  quick: boolean;
  fromSource: boolean;
}

function parseArgs(argv: string[]): Args {
  const phases: string[] = [];
  let keep = false;
  let quick = false;
  let fromSource = false;
  for (const a of argv) {
    if (a === '--keep') keep = true;
    else if (a === '--quick') quick = true;
    else if (a === '--from-source') fromSource = true;
    else if (PHASES.some((p) => p.name === a)) phases.push(a);
    else
      throw new Error(
        `unknown argument ${a} (phases: ${PHASES.map((p) => p.name).join(', ')}; --keep, --quick, --from-source)`,
      );
  }
  return { phases, keep, quick, fromSource };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings: TortureSettings = args.quick
    ? { tinyFiles: 500, bombMiB: 300, kills: 8, burstOps: 200 }
    : { tinyFiles: 5000, bombMiB: 300, kills: 30, burstOps: 500 };
  const started = new Date();
  const root = mkdtempSync(path.join(os.tmpdir(), 'docqa-torture-'));
  const buildProblem = args.fromSource ? null : await buildCompiled(180_000);
  if (buildProblem)
    process.stdout.write(`out/node could not be built (${buildProblem}): running the sources\n`);
  const { fromSource } = configureEnv(path.join(root, 'xdg-data'), { fromSource: args.fromSource });
  const results = new Results();
  process.stdout.write(
    `docqa torture campaign in ${root}\n` +
      `running ${fromSource ? 'the sources (DOCQA_FROM_SOURCE=1)' : 'out/node (built from this checkout)'}; ` +
      `peak RSS from ${haveGnuTime() ? '/usr/bin/time -v' : '/proc/<pid>/status VmHWM (no /usr/bin/time: apt-get install time)'}\n`,
  );
  const selected = PHASES.filter((p) => !args.phases.length || args.phases.includes(p.name));
  for (const phase of selected) {
    const tmp = path.join(root, phase.name);
    mkdirSync(tmp, { recursive: true });
    const phaseStart = performance.now();
    process.stdout.write(`\n== ${phase.name} ==\n`);
    const ctx: PhaseContext = {
      results,
      tmp,
      settings,
      log: (line) => process.stdout.write(`  · ${line}\n`),
      budgetMs: (fraction) => Math.max(5_000, Math.round(phase.budgetMs * fraction)),
      remainingMs: () => phase.budgetMs - (performance.now() - phaseStart),
    };
    try {
      await phase.run(ctx);
    } catch (e) {
      results.add(
        phase.name,
        'phase ran to the end',
        'no exception in the campaign script',
        e instanceof Error ? (e.stack ?? e.message) : String(e),
        false,
      );
    }
    process.stdout.write(`  (${phase.name}: ${((performance.now() - phaseStart) / 1000).toFixed(0)} s)\n`);
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  process.stdout.write(`\n${results.table()}\n\n`);
  const file = path.join(
    REPO_ROOT,
    'bench',
    'results',
    `torture-${started.toISOString().replace(/[:.]/g, '-')}.json`,
  );
  results.write(file, {
    startedAt: started.toISOString(),
    seconds: Math.round(seconds),
    fromSource,
    settings,
    phases: selected.map((p) => p.name),
    node: process.version,
    cpus: os.cpus().length,
  });
  const failures = results.failures.length;
  process.stdout.write(
    `${results.rows.length - failures} passed, ${failures} failed in ${seconds.toFixed(0)} s; ${path.relative(REPO_ROOT, file)}\n`,
  );
  if (args.keep) process.stdout.write(`kept ${root}\n`);
  else rmSync(root, { recursive: true, force: true });
  process.exitCode = failures ? 1 : 0;
}

await main();
