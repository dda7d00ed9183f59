import { Rng } from '../../main/engine/train/rng.js';
import type { Pair } from '../../main/engine/train/pairs.js';

/**
 * Synthetic question→passage pairs in English and Chinese. Each topic has
 * passage words and, disjoint from them, question words, so a model can only
 * answer well by learning which question words go with which passage words —
 * pure lexical overlap (an untrained tied model) gets little. Held-out passages
 * of a topic are new sentences over that topic's words, so learned
 * associations carry over to them.
 */
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tu',
  'sha',
  'vo',
  'pel',
  'qi',
  'dor',
  'zan',
  'fu',
  'bri',
  'nox',
  'gal',
  'wen',
];
const HAN = '山水火木金土日月风云雷电花草鸟鱼龙虎马牛羊狗猫竹松梅兰菊桃李杏江河湖海星辰光影春夏秋冬东南西北';
const FILLER_EN = ['the', 'of', 'and', 'is', 'in', 'with', 'about', 'for', 'this', 'that'];
const FILLER_ZH = '的是在了和有这个为';

function word(rng: Rng): string {
  const n = 2 + rng.int(2);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[rng.int(SYLLABLES.length)]!;
  return w;
}

function hanWord(rng: Rng): string {
  return HAN[rng.int(HAN.length)]! + HAN[rng.int(HAN.length)]!;
}

interface Topic {
  lang: 'en' | 'zh';
  passageWords: string[];
  questionWords: string[];
}

function makeTopics(rng: Rng, count: number): Topic[] {
  const used = new Set<string>();
  const fresh = (make: () => string): string => {
    for (;;) {
      const w = make();
      if (!used.has(w)) {
        used.add(w);
        return w;
      }
    }
  };
  return Array.from({ length: count }, (_, i) => {
    const lang = i % 2 === 0 ? 'en' : 'zh';
    const make = () => (lang === 'en' ? word(rng) : hanWord(rng));
    return {
      lang,
      passageWords: Array.from({ length: 8 }, () => fresh(make)),
      questionWords: Array.from({ length: 4 }, () => fresh(make)),
    };
  });
}

function sentence(rng: Rng, t: Topic, words: string[], length: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    if (rng.next() < 0.5) out.push(words[rng.int(words.length)]!);
    else
      out.push(
        t.lang === 'en' ? FILLER_EN[rng.int(FILLER_EN.length)]! : FILLER_ZH[rng.int(FILLER_ZH.length)]!,
      );
  }
  return t.lang === 'en' ? `${out.join(' ')}.` : `${out.join('')}。`;
}

/** `perTopic` passages per topic, `questionsPerPassage` questions each. */
export function syntheticPairs(seed: number, topics = 24, perTopic = 8, questionsPerPassage = 2): Pair[] {
  const rng = new Rng(seed);
  const pairs: Pair[] = [];
  makeTopics(rng, topics).forEach((t, ti) => {
    for (let p = 0; p < perTopic; p++) {
      const passage = [0, 1, 2]
        .map(() => sentence(rng, t, t.passageWords, 10))
        .join(t.lang === 'en' ? ' ' : '');
      for (let q = 0; q < questionsPerPassage; q++) {
        const question = sentence(rng, t, t.questionWords, 5).replace(/[.。]$/, t.lang === 'en' ? '?' : '？');
        pairs.push({ question, passage, lang: t.lang, id: `t${ti}-p${p}-q${q}`, source: 'synthetic' });
      }
    }
  });
  return pairs;
}
