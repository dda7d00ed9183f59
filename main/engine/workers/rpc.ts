import type { MessagePort, Transferable, Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';

/**
 * Typed request/reply over a worker thread, one shape for every worker: the
 * caller's RpcClient sends calls by id, the worker's serveRpc answers each with
 * a result or an error, may report progress on the way, and stops work when
 * the caller's AbortSignal fires. Errors cross as WorkerError, so a UserError
 * thrown in a worker is a UserError (with its subject) for the caller.
 */

/** What a worker serves: method name → its params, result and progress. */
export type RpcMethods = Record<string, { params: unknown; result: unknown; progress?: unknown }>;

/** An error as it crosses the thread boundary. */
export interface WorkerError {
  name: string;
  message: string;
  subject?: string;
  stack?: string;
}

type Request = { rpc: 'call'; id: number; method: string; params: unknown } | { rpc: 'cancel'; id: number };

type Reply =
  | { rpc: 'result'; id: number; value: unknown }
  | { rpc: 'error'; id: number; error: WorkerError }
  | { rpc: 'progress'; id: number; progress: unknown }
  | { rpc: 'event'; event: unknown };

export function toWorkerError(e: unknown): WorkerError {
  if (e instanceof Error) {
    const subject = (e as { subject?: unknown }).subject;
    return {
      name: e.name,
      message: e.message,
      ...(typeof subject === 'string' ? { subject } : {}),
      ...(e.stack ? { stack: e.stack } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

/** UserError stays a UserError across the boundary, so front ends keep showing it as one line. */
export function fromWorkerError(w: WorkerError): Error {
  const error = w.name === 'UserError' ? new UserError(w.message, w.subject) : new Error(w.message);
  if (w.stack) error.stack = w.stack;
  return error;
}

/** A result sent with a transfer list (its buffers move to the caller instead of being copied). */
export class Transferred<T> {
  constructor(
    readonly value: T,
    readonly transfer: readonly Transferable[],
  ) {}
}

export interface CallOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
  transfer?: readonly Transferable[];
}

export interface RpcClientOptions {
  /** Names the worker in the error that fails calls when it stops: "the <name> stopped (exit code 1)". */
  name: string;
  /** Let the process exit while no call is out (the worker is held only during calls). */
  holdOnlyWhileBusy?: boolean;
  /** Events the worker emits outside any call. */
  onEvent?: (event: unknown) => void;
  /** Called once when the worker stops (error or exit), after the calls in flight are failed. */
  onStop?: (error: Error) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: unknown) => void;
}

/** The caller's side: calls by id, settled by the worker's replies or failed when the worker stops. */
export class RpcClient<M extends RpcMethods> {
  readonly #worker: Worker;
  readonly #options: RpcClientOptions;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stopped: Error | null = null;

  constructor(worker: Worker, options: RpcClientOptions) {
    this.#worker = worker;
    this.#options = options;
    if (options.holdOnlyWhileBusy) worker.unref();
    worker.on('message', (m: Reply) => this.#receive(m));
    worker.on('error', (e: Error) => this.#stop(new Error(`the ${options.name} stopped: ${e.message}`)));
    worker.on('exit', (code: number) =>
      this.#stop(new Error(`the ${options.name} stopped (exit code ${code})`)),
    );
  }

  /** Calls in flight. */
  get busy(): number {
    return this.#pending.size;
  }

  /** Why the worker is no longer usable; null while it is. */
  get stopped(): Error | null {
    return this.#stopped;
  }

  call<K extends keyof M & string>(
    method: K,
    params: M[K]['params'],
    options: CallOptions<M[K]['progress']> = {},
  ): Promise<M[K]['result']> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    const { signal, onProgress } = options;
    const onAbort = (): void => this.#worker.postMessage({ rpc: 'cancel', id } satisfies Request);
    if (this.#options.holdOnlyWhileBusy && this.#pending.size === 0) this.#worker.ref();
    return new Promise<M[K]['result']>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: onProgress as ((progress: unknown) => void) | undefined,
      });
      this.#worker.postMessage({ rpc: 'call', id, method, params } satisfies Request, options.transfer);
      // Already aborted: the worker starts and stops at once, as it would for a later abort.
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    }).finally(() => signal?.removeEventListener('abort', onAbort));
  }

  /**
   * Asks the worker to tidy up with `method` (when given), waits for its reply
   * (at most `waitMs`, when given), then ends the thread. Calls still in flight are failed.
   */
  async close(method?: keyof M & string, waitMs?: number): Promise<void> {
    if (method && !this.#stopped) {
      let timer: NodeJS.Timeout | undefined;
      const replied = this.call(method, undefined as M[typeof method]['params']).catch(() => undefined);
      const timeout = new Promise<void>((resolve) => {
        if (waitMs !== undefined) timer = setTimeout(resolve, waitMs);
      });
      await Promise.race([replied, timeout]);
      clearTimeout(timer);
    }
    this.#stop(new Error(`the ${this.#options.name} is closed`));
    await this.#worker.terminate();
  }

  #receive(m: Reply): void {
    if (m.rpc === 'event') {
      this.#options.onEvent?.(m.event);
      return;
    }
    const p = this.#pending.get(m.id);
    if (!p) return;
    if (m.rpc === 'progress') {
      p.onProgress?.(m.progress);
      return;
    }
    this.#settled(m.id);
    if (m.rpc === 'result') p.resolve(m.value);
    else p.reject(fromWorkerError(m.error));
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#options.holdOnlyWhileBusy && this.#pending.size === 0) this.#worker.unref();
  }

  #stop(error: Error): void {
    if (this.#stopped) return;
    this.#stopped = error;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
    this.#options.onStop?.(error);
  }
}

export interface RpcContext<P> {
  /** Aborted when the caller's signal fires. */
  signal: AbortSignal;
  progress(progress: P): void;
}

export type RpcHandlers<M extends RpcMethods> = {
  [K in keyof M]: (
    params: M[K]['params'],
    context: RpcContext<M[K]['progress']>,
  ) => M[K]['result'] | Transferred<M[K]['result']> | Promise<M[K]['result'] | Transferred<M[K]['result']>>;
};

/**
 * The worker's side: answers each call with its handler's result or error.
 * Calls run concurrently, as they arrive. Returns `emit`, for events outside
 * any call (RpcClientOptions.onEvent).
 */
export function serveRpc<M extends RpcMethods>(
  port: MessagePort,
  handlers: RpcHandlers<M>,
): { emit(event: unknown): void } {
  const running = new Map<number, AbortController>();
  const post = (reply: Reply, transfer?: readonly Transferable[]): void => port.postMessage(reply, transfer);
  port.on('message', (m: Request) => {
    if (m.rpc === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(m.id, controller);
    const context: RpcContext<unknown> = {
      signal: controller.signal,
      progress: (progress) => post({ rpc: 'progress', id: m.id, progress }),
    };
    const handler = handlers[m.method] as RpcHandlers<RpcMethods>[string] | undefined;
    new Promise((resolve) => {
      if (!handler) throw new Error(`no worker method ${m.method}`);
      resolve(handler(m.params, context));
    })
      .then((value) =>
        value instanceof Transferred
          ? post({ rpc: 'result', id: m.id, value: value.value }, value.transfer)
          : post({ rpc: 'result', id: m.id, value }),
      )
      // A failed handler, or a result that cannot be cloned.
      .catch((e: unknown) => post({ rpc: 'error', id: m.id, error: toWorkerError(e) }))
      .finally(() => running.delete(m.id));
  });
  return { emit: (event) => post({ rpc: 'event', event }) };
}
