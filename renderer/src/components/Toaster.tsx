import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
}

type Notify = (message: string, tone?: Toast['tone']) => void;

const NotifyContext = createContext<Notify>(() => undefined);
const ToastsContext = createContext<Toast[]>([]);

/** `notify(message)`: a short toast, also read out by screen readers. */
export function useNotify(): Notify {
  return useContext(NotifyContext);
}

export function Toaster({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const notify = useCallback((message: string, tone: Toast['tone'] = 'info') => {
    const id = next.current++;
    setToasts((list) => [...list.slice(-2), { id, message, tone }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), tone === 'error' ? 8000 : 3000);
  }, []);
  return (
    <NotifyContext.Provider value={notify}>
      <ToastsContext.Provider value={toasts}>{children}</ToastsContext.Provider>
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
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast">
          {t.message}
        </div>
      ))}
    </div>
  );
}
