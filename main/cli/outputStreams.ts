/**
 * `docqa ingest DIR | head -1` or `| true`: the reader of stdout goes away and the next
 * write fails with EPIPE, which Node raises as an unhandled 'error' event (a stack trace,
 * exit 1). The work itself is done or still worth finishing (indexed files stay
 * indexed), so a closed pipe is not an error here: later writes are dropped, the
 * command ends normally, and long-running commands (`watch`) stop through `outputClosed`.
 */

const closed = new AbortController();

/** Aborted once stdout can no longer be written (its reader has gone). */
export const outputClosed: AbortSignal = closed.signal;

function onStreamError(stream: 'stdout' | 'stderr', e: NodeJS.ErrnoException): void {
  if (stream === 'stdout') closed.abort();
  if (e.code === 'EPIPE') return;
  // Anything else (a full disk behind `> file`, a vanished terminal) is worth one line, where possible.
  process.exitCode = 1;
  if (stream === 'stdout' && !process.stderr.destroyed)
    process.stderr.write(`docqa: cannot write the output: ${e.message}\n`);
}

/** Installs the handlers; call once, before anything is written. */
export function guardOutputStreams(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => onStreamError('stdout', e));
  process.stderr.on('error', (e: NodeJS.ErrnoException) => onStreamError('stderr', e));
}
