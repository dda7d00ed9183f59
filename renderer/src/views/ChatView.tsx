import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AskResult, ConversationTurn, SearchResult } from '../../../main/api/contract.js';
import { textLanguage } from '../../../main/engine/search/textLanguage.js';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { baseName } from '../text.js';
import { useAppState } from '../state/AppState.js';
import { Icon } from '../components/Icon.js';
import { PreviewPane } from '../components/PreviewPane.js';
import { SourceCard, type SourceActions } from '../components/SourceCard.js';
import { useNotify } from '../components/Toaster.js';
import { ErrorText } from '../components/ErrorText.js';
import { useFileActions } from '../components/fileActions.js';
import { shownAt, signalLedger, type ImplicitSignal } from '../state/sourceSignals.js';

const FIRST_SOURCES = 5;
/** As many translated terms as `docqa ask` prints after "Also searched:". */
const MAX_TERMS_SHOWN = 24;
export const QUESTION_BOX_ID = 'question';

/** The source in the preview, with the answer it was shown in (the same passage can be in several). */
interface Selected {
  result: SearchResult;
  answer: AskResult;
}

/**
 * Opening, previewing or copying a source hints that it answered: sent once per
 * passage of an answer, after the action has started, and never in its way (a
 * failure is ignored: the hint is only worth so much).
 */
function hintChosen(answer: AskResult, result: SearchResult, signal: ImplicitSignal): void {
  const at = shownAt(answer, result);
  if (at && signalLedger.firstTime(at, signal))
    api.call('feedback', { ...at, signal }).catch(() => undefined);
}

