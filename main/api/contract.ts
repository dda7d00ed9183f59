/**
 * The one API contract shared by the desktop IPC bridge, web mode's HTTP
 * server and the renderer: input schemas (validated by the dispatcher before
 * any handler runs), output types and event types. Engine shapes come from
 * main/engine/library/types.ts unchanged; app-only methods add file actions,
 * the folder picker, ingest job control and app info.
 */
import { z } from 'zod';
import type { ApiMethod } from './methods.js';
import type {
  AskResult,
  ConversationSummary,
  ConversationTurn,
  FailedFile,
  FolderInfo,
  IngestProgress,
  IngestSummary,
  LearningState,
  LibrarySettings,
  LibraryStatus,
  PassagePreview,
  WatchEvent,
} from '../engine/library/types.js';
import type { InstalledPack } from '../engine/models/index.js';
import {
  chunkOverlapCharsSchema,
  chunkTargetCharsSchema,
  extractorMemoryMbSchema,
  extractTimeoutSecondsSchema,
  kSchema,
  languageSchema,
  maxExtractedCharsSchema,
  maxInflatedBytesSchema,
  maxInflateRatioSchema,
  previewContextCharsSchema,
  providerNameSchema,
  questionSchema,
  searchModeSchema,
  themeSchema,
  threadsSchema,
} from '../engine/vocabulary/schemas.js';
import { SIGNAL_KINDS } from '../engine/vocabulary/values.js';
import type { ReembedProgress } from './appEngine.js';
import type { ApiErrorCode, ApiErrorReason } from './apiErrors.js';
import type { CodedReason, FileFailureCode } from './failureReasons.js';

// The renderer takes the engine's shapes from here, with the contract they travel in.
export type {
  AskResult,
  LearningState,
  ConversationSummary,
  ConversationTurn,
  FailedFile,
  FolderInfo,
  IngestProgress,
  LibrarySettings,
  LibraryStatus,
  PassagePreview,
  ProviderName,
  SearchResult,
  TextRange,
} from '../engine/library/types.js';

const none = z.object({}).strict();
const id = z.number().int().positive();
const absolutePath = z.string().min(1, 'the path is empty').max(4096, 'the path is too long');
const askOptions = {
  k: kSchema.optional(),
  mode: searchModeSchema.optional(),
  /** true: the question's words exactly as written, no spelling correction ("search for what I wrote"). */
  asWritten: z.boolean().optional(),
};

export const settingsPatchSchema = z
  .object({
    packDir: z.string().min(1).max(4096).nullable().optional(),
    provider: providerNameSchema.optional(),
    // null: the question tower runs where the answer tower does.
    questionProvider: providerNameSchema.nullable().optional(),
    chunkTargetChars: chunkTargetCharsSchema.optional(),
    chunkOverlapChars: chunkOverlapCharsSchema.optional(),
    threads: threadsSchema.optional(),
    theme: themeSchema.optional(),
    language: languageSchema.optional(),
    // Bounds on reading one file (decompression bombs, runaway extraction).
    maxInflatedBytes: maxInflatedBytesSchema.optional(),
    maxInflateRatio: maxInflateRatioSchema.optional(),
    maxExtractedChars: maxExtractedCharsSchema.optional(),
    extractorMemoryMb: extractorMemoryMbSchema.optional(),
    extractTimeoutSeconds: extractTimeoutSecondsSchema.optional(),
    crossLingual: z.boolean().optional(),
    /** false pauses learning from use: signals are still kept, the model in use stays. */
    learning: z.boolean().optional(),
  })
  .strict();

