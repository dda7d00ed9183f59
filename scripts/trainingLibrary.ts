/**
 * The library the training tools build from ../shared/train: its question → passage
 * pairs read in a seeded order, and their passages written as documents (title line,
 * blank line, paragraphs, as the SQuAD-style dev sets are), some articles and some
 * passages left out so that their questions have no answer in the library. Used by
 * scripts/train-ranker.ts and scripts/measure-not-found.ts; no evaluation set is read.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Deterministic sampling (xorshift32). */
export class SeededOrder {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  random(): number {
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }

  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

export interface TrainingPair {
  id: string;
  question: string;
  passage: string;
  answer?: string;
  lang: string;
  source: string;
  article: string;
}

export const TRAINING_SOURCES: { file: string; articleOf: (id: string) => string; take: number }[] = [
  { file: 'squad11-train-en.jsonl', articleOf: (id) => id.split('|')[1], take: 9000 },
  { file: 'drcd-zh.jsonl', articleOf: (id) => id.split('|')[2].split('-')[0], take: 7017 },
  { file: 'tydiqa-goldp-en-train.jsonl', articleOf: (id) => id, take: 2000 },
  { file: 'pubmedqa-pqal-en.jsonl', articleOf: (id) => id, take: 1000 },
];

/** Whole articles of each source, in a seeded order, until the source's share of pairs (or all of them). */
export function readTrainingPairs(
  trainDir: string,
  order: SeededOrder,
  options: { everyArticle?: boolean } = {},
): TrainingPair[] {
  const pairs: TrainingPair[] = [];
  for (const s of TRAINING_SOURCES) {
    const lines = readFileSync(path.join(trainDir, s.file), 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const rows = lines.map((l) => JSON.parse(l) as Omit<TrainingPair, 'source' | 'article'>);
    const byArticle = new Map<string, TrainingPair[]>();
    for (const r of rows) {
      const article = `${s.file.split('-')[0]}-${s.articleOf(r.id)}`;
      if (!byArticle.has(article)) byArticle.set(article, []);
      byArticle.get(article)!.push({ ...r, source: s.file, article });
    }
    let taken = 0;
    for (const article of order.shuffle([...byArticle.keys()].sort())) {
      if (taken >= s.take && !options.everyArticle) break;
      pairs.push(...byArticle.get(article)!);
      taken += byArticle.get(article)!.length;
    }
  }
  return pairs;
}

export interface TrainingDocuments {
  /** Each indexed passage's place: file (relative to the docs folder) and span. */
  spans: Map<string, { file: string; start: number; end: number }>;
  /** Whether a pair's passage was left out of the library (its question has no answer there). */
  absent: (p: TrainingPair) => boolean;
  /** Whether the pair's whole article was left out (else only its passage, if absent). */
  articleAbsent: (p: TrainingPair) => boolean;
  articles: number;
  absentArticles: number;
}

/** Writes one document per article into `docsDir`, leaving out `leaveOut` of the articles and of the other passages. */
export function writeTrainingDocuments(
  pairs: readonly TrainingPair[],
  docsDir: string,
  order: SeededOrder,
  leaveOut = 0.06,
): TrainingDocuments {
  const articles = [...new Set(pairs.map((p) => p.article))].sort();
  const absentArticles = new Set(order.shuffle(articles).slice(0, Math.round(articles.length * leaveOut)));
  const passages = [...new Set(pairs.map((p) => p.passage))];
  const absentPassages = new Set(
    order.shuffle(passages.slice()).slice(0, Math.round(passages.length * leaveOut)),
  );
  const spans = new Map<string, { file: string; start: number; end: number }>();
  const byArticle = new Map<string, TrainingPair[]>();
  for (const p of pairs) {
    if (!byArticle.has(p.article)) byArticle.set(p.article, []);
    byArticle.get(p.article)!.push(p);
  }
  mkdirSync(docsDir, { recursive: true });
  for (const [article, ps] of byArticle) {
    if (absentArticles.has(article)) continue;
    const file = `${article.replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 80)}.txt`;
    const title = ps[0].source.startsWith('squad') ? ps[0].id.split('|')[1].replace(/-/g, ' ') : '';
    let text = title ? `${title}\n\n` : '';
    const seen = new Set<string>();
    for (const p of ps) {
      if (seen.has(p.passage) || absentPassages.has(p.passage)) continue;
      seen.add(p.passage);
      spans.set(p.passage, { file, start: text.length, end: text.length + p.passage.length });
      text += p.passage + '\n\n';
    }
    if (seen.size) writeFileSync(path.join(docsDir, file), text);
  }
  return {
    spans,
    absent: (p) => absentArticles.has(p.article) || absentPassages.has(p.passage),
    articleAbsent: (p) => absentArticles.has(p.article),
    articles: byArticle.size,
    absentArticles: absentArticles.size,
  };
}
