// One request to the API: the URL and headers the route needs, a timeout, and the answer turned
// into the operation's success body or an AuthApiError. No session logic here (session.ts).
import { AuthApiError, parseRetryAfter } from './errors.js';
import type { components, operations } from './generated/openapi.js';
import { routes, type ApiErrorCode, type OperationId } from './generated/routes.js';

/** Time, as the session and the request timeout see it (tests pass a fake one). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * How the session is held. 'memory': every token in this page's memory, the refresh token sent in
 * the body. 'cookie': the API's browser session mode; the refresh token is an HttpOnly cookie the
 * page never sees, and every call goes with credentials and the CSRF header.
 */
export type SessionMode = 'memory' | 'cookie';

/** What `onResponse` is told about each answer (for logs: the request id of successes too). */
export interface ResponseInfo {
  operation: OperationId;
  method: string;
  path: string;
  /** The HTTP status, or null when no answer came (network failure, timeout). */
  status: number | null;
  requestId: string | null;
}

export interface Transport {
  baseUrl: string;
  sessionMode: SessionMode;
  /** Sent as X-App-Id when set. */
  appId?: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  clock: Clock;
  onResponse?: ((info: ResponseInfo) => void) | undefined;
}

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type SuccessStatus = 200 | 201 | 202 | 204;

/** The JSON request body of an operation (`never` when it takes none). */
export type RequestOf<Op extends OperationId> = operations[Op] extends { requestBody?: infer RB } ? Json<NonNullable<RB>> : never;
/** The JSON body of an operation's success answer. */
export type ResponseOf<Op extends OperationId> = {
  [S in keyof operations[Op]['responses'] & SuccessStatus]: Json<operations[Op]['responses'][S]>;
}[keyof operations[Op]['responses'] & SuccessStatus];

type ErrorBody = components['schemas']['Error'];

/** The header that names the calling app when the API serves several (docs/api.md "Which app is calling"). */
export const APP_ID_HEADER = 'X-App-Id';

/** The header the API's browser session mode requires on cookie-authenticated calls (a plain form cannot send it). */
export const CSRF_HEADER = 'X-Requested-With';

/**
 * API Gateway answers some requests itself, before the function, with `{"message": ...}` and no
 * `error` code: the JWT authorizer's 401 and the stage throttle's 429 (README "Errors"), and its own
 * 500/503. These get the code the API uses for the same refusal.
 */
const GATEWAY_CODES: Partial<Record<number, ApiErrorCode>> = {
  401: 'invalid_token',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

export async function send<Op extends OperationId>(
  t: Transport,
  operation: Op,
  body: unknown,
  token: string | undefined,
): Promise<ResponseOf<Op>> {
  const route = routes[operation];
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
  const cookie = t.sessionMode === 'cookie';
  if (cookie) headers[CSRF_HEADER] = 'fetch';
  if (t.appId !== undefined) headers[APP_ID_HEADER] = t.appId;

  const controller = new AbortController();
  let timedOut = false;
  const timer = t.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, t.timeoutMs);
  const tell = (status: number | null, requestId: string | null) =>
    t.onResponse?.({ operation, method: route.method, path: route.path, status, requestId });
  const noAnswer = (e: unknown) => {
    tell(null, null);
    return new AuthApiError({
      kind: timedOut ? 'timeout' : 'network',
      code: timedOut ? 'timeout' : 'network_error',
      message: timedOut
        ? `${route.method} ${route.path}: no answer within ${t.timeoutMs} ms`
        : `${route.method} ${route.path}: no answer (offline, wrong URL, or CORS refused this origin): ${e instanceof Error ? e.message : String(e)}`,
      operation,
      cause: e,
    });
  };

  let resp: Response;
  let text: string;
  try {
    resp = await t.fetch(t.baseUrl.replace(/\/+$/, '') + route.path, {
      method: route.method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // Tokens travel in the Authorization header; only the browser session mode uses a cookie.
      credentials: cookie ? 'include' : 'omit',
      cache: 'no-store',
      signal: controller.signal,
    });
    text = await resp.text();
  } catch (e) {
    throw noAnswer(e);
  } finally {
    t.clock.clearTimeout(timer);
  }

  // Readable across origins because the API lists them in Access-Control-Expose-Headers.
  const requestId = resp.headers.get('x-request-id');
  tell(resp.status, requestId);
  let parsed: unknown;
  if ((resp.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  if (resp.ok && isObject) return parsed as ResponseOf<Op>;

  const err = isObject ? (parsed as Partial<ErrorBody> & { message?: unknown }) : null;
  const code = typeof err?.error === 'string' ? err.error : err && typeof err.message === 'string' ? GATEWAY_CODES[resp.status] : undefined;
  if (resp.ok || code === undefined) {
    throw new AuthApiError({
      kind: 'unexpected',
      code: 'unexpected_response',
      message: `${route.method} ${route.path}: an answer that is not the API's JSON (status ${resp.status}): ${text.slice(0, 200)}`,
      status: resp.status,
      requestId,
      operation,
    });
  }
  throw new AuthApiError({
    kind: 'api',
    code,
    message: typeof err?.message === 'string' ? err.message : code,
    status: resp.status,
    requestId: typeof err?.requestId === 'string' ? err.requestId : requestId,
    field: typeof err?.field === 'string' ? err.field : null,
    retryAfter: parseRetryAfter(resp.headers.get('retry-after'), t.clock.now()),
    operation,
  });
}