export const apiInputs = {
  appInfo: none,
  status: none,
  listFolders: none,
  addFolder: z.object({ path: absolutePath }).strict(),
  addSampleFolder: none,
  /** Undoable for 10 minutes with `restoreFolder` (the interface's "Undo"). */
  removeFolder: z.object({ folderId: id }).strict(),
  restoreFolder: z.object({ removalId: id }).strict(),
  startIngest: z
    .object({ folderIds: z.array(id).max(10_000).optional(), force: z.boolean().optional() })
    .strict(),
  cancelIngest: none,
  ingestState: none,
  /** The first `limit` failed files (all without it); `status` counts them all. */
  failedFiles: z.object({ limit: z.number().int().min(1).max(1_000_000).optional() }).strict(),
  retryFailed: none,
  /** The answer is logged: its `answerId` is what `feedback` names (README → Learning from use). */
  ask: z.object({ question: questionSchema, ...askOptions }).strict(),
  preview: z.object({ chunkId: id, contextChars: previewContextCharsSchema.optional() }).strict(),
  listConversations: none,
  conversation: z.object({ conversationId: id }).strict(),
  /** Logged like `ask`: the turn's answer carries its `answerId`. */
  askInConversation: z
    .object({ conversationId: id.nullable(), question: questionSchema, ...askOptions })
    .strict(),
  /** Restorable with `restoreConversation` for 10 minutes (the interface's "Undo"). */
  deleteConversation: z.object({ conversationId: id }).strict(),
  restoreConversation: z.object({ conversationId: id }).strict(),
  /**
   * What the user said of the passage at `rank` (1-based) of a logged answer: `good` ("this
   * answered it"), `bad` ("not this"), or the weaker `open`, `preview`, `copy`. Refused for a rank
   * the answer did not show (passage-not-shown), an answer not in the log (no-such-answer) and a
   * passage whose document has left the library (passage-document-gone). A few new signals start a
   * learning run in the background unless the `learning` setting is off.
   */
  feedback: z
    .object({ answerId: id, rank: z.number().int().min(1).max(1000), signal: z.enum(SIGNAL_KINDS) })
    .strict(),
  learningState: none,
  /** Back to the learned model before the active one (the pack's own when none); no-model-to-restore otherwise. */
  restorePreviousModel: none,
  /** Forgets every signal, the answers log and every learned model: search is as before learning. */
  eraseSignals: none,
  exportSignals: none,
  getSettings: none,
  updateSettings: settingsPatchSchema,
  reembedState: none,
  listPacks: none,
  modelCatalogue: none,
  downloadPack: z
    .object({ id: z.string().min(1).max(200), precision: z.enum(['fp32', 'fp16', 'int8']).optional() })
    .strict(),
  cancelPackDownload: none,
  packDownloadState: none,
  importPack: z.object({ folder: absolutePath, name: z.string().trim().min(1).max(100).optional() }).strict(),
  // documentId: the indexed document the path belongs to; without it the file is only shown in its folder.
  openFile: z.object({ path: absolutePath, documentId: id.optional() }).strict(),
  showInFolder: z.object({ path: absolutePath }).strict(),
  pickFolder: none,
} satisfies Record<ApiMethod, z.ZodType>;

export type ApiInput<M extends ApiMethod> = z.input<(typeof apiInputs)[M]>;
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof apiInputs)[M]>;

export interface AppInfo {
  mode: 'desktop' | 'web';
  version: string;
  platform: string;
  arch: string;
  /** Only the desktop app has a native folder dialog; web mode types a path. */
  canPickFolder: boolean;
}

/** Re-embedding the library with a new answer tower (search keeps the old vectors until it is done). */
export interface ReembedState {
  running: boolean;
  progress: ReembedProgress | null;
  lastError: string | null;
  /** `lastError` as a code for the interface language. */
  lastErrorReason: ApiErrorReason | null;
}

/** A pack in the per-user models folder, as Settings lists it. */
export type PackListing = Pick<
  InstalledPack,
  'name' | 'dir' | 'kind' | 'version' | 'dim' | 'license' | 'bytes'
>;

/** A recommended pretrained pack (models catalogue), for Settings. */
export interface CatalogueItem {
  id: string;
  title: string;
  license: string;
  languages: string[];
  dim: number;
  recommendation: string;
  /** Download size of the default precision, when known. */
  downloadBytes: number | null;
  installed: boolean;
}

/** The model download Settings runs in the background (one at a time). */
export interface PackDownloadState {
  running: boolean;
  id: string | null;
  progress: {
    file: string;
    bytesDone: number;
    bytesTotal: number;
    bytesPerSecond: number;
    etaSeconds: number | null;
  } | null;
  lastError: string | null;
  /** `lastError` as a code for the interface language. */
  lastErrorReason: ApiErrorReason | null;
  lastInstalled: PackListing | null;
}