export function ChatView(props: {
  conversationId: number | null;
  onConversation(id: number | null): void;
  onConversationsChanged(): void;
  onGoToLibrary(): void;
}) {
  const { t } = useI18n();
  const { status, ingest, refresh, reportError } = useAppState();
  const notify = useNotify();
  const [turns, setTurns] = useState<ConversationTurn[]>([]);
  const [question, setQuestion] = useState('');
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Selected | null>(null);
  const [announcement, setAnnouncement] = useState('');
  /** Questions the built-in samples answer, offered once they were added from the first-run screen. */
  const [sampleQuestions, setSampleQuestions] = useState<string[]>([]);
  const threadRef = useRef<HTMLDivElement>(null);
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const loadedFor = useRef<number | null>(null);
  /** The turn to bring into view once rendered: one just asked (smoothly) or the last of one opened. */
  const scrollToTurn = useRef<{ id: number; smooth: boolean } | null>(null);
  const files = useFileActions(notify, t, reportError);

  // Load a conversation picked in the sidebar (not the one we just extended ourselves).
  useEffect(() => {
    const id = props.conversationId;
    if (id === loadedFor.current) return;
    loadedFor.current = id;
    setSelected(null);
    if (id === null) {
      setTurns([]);
      return;
    }
    api.call('conversation', { conversationId: id }).then(
      (list) => {
        // A conversation opens at its latest question, as it was left.
        scrollToTurn.current = list.length ? { id: list[list.length - 1].id, smooth: false } : null;
        setTurns(list);
      },
      (e: unknown) => setError(reportError(e)),
    );
  }, [props.conversationId, reportError]);

  useEffect(() => {
    boxRef.current?.focus();
  }, []);

  // Bring a new answer into view once it is rendered: a frame requested when the answer
  // arrived could run before React committed it, and then scrolled to the previous turn.
  useEffect(() => {
    const want = scrollToTurn.current;
    const turn = want && threadRef.current?.querySelector(`.turn[data-turn-id="${want.id}"]`);
    if (!turn) return;
    scrollToTurn.current = null;
    turn.scrollIntoView({ block: 'start', behavior: want.smooth ? 'smooth' : 'auto' });
  }, [turns]);

  // `asWritten`: asked again from an answer whose misspelt-looking words were corrected, as the user wrote them.
  const askQuestion = useCallback(
    async (q: string, asWritten: boolean) => {
      if (!q || asking) return;
      setAsking(true);
      setError(null);
      try {
        const turn = await api.call('askInConversation', {
          conversationId: props.conversationId,
          question: q,
          ...(asWritten ? { asWritten } : {}),
        });
        loadedFor.current = turn.conversationId;
        scrollToTurn.current = { id: turn.id, smooth: true };
        setTurns((list) => [...list, turn]);
        if (!asWritten) setQuestion('');
        setAnnouncement(
          turn.answer.notFound
            ? t('chat.answerNotFound')
            : t('chat.answerReady', { count: turn.answer.results.length }),
        );
        if (turn.conversationId !== props.conversationId) props.onConversation(turn.conversationId);
        props.onConversationsChanged();
      } catch (e) {
        setError(reportError(e));
      } finally {
        setAsking(false);
      }
    },
    [asking, props, t, reportError],
  );
  const ask = useCallback(() => askQuestion(question.trim(), false), [askQuestion, question]);

  const cards = (): HTMLElement[] => [
    ...(threadRef.current?.querySelectorAll<HTMLElement>('[data-testid="source-card"]') ?? []),
  ];

  const moveFocus = (from: HTMLElement, delta: number): void => {
    const list = cards();
    const next = list[list.indexOf(from) + delta];
    if (next) {
      next.focus();
      // With the preview open, it follows the focused source (browsing: no hint that it answered).
      if (selected) {
        const id = Number(next.dataset.chunkId);
        const turnId = Number(next.closest<HTMLElement>('.turn')?.dataset.turnId);
        const answer = turns.find((turn) => turn.id === turnId)?.answer;
        const result = answer?.results.find((r) => r.chunkId === id);
        if (answer && result) setSelected({ result, answer });
      }
    } else if (delta > 0) boxRef.current?.focus();
  };

  const actionsFor = (answer: AskResult): SourceActions => ({
    preview: (r) => {
      setSelected({ result: r, answer });
      hintChosen(answer, r, 'preview');
    },
    open: (r) => {
      void files.open(r.absPath, r.documentId, baseName(r.path));
      hintChosen(answer, r, 'open');
    },
    reveal: (r) => void files.reveal(r.absPath, baseName(r.path)),
    copy: (r) => {
      void files.copy(r.text);
      hintChosen(answer, r, 'copy');
    },
  });

  const onCardKey = (answer: AskResult, result: SearchResult) => (e: KeyboardEvent<HTMLElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      moveFocus(e.currentTarget, e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      actionsFor(answer).preview(result);
    } else if (e.key === 'Escape') {
      setSelected(null);
      boxRef.current?.focus();
    }
  };

  const onBoxKey = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void ask();
    } else if (
      (e.key === 'ArrowUp' || e.key === 'ArrowDown') &&
      !e.shiftKey &&
      !e.altKey &&
      !e.ctrlKey &&
      !e.metaKey &&
      caretOnEdgeLine(e.currentTarget, e.key === 'ArrowUp' ? 'first' : 'last')
    ) {
      // ↑ from the box's first line (↓ from its last) steps into the latest answer's sources;
      // inside a question of several lines the arrows still move the caret.
      const lastTurn = threadRef.current?.querySelector('.turn:last-of-type');
      const first = lastTurn?.querySelector<HTMLElement>('[data-testid="source-card"]');
      if (first) {
        e.preventDefault();
        first.focus();
        first.scrollIntoView({ block: 'nearest' });
      }
    }
  };

  const noFolders = status !== null && status.folders.length === 0;

  const trySamples = async (): Promise<void> => {
    try {
      const added = await api.call('addSampleFolder');
      setSampleQuestions(added.questions);
      await refresh();
      boxRef.current?.focus();
    } catch (e) {
      setError(reportError(e));
    }
  };
  const shortcut = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘K' : 'Ctrl+K';

  return (
    <div className={`chat${selected ? ' chat-with-preview' : ''}`}>
      <section className="chat-main" aria-label={t('nav.chat')}>
        <div className="thread" ref={threadRef}>
          {noFolders && turns.length === 0 ? (
            <div className="empty" data-testid="first-run">
              <h2>{t('chat.firstRunTitle')}</h2>
              <p>{t('chat.firstRunBody')}</p>
              <div className="empty-actions">
                <button type="button" className="button button-primary" onClick={props.onGoToLibrary}>
                  <Icon name="plus" />
                  {t('chat.firstRunAction')}
                </button>
                <button type="button" className="button" onClick={() => void trySamples()}>
                  {t('chat.firstRunSamples')}
                </button>
              </div>
            </div>
          ) : turns.length === 0 ? (
            <div className="empty">
              <h2>{t('chat.welcomeTitle')}</h2>
              <p>{t('chat.welcomeBody')}</p>
              <p className="muted">{t('chat.shortcut', { key: shortcut })}</p>
              {sampleQuestions.length ? (
                <div className="sample-questions" data-testid="sample-questions">
                  <p className="muted">
                    {ingest?.running ? t('chat.sampleQuestionsWait') : t('chat.sampleQuestions')}
                  </p>
                  {sampleQuestions.map((q) => (
                    <button
                      key={q}
                      type="button"
                      className="button button-small"
                      disabled={Boolean(ingest?.running) || asking}
                      onClick={() => void askQuestion(q, false)}
                    >
                      {q}
                    </button>
                  ))}
                </div>
              ) : null}
            </div>
          ) : (
            turns.map((turn) => (
              <Turn
                key={turn.id}
                turn={turn}
                selected={selected?.result ?? null}
                actions={actionsFor(turn.answer)}
                onCardKey={(r) => onCardKey(turn.answer, r)}
                onAskAsWritten={() => void askQuestion(turn.question, true)}
              />
            ))
          )}
        </div>
        <div className="composer">
          {ingest?.running ? <p className="notice">{t('chat.indexingNotice')}</p> : null}
          <ErrorText message={error} />
          <form
            className="composer-form"
            onSubmit={(e) => {
              e.preventDefault();
              void ask();
            }}
          >
            <label htmlFor={QUESTION_BOX_ID} className="visually-hidden">
              {t('chat.question')}
            </label>
            <textarea
              id={QUESTION_BOX_ID}
              ref={boxRef}
              className="composer-input"
              rows={1}
              value={question}
              placeholder={t('chat.placeholder')}
              onChange={(e) => setQuestion(e.target.value)}
              onKeyDown={onBoxKey}
              maxLength={10_000}
            />
            <button type="submit" className="button button-primary" disabled={asking || !question.trim()}>
              <Icon name="send" />
              {t('chat.ask')}
            </button>
          </form>
          <p className="composer-status muted" aria-live="polite">
            {asking ? t('chat.asking') : announcement}
          </p>
        </div>
      </section>
      {selected ? (
        <PreviewPane
          result={selected.result}
          actions={actionsFor(selected.answer)}
          onClose={() => {
            setSelected(null);
            boxRef.current?.focus();
          }}
        />
      ) : null}
    </div>
  );
}

