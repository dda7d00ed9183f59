import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

/** A button in a toast ("Undo"): pressing it runs `run` and closes the toast. */
export interface ToastAction {
  label: string;
  run(): void;
}

interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  action?: ToastAction;
}

type Notify = (message: string, tone?: Toast['tone'], action?: ToastAction) => void;

/** How long a toast stays: an error or one with a button longer, to be read or used. */
const TOAST_MS = { info: 3000, error: 8000, action: 10_000 } as const;
const DismissContext = createContext<(id: number) => void>(() => undefined);

const NotifyContext = createContext<Notify>(() => undefined);
const ToastsContext = createContext<Toast[]>([]);

/** `notify(message)`: a short toast, also read out by screen readers. */
export function useNotify(): Notify {
  return useContext(NotifyContext);
}

export function Toaster({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const notify = useCallback(
    (message: string, tone: Toast['tone'] = 'info', action?: ToastAction) => {
      const id = next.current++;
      setToasts((list) => [...list.slice(-2), { id, message, tone, action }]);
      setTimeout(() => dismiss(id), action ? TOAST_MS.action : TOAST_MS[tone]);
    },
    [dismiss],
  );
  return (
    <NotifyContext.Provider value={notify}>
      <DismissContext.Provider value={dismiss}>
        <ToastsContext.Provider value={toasts}>{children}</ToastsContext.Provider>
      </DismissContext.Provider>
    </NotifyContext.Provider>
  );
}

/**
 * Where the toasts show: a strip in the layout's flow at the top of the content
 * column (not an overlay), so a toast takes its own room and never covers a
 * control such as the Ask button; the composer stays where it is.
 */
export function ToastArea() {
  const toasts = useContext(ToastsContext);
  const dismiss = useContext(DismissContext);
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast">
          {t.message}
          {t.action ? (
            <button
              type="button"
              className="toast-action"
              onClick={() => {
                dismiss(t.id);
                t.action!.run();
              }}
            >
              {t.action.label}
            </button>
          ) : null}
        </div>
      ))}
    </div>
  );
}
