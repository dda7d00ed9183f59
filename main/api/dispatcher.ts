import type { z } from 'zod';
import { describeError, isUserError, UserError } from '../engine/errors.js';
import { apiErrorReason, type ApiErrorCode, type ApiErrorReason } from './apiErrors.js';
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
  if (!parsed.success)
    throw new InvalidInput(`${method}: ${describeIssues(parsed.error)}`, method, parsed.error);
  const handler = handlers[method] as (input: unknown) => Promise<unknown>;
  return handler(parsed.data);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** An input the method's schema refused: its code comes from the schema's first issue, not from the sentence. */
class InvalidInput extends UserError {
  readonly reason: ApiErrorReason;
  constructor(message: string, subject: string, error: z.ZodError) {
    super(message, subject);
    this.reason = inputReason(error);
  }
}

/** The input schemas' own sentences (vocabulary/schemas.ts, contract.ts) have codes of their own. */
const SCHEMA_MESSAGES: Record<string, ApiErrorCode> = {
  'the question is empty': 'question-empty',
  'the question is too long': 'question-too-long',
  'the path is empty': 'path-empty',
  'the path is too long': 'path-too-long',
};

function inputReason(error: z.ZodError): ApiErrorReason {
  const issue = error.issues[0];
  if (!issue) return { code: 'input-invalid', params: { field: '' } };
  const field = issue.path.join('.');
  const own = SCHEMA_MESSAGES[issue.message];
  if (own) return { code: own, params: {} };
  switch (issue.code) {
    case 'too_small':
      return { code: 'input-too-small', params: { field, min: String(issue.minimum) } };
    case 'too_big':
      return { code: 'input-too-big', params: { field, max: String(issue.maximum) } };
    case 'unrecognized_keys':
      return { code: 'input-unknown-field', params: { field: issue.keys.join(', ') } };
    default:
      return { code: 'input-invalid', params: { field } };
  }
}

function toErrorBody(e: unknown): ApiErrorBody {
  const message = describeError(e);
  if (isUserError(e)) {
    const subject = (e as UserError).subject;
    const reason = e instanceof InvalidInput ? e.reason : apiErrorReason(message);
    return { kind: 'user', message, ...reason, ...(subject ? { subject } : {}) };
  }
  return { kind: 'internal', message, code: 'internal', params: { message } };
}
