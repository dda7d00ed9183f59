import type { Worker } from 'node:worker_threads';

/** How long a worker gets to stop by itself before it is terminated. */
export const STOP_GRACE_MS = 30_000;

/**
 * A promise of the worker's exit; take it right after spawning (an `exit`
 * listener added later would miss an early exit).
 */
export function exitOf(worker: Worker): Promise<void> {
  return new Promise((resolve) => worker.once('exit', () => resolve()));
}

/**
 * Stop a worker that may be inside onnxruntime: post it `request` (it releases
 * its session and closes its port) and wait for it to exit.
 *
 * Worker.terminate() while the thread is inside a native ORT call (a session
 * loading or running) makes onnxruntime-node's node-addon-api code throw a C++
 * Napi::Error that nothing catches, and the whole process aborts: "terminate
 * called after throwing an instance of 'Napi::Error'", exit 134 — what `docqa
 * ask` did now and then when it closed while the answer workers were still
 * loading. A worker asked to stop finishes the call it is in first. terminate()
 * stays the last resort, for a worker that does not exit within `graceMs`.
 */
export async function stopWorker(
  worker: Worker,
  exited: Promise<void>,
  request: unknown,
  graceMs = STOP_GRACE_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  try {
    worker.postMessage(request);
    if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A flag shared with a worker that tells whether it has begun calling into
 * onnxruntime. Until it has, terminate() is safe and immediate (a pack closed
 * while its workers are still loading their code need not wait for them to
 * load a model nobody needs); from then on only stopWorker's ask-and-wait is.
 * Both sides flip it with one atomic compare-and-swap, so they cannot both win.
 */
export type OrtGate = Int32Array;

const NOT_ENTERED = 0;
const ENTERED = 1;
const SHUT = 2;

export function newOrtGate(): OrtGate {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Worker side, before its first ORT call: false when the pack was closed first (exit instead). */
export function enterOrt(gate: OrtGate): boolean {
  return Atomics.compareExchange(gate, 0, NOT_ENTERED, ENTERED) !== SHUT;
}

/** Caller side: true when the worker has not entered ORT and now never will. */
export function shutBeforeOrt(gate: OrtGate): boolean {
  return Atomics.compareExchange(gate, 0, NOT_ENTERED, SHUT) !== ENTERED;
}