/** A file that could not be indexed, with its folder and its reason as a code the interface translates. */
export interface FailedFileListing extends FailedFile {
  /** The library folder the file is in (its `path` is relative to it). */
  folderPath: string;
  /** `error` as a stable code and parameters; `error` keeps the English text. */
  reason: CodedReason<FileFailureCode>;
}

/**
 * What "open file" did: opened it with its program, or (for a file that is not
 * an indexed document of a type safe to open) showed it in its folder instead.
 */
export type OpenFileResult =
  { opened: 'file' } | { opened: 'folder'; reason: 'not-a-document' | 'not-indexed'; message: string };

/** The ingest job the app runs in the background (one at a time; later requests queue). */
export interface IngestState {
  running: boolean;
  /** Another run is queued behind the current one. */
  queued: boolean;
  progress: IngestProgress | null;
  lastSummary: IngestSummary | null;
  lastError: string | null;
  /** `lastError` as a code for the interface language. */
  lastErrorReason: ApiErrorReason | null;
}

export interface ApiOutputs {
  appInfo: AppInfo;
  status: LibraryStatus;
  listFolders: FolderInfo[];
  addFolder: FolderInfo;
  /** The built-in sample documents, added as a folder, and questions they answer (for a first try). */
  addSampleFolder: { folder: FolderInfo; questions: string[] };
  removeFolder: { removalId: number };
  restoreFolder: FolderInfo;
  startIngest: IngestState;
  cancelIngest: IngestState;
  ingestState: IngestState;
  failedFiles: FailedFileListing[];
  retryFailed: IngestState;
  ask: AskResult;
  preview: PassagePreview;
  listConversations: ConversationSummary[];
  conversation: ConversationTurn[];
  askInConversation: ConversationTurn;
  deleteConversation: null;
  restoreConversation: null;
  feedback: { signalId: number };
  learningState: LearningState;
  restorePreviousModel: LearningState;
  eraseSignals: LearningState;
  /**
   * The signals as JSON Lines, oldest first, one object per signal: signal, at, answerId, question,
   * askedAt, mode, pack, ranker, rank, passage {path, start, end, textHash}, shownAbove (the passages
   * ranked above it, same shape). README → Learning from use describes each field.
   */
  exportSignals: string;
  getSettings: LibrarySettings;
  updateSettings: LibrarySettings;
  /** Packs installed in the per-user models folder (imported or downloaded); the built-in pack is not listed. */
  reembedState: ReembedState;
  listPacks: PackListing[];
  modelCatalogue: CatalogueItem[];
  downloadPack: PackDownloadState;
  cancelPackDownload: PackDownloadState;
  packDownloadState: PackDownloadState;
  importPack: PackListing;
  openFile: OpenFileResult;
  showInFolder: null;
  /** null when the person cancelled the dialog. */
  pickFolder: string | null;
}

export type ApiEvent =
  | { type: 'ingest-progress'; progress: IngestProgress }
  | { type: 'ingest-done'; summary: IngestSummary }
  | { type: 'ingest-failed'; message: string }
  /** Folders, documents or settings changed (added/removed folder, watcher re-index). */
  | { type: 'library-changed'; reason: string }
  | { type: 'watch'; event: WatchEvent }
  | { type: 'pack-download'; state: PackDownloadState }
  | { type: 'reembed'; state: ReembedState }
  /** From the desktop app's menu: the renderer performs it. */
  | { type: 'command'; command: AppCommand };

export type AppCommand =
  'add-folder' | 'focus-question' | 'new-conversation' | 'show-chat' | 'show-library' | 'show-settings';

/** How a failed call comes back over IPC and HTTP. */
export interface ApiErrorBody {
  /** 'user': bad input or environment, shown as is; 'internal': a bug, logged with its stack. */
  kind: 'user' | 'internal';
  /** The English sentence (what the CLI prints). */
  message: string;
  /** `message` as a stable code (apiErrors.ts) and its varying parts, for the interface language. */
  code: ApiErrorCode;
  params: Record<string, string>;
  subject?: string;
}

export type ApiReply<T> = { ok: true; result: T } | { ok: false; error: ApiErrorBody };

/** What the renderer talks to, over IPC (preload's `window.docqa`) or HTTP. */
export interface DocqaBridge {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiReply<ApiOutputs[M]>>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}
