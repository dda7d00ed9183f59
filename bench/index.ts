/**
 * `npm run bench [-- SUITE…] [--sizes 10k,100k,1m] [--quick]`: runs the `run()`
 * export of every bench/*.ts module (or the named suites: `engine`, `towers`, …),
 * prints one table per suite and writes bench/results/<suite>-<timestamp>.json
 * (bench-<timestamp>.json when several suites ran) and bench/results/latest.json.
 * The feedback suite's own options: --sets a,b  --seeds N  --limit N  --clean-only
 * --hostile-only  --latency  --fresh (see bench/feedback.ts).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchOptions {
  /** Library sizes for the engine's latency figures, e.g. ['10k', '100k', '1m']. */
  sizes?: string[];
  /** Smaller workloads (a quick look, not the reported figures). */
  quick?: boolean;
  /** feedback: the evaluation sets, seeds, questions per set, which simulated user, latency, rebuilt indexes. */
  sets?: string[];
  seeds?: number;
  limit?: number;
  only?: 'clean' | 'hostile';
  latency?: boolean;
  fresh?: boolean;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

function wholeNumber(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number from 1 (got ${text})`);
  return n;
}

function parseArgs(argv: string[]): { suites: string[]; options: BenchOptions } {
  const suites: string[] = [];
  const options: BenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => inline ?? argv[++i];
    const list = () => (value() ?? '').split(',').filter(Boolean);
    if (flag === '--sizes') options.sizes = list();
    else if (flag === '--sets') options.sets = list();
    else if (flag === '--seeds') options.seeds = wholeNumber(flag, value());
    else if (flag === '--limit') options.limit = wholeNumber(flag, value());
    else if (a === '--quick') options.quick = true;
    else if (a === '--clean-only') options.only = 'clean';
    else if (a === '--hostile-only') options.only = 'hostile';
    else if (a === '--latency') options.latency = true;
    else if (a === '--fresh') options.fresh = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else suites.push(a);
  }
  return { suites, options };
}

/** `{a: {b: 1}}` → rows `a.b  1`, so any suite's result prints as a table. */
function flatten(value: unknown, prefix = '', rows: [string, string][] = []): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, rows);
  } else {
    const text =
      typeof value === 'number'
        ? Number.isInteger(value)
          ? String(value)
          : value.toPrecision(4)
        : JSON.stringify(value);
    rows.push([prefix, text]);
  }
  return rows;
}

function printTable(suite: string, result: unknown, format?: (result: unknown) => string): void {
  if (format) {
    process.stdout.write(`\n== ${suite} ==\n${format(result)}`);
    return;
  }
  const rows = flatten(result);
  const width = Math.min(70, Math.max(...rows.map(([k]) => k.length), 10));
  process.stdout.write(`\n== ${suite} ==\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

async function main(): Promise<void> {
  const { suites, options } = parseArgs(process.argv.slice(2));
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .sort();
  const known = files.map((f) => f.slice(0, -3));
  for (const s of suites)
    if (!known.includes(s)) throw new Error(`no bench suite "${s}" (have: ${known.join(', ')})`);
  const results: Record<string, unknown> = {};
  for (const file of files) {
    const name = file.slice(0, -3);
    if (suites.length && !suites.includes(name)) continue;
    const mod = (await import(pathToFileURL(path.join(HERE, file)).href)) as {
      run?: (o: BenchOptions) => Promise<unknown>;
      /** The suite's own table (else its result is printed as flattened rows). */
      formatTable?: (result: unknown) => string;
    };
    if (typeof mod.run !== 'function') continue; // helpers and measurement scripts
    const started = Date.now();
    try {
      results[name] = await mod.run(options);
    } catch (e) {
      results[name] = { error: (e as Error).message };
    }
    const failed = (results[name] as { error?: unknown }).error !== undefined;
    printTable(
      `${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      results[name],
      failed ? undefined : mod.formatTable,
    );
  }
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    options,
    results,
  };
  const dir = path.join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  const ran = Object.keys(results);
  const label = ran.length === 1 ? ran[0] : 'bench';
  const file = path.join(dir, `${label}-${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2));
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)}\n`);
}

await main();
