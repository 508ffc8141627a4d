// The one error type of the client. Every failure of a call rejects with an AuthApiError; `kind`
// says what happened:
//   'api'         the API answered with its JSON error (`code` is its stable `error` code)
//   'network'     no answer could be read: offline, DNS, connection refused, or CORS refused this origin
//   'timeout'     no answer within the client's `timeoutMs`
//   'unexpected'  an answer that is not the API's JSON (e.g. a proxy's HTML error page)
//   'signed_out'  a call that needs the session while there is none (or it ended)
//   'webauthn'    the browser refused a passkey ceremony (the user cancelled, no authenticator, ...;
//                 the DOMException is the `cause`)
import type { ApiErrorCode, OperationErrorCodes, OperationId } from './generated/routes.js';

export type ErrorKind = 'api' | 'network' | 'timeout' | 'unexpected' | 'signed_out' | 'webauthn';

/** The codes the client itself gives a failure that is not an API refusal. */
export type ClientErrorCode = 'network_error' | 'timeout' | 'unexpected_response' | 'not_signed_in' | 'webauthn_failed';

export interface AuthApiErrorInit<C extends string> {
  kind: ErrorKind;
  code: C | ClientErrorCode;
  message: string;
  status?: number | null;
  requestId?: string | null;
  field?: string | null;
  retryAfter?: number | null;
  operation?: OperationId | null;
  cause?: unknown;
}

export class AuthApiError<C extends string = ApiErrorCode> extends Error {
  override readonly name = 'AuthApiError';
  readonly kind: ErrorKind;
  /** The API's `error` code when `kind` is 'api'; otherwise the client's code for the failure. */
  readonly code: C | ClientErrorCode;
  /** The HTTP status, or null when there was no answer. */
  readonly status: number | null;
  /** The API's request id (quote it when reporting a problem), or null. */
  readonly requestId: string | null;
  /** The request field a validation error is about, or null. */
  readonly field: string | null;
  /** Seconds to wait before retrying, from the `Retry-After` header of a 429 or 503; else null. */
  readonly retryAfter: number | null;
  /** The operation that failed (null for 'signed_out' outside a call). */
  readonly operation: OperationId | null;

  constructor(init: AuthApiErrorInit<C>) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status ?? null;
    this.requestId = init.requestId ?? null;
    this.field = init.field ?? null;
    this.retryAfter = init.retryAfter ?? null;
    this.operation = init.operation ?? null;
  }

  /** True when the API itself refused the request (as opposed to no answer or a malformed one). */
  get isApiRefusal(): boolean {
    return this.kind === 'api';
  }
}

/**
 * Narrows a caught value to the error of one operation, whose `code` is then that operation's union
 * of error codes (so a comparison with a code the route never answers does not type-check).
 */
export function isAuthApiError<Op extends OperationId>(e: unknown, operation: Op): e is AuthApiError<OperationErrorCodes[Op]>;
export function isAuthApiError(e: unknown): e is AuthApiError;
export function isAuthApiError(e: unknown, operation?: OperationId): boolean {
  return e instanceof AuthApiError && (operation === undefined || e.operation === operation);
}

/** Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), as seconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
