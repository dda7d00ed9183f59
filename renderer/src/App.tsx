import { useCallback, useEffect, useState } from 'react';
import type { AppCommand, ConversationSummary } from '../../main/api/contract.js';
import { api } from './api/client.js';
import { I18nProvider, resolveLanguage, useI18n } from './i18n/index.js';
import { useAppState } from './state/AppState.js';
import { useTheme } from './state/theme.js';
import { Icon, type IconName } from './components/Icon.js';
import { ToastArea, Toaster, useNotify } from './components/Toaster.js';
import { ChatView, QUESTION_BOX_ID } from './views/ChatView.js';
import { FOLDER_PATH_ID, LibraryView } from './views/LibraryView.js';
import { SettingsView } from './views/SettingsView.js';

type View = 'chat' | 'library' | 'settings';

export function App() {
  const { settings } = useAppState();
  const language = resolveLanguage(settings?.language ?? 'system', navigator.languages);
  useTheme(settings?.theme ?? 'system');
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  }, [language]);
  return (
    <I18nProvider language={language}>
      <Toaster>
        <Shell />
      </Toaster>
    </I18nProvider>
  );
}

/** Focuses now when the element is on screen, else after the view switch has rendered it. */
function focusSoon(id: string): void {
  const element = document.getElementById(id);
  if (element) element.focus();
  else requestAnimationFrame(() => document.getElementById(id)?.focus());
}

function Shell() {
  const { t } = useI18n();
  const { info, ingest, reembed, connectionLost, refresh, reportError } = useAppState();
  const notify = useNotify();
  const [view, setView] = useState<View>('chat');
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);

  const loadConversations = useCallback(() => {
    api.call('listConversations').then(setConversations, (e: unknown) => reportError(e));
  }, [reportError]);
  useEffect(loadConversations, [loadConversations]);

  const perform = useCallback(
    async (command: AppCommand) => {
      switch (command) {
        case 'focus-question':
        case 'show-chat':
          setView('chat');
          focusSoon(QUESTION_BOX_ID);
          break;
        case 'new-conversation':
          setView('chat');
          setConversationId(null);
          focusSoon(QUESTION_BOX_ID);
          break;
        case 'show-library':
          setView('library');
          break;
        case 'show-settings':
          setView('settings');
          break;
        case 'add-folder': {
          setView('library');
          if (!info?.canPickFolder) return focusSoon(FOLDER_PATH_ID);
          try {
            const picked = await api.call('pickFolder');
            if (picked) await api.call('addFolder', { path: picked });
          } catch (e) {
            reportError(e);
          }
          break;
        }
      }
    },
    [info, reportError],
  );

  useEffect(() => api.onEvent((e) => e.type === 'command' && void perform(e.command)), [perform]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        void perform('focus-question');
      } else if (e.altKey && !mod && ['1', '2', '3'].includes(e.key)) {
        e.preventDefault();
        void perform((['show-chat', 'show-library', 'show-settings'] as const)[Number(e.key) - 1]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [perform]);

  const nav: [View, IconName, string][] = [
    ['chat', 'chat', t('nav.chat')],
    ['library', 'library', t('nav.library')],
    ['settings', 'settings', t('nav.settings')],
  ];
  const progress = ingest?.running ? ingest.progress : null;
  const percent =
    progress && progress.bytesTotal > 0 ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100) : 0;

  return (
    <div className="app">
      <nav className="sidebar" aria-label={t('nav.label')}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            Q
          </span>
          <span>{t('app.name')}</span>
        </div>
        <ul className="nav">
          {nav.map(([id, icon, label], i) => (
            <li key={id}>
              <button
                type="button"
                className="nav-item"
                aria-current={view === id ? 'page' : undefined}
                title={`${label} (Alt+${i + 1})`}
                onClick={() => setView(id)}
              >
                <Icon name={icon} />
                {label}
              </button>
            </li>
          ))}
        </ul>
        {view === 'chat' ? (
          <div className="conversations">
            <div className="conversations-head">
              <h2>{t('nav.conversations')}</h2>
              <button
                type="button"
                className="icon-button"
                aria-label={t('nav.newConversation')}
                title={t('nav.newConversation')}
                onClick={() => void perform('new-conversation')}
              >
                <Icon name="plus" />
              </button>
            </div>
            {conversations.length === 0 ? <p className="muted small">{t('nav.noConversations')}</p> : null}
            <ul className="conversation-list">
              {conversations.map((c) => (
                <li key={c.id} className="conversation-row">
                  <button
                    type="button"
                    className="conversation"
                    aria-current={conversationId === c.id ? 'true' : undefined}
                    onClick={() => setConversationId(c.id)}
                  >
                    {c.title}
                  </button>
                  <button
                    type="button"
                    className="icon-button icon-button-quiet"
                    aria-label={t('nav.deleteConversation', { title: c.title })}
                    onClick={() => {
                      const wasOpen = conversationId === c.id;
                      api.call('deleteConversation', { conversationId: c.id }).then(() => {
                        if (wasOpen) setConversationId(null);
                        loadConversations();
                        notify(t('nav.conversationDeleted', { title: c.title }), 'info', {
                          label: t('nav.undo'),
                          run: () =>
                            void api.call('restoreConversation', { conversationId: c.id }).then(() => {
                              loadConversations();
                              if (wasOpen) setConversationId(c.id);
                            }, reportError),
                        });
                      }, reportError);
                    }}
                  >
                    <Icon name="trash" />
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <div className="conversations" />
        )}
        {progress ? (
          <button type="button" className="sidebar-progress" onClick={() => setView('library')}>
            {progress.phase === 'waiting' ||
            progress.phase === 'scanning' ||
            progress.phase === 'loading-model' ||
            progress.phase === 'compacting'
              ? t(`library.phase.${progress.phase}`)
              : t('nav.indexing', { percent })}
          </button>
        ) : reembed?.running ? (
          <button type="button" className="sidebar-progress" onClick={() => setView('settings')}>
            {t('nav.reembedding', {
              percent: reembed.progress?.chunksTotal
                ? Math.floor((reembed.progress.chunksDone / reembed.progress.chunksTotal) * 100)
                : 0,
            })}
          </button>
        ) : null}
      </nav>
      <main className="content">
        {connectionLost ? (
          <div className="banner" role="alert">
            {t('connection.lost')}
            <button type="button" className="button button-small" onClick={() => void refresh()}>
              {t('connection.retry')}
            </button>
          </div>
        ) : null}
        <ToastArea />
        {view === 'chat' ? (
          <ChatView
            conversationId={conversationId}
            onConversation={setConversationId}
            onConversationsChanged={loadConversations}
            onGoToLibrary={() => void perform('add-folder')}
          />
        ) : view === 'library' ? (
          <LibraryView />
        ) : (
          <SettingsView />
        )}
      </main>
    </div>
  );
}
