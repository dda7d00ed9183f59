import type { Precision } from '../towers/transformer/manifest.js';
import type { Pooling } from '../towers/transformer/pooling.js';

/**
 * Recommended pretrained packs, downloadable with `docqa models download <id>`.
 *
 * Files come from the Xenova ONNX exports on the Hugging Face hub (the
 * exports transformers.js uses), which sit beside the original weights'
 * config and tokenizer. `sha256`/`bytes` are pinned where they were taken
 * from public records of that exact file (see each entry's `provenance`);
 * anything not pinned is verified at download time against the sha256 the
 * hub reports for the LFS object (X-Linked-Etag) or, for small non-LFS
 * files, against their git blob id (ETag). An entry whose revision is not
 * pinned resolves `main` once and the installed pack records the commit it got.
 */
export interface CatalogueFile {
  /** Path inside the hub repository. */
  path: string;
  bytes?: number;
  sha256?: string;
}

export interface CatalogueEntry {
  id: string;
  title: string;
  /** Hub repository the files are fetched from. */
  repo: string;
  /** Where the weights were published originally (model card, licence). */
  upstream: string;
  /** Commit to fetch; `revisionPinned: false` means `main`, resolved at download. */
  revision: string;
  revisionPinned: boolean;
  license: string;
  attribution: string[];
  trainingData: string[];
  languages: string[];
  recommendation: string;
  dim: number;
  pooling: Pooling;
  prefixes: { question: string; answer: string };
  maxLength: number;
  /** Tokenizer and config, needed whatever the precision. */
  files: CatalogueFile[];
  /** One ONNX encoder per precision; the default is the first key that `defaultPrecision` names. */
  variants: Partial<Record<Precision, CatalogueFile>>;
  defaultPrecision: Precision;
  /** Where pinned values came from, so a maintainer can re-check them. */
  provenance: string;
}

