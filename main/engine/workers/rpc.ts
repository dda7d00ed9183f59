import type { MessagePort, Transferable, Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { exitOf, shutBeforeOrt, stopWorker, STOP_GRACE_MS, type OrtGate } from './stopWorker.js';

/**
 * Typed request/reply over a worker thread, one shape for every worker: the
 * caller's RpcClient sends calls by id, the worker's serveRpc answers each with
 * a result or an error, may report progress on the way, and stops work when
 * the caller's AbortSignal fires. Errors cross as WorkerError, so a UserError
 * thrown in a worker is a UserError (with its subject) for the caller.
 *
 * close() never terminates a thread that may be inside onnxruntime (exit 134
 * 'Napi::Error', see stopWorker.ts): it asks the worker to close, serveRpc
 * lets the calls in flight finish, tidies up and closes the port, and the
 * thread exits by itself; terminate() is the last resort after a grace period.
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

type Request =
  | { rpc: 'call'; id: number; method: string; params: unknown }
  | { rpc: 'cancel'; id: number }
  /** Finish the calls in flight, tidy up, close the port (the thread then exits). */
  | { rpc: 'close' };

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
  /**
   * Shared with a worker that loads onnxruntime (workers/stopWorker.ts): while
   * it has not begun to, close() terminates it at once instead of waiting for it.
   */
  ortGate?: OrtGate;
  /** How long close() waits for the thread to exit by itself before terminating it. */
  stopGraceMs?: number;
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
  readonly #exited: Promise<void>;
  #hasExited = false;
  #closing: Promise<void> | null = null;

  constructor(worker: Worker, options: RpcClientOptions) {
    this.#worker = worker;
    this.#options = options;
    this.#exited = exitOf(worker).then(() => void (this.#hasExited = true));
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
   * (at most `waitMs`, when given), then ends the thread: at once when its
   * ortGate shows it never entered onnxruntime, else by asking it to close and
   * waiting for it to exit (terminate() only after `stopGraceMs`). Calls still
   * in flight are failed at once.
   */
  close(method?: keyof M & string, waitMs?: number): Promise<void> {
    this.#closing ??= this.#close(method, waitMs);
    return this.#closing;
  }

  async #close(method: (keyof M & string) | undefined, waitMs: number | undefined): Promise<void> {
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
    if (this.#hasExited) return;
    const gate = this.#options.ortGate;
    if (gate && shutBeforeOrt(gate)) {
      await this.#worker.terminate();
      return;
    }
    const request: Request = { rpc: 'close' };
    await stopWorker(this.#worker, this.#exited, request, this.#options.stopGraceMs ?? STOP_GRACE_MS);
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

export interface ServeRpcOptions {
  /**
   * The worker's last tidy-up when the caller closes it (release an ORT
   * session...), run once the calls in flight have finished; the port is
   * closed after it, so the thread exits once nothing else holds it.
   */
  onClose?: () => void | Promise<void>;
}

/**
 * The worker's side: answers each call with its handler's result or error.
 * Calls run concurrently, as they arrive. Returns `emit`, for events outside
 * any call (RpcClientOptions.onEvent), and `closing`, aborted as soon as the
 * caller asks the worker to close (e.g. to skip work still to come in a load).
 */
export function serveRpc<M extends RpcMethods>(
  port: MessagePort,
  handlers: RpcHandlers<M>,
  options: ServeRpcOptions = {},
): { emit(event: unknown): void; closing: AbortSignal } {
  const running = new Map<number, { controller: AbortController; done: Promise<unknown> }>();
  const closing = new AbortController();
  const post = (reply: Reply, transfer?: readonly Transferable[]): void => port.postMessage(reply, transfer);
  const close = async (): Promise<void> => {
    closing.abort();
    for (const call of running.values()) call.controller.abort();
    // A call inside onnxruntime is finished, not cut off (stopWorker.ts); nobody reads its answer.
    await Promise.allSettled([...running.values()].map((call) => call.done));
    await Promise.resolve()
      .then(options.onClose)
      .catch(() => undefined);
    port.close();
  };
  port.on('message', (m: Request) => {
    if (m.rpc === 'close') {
      if (!closing.signal.aborted) void close();
      return;
    }
    if (m.rpc === 'cancel') {
      running.get(m.id)?.controller.abort();
      return;
    }
    if (closing.signal.aborted) return;
    const controller = new AbortController();
    const context: RpcContext<unknown> = {
      signal: controller.signal,
      progress: (progress) => post({ rpc: 'progress', id: m.id, progress }),
    };
    const handler = handlers[m.method] as RpcHandlers<RpcMethods>[string] | undefined;
    const done = new Promise((resolve) => {
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
    running.set(m.id, { controller, done });
  });
  return { emit: (event) => post({ rpc: 'event', event }), closing: closing.signal };
}
