import type {
  ApiErrorBody,
  ApiEvent,
  ApiInput,
  ApiOutputs,
  DocqaBridge,
} from '../../../main/api/contract.js';
import type { ApiMethod } from '../../../main/api/methods.js';
import { createHttpBridge } from './httpBridge.js';

declare global {
  interface Window {
    /** Set by the desktop app's preload; absent in web mode. */
    docqa?: DocqaBridge;
  }
}

/** Methods whose input has no required field can be called without one. */
type OptionalWhenEmpty<T> = Record<string, never> extends T ? [T?] : [T];

export class ApiCallError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
  }
  get connectionLost(): boolean {
    return this.body.message === 'connection-lost';
  }
}

/** The renderer's one way to the backend: IPC in the desktop app, HTTP in web mode. */
export class ApiClient {
  constructor(private readonly bridge: DocqaBridge) {}

  async call<M extends ApiMethod>(
    method: M,
    ...[input]: OptionalWhenEmpty<ApiInput<M>>
  ): Promise<ApiOutputs[M]> {
    const reply = await this.bridge.call(method, (input ?? {}) as ApiInput<M>);
    if (!reply.ok) throw new ApiCallError(reply.error);
    return reply.result;
  }

  onEvent(listener: (event: ApiEvent) => void): () => void {
    return this.bridge.onEvent(listener);
  }
}

export const api = new ApiClient(window.docqa ?? createHttpBridge());
