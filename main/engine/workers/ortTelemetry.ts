import { isMainThread } from 'node:worker_threads';

/**
 * Turn off onnxruntime's telemetry for the whole process.
 *
 * onnxruntime-node 1.30 on Linux starts a telemetry client when the first
 * session is created. It reads /proc/self/cmdline and matches it with a
 * recursive std::regex, one stack frame per few characters: with a command
 * line of ~12 KB or more (`docqa ask -- "<3,000 words>"`, 200 folders to
 * ingest) the thread creating the session — a worker, with a smaller stack —
 * overflows it and the process dies with SIGSEGV, no message. ORT skips the
 * client when `ORT_DISABLE_TELEMETRY` is set (and on CI, where `CI` is set:
 * why the crash never showed under `.ci/run`). DocQA is offline by promise,
 * so the client has no business running anyway.
 *
 * ORT reads the variable natively, from the process environment: only the
 * main thread's `process.env` writes through to it (a worker's is a copy).
 * Every worker is started through spawnWorker, which calls this first, and
 * sessions.ts calls it before any session, so whichever thread creates the
 * first session, the variable is already there.
 */
export function disableOrtTelemetry(): void {
  if (isMainThread && process.env.ORT_DISABLE_TELEMETRY !== '1') process.env.ORT_DISABLE_TELEMETRY = '1';
}
