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
