// A small typed client for the auth API. Every request and response type is derived from
// `openapi.ts`, which `npm run gen` generates from cdk/openapi.json: when the document changes,
// `tsc` points at every call that no longer fits. Types are looked up by path and method (not by
// component name), so renaming a schema in the document does not break this file.
import type { paths } from './openapi.js';

export type Path = keyof paths;
type Method = 'get' | 'post' | 'delete';
type Operation<P extends Path, M extends Method> = NonNullable<paths[P][M]>;
/** The paths that define method M. */
export type PathsWith<M extends Method> = { [P in Path]: paths[P][M] extends undefined ? never : P }[Path];

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type SuccessStatus = 200 | 201 | 202;
type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503;
type Responses<O> = O extends { responses: infer R } ? R : never;

/** The JSON request body of an operation (`never` when it takes none). */
export type RequestBody<P extends Path, M extends Method> =
  Operation<P, M> extends { requestBody?: infer RB } ? Json<NonNullable<RB>> : never;
/** The JSON body of an operation's success responses. */
export type SuccessBody<P extends Path, M extends Method> = {
  [S in keyof Responses<Operation<P, M>> & SuccessStatus]: Json<Responses<Operation<P, M>>[S]>;
}[keyof Responses<Operation<P, M>> & SuccessStatus];
/** The JSON body of an operation's error responses: `{error, message, requestId, field?}`. */
export type ErrorBody<P extends Path, M extends Method> = {
  [S in keyof Responses<Operation<P, M>> & ErrorStatus]: Json<Responses<Operation<P, M>>[S]>;
}[keyof Responses<Operation<P, M>> & ErrorStatus];

export type ApiOutcome<P extends Path, M extends Method> =
  | { kind: 'ok'; status: number; body: SuccessBody<P, M>; requestId: string | null }
  | { kind: 'error'; status: number; body: ErrorBody<P, M>; requestId: string | null }
  /** A response that is not the documented JSON (should never happen: reported as a bug). */
  | { kind: 'unexpected'; status: number; text: string; requestId: string | null }
  /** No response could be read: the API is down, the URL is wrong, or CORS refused this origin. */
  | { kind: 'network'; message: string };

/** Any outcome, for code that only displays it. */
export type AnyOutcome =
  | { kind: 'ok'; status: number; body: unknown; requestId: string | null }
  | { kind: 'error'; status: number; body: { error: string; message: string; requestId: string; field?: string }; requestId: string | null }
  | { kind: 'unexpected'; status: number; text: string; requestId: string | null }
  | { kind: 'network'; message: string };

/** How the page holds the session: `bearer` keeps every token in memory; `cookie` (the API's
 * browser session mode) lets the API keep the refresh token in an HttpOnly cookie. */
export type SessionMode = 'bearer' | 'cookie';

export interface CallOptions<B> {
  body?: B;
  /** The access token, sent as `Authorization: Bearer <token>`. */
  token?: string;
}

export class AuthApi {
  constructor(
    public readonly baseUrl: string,
    public readonly sessionMode: SessionMode = 'bearer',
  ) {}

  url(path: string): string {
    return this.baseUrl.replace(/\/+$/, '') + path;
  }

