// createAuthClient: the typed routes (api), the session, sign-in with its challenges, passkeys.
import { buildApi, type Api, type CallOptions } from './api.js';
import { AuthApiError } from './errors.js';
import { routes, type OperationId } from './generated/routes.js';
import { send, systemClock, type Clock, type ResponseInfo, type ResponseOf, type SessionMode, type Transport } from './http.js';
import { Session, type SessionEventName, type SessionEvents, type SessionInfo, type SignOutOptions, type SignOutResult } from './session.js';
import { signInStep, startFactor, type SignInContext, type SignInStep } from './sign-in.js';
import { createCredential, type JsonObject } from './webauthn.js';

export interface AuthClientOptions {
  /** The API's URL, e.g. the stack's `ApiUrl` output (`https://auth.example.com`) or `http://127.0.0.1:3000` with `make dev`. */
  baseUrl: string;
  /**
   * 'memory' (default): every token in this page's memory; a reload signs the user out.
   * 'cookie': the API's browser session mode (`sessionCookie: true` on the stack): the refresh
   * token is an HttpOnly cookie this code never sees, calls go with credentials and the
   * `X-Requested-With` header, and `restore()` resumes the session after a reload.
   */
  sessionMode?: SessionMode;
  /**
   * This app's id, sent as `X-App-Id` on every call: required when the API serves several apps
   * (docs/api.md "Which app is calling"); the app's tokens then carry its own app client's id.
   * Leave out for an API with one app.
   */
  appId?: string;
  /** A request with no answer after this long fails with kind 'timeout'. Default 15000. */
  timeoutMs?: number;
  /** Refresh this long before the access token expires (at most half its lifetime). Default 60. */
  refreshBeforeExpirySeconds?: number;
  /** After a background refresh failed for a passing reason (network, 429, 5xx), retry after this long (or Retry-After). Default 30. */
  retryRefreshAfterSeconds?: number;
  /** Told the status and request id of every answer (for logs). */
  onResponse?: (info: ResponseInfo) => void;
  /** For tests and other runtimes: the fetch and the clock to use. */
  fetch?: typeof fetch;
  clock?: Clock;
}

export interface AuthClient {
  readonly baseUrl: string;
  readonly sessionMode: SessionMode;
  /** A typed function for every route of the API; bearer routes use the session's access token. */
  readonly api: Api;
  /** The current session (no refresh token in it), or null when signed out. */
  readonly session: SessionInfo | null;
  /** Email and password: signed in, or a challenge (TOTP, new password). */
  signIn(credentials: { email: string; password: string }): Promise<SignInStep>;
  /** Sign-in without a password: the pool's first factors (SELECT_CHALLENGE) to choose from. */
  startSignIn(who: { email: string }): Promise<SignInStep>;
  /** Sign in with a passkey in one call: start, navigator.credentials.get, answer. */
  signInWithPasskey(who: { email: string }): Promise<SignInStep>;
  /** Email a one-time code: answers the EMAIL_OTP challenge to `answer(code)`. */
  signInWithEmailCode(who: { email: string }): Promise<SignInStep>;
  /** Add a passkey to the signed-in account in one call: start (current password), navigator.credentials.create, complete. */
  registerPasskey(input: { currentPassword: string }): Promise<ResponseOf<'passkeyRegisterComplete'>>;
  /** New tokens now (shared with any refresh already under way). */
  refresh(): Promise<SessionInfo>;
  /** Cookie mode: resume the session the API's cookie holds (after a reload); null when there is none. Memory mode: the current session. */
  restore(): Promise<SessionInfo | null>;
  /** The access token for another API of yours, refreshed first when due. */
  getAccessToken(): Promise<string>;
  /** Ends the session here at once, then signs out at the API (never rejects): everywhere, or with `{ everywhere: false }` of this app only. */
  signOut(options?: SignOutOptions): Promise<SignOutResult>;
  /** Subscribe to a session event; returns the unsubscribe function. */
  on<E extends SessionEventName>(event: E, listener: (payload: SessionEvents[E]) => void): () => void;
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  const transport: Transport = {
    baseUrl: options.baseUrl,
    sessionMode: options.sessionMode ?? 'memory',
    appId: options.appId,
    // Looked up at call time (and called as a function, not a method: browsers refuse fetch with another `this`).
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 15_000,
    clock: options.clock ?? systemClock,
    onResponse: options.onResponse,
  };
  const session = new Session({
    transport,
    refreshBeforeExpirySeconds: options.refreshBeforeExpirySeconds,
    retryRefreshAfterSeconds: options.retryRefreshAfterSeconds,
  });
  const call = (operation: OperationId, body: unknown, opts: CallOptions | undefined): Promise<unknown> => {
    if (!routes[operation].bearer) return send(transport, operation, body, undefined);
    if (opts?.token !== undefined) return send(transport, operation, body, opts.token);
    return session.call(operation, body);
  };
  const api = buildApi(call);
  const ctx: SignInContext = {
    send: (operation, body) => send(transport, operation, body, undefined),
    begin: (tokens) => session.begin(tokens),
  };

  return {
    baseUrl: transport.baseUrl,
    sessionMode: transport.sessionMode,
    api,
    get session() {
      return session.info;
    },
    signIn: async ({ email, password }) => signInStep(ctx, email, await ctx.send('login', { email, password })),
    startSignIn: async ({ email }) => signInStep(ctx, email, await ctx.send('loginStart', { email })),
    signInWithPasskey: async ({ email }) => {
      const step = await startFactor(ctx, email, 'WEB_AUTHN');
      return step.kind === 'challenge' && step.challenge === 'WEB_AUTHN' ? step.answer() : step;
    },
    signInWithEmailCode: ({ email }) => startFactor(ctx, email, 'EMAIL_OTP'),
    registerPasskey: async ({ currentPassword }) => {
      const { options: creation } = await session.call('passkeyRegisterStart', { currentPassword });
      const credential = await createCredential(creation as JsonObject);
      return session.call('passkeyRegisterComplete', { credential });
    },
    refresh: () => session.refresh(),
    restore: async () => {
      if (session.info || transport.sessionMode === 'memory') return session.info;
      try {
        return await session.refresh();
      } catch (e) {
        // No cookie (400 validation_error: no refresh token anywhere), or one the API no longer
        // accepts (401 invalid_refresh_token, or refresh_token_reused: replaced by a refresh and
        // used again, sign in again): not signed in. Anything else (e.g. 403 origin_not_allowed,
        // 400 duplicate_session_cookie) is worth reporting.
        if (e instanceof AuthApiError && (e.code === 'invalid_refresh_token' || e.code === 'refresh_token_reused' || e.code === 'validation_error')) return null;
        throw e;
      }
    },
    getAccessToken: () => session.accessToken(),
    signOut: (options) => session.signOut(options),
    on: (event, listener) => session.on(event, listener),
  };
}