function Turn({
  turn,
  selected,
  actions,
  onCardKey,
  onAskAsWritten,
}: {
  turn: ConversationTurn;
  selected: SearchResult | null;
  actions: SourceActions;
  onCardKey: (r: SearchResult) => (e: KeyboardEvent<HTMLElement>) => void;
  onAskAsWritten: () => void;
}) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const { answer } = turn;
  const shown = expanded ? answer.results : answer.results.slice(0, FIRST_SOURCES);
  const questionLang = textLanguage(turn.question);
  const { translatedTerms, missingNames, weakMatch, corrections } = answer;
  return (
    <section className="turn" aria-label={turn.question} data-turn-id={turn.id}>
      <p className="turn-question">{turn.question}</p>
      {answer.notFound ? (
        <div className="not-found" data-testid="not-found">
          <h3>{t('chat.notFoundTitle')}</h3>
          <p>{t('chat.notFoundBody')}</p>
        </div>
      ) : null}
      {corrections.length ? (
        // A word no document holds was searched as the library's nearest word: say so, and offer the words as written.
        <p className="turn-meta turn-corrections muted" data-testid="corrections">
          {t('chat.searchedFor', {
            words: corrections.map((c) => t('chat.correction', c)).join(t('list.separator')),
          })}{' '}
          <button type="button" className="link-button" data-testid="ask-as-written" onClick={onAskAsWritten}>
            {t('chat.askAsWritten')}
          </button>
        </p>
      ) : null}
      {missingNames.length ? (
        // Why "not found", or a warning beside an answer: the documents never name these.
        <p className="turn-meta turn-missing-names muted" data-testid="missing-names">
          {t('chat.missingNames', { names: missingNames.join(t('list.separator')) })}
        </p>
      ) : null}
      {weakMatch ? (
        // Answered in other words than the documents', or not answered at all: the reader decides.
        <p className="turn-meta turn-weak-match muted" data-testid="weak-match">
          {t('chat.weakMatch')}
        </p>
      ) : null}
      {answer.results.length > 0 ? (
        <>
          {answer.notFound ? (
            // As the CLI does: what came closest, clearly not offered as the answer.
            <h4 className="closest-title" data-testid="closest-title">
              {t('chat.closestTitle')}
            </h4>
          ) : (
            <p className="turn-meta muted">
              {t('chat.sources', { count: answer.results.length })} ·{' '}
              {t('chat.took', { ms: Math.round(answer.tookMs) })}
            </p>
          )}
          {translatedTerms.length ? (
            <p className="turn-meta turn-also-searched muted" data-testid="also-searched">
              {t('chat.alsoSearched', {
                terms:
                  translatedTerms.slice(0, MAX_TERMS_SHOWN).join(t('list.separator')) +
                  (translatedTerms.length > MAX_TERMS_SHOWN ? t('list.separator') + '…' : ''),
              })}
            </p>
          ) : null}
          <div
            className={`sources${answer.notFound ? ' sources-closest' : ''}`}
            role="list"
            aria-label={t('source.list', { question: turn.question })}
          >
            {shown.map((r, i) => (
              <div role="listitem" key={r.chunkId}>
                <SourceCard
                  result={r}
                  rank={i + 1}
                  selected={selected === r}
                  actions={actions}
                  questionLang={questionLang}
                  shownAt={shownAt(answer, r)}
                  onKeyDown={onCardKey(r)}
                />
              </div>
            ))}
          </div>
          {answer.results.length > shown.length ? (
            <button type="button" className="button button-ghost" onClick={() => setExpanded(true)}>
              {t('chat.showMore', { count: answer.results.length - shown.length })}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** Whether the caret (no selection) is on the box's first or last line, where ↑ or ↓ would leave it. */
function caretOnEdgeLine(box: HTMLTextAreaElement, edge: 'first' | 'last'): boolean {
  const { selectionStart, selectionEnd, value } = box;
  if (selectionStart !== selectionEnd) return false;
  return edge === 'first'
    ? !value.slice(0, selectionStart).includes('\n')
    : !value.slice(selectionEnd).includes('\n');
}
