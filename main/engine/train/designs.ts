import type { FeaturizerSpec } from '../towers/featurizerSpec.js';
import type { CodeSwitchOptions } from './codeSwitch.js';
import type { RewordOptions } from './lexicalDropout.js';
import { DEFAULT_FEATURIZER_SPEC } from '../towers/featurizerSpec.js';
import type { TableDtype } from './exportPack.js';
import type { TrainConfig } from './trainer.js';

/**
 * A named architecture + training recipe. `docqa train --design NAME` picks
 * one; single flags (--dim, --epochs, …) override its fields. The built-in
 * pack's README compares these on the same held-out split.
 */
export interface Design {
  name: string;
  summary: string;
  featurizer: FeaturizerSpec;
  dim: number;
  /** One embedding table for both towers. */
  tied: boolean;
  /** Per-bucket term weights initialised from IDF over the training passages. */
  idfTermWeights: boolean;
  projection: 'none' | 'question' | 'both';
  /** BM25-mined hard negatives per pair (0: none). */
  hardNegatives: number;
  /**
   * Train for score fusion: the loss ranks by cos + BM25/top/weight (what
   * search computes as BM25/top + weight·cos), so the towers learn to fix
   * BM25's mistakes instead of copying it. null: plain in-batch softmax.
   */
  fusionWeight: number | null;
  /** Mix in inverse-cloze pairs mined from the training passages themselves. */
  selfSupervised: boolean;
  /** Cross-lingual pairs made with the built-in lexicon (codeSwitch.ts); absent: none. */
  codeSwitch?: CodeSwitchOptions;
  /** Reworded copies of training questions (lexicalDropout.ts); absent: none. */
  reword?: RewordOptions;
  /** English word rows started partly from the built-in word vectors (wordVectorInit.ts); absent: random rows. */
  wordVectorInit?: { share: number };
  table: TableDtype;
  train: TrainConfig;
}

const WORDS_ONLY = { cjkUnigram: 1, cjkBigram: 1, word: 1, wordBigram: 0, charTrigram: 0 };

const baseTrain: TrainConfig = {
  epochs: 3,
  batch: 128,
  lr: 0.05,
  tableOptimizer: 'adagrad',
  termLr: 0.01,
  projectionLr: 1e-3,
  scale: 20,
  decayToInit: 0,
  featureDropout: 0,
  patience: 1,
  seed: 1,
};

function spec(families: FeaturizerSpec['families'], log2Buckets = 18): FeaturizerSpec {
  return { ...DEFAULT_FEATURIZER_SPEC, log2Buckets, families: { ...families } };
}

const tiedIdf: Design = {
  name: 'tied-idf',
  summary:
    'one tied table (a random projection of TF-IDF at start), learned IDF-initialised term weights, words + CJK uni/bigrams',
  featurizer: spec(WORDS_ONLY, 17),
  dim: 256,
  tied: true,
  idfTermWeights: true,
  projection: 'none',
  hardNegatives: 0,
  fusionWeight: null,
  selfSupervised: false,
  table: 'int8',
  train: baseTrain,
};

/** Variations of the tied design, each changing one thing. */
function variant(name: string, summary: string, change: Partial<Design>): Design {
  return { ...tiedIdf, ...change, name, summary: `tied-idf, ${summary}` };
}

const designs: Design[] = [
  {
    ...tiedIdf,
    name: 'separate',
    summary:
      'two separately initialised tables, all n-gram families, no term weights (known to memorise its pairs)',
    featurizer: spec(DEFAULT_FEATURIZER_SPEC.families, 16),
    tied: false,
    idfTermWeights: false,
  },
  tiedIdf,
  variant('tied-idf-trigrams', 'plus word pairs and character trigrams (all families)', {
    featurizer: spec(DEFAULT_FEATURIZER_SPEC.families, 17),
  }),
  variant('tied-idf-512', '2^16 buckets × 512 dimensions (same table bytes)', {
    featurizer: spec(WORDS_ONLY, 16),
    dim: 512,
  }),
  variant('tied-idf-proj', 'plus a residual linear projection on the question side', {
    projection: 'question',
  }),
  variant('tied-idf-hard', 'plus one BM25-mined hard negative per pair', { hardNegatives: 1 }),
  variant(
    'tied-idf-ict',
    'plus inverse-cloze pairs (sentence → rest of passage) mined from the training passages',
    { selfSupervised: true },
  ),
  variant(
    'tied-idf-xling',
    'plus code-switched copies of half the training questions (each translatable word → a CC-CEDICT translation with chance 0.5)',
    { codeSwitch: { fraction: 0.5, wordProb: 0.5, lexiconPairs: 0 } },
  ),
  variant(
    'tied-idf-xling-lex',
    'as tied-idf-xling, plus the 4000 commonest question words of the lexicon as word → translation pairs',
    { codeSwitch: { fraction: 0.5, wordProb: 0.5, lexiconPairs: 4000 } },
  ),
  variant(
    'tied-idf-xling-all',
    'plus a code-switched copy of every training question (each translatable word → a CC-CEDICT translation with chance 0.8) and the 4000 commonest question words as word → translation pairs',
    { codeSwitch: { fraction: 1, wordProb: 0.8, lexiconPairs: 4000 } },
  ),
  variant(
    'tied-idf-xling-vocab',
    'as tied-idf-xling-all, with 20000 word → translation pairs from the commonest words of the training questions and passages',
    {
      codeSwitch: {
        fraction: 1,
        wordProb: 0.8,
        lexiconPairs: 20000,
        lexiconVocabulary: 'questions+passages',
      },
    },
  ),
  variant(
    'tied-idf-xling-dict',
    'plus code-switched copies of half the training questions (chance 0.8 per word) and every Chinese entry of CC-CEDICT (2+ characters) as a word → gloss pair',
    {
      codeSwitch: { fraction: 0.5, wordProb: 0.8, lexiconPairs: 200000, lexiconVocabulary: 'lexicon' },
    },
  ),
  variant(
    'tied-idf-xling-all-dict',
    'plus a code-switched copy of every training question (chance 0.8 per word) and every Chinese entry of CC-CEDICT (2+ characters) as a word → gloss pair',
    {
      codeSwitch: { fraction: 1, wordProb: 0.8, lexiconPairs: 200000, lexiconVocabulary: 'lexicon' },
    },
  ),
  variant(
    'tied-idf-reword',
    'plus a reworded copy of half the training questions (each content word shared with the passage dropped with chance 0.5)',
    { reword: { fraction: 0.5, rate: 0.5 } },
  ),
  variant(
    'tied-idf-glove',
    "English word rows started half from GloVe word vectors (the built-in pack's word-vectors.bin), so words no training pair holds start near their synonyms",
    { wordVectorInit: { share: 0.5 } },
  ),
  variant(
    'fused-hard',
    'trained for score fusion (loss on cos + BM25/top) with two BM25 hard negatives per pair',
    { fusionWeight: 1, hardNegatives: 2 },
  ),
];

export const DEFAULT_DESIGN = 'tied-idf';

export function designNames(): string[] {
  return designs.map((d) => d.name);
}

export function findDesign(name: string): Design | undefined {
  const d = designs.find((x) => x.name === name);
  return d ? structuredClone(d) : undefined;
}
