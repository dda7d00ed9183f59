import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type {
  AppInfo,
  IngestState,
  LibrarySettings,
  LibraryStatus,
  ReembedState,
} from '../../../main/api/contract.js';
import { api, ApiCallError } from '../api/client.js';
import { resolveLanguage, translator } from '../i18n/index.js';
import { describeApiError } from '../reasons.js';

export interface AppState {
  info: AppInfo | null;
  status: LibraryStatus | null;
  settings: LibrarySettings | null;
  ingest: IngestState | null;
  reembed: ReembedState | null;
  connectionLost: boolean;
  /** Re-reads status (folders, counts, pack) and the ingest state. */
  refresh(): Promise<void>;
  updateSettings(patch: Partial<LibrarySettings>): Promise<void>;
  /** Reports an error from any call: a lost connection shows the banner; returns its text in the interface language. */
  reportError(e: unknown): string;
}

const Context = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(Context);
  if (!state) throw new Error('useAppState outside AppStateProvider');
  return state;
}

export function AppStateProvider({ children }: { children: ReactNode }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [status, setStatus] = useState<LibraryStatus | null>(null);
  const [settings, setSettings] = useState<LibrarySettings | null>(null);
  const [ingest, setIngest] = useState<IngestState | null>(null);
  const [reembed, setReembed] = useState<ReembedState | null>(null);
  const [connectionLost, setConnectionLost] = useState(false);
  const refreshing = useRef<Promise<void> | null>(null);
  const ingestRunning = useRef(false);
  // The interface language, as App resolves it, for the errors reportError words.
  const language = useRef(resolveLanguage('system', navigator.languages));
  language.current = resolveLanguage(settings?.language ?? 'system', navigator.languages);

  const reportError = useCallback((e: unknown): string => {
    if (e instanceof ApiCallError && e.connectionLost) setConnectionLost(true);
    if (e instanceof ApiCallError) return describeApiError(e.body, translator(language.current));
    return e instanceof Error ? e.message : String(e);
  }, []);

  const refresh = useCallback(async () => {
    // Many events can arrive together; one refresh at a time is enough.
    refreshing.current ??= (async () => {
      try {
        const [s, i, r] = await Promise.all([
          api.call('status'),
          api.call('ingestState'),
          api.call('reembedState'),
        ]);
        setStatus(s);
        setIngest(i);
        ingestRunning.current = i.running;
        setReembed(r);
        setConnectionLost(false);
      } catch (e) {
        reportError(e);
      } finally {
        refreshing.current = null;
      }
    })();
    return refreshing.current;
  }, [reportError]);

  const updateSettings = useCallback(
    async (patch: Partial<LibrarySettings>) => {
      setSettings(await api.call('updateSettings', patch));
      void refresh();
    },
    [refresh],
  );

  useEffect(() => {
    void (async () => {
      try {
        const [i, s] = await Promise.all([api.call('appInfo'), api.call('getSettings')]);
        setInfo(i);
        setSettings(s);
      } catch (e) {
        reportError(e);
      }
    })();
    void refresh();
    return api.onEvent((event) => {
      switch (event.type) {
        case 'ingest-progress':
          // A run just started: its folders are 'indexing' now (read them, for their badges).
          if (!ingestRunning.current) void refresh();
          ingestRunning.current = event.progress.phase !== 'done' && event.progress.phase !== 'cancelled';
          setIngest((prev) => ({
            running: true,
            queued: prev?.queued ?? false,
            progress: event.progress,
            lastSummary: prev?.lastSummary ?? null,
            lastError: null,
            lastErrorReason: null,
          }));
          break;
        case 'ingest-done':
        case 'ingest-failed':
        case 'library-changed':
          void refresh();
          break;
        case 'reembed':
          setReembed(event.state);
          break;
        case 'watch':
          if (event.event.type === 'indexed') void refresh();
          break;
      }
    });
  }, [refresh, reportError]);

  const value = useMemo(
    () => ({ info, status, settings, ingest, reembed, connectionLost, refresh, updateSettings, reportError }),
    [info, status, settings, ingest, reembed, connectionLost, refresh, updateSettings, reportError],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
