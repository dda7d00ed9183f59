import type { z } from 'zod';
import { describeError, isUserError, UserError } from '../engine/errors.js';
import type { AppEngine } from './appEngine.js';
import { apiInputs, type ApiErrorBody, type ApiReply } from './contract.js';
import { EventHub } from './eventHub.js';
import { createHandlers, type ApiHandlers } from './handlers.js';
import type { ApiHost } from './host.js';
import { IngestRunner } from './ingestRunner.js';
import { PackTasks } from './packTasks.js';
import { ReembedRunner } from './reembedRunner.js';
import { isApiMethod } from './methods.js';

export interface Api {
  /** Validates `input` against the method's schema, runs it, and never throws: errors come back as a reply. */
  call(method: string, input: unknown): Promise<ApiReply<unknown>>;
  readonly events: EventHub;
  readonly ingest: IngestRunner;
}

export interface ApiOptions {
  /** Receives internal (non-user) errors with their stack, for the log. */
  onInternalError?: (method: string, error: unknown) => void;
}

/** Builds the API over one engine; the desktop IPC bridge and the HTTP server both call `call`. */
export function createApi(engine: AppEngine, host: ApiHost, options: ApiOptions = {}): Api {
  const events = new EventHub();
  const ingest = new IngestRunner(engine, (e) => events.emit(e));
  const packs = new PackTasks((e) => events.emit(e));
  const reembed = new ReembedRunner(engine, (e) => events.emit(e));
  const handlers = createHandlers({ engine, host, ingest, reembed, packs, events });
  return {
    events,
    ingest,
    async call(method, input) {
      try {
        return { ok: true, result: await invoke(handlers, method, input) };
      } catch (e) {
        const error = toErrorBody(e);
        if (error.kind === 'internal') options.onInternalError?.(method, e);
        return { ok: false, error };
      }
    },
  };
}

async function invoke(handlers: ApiHandlers, method: string, input: unknown): Promise<unknown> {
  if (!isApiMethod(method))
    throw new UserError(`unknown API method: ${String(method).slice(0, 100)}`, 'method');
  const parsed = apiInputs[method].safeParse(input ?? {});
  if (!parsed.success) throw new UserError(`${method}: ${describeIssues(parsed.error)}`, method);
  const handler = handlers[method] as (input: unknown) => Promise<unknown>;
  return handler(parsed.data);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function toErrorBody(e: unknown): ApiErrorBody {
  if (isUserError(e)) {
    const subject = (e as UserError).subject;
    return { kind: 'user', message: describeError(e), ...(subject ? { subject } : {}) };
  }
  return { kind: 'internal', message: describeError(e) };
}
