import type { Ranker } from '../search/ranker.js';
import type { NotFoundRule } from '../search/notFound.js';
/**
 * The engine's public surface: what the CLI, web mode (main/server) and the
 * desktop main process call. Plain data in and out (structured-clone safe), so
 * the same shapes cross IPC, HTTP and worker boundaries unchanged.
 */
import type {
  AskResult,
  LearningRunReport,
  LearningState,
  ConversationSummary,
  ConversationTurn,
  FailedFile,
  FolderInfo,
  TextRange,
} from '../vocabulary/shapes.js';
import type { Language, ProviderName, SearchMode, SignalKind, Theme } from '../vocabulary/values.js';

export type { ProviderName, SearchMode } from '../vocabulary/values.js';
export type {
  AskResult,
  ConversationSummary,
  ConversationTurn,
  FailedFile,
  FolderInfo,
  LearningRunReport,
  LearningState,
  SearchResult,
  TextRange,
} from '../vocabulary/shapes.js';

export interface IngestProgress {
  /**
   * 'waiting': another run (another process: `docqa ingest`, the app) holds the library; this one starts when it ends.
   * 'loading-model': opening the tower pack before the first file is embedded (seconds for a large model).
   * 'compacting': rebuilding the full-text index after many passages were rewritten (store/ftsIndex.ts;
   * seconds at 100k passages).
   */
  phase:
    'waiting' | 'scanning' | 'removing' | 'loading-model' | 'indexing' | 'compacting' | 'done' | 'cancelled';
  filesTotal: number;
  filesDone: number;
  filesSkipped: number;
  filesFailed: number;
  chunks: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
  /** Bytes of `currentFile`, so a large file's wait can be explained. */
  currentFileBytes: number;
  /** While indexing: reading `currentFile`'s text, or embedding passages (the pack's slower half). */
  step: 'extracting' | 'embedding' | null;
  /** Passages read from files and not yet embedded and written (a large file adds thousands at once). */
  passagesPending: number;
  /** Pages of `currentFile` read so far and its pages to read, while a PDF is read; otherwise null. */
  pagesRead: { done: number; total: number } | null;
  /** While a file with many passages is embedded: that file (relative path), its passages embedded and its total. */
  passagesEmbedded: { file: string; done: number; total: number } | null;
  /** Seconds left, from the byte rate so far; null until there is a rate. */
  etaSeconds: number | null;
  elapsedMs: number;
}

export interface IngestSummary extends IngestProgress {
  filesAdded: number;
  filesUpdated: number;
  filesRemoved: number;
  /**
   * Passages whose text the library already held (a file read again, changed, forced or read by a
   * newer reader; a copy of a file already indexed; a file moved and edited): they took the
   * vectors they had instead of being embedded again.
   */
  passagesKept: number;
}

export interface PassagePreview {
  path: string;
  absPath: string;
  title: string;
  /** Surrounding text and where the passage sits inside it. */
  context: string;
  passage: TextRange;
  highlights: TextRange[];
  line: number;
  page: number | null;
  headingPath: string[];
}

export interface PackInfo {
  dir: string;
  name: string;
  version: string;
  kind: 'hashed-ngram' | 'transformer';
  dim: number;
  builtin: boolean;
  license: string;
  attribution: string[];
  metrics: Record<string, unknown>;
}

export interface ProviderInfo {
  requested: ProviderName;
  active: string;
  available: string[];
  fallbackReason: string | null;
}

export interface LibraryStatus {
  dbPath: string;
  folders: FolderInfo[];
  documents: number;
  chunks: number;
  failed: number;
  pack: PackInfo;
  provider: ProviderInfo;
  /** True when the answer tower that made the stored vectors differs from the active one. */
  needsReembed: boolean;
  dbBytes: number;
  /** Folders removed lately that `restoreFolder` can still put back, newest first. */
  removedFolders: RemovedFolderInfo[];
}

export interface RemovedFolderInfo {
  removalId: number;
  path: string;
  removedAt: string;
}

export interface LibrarySettings {
  /** Tower pack folder; null = the built-in pack. */
  packDir: string | null;
  provider: ProviderName;
  /** The question tower's execution provider; null = the same as `provider`. */
  questionProvider: ProviderName | null;
  chunkTargetChars: number;
  chunkOverlapChars: number;
  /** Worker threads for ingest/embedding; 0 = choose from the CPU count. */
  threads: number;
  theme: Theme;
  /** 'system' follows the OS/browser language. */
  language: Language;
  /** Most bytes a document's compressed parts (DOCX XML) may inflate to; more is a "decompression bomb". */
  maxInflatedBytes: number;
  /** Most a compressed part (over 1 MiB) may grow on inflating, inflated ÷ compressed. */
  maxInflateRatio: number;
  /** Extracted text longer than this (UTF-16 code units) fails with "too much text". */
  maxExtractedChars: number;
  /** Heap limit of the thread that reads files (MB); 0 = V8's default for this machine. */
  extractorMemoryMb: number;
  /** Reading one file may take this long before it is stopped and recorded as failed. */
  extractTimeoutSeconds: number;
  /** Also search each question translated into the library's other language (Chinese ↔ English lexicon). */
  crossLingual: boolean;
  /**
   * Learn from the user's signals in the background (question-side model and ranking). Off: signals
   * are still kept, and a question asked again still gets the passage chosen for it; models stop changing.
   */
  learning: boolean;
}

