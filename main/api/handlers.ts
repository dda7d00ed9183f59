import { UserError } from '../engine/errors.js';
import type { AppEngine } from './appEngine.js';
import type { ApiOutputs, ApiParsedInput, PackListing } from './contract.js';
import type { EventHub } from './eventHub.js';
import type { ApiHost } from './host.js';
import type { IngestRunner } from './ingestRunner.js';
import { fileFailureReason } from './failureReasons.js';
import { NOT_OPENED_MESSAGES, resolveLibraryFile, whyNotOpenable } from './libraryFiles.js';
import { catalogueListing, defaultModelsDir, listInstalledPacks } from '../engine/models/index.js';
import type { PackTasks } from './packTasks.js';
import type { ReembedRunner } from './reembedRunner.js';
import { typedFolderPath } from './typedFolderPath.js';
import { sampleLibrary } from '../engine/library/sampleLibrary.js';
import type { ApiMethod } from './methods.js';

export type ApiHandlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutputs[M]> };

export interface ApiContext {
  engine: AppEngine;
  reembed: ReembedRunner;
  host: ApiHost;
  ingest: IngestRunner;
  packs: PackTasks;
  events: EventHub;
}

const toListing = ({ name, dir, kind, version, dim, license, bytes }: PackListing): PackListing => ({
  name,
  dir,
  kind,
  version,
  dim,
  license,
  bytes,
});

/** The one implementation of every method, behind both IPC and HTTP. Inputs arrive validated. */
export function createHandlers({ engine, host, ingest, reembed, packs, events }: ApiContext): ApiHandlers {
  const changed = (reason: string): void => events.emit({ type: 'library-changed', reason });
  const libraryFile = async (p: string): Promise<string> => resolveLibraryFile(p, await engine.listFolders());
  return {
    appInfo: async () => ({
      mode: host.mode,
      version: host.version,
      platform: process.platform,
      arch: process.arch,
      canPickFolder: host.canPickFolder,
    }),
    status: async () => {
      const status = await engine.status();
      // A pack change (here, from the CLI, or before a restart) left vectors to redo: follow or resume it.
      if (status.needsReembed && !reembed.state().running) reembed.start();
      return status;
    },
    listFolders: () => engine.listFolders(),
    addFolder: async ({ path }) => {
      const folder = await engine.addFolder(typedFolderPath(path));
      changed('folder-added');
      ingest.start({ folderIds: [folder.id] });
      return folder;
    },
    addSampleFolder: async () => {
      const samples = sampleLibrary();
      const folder = await engine.addFolder(samples.folder, { ignore: samples.ignore });
      changed('folder-added');
      ingest.start({ folderIds: [folder.id] });
      return { folder, questions: samples.questions.map((q) => q.question) };
    },
    removeFolder: async ({ folderId }) => {
      const removal = await engine.removeFolder(folderId);
      changed('folder-removed');
      return removal;
    },
    restoreFolder: async ({ removalId }) => {
      const folder = await engine.restoreFolder(removalId);
      changed('folder-added');
      ingest.start({ folderIds: [folder.id] });
      return folder;
    },
    startIngest: async (input) => ingest.start(input),
    cancelIngest: async () => ingest.cancel(),
    ingestState: async () => ingest.state(),
    failedFiles: async ({ limit }) => {
      const [files, folders] = await Promise.all([engine.failedFiles(limit), engine.listFolders()]);
      const folderPath = new Map(folders.map((f) => [f.id, f.path]));
      return files.map((f) => ({
        ...f,
        folderPath: folderPath.get(f.folderId) ?? '',
        reason: fileFailureReason(f.error),
      }));
    },
    retryFailed: async () => ingest.start({ retry: true }),
    // Answers asked through the app are logged, so the user can say which passage answered.
    ask: ({ question, ...options }) => engine.ask(question, { ...options, log: true }),
    preview: ({ chunkId, contextChars }) => engine.preview(chunkId, contextChars),
    listConversations: () => engine.listConversations(),
    conversation: ({ conversationId }) => engine.conversation(conversationId),
    askInConversation: ({ conversationId, question, ...options }) =>
      engine.askInConversation(conversationId, question, options),
    deleteConversation: async ({ conversationId }) => {
      await engine.deleteConversation(conversationId);
      return null;
    },
    restoreConversation: async ({ conversationId }) => {
      await engine.restoreConversation(conversationId);
      return null;
    },
    feedback: ({ answerId, rank, signal }) => engine.feedback(answerId, rank, signal),
    learningState: () => engine.learningState(),
    restorePreviousModel: () => engine.restorePreviousModel(),
    eraseSignals: () => engine.eraseSignals(),
    exportSignals: () => engine.exportSignals(),
    getSettings: () => engine.getSettings(),
    updateSettings: async (patch) => {
      const settings = await engine.updateSettings(patch);
      changed('settings');
      // A new answer tower re-embeds in the background (the engine starts it; this follows it and
      // reports progress); for a question-only change the engine's reembed returns at once.
      if (patch.packDir !== undefined || patch.provider !== undefined) reembed.start();
      return settings;
    },
    reembedState: async () => reembed.state(),
    listPacks: async () => (await listInstalledPacks(defaultModelsDir())).map(toListing),
    modelCatalogue: async () =>
      catalogueListing(await listInstalledPacks(defaultModelsDir())).map(
        ({ id, title, license, languages, dim, recommendation, downloadBytes, installed }) => ({
          id,
          title,
          license,
          languages,
          dim,
          recommendation,
          downloadBytes,
          installed,
        }),
      ),
    downloadPack: async ({ id, precision }) => packs.download(id, precision),
    cancelPackDownload: async () => packs.cancel(),
    packDownloadState: async () => packs.state(),
    importPack: async ({ folder, name }) => toListing(await packs.import(folder, name)),
    openFile: async ({ path, documentId }) => {
      const file = await libraryFile(path);
      const reason = await whyNotOpenable(file, documentId, engine);
      if (reason === null) {
        await host.openPath(file);
        return { opened: 'file' };
      }
      // Never handed to the opener (it may run it): the person sees it in its folder instead.
      await host.showInFolder(file);
      return { opened: 'folder', reason, message: NOT_OPENED_MESSAGES[reason] };
    },
    showInFolder: async ({ path }) => {
      await host.showInFolder(await libraryFile(path));
      return null;
    },
    pickFolder: async () => {
      if (!host.canPickFolder)
        throw new UserError('there is no folder dialog in web mode: type the folder path');
      return host.pickFolder();
    },
  };
}
