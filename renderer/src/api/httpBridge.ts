import type { ApiEvent, ApiReply, DocqaBridge } from '../../../main/api/contract.js';

/**
 * Web mode's side of the bridge: `POST /api/<method>` with JSON, events from
 * one shared EventSource on `/api/events`. The access token travels in the
 * HttpOnly SameSite=Strict cookie the server set when the page was opened.
 */
export function createHttpBridge(): DocqaBridge {
  const listeners = new Set<(event: ApiEvent) => void>();
  let source: EventSource | null = null;

  const dispatch = (event: ApiEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const connect = (): void => {
    let opened = false;
    source = new EventSource('/api/events');
    source.onmessage = (message) => dispatch(JSON.parse(message.data as string) as ApiEvent);
    // EventSource reconnects by itself; events sent while it was away are lost, so re-read the state.
    source.onopen = () => {
      if (opened) dispatch({ type: 'library-changed', reason: 'reconnected' });
      opened = true;
    };
  };

  return {
    async call(method, input) {
      let response: Response;
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        return {
          ok: false,
          error: { kind: 'internal', message: 'connection-lost', code: 'connection-lost', params: {} },
        };
      }
      try {
        return (await response.json()) as ApiReply<never>;
      } catch {
        return {
          ok: false,
          error: {
            kind: 'internal',
            message: `HTTP ${response.status}`,
            code: 'bad-response',
            params: { status: String(response.status) },
          },
        };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!source) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = null;
        }
      };
    },
  };
}