const E5_ATTRIBUTION = [
  'Weights: intfloat/multilingual-e5-* (Liang Wang, Nan Yang, Xiaolong Huang, Linjun Yang, Rangan Majumder, Furu Wei: "Multilingual E5 Text Embeddings: A Technical Report", 2024), MIT licence',
  'ONNX export: Xenova (transformers.js)',
];
const E5_TRAINING = [
  'Weakly supervised multilingual text pairs (CCPairs-style: Wikipedia, mC4, CC News, NLLB, Reddit, S2ORC, Stackexchange, xP3, …), then supervised fine-tuning (MS MARCO, NQ, TriviaQA, NLI, MIRACL, Mr. TyDi, DuReader, …) as described in the technical report',
];
const BGE_ATTRIBUTION = [
  'Weights: BAAI bge-*-v1.5 (Shitao Xiao, Zheng Liu, Peitian Zhang, Niklas Muennighoff: "C-Pack: Packaged Resources To Advance General Chinese Embedding", 2023), MIT licence',
  'ONNX export: Xenova (transformers.js)',
];

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'multilingual-e5-small',
    title: 'multilingual-e5-small (384-d, ~100 languages)',
    repo: 'Xenova/multilingual-e5-small',
    upstream: 'intfloat/multilingual-e5-small',
    revision: '761b726dd34fb83930e26aab4e9ac3899aa1fa78',
    revisionPinned: true,
    license: 'MIT',
    attribution: E5_ATTRIBUTION,
    trainingData: E5_TRAINING,
    languages: ['multilingual', 'zh', 'en'],
    recommendation:
      'Recommended for mixed Chinese/English libraries: one model for both languages, small and fast on CPU.',
    dim: 384,
    pooling: 'mean',
    prefixes: { question: 'query: ', answer: 'passage: ' },
    maxLength: 512,
    files: [
      { path: 'config.json' },
      {
        path: 'tokenizer.json',
        bytes: 17_082_730,
        sha256: '0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39',
      },
      { path: 'tokenizer_config.json' },
    ],
    variants: {
      int8: {
        path: 'onnx/model_quantized.onnx',
        bytes: 118_308_185,
        sha256: 'f80102d3f2a1229f387d3c81909990d8945513e347b0eab049f7de3c6f98c193',
      },
      fp16: { path: 'onnx/model_fp16.onnx' },
      fp32: { path: 'onnx/model.onnx' },
    },
    defaultPrecision: 'int8',
    provenance:
      'revision and int8 model sha256/bytes as pinned by independent public projects at this revision; tokenizer.json sha256 is identical in intfloat/multilingual-e5-small@614241f6 and the Xenova export',
  },
  {
    id: 'bge-small-zh-v1.5',
    title: 'bge-small-zh-v1.5 (512-d, Chinese)',
    repo: 'Xenova/bge-small-zh-v1.5',
    upstream: 'BAAI/bge-small-zh-v1.5',
    revision: 'main',
    revisionPinned: false,
    license: 'MIT',
    attribution: BGE_ATTRIBUTION,
    trainingData: [
      'C-MTP (Chinese Massive Text Pairs) and the fine-tuning data described in the C-Pack paper',
    ],
    languages: ['zh'],
    recommendation: 'For libraries that are almost all Chinese.',
    dim: 512,
    pooling: 'cls',
    prefixes: { question: '为这个句子生成表示以用于检索相关文章：', answer: '' },
    maxLength: 512,
    files: [{ path: 'config.json' }, { path: 'tokenizer.json' }, { path: 'tokenizer_config.json' }],
    variants: {
      int8: {
        path: 'onnx/model_quantized.onnx',
        bytes: 24_010_842,
        sha256: '15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc',
      },
      fp32: {
        path: 'onnx/model.onnx',
        sha256: '69a0b846f4f116b5e6aabf9546ea6754d02264f3211a13a1bd69b31b8040749a',
      },
      fp16: { path: 'onnx/model_fp16.onnx' },
    },
    defaultPrecision: 'int8',
    provenance:
      'int8 and fp32 model hashes as pinned by public projects against main; revision not pinned (resolved at download)',
  },
  {
    id: 'bge-small-en-v1.5',
    title: 'bge-small-en-v1.5 (384-d, English)',
    repo: 'Xenova/bge-small-en-v1.5',
    upstream: 'BAAI/bge-small-en-v1.5',
    revision: 'main',
    revisionPinned: false,
    license: 'MIT',
    attribution: BGE_ATTRIBUTION,
    trainingData: ['Large-scale English text pairs and the fine-tuning data described in the C-Pack paper'],
    languages: ['en'],
    recommendation: 'For English-only libraries.',
    dim: 384,
    pooling: 'cls',
    prefixes: { question: 'Represent this sentence for searching relevant passages: ', answer: '' },
    maxLength: 512,
    files: [{ path: 'config.json' }, { path: 'tokenizer.json' }, { path: 'tokenizer_config.json' }],
    variants: {
      int8: { path: 'onnx/model_quantized.onnx' },
      fp32: { path: 'onnx/model.onnx' },
      fp16: { path: 'onnx/model_fp16.onnx' },
    },
    defaultPrecision: 'int8',
    provenance: 'nothing pinned: revision, sizes and hashes come from the hub at download time',
  },
  {
    id: 'multilingual-e5-base',
    title: 'multilingual-e5-base (768-d, ~100 languages)',
    repo: 'Xenova/multilingual-e5-base',
    upstream: 'intfloat/multilingual-e5-base',
    revision: '1ec9243030a27d1a115d5c340572074c125b58b2',
    revisionPinned: true,
    license: 'MIT',
    attribution: E5_ATTRIBUTION,
    trainingData: E5_TRAINING,
    languages: ['multilingual', 'zh', 'en'],
    recommendation:
      'More accurate than e5-small on mixed libraries, about 2.5× slower to index; for machines with a GPU or patience.',
    dim: 768,
    pooling: 'mean',
    prefixes: { question: 'query: ', answer: 'passage: ' },
    maxLength: 512,
    files: [
      {
        path: 'config.json',
        bytes: 686,
        sha256: '4c27930e59106027abab56f7531c1fa6b14bbf31e8229ec36d68affa4e869bcd',
      },
      {
        path: 'tokenizer.json',
        bytes: 17_082_660,
        sha256: '62c24cdc13d4c9952d63718d6c9fa4c287974249e16b7ade6d5a85e7bbb75626',
      },
      {
        path: 'tokenizer_config.json',
        bytes: 418,
        sha256: 'efb5c0d09722e5fe59a462cd2a9976ee216d55b037597d997cd3fe833216da15',
      },
    ],
    variants: {
      int8: {
        path: 'onnx/model_int8.onnx',
        bytes: 278_184_162,
        sha256: '9ddfd8b45086dabc59a7e1bb00463225dace8954962418b240840f2153bc87da',
      },
      fp16: {
        path: 'onnx/model_fp16.onnx',
        sha256: '5d760477f691b665da2b94e1528eb6938b795f76064d9392e6af7118b8a3f54a',
      },
      fp32: {
        path: 'onnx/model.onnx',
        bytes: 1_110_059_084,
        sha256: '84a4d426f7e87a6bf5bf195f0bae2c4a7d15f675b23ca96f42fab8326d7a77aa',
      },
    },
    defaultPrecision: 'int8',
    provenance:
      'revision, config/tokenizer/int8 hashes and sizes as pinned by a public project at this revision; fp32/fp16 hashes as recorded from the hub X-Linked-Etag of main by public projects',
  },
];

export function findCatalogueEntry(id: string): CatalogueEntry | undefined {
  const key = id.toLowerCase();
  return CATALOGUE.find(
    (e) => e.id === key || e.repo.toLowerCase() === key || e.upstream.toLowerCase() === key,
  );
}
