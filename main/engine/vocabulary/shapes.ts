/**
 * The shapes of what the engine finds and keeps, shared from the store up to
 * the renderer: plain data (structured-clone safe), so the same shapes cross
 * IPC, HTTP and worker boundaries unchanged.
 */
import type { SearchMode, SignalKind } from './values.js';

export interface FolderInfo {
  id: number;
  /** Absolute path as the user added it. */
  path: string;
  addedAt: string;
  documents: number;
  chunks: number;
  failed: number;
  /** 'ok' once a full ingest has finished; 'indexing' while one runs; 'missing' when the folder is gone. */
  state: 'new' | 'indexing' | 'ok' | 'missing';
  lastIndexedAt: string | null;
}

export interface FailedFile {
  folderId: number;
  /** Path relative to the folder, '/' separators. */
  path: string;
  error: string;
  failedAt: string;
}

export interface TextRange {
  start: number;
  end: number;
}

/** One retrieved passage. `start`/`end` are UTF-16 offsets into the document's extracted text. */
export interface SearchResult {
  /** Relative to the ingested folder, '/' separators (the same on every OS, as `docqa search --json` prints it). */
  path: string;
  /** Absolute path on disk (for open-file / show-in-folder). */
  absPath: string;
  folderId: number;
  documentId: number;
  chunkId: number;
  start: number;
  end: number;
  score: number;
  text: string;
  title: string;
  headingPath: string[];
  /** 1-based line of `start` in the extracted text; page for PDFs. */
  line: number;
  page: number | null;
  /**
   * Whether `line` is a line of the file as it is on disk (plain text, Markdown, code): false
   * for text read out of HTML, office files and e-books, whose lines a reader never sees, so
   * the heading path alone places the passage. Absent (answers saved before it): true.
   */
  lineInFile?: boolean;
  /** `page` is a slide of a presentation (PPTX, ODP): shown as "slide N". Absent for other pages. */
  pageIsSlide?: true;
  /** `line` is the sheet row the passage starts at (XLSX, XLS, ODS): shown as "row N". Absent otherwise. */
  lineIsRow?: true;
  /** Best-matching sentences, as offsets relative to `text`. */
  highlights: TextRange[];
  /** Per-channel evidence, for the score tooltip and for debugging fusion. */
  channels: { bm25?: number; dense?: number };
  /** The passage's language ('zh' when it is mostly Chinese), to mark results in the question's other language. */
  lang: 'zh' | 'en';
  /** The same text in other files (near-duplicates collapsed into this result). */
  alsoIn?: { path: string; absPath: string; folderId: number; documentId: number; chunkId: number }[];
}

export interface AskResult {
  question: string;
  notFound: boolean;
  results: SearchResult[];
  mode: SearchMode;
  tookMs: number;
  /** Translations of the question's words that were also searched ("also searched: …"); [] when none. */
  translatedTerms: string[];
  /**
   * Names the question uses that no passage of the library mentions ("Docker", "Node.js"), as
   * written in the question; [] when none. Why an answer is "not found", or a warning beside one.
   */
  missingNames: string[];
  /**
   * Answered although the best passage shares few of the question's words and is not close to it
   * in the dense space (a paraphrase, or a question the documents may not answer): the reader
   * should check the passages.
   */
  weakMatch: boolean;
  /**
   * Words of the question that no passage holds, searched as the library's word one edit away
   * ("lintain" → "lintian"): "searched for … (you wrote …)"; [] when none.
   */
  corrections: { written: string; searched: string }[];
  /**
   * The id of this answer in the library's answers log, which `feedback` names; absent when the
   * answer was not logged (`search --batch`, evaluation).
   */
  answerId?: number;
  /**
   * What the user said of this answer's passages ("this answered it" / "not this", the last one
   * per 1-based rank), when the answer is read back from a conversation.
   */
  verdicts?: Record<number, 'good' | 'bad'>;
}

/** Held-back figures of a learning run: hit@1 and MRR@10 of the chosen passages among those shown. */
export interface HeldBackFigures {
  hit1: number;
  mrr: number;
}

export interface LearningRunReport {
  /** activated: the new model did better on the held-back signals; kept: it did not; too-few: not enough signals yet. */
  outcome: 'activated' | 'kept' | 'too-few';
  questions: number;
  trained: number;
  heldBack: number;
  before: HeldBackFigures | null;
  after: HeldBackFigures | null;
  chosen: {
    adapter: boolean;
    denseWeight: number;
    memoryWeight: number;
    memoryThreshold: number;
    popularityWeight: number;
    fieldWeight: number;
    /** Trees added to the pack's ranker from the signals (0 or absent: its own trees only). */
    rankerTrees?: number;
  } | null;
  ms: number;
}

/** What learning from use has done in this library (Settings → Learning). */
export interface LearningState {
  /** False when the user paused learning (signals are still kept; models stop changing). */
  enabled: boolean;
  /** A learning run is going on now. */
  learning: boolean;
  signals: number;
  signalsByKind: Record<SignalKind, number>;
  /** Answers with at least one signal. */
  questions: number;
  /** Signals since the last learning run. */
  pending: number;
  /** Held-back questions a new model is judged on (and as many to learn from) before one can become active. */
  minHeldBack: number;
  /** The learned model in use for the current pack; null: the pack's own question tower and ranking. */
  model: { id: number; changedAt: string; throughSignal: number; report: LearningRunReport } | null;
  canRestorePrevious: boolean;
  lastRun: (LearningRunReport & { at: string }) | null;
}

export interface ConversationTurn {
  id: number;
  conversationId: number;
  question: string;
  answer: AskResult;
  askedAt: string;
}

export interface ConversationSummary {
  id: number;
  title: string;
  createdAt: string;
  turns: number;
}
