/**
 * The engine's public surface: what the CLI, web mode (main/server) and the
 * desktop main process call. Plain data in and out (structured-clone safe), so
 * the same shapes cross IPC, HTTP and worker boundaries unchanged.
 */

export type SearchMode = 'hybrid' | 'dense' | 'bm25';
export type ProviderName = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';

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

export interface IngestProgress {
  phase: 'scanning' | 'indexing' | 'removing' | 'done' | 'cancelled';
  filesTotal: number;
  filesDone: number;
  filesSkipped: number;
  filesFailed: number;
  chunks: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
  /** Seconds left, from the byte rate so far; null until there is a rate. */
  etaSeconds: number | null;
  elapsedMs: number;
}

export interface IngestSummary extends IngestProgress {
  filesAdded: number;
  filesUpdated: number;
  filesRemoved: number;
}

export interface TextRange {
  start: number;
  end: number;
}

/** One retrieved passage. `start`/`end` are UTF-16 offsets into the document's extracted text. */
export interface SearchResult {
  /** Relative to the ingested folder, '/' separators (DESIGN.md §4). */
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
  /** Best-matching sentences, as offsets relative to `text`. */
  highlights: TextRange[];
  /** Per-channel evidence, for the score tooltip and for debugging fusion. */
  channels: { bm25?: number; dense?: number };
}

export interface AskResult {
  question: string;
  notFound: boolean;
  results: SearchResult[];
  mode: SearchMode;
  tookMs: number;
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
  theme: 'system' | 'light' | 'dark';
  /** 'system' follows the OS/browser language. */
  language: 'system' | 'zh' | 'en';
}

export interface LibraryOpenOptions {
  /** The library's SQLite file; created (with its folder) when missing. */
  dbPath: string;
  /** Overrides the stored setting for this session only (e.g. `--model`). */
  packDir?: string;
  provider?: ProviderName;
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
  /** Registers a folder (must exist and be a directory); indexing is a separate `ingest` call. */
  addFolder(path: string): Promise<FolderInfo>;
  /** Drops the folder and its documents from the index; files on disk are never touched. */
  removeFolder(folderId: number): Promise<void>;
  ingest(options?: IngestOptions): Promise<IngestSummary>;
  failedFiles(): Promise<FailedFile[]>;
  /** Re-reads the files that failed last time. */
  retryFailed(options?: Omit<IngestOptions, 'force'>): Promise<IngestSummary>;
  ask(question: string, options?: { k?: number; mode?: SearchMode }): Promise<AskResult>;
  preview(chunkId: number, contextChars?: number): Promise<PassagePreview>;
  /** Absolute path of an indexed document, guaranteed to lie inside one of the library's folders. */
  documentPath(documentId: number): Promise<string>;
  listConversations(): Promise<ConversationSummary[]>;
  conversation(conversationId: number): Promise<ConversationTurn[]>;
  /** Asks and records the turn; a null conversationId starts a new conversation. */
  askInConversation(
    conversationId: number | null,
    question: string,
    options?: { k?: number; mode?: SearchMode },
  ): Promise<ConversationTurn>;
  deleteConversation(conversationId: number): Promise<void>;
  getSettings(): Promise<LibrarySettings>;
  updateSettings(patch: Partial<LibrarySettings>): Promise<LibrarySettings>;
  /** Watches all folders and re-indexes changes (debounced) until the returned function is called. */
  watch(onEvent: (e: WatchEvent) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