  async call<M extends Method, P extends PathsWith<M>>(
    method: M,
    path: P,
    opts: CallOptions<RequestBody<P, M>> = {},
  ): Promise<ApiOutcome<P, M>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
    // Browser session mode: the API refuses the session cookie without this custom header (a
    // plain form cannot send it), and the browser stores and sends the cookie only with
    // credentials: 'include'.
    const cookieMode = this.sessionMode === 'cookie';
    if (cookieMode) headers['X-Requested-With'] = 'fetch';
    let resp: Response;
    try {
      resp = await fetch(this.url(path), {
        method: method.toUpperCase(),
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        // Tokens travel in the Authorization header; only the browser session mode uses a cookie.
        credentials: cookieMode ? 'include' : 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      return { kind: 'network', message: e instanceof Error ? e.message : String(e) };
    }
    // Readable cross-origin only because the API lists it in Access-Control-Expose-Headers.
    const requestId = resp.headers.get('x-request-id');
    const text = await resp.text();
    const isJson = (resp.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json');
    let parsed: unknown;
    try {
      parsed = isJson ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
      return { kind: 'unexpected', status: resp.status, text, requestId };
    }
    if (resp.ok) {
      return { kind: 'ok', status: resp.status, body: parsed as SuccessBody<P, M>, requestId };
    }
    if (typeof (parsed as { error?: unknown }).error !== 'string') {
      return { kind: 'unexpected', status: resp.status, text, requestId };
    }
    return { kind: 'error', status: resp.status, body: parsed as ErrorBody<P, M>, requestId };
  }

  register(body: RequestBody<'/auth/register', 'post'>) {
    return this.call('post', '/auth/register', { body });
  }
  verify(body: RequestBody<'/auth/verify', 'post'>) {
    return this.call('post', '/auth/verify', { body });
  }
  resend(body: RequestBody<'/auth/resend', 'post'>) {
    return this.call('post', '/auth/resend', { body });
  }
  login(body: RequestBody<'/auth/login', 'post'>) {
    return this.call('post', '/auth/login', { body });
  }
  loginChallenge(body: RequestBody<'/auth/login/challenge', 'post'>) {
    return this.call('post', '/auth/login/challenge', { body });
  }
  refresh(body: RequestBody<'/auth/refresh', 'post'>) {
    return this.call('post', '/auth/refresh', { body });
  }
  /** Browser session mode: new tokens from the session cookie (no refresh token in the body). */
  refreshFromCookie() {
    return this.call('post', '/auth/refresh');
  }
  userinfo(token: string) {
    return this.call('get', '/auth/userinfo', { token });
  }
  logout(token: string, body?: RequestBody<'/auth/logout', 'post'>) {
    return this.call('post', '/auth/logout', { token, body });
  }
  totpSetup(token: string, body: RequestBody<'/auth/mfa/totp/setup', 'post'>) {
    return this.call('post', '/auth/mfa/totp/setup', { token, body });
  }
  deleteUser(token: string, body: RequestBody<'/auth/user', 'delete'>) {
    return this.call('delete', '/auth/user', { token, body });
  }
  totpVerify(token: string, body: RequestBody<'/auth/mfa/totp/verify', 'post'>) {
    return this.call('post', '/auth/mfa/totp/verify', { token, body });
  }
  // Sign-in without a password and passkeys (passwordless.ts).
  loginStart(body: RequestBody<'/auth/login/start', 'post'>) {
    return this.call('post', '/auth/login/start', { body });
  }
  passkeyRegisterStart(token: string, body: RequestBody<'/auth/passkeys/register/start', 'post'>) {
    return this.call('post', '/auth/passkeys/register/start', { token, body });
  }
  passkeyRegisterComplete(token: string, body: RequestBody<'/auth/passkeys/register/complete', 'post'>) {
    return this.call('post', '/auth/passkeys/register/complete', { token, body });
  }
  passkeys(token: string) {
    return this.call('get', '/auth/passkeys', { token });
  }
  passkeyDelete(token: string, body: RequestBody<'/auth/passkey', 'delete'>) {
    return this.call('delete', '/auth/passkey', { token, body });
  }
}

export type LoginAnswer = SuccessBody<'/auth/login', 'post'>;
export type Tokens = Extract<LoginAnswer, { accessToken: string }>;
export type Challenge = Extract<LoginAnswer, { challenge: string }>;

/** Login and login/challenge answer either tokens or a challenge to answer next. */
export function isChallenge(a: LoginAnswer): a is Challenge {
  return typeof (a as { challenge?: unknown }).challenge === 'string';
}