export interface LibraryOpenOptions {
  /** The library's SQLite file; created (with its folder) when missing. */
  dbPath: string;
  /** Overrides the stored setting for this session only (e.g. `--model`). */
  packDir?: string;
  provider?: ProviderName;
  /** Use this ranking stage instead of the pack's (measurement and training tools). */
  ranker?: Ranker;
  /** Decide "not found" by this rule (measurement tools: scripts/measure-not-found.ts). */
  notFoundRule?: NotFoundRule;
  /**
   * Told before opening rebuilds the library's full-text index for a new analyzer (once per
   * library and version; about 1 s per 8,000 passages).
   */
  onFtsRebuild?: (passages: number) => void;
}

export interface IngestOptions {
  /** Only these folders; default all. */
  folderIds?: number[];
  /** Re-read every file even when size/mtime/hash are unchanged. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  /**
   * Called once when another indexing run (this or another process) holds the
   * library: this one waits for it to finish, then runs.
   */
  onWaiting?: () => void;
}

export type WatchEvent =
  | { type: 'changed'; folderId: number; path: string }
  | { type: 'removed'; folderId: number; path: string }
  | { type: 'indexed'; summary: IngestSummary }
  | { type: 'error'; message: string };

/**
 * What front ends (CLI, web mode, desktop IPC) call. Implemented by the engine's
 * `Library` (main/engine/library/); every method validates its own arguments
 * and throws UserError for bad input.
 */
export interface LibraryEngine {
  status(): Promise<LibraryStatus>;
  listFolders(): Promise<FolderInfo[]>;
  /**
   * Registers a folder (must exist and be a directory); indexing is a separate `ingest` call.
   * `ignore`: gitignore-style patterns of its own, on top of the defaults.
   */
  addFolder(path: string, options?: { ignore?: string[] }): Promise<FolderInfo>;
  /**
   * Drops the folder and its documents from the index; files on disk are never touched.
   * `restoreFolder(removalId)` puts it back for a while (FOLDER_RESTORE_WINDOW_MS).
   */
  removeFolder(folderId: number): Promise<{ removalId: number }>;
  /**
   * Undoes a removal: the folder is in the library again, with its ignore patterns; its next
   * indexing run reads its files again and gives back what the user said of their passages.
   */
  restoreFolder(removalId: number): Promise<FolderInfo>;
  ingest(options?: IngestOptions): Promise<IngestSummary>;
  /** Files that failed to be read, in a file manager's order; the first `limit` of them when given. */
  failedFiles(limit?: number): Promise<FailedFile[]>;
  /** Re-reads the files that failed last time. */
  retryFailed(options?: Omit<IngestOptions, 'force'>): Promise<IngestSummary>;
  /**
   * `crossLingual` overrides the library setting for this question. `log`: keep the answer in the
   * answers log so the user can say which passage answered it (`feedback`); the result then has an `answerId`.
   */
  ask(
    question: string,
    options?: { k?: number; mode?: SearchMode; crossLingual?: boolean; log?: boolean },
  ): Promise<AskResult>;
  /** Records what the user said of the passage at `rank` (1-based) of a logged answer; may start learning. */
  feedback(answerId: number, rank: number, signal: SignalKind): Promise<{ signalId: number }>;
  learningState(): Promise<LearningState>;
  /** Learns from the signals so far now (normally it runs in the background after a few new signals). */
  learnNow(): Promise<LearningRunReport | null>;
  /** Makes the learned model before the active one active again (the pack's own when there was none). */
  restorePreviousModel(): Promise<LearningState>;
  /** Forgets every signal and what was learned from them (the answers log stays, like the chat's history). */
  eraseSignals(): Promise<LearningState>;
  /** The signals as JSON Lines. */
  exportSignals(): Promise<string>;
  preview(chunkId: number, contextChars?: number): Promise<PassagePreview>;
  /** Absolute path of an indexed document (read without error), guaranteed to lie inside one of the library's folders. */
  documentPath(documentId: number): Promise<string>;
  listConversations(): Promise<ConversationSummary[]>;
  conversation(conversationId: number): Promise<ConversationTurn[]>;
  /** Asks and records the turn; a null conversationId starts a new conversation. */
  askInConversation(
    conversationId: number | null,
    question: string,
    options?: { k?: number; mode?: SearchMode },
  ): Promise<ConversationTurn>;
  /** Deletes a conversation; `restoreConversation` brings it back for a while (RESTORE_WINDOW_MS). */
  deleteConversation(conversationId: number): Promise<void>;
  restoreConversation(conversationId: number): Promise<void>;
  getSettings(): Promise<LibrarySettings>;
  updateSettings(patch: Partial<LibrarySettings>): Promise<LibrarySettings>;
  /** Watches all folders and re-indexes changes (debounced) until the returned function is called. */
  watch(onEvent: (e: WatchEvent) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
