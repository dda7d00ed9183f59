/**
 * A folder of documents that changes between ingest runs (edits, deletions,
 * additions, renames), with a record of what each file must look like in the
 * index: its size, mtime and a token that only its current version contains.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExpectedFile } from './libraryFile.js';

/** A seeded generator (mulberry32), so a campaign can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'harbour lantern meadow copper violet engine orchard granite thunder ribbon signal canyon pepper glacier falcon compass marble pillow saddle tunnel'.split(
    ' ',
  );

export class ChangingFolder {
  readonly files = new Map<string, ExpectedFile>();
  private serial = 0;

  constructor(
    readonly root: string,
    private readonly random: () => number,
  ) {
    mkdirSync(root, { recursive: true });
  }

  /** Writes (or rewrites) `rel` with a new token and `paragraphs` paragraphs of text. */
  write(rel: string, paragraphs = 2 + Math.floor(this.random() * 8)): void {
    const token = `tok${(this.serial++).toString(36)}v${Math.floor(this.random() * 1e6).toString(36)}`;
    const lines: string[] = [rel.endsWith('.md') ? `# Document ${token}\n` : `Document ${token}\n`];
    for (let p = 0; p < paragraphs; p++) {
      const words = Array.from({ length: 60 + Math.floor(this.random() * 80) }, () => this.word());
      lines.push(`${words.join(' ')}.\n`);
    }
    const file = path.join(this.root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, lines.join('\n'));
    this.record(rel, token);
  }

  remove(rel: string): void {
    rmSync(path.join(this.root, rel), { force: true });
    this.files.delete(rel);
  }

  rename(from: string, to: string): void {
    const want = this.files.get(from);
    if (!want) return;
    mkdirSync(path.dirname(path.join(this.root, to)), { recursive: true });
    renameSync(path.join(this.root, from), path.join(this.root, to));
    this.files.delete(from);
    this.record(to, want.token);
  }

  /** Fills `staging/name` with `count` files in two levels, then moves it into the folder as `name`. */
  moveIn(staging: string, name: string, count: number): void {
    const outside = new ChangingFolder(path.join(staging, name), this.random);
    for (let i = 0; i < count; i++) outside.write(`${i % 2 ? 'inner/' : ''}m${i}.md`, 1);
    renameSync(outside.root, path.join(this.root, name));
    for (const [rel, want] of outside.files) this.files.set(`${name}/${rel}`, want);
  }

  /** A random mix of edits, deletions, additions and renames; returns how many operations. */
  churn(edits: number, removals: number, additions: number, renames: number): number {
    const pick = (): string | undefined => {
      const all = [...this.files.keys()];
      return all[Math.floor(this.random() * all.length)];
    };
    let ops = 0;
    for (let i = 0; i < edits; i++) {
      const rel = pick();
      if (!rel) continue;
      this.write(rel);
      ops++;
    }
    for (let i = 0; i < removals; i++) {
      const rel = pick();
      if (!rel) continue;
      this.remove(rel);
      ops++;
    }
    for (let i = 0; i < additions; i++) {
      this.write(this.newName());
      ops++;
    }
    for (let i = 0; i < renames; i++) {
      const rel = pick();
      if (!rel) continue;
      this.rename(rel, this.newName(path.extname(rel)));
      ops++;
    }
    return ops;
  }

  newName(ext = this.random() < 0.5 ? '.md' : '.txt'): string {
    return `d${Math.floor(this.random() * 6)}/f${(this.serial++).toString(36)}${ext}`;
  }

  private word(): string {
    return WORDS[Math.floor(this.random() * WORDS.length)];
  }

  private record(rel: string, token: string): void {
    const st = statSync(path.join(this.root, rel));
    this.files.set(rel, { size: st.size, mtimeMs: st.mtimeMs, token });
  }
}
