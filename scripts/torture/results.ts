/** The campaign's verdicts: one row per case, printed as a table and written as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface CaseResult {
  phase: string;
  case: string;
  expected: string;
  observed: string;
  pass: boolean;
}

export class Results {
  readonly rows: CaseResult[] = [];

  constructor(private readonly live = true) {}

  add(phase: string, name: string, expected: string, observed: string, pass: boolean): void {
    const row = { phase, case: name, expected, observed: oneLine(observed), pass };
    this.rows.push(row);
    if (this.live) process.stdout.write(`  ${pass ? 'pass' : 'FAIL'}  ${phase} · ${name}: ${row.observed}\n`);
  }

  get failures(): CaseResult[] {
    return this.rows.filter((r) => !r.pass);
  }

  /** The table, in plain ASCII-safe text: control characters in observations are shown escaped. */
  table(maxObserved = 90): string {
    const head = ['phase', 'case', 'expected', 'observed', 'result'];
    const body = this.rows.map((r) => [
      r.phase,
      r.case,
      r.expected,
      clip(r.observed, maxObserved),
      r.pass ? 'pass' : 'FAIL',
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
    const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
  }

  write(file: string, meta: Record<string, unknown>): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const passed = this.rows.filter((r) => r.pass).length;
    writeFileSync(
      file,
      `${JSON.stringify({ ...meta, passed, failed: this.rows.length - passed, cases: this.rows }, null, 2)}\n`,
    );
  }
}

/** Observations may quote file names and program output: make control characters visible, one line. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\x1b' ? '\\e' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
