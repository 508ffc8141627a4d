// The signed-in session: the tokens (in memory only), a refresh shortly before the access token
// expires, one refresh and one retry when a bearer call is refused with 401, refresh-token
// rotation (each refresh answers a new refresh token that replaces the old one), one refresh at a
// time however many calls need it, sign-out, and events.
//
// Why memory and not localStorage: anything in localStorage (or sessionStorage, or a cookie the
// page can read) is readable by every script that ever runs on the origin, so one XSS or one
// compromised dependency takes the refresh token away with it — and a refresh token keeps working
// for its whole validity (30 days here), on any machine. In memory, a script can still act while
// the page is open, but it cannot carry a long-lived credential off. The price is a sign-in per
// page load; the browser session mode ('cookie') removes it without exposing the refresh token: the
// API keeps it in an HttpOnly cookie and `restore()` gets a new access token from it.
import { AuthApiError } from './errors.js';
import type { ApiErrorCode, OperationId } from './generated/routes.js';
import { send, type Clock, type ResponseOf, type SessionMode, type Transport } from './http.js';

/** What the app may read of the session. The refresh token is not part of it. */
export interface SessionInfo {
  readonly accessToken: string;
  readonly idToken: string | null;
  /** The Cognito username (the user's `sub`), when the API answered it. */
  readonly username: string | null;
  /** When the access and id tokens expire, in milliseconds since the epoch (the client's clock). */
  readonly expiresAt: number;
}

export type Tokens = ResponseOf<'refresh'>;

export interface SessionEvents {
  /** A session began: sign-in, or `restore()` from the browser session cookie. */
  signedIn: SessionInfo;
  /** New tokens replaced the old ones (and, with rotation, a new refresh token the old one). */
  refreshed: SessionInfo;
  /** The session ended on purpose: `signOut()`, or the account was deleted. */
  signedOut: { reason: 'signOut' | 'accountDeleted' };
  /** The session ended because it can no longer be refreshed (the refresh token was refused, or there is none). */
  sessionExpired: { error: AuthApiError | null };
}
export type SessionEventName = keyof SessionEvents;

/** What `signOut` ends (docs/api.md "Signing out: one app or all"). */
export interface SignOutOptions {
  /** false: this app's session only (its refresh token revoked; the user's other apps stay signed in). Default true: every app, every device. */
  everywhere?: boolean;
}

export interface SignOutResult {
  /** The API signed the user out (everywhere, or of this app only: see `everywhere`). */
  serverSignedOut: boolean;
  /** Every session of the user ended (GlobalSignOut), not only this app's. */
  everywhere: boolean;
  /** The API revoked the session's refresh token. */
  refreshTokenRevoked: boolean;
  /** Why the API could not be told (the session ended on this page all the same), else null. */
  error: AuthApiError | null;
}

export interface SessionOptions {
  transport: Transport;
  /** Refresh this long before the access token expires (at most half its lifetime). Default 60. */
  refreshBeforeExpirySeconds?: number;
  /** After a refresh that failed for a passing reason (network, 429, 5xx): try again after this long, or Retry-After. Default 30. */
  retryRefreshAfterSeconds?: number;
}

/** The longest delay setTimeout takes (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

interface State {
  info: SessionInfo;
  /** 'memory' mode only; in 'cookie' mode the browser holds it where this code cannot read it. */
  refreshToken: string | null;
  /** Refresh when the clock passes this. */
  refreshAt: number;
}

type Listener<E extends SessionEventName> = (payload: SessionEvents[E]) => void;

const signedOutError = (operation: OperationId | null, message = 'not signed in') =>
  new AuthApiError<ApiErrorCode>({ kind: 'signed_out', code: 'not_signed_in', message, operation });

/** A refresh whose answer cannot change: the refresh token (or cookie) was refused. Passing failures (network, 429, 5xx) are not. */
function refreshRefused(e: unknown): e is AuthApiError {
  return e instanceof AuthApiError && e.kind === 'api' && e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429;
}

/** A bearer call refused because of the access token itself (not e.g. a wrong current password, also a 401). */
function tokenRefused(e: unknown): boolean {
  return e instanceof AuthApiError && e.kind === 'api' && e.status === 401 && (e.code === 'invalid_token' || e.code === 'missing_token');
}

export class Session {
  readonly mode: SessionMode;
  private readonly t: Transport;
  private readonly clock: Clock;
  private readonly marginMs: number;
  private readonly retryMs: number;
  private state: State | null = null;
  /** Changes whenever a session begins or ends, so late answers cannot touch the next one. */
  private generation = 0;
  private inflight: { generation: number; raw: Promise<Tokens>; installed: Promise<SessionInfo> } | null = null;
  private timer: unknown = null;
  private readonly listeners: { [E in SessionEventName]: Set<Listener<E>> } = {
    signedIn: new Set(),
    refreshed: new Set(),
    signedOut: new Set(),
    sessionExpired: new Set(),
  };

  constructor(opts: SessionOptions) {
    this.t = opts.transport;
    this.mode = opts.transport.sessionMode;
    this.clock = opts.transport.clock;
    this.marginMs = (opts.refreshBeforeExpirySeconds ?? 60) * 1000;
    this.retryMs = (opts.retryRefreshAfterSeconds ?? 30) * 1000;
  }

  get info(): SessionInfo | null {
    return this.state?.info ?? null;
  }

  on<E extends SessionEventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  private emit<E extends SessionEventName>(event: E, payload: SessionEvents[E]): void {
    for (const l of [...(this.listeners[event] as Set<Listener<E>>)]) {
      try {
        l(payload);
      } catch (e) {
        // A listener's bug must not break the session; report it as an uncaught error.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  /** Starts a session from a sign-in's tokens (ending any other). */
  begin(tokens: Tokens): SessionInfo {
    this.generation++;
    return this.install(tokens, null, 'signedIn');
  }

  private install(tokens: Tokens, previous: State | null, event: 'signedIn' | 'refreshed'): SessionInfo {
    const now = this.clock.now();
    const lifetime = Math.max(0, tokens.expiresIn) * 1000;
    const info: SessionInfo = {
      accessToken: tokens.accessToken,
      idToken: tokens.idToken ?? null,
      username: tokens.username ?? previous?.info.username ?? null,
      expiresAt: now + lifetime,
    };
    // Rotation: the answer's refresh token replaces the one sent. An app client without rotation
    // answers none, and the one sent stays valid. In cookie mode the body never has one.
    const refreshToken = this.mode === 'cookie' ? null : (tokens.refreshToken ?? previous?.refreshToken ?? null);
    const canRefresh = this.mode === 'cookie' || refreshToken !== null;
    this.state = {
      info,
      refreshToken,
      refreshAt: now + lifetime - (canRefresh ? Math.min(this.marginMs, lifetime / 2) : 0),
    };
    this.schedule(this.state.refreshAt - now);
    this.emit(event, info);
    return info;
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    const generation = this.generation;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (generation !== this.generation || !this.state) return;
      this.refresh().catch((e: unknown) => {
        // A passing failure keeps the session (the refresh token may well still work): try again.
        if (generation === this.generation && this.state && !refreshRefused(e)) {
          const retryAfter = e instanceof AuthApiError && e.retryAfter !== null ? e.retryAfter * 1000 : this.retryMs;
          this.schedule(retryAfter);
        }
      });
    }, Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
  }

  /**
   * New tokens now. Concurrent callers share one request, so a rotated refresh token is presented
   * once (a second presentation of the old one would be refused after the grace period, or taken
   * as reuse). In cookie mode this is also how a session is restored after a reload.
   */
  refresh(): Promise<SessionInfo> {
    if (this.inflight && this.inflight.generation === this.generation) return this.inflight.installed;
    const generation = this.generation;
    const previous = this.state;
    if (this.mode === 'memory' && !previous?.refreshToken) {
      // Nothing to refresh with (install() put the refresh time at the expiry): the session is over.
      if (previous) this.expire(null);
      return Promise.reject(signedOutError('refresh', 'no session to refresh'));
    }
    const body = this.mode === 'memory' ? { refreshToken: previous!.refreshToken! } : undefined;
    const raw = send(this.t, 'refresh', body, undefined);
    const installed = raw.then(
      (tokens) => {
        if (generation !== this.generation) throw signedOutError('refresh', 'the session ended during the refresh');
        if (previous) return this.install(tokens, this.state ?? previous, 'refreshed');
        this.generation++;
        return this.install(tokens, null, 'signedIn');
      },
      (e: unknown) => {
        if (generation === this.generation && previous && refreshRefused(e)) this.expire(e);
        throw e;
      },
    );
    const entry = { generation, raw, installed };
    this.inflight = entry;
    const clear = () => {
      if (this.inflight === entry) this.inflight = null;
    };
    installed.then(clear, clear);
    return installed;
  }

  /** The access token, refreshed first when it is due (or past due: a sleeping laptop's timers fire late). */
  async accessToken(operation: OperationId | null = null): Promise<string> {
    const s = this.state;
    if (!s) throw signedOutError(operation);
    if (this.clock.now() < s.refreshAt) return s.info.accessToken;
    try {
      return (await this.refresh()).accessToken;
    } catch (e) {
      // Not refreshed for a passing reason, but the token has not expired yet: use it.
      if (!refreshRefused(e) && this.state === s && this.clock.now() < s.info.expiresAt) return s.info.accessToken;
      throw e;
    }
  }

  /** A call of a bearer route with the session's token: refreshed when due, and once more after a 401 for the token. */
  async call<Op extends OperationId>(operation: Op, body: unknown): Promise<ResponseOf<Op>> {
    const generation = this.generation;
    const token = await this.accessToken(operation);
    let result: ResponseOf<Op>;
    try {
      result = (await send(this.t, operation, body, token)) as ResponseOf<Op>;
    } catch (e) {
      // The session changed meanwhile (signed out, someone else signed in): never retry with its token.
      if (!tokenRefused(e) || generation !== this.generation || !this.state) throw e;
      // A refresh may have happened while this call was out: then its token is the one to use.
      const fresh = this.state.info.accessToken !== token ? this.state.info.accessToken : (await this.refresh()).accessToken;
      if (generation !== this.generation) throw e;
      result = (await send(this.t, operation, body, fresh)) as ResponseOf<Op>;
    }
    if (operation === 'deleteUser' && generation === this.generation) this.end('accountDeleted');
    return result;
  }

  /** Ends the session here, at once and whatever the network does. */
  private end(reason: SessionEvents['signedOut']['reason']): State | null {
    const s = this.state;
    this.generation++;
    this.state = null;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (s) this.emit('signedOut', { reason });
    return s;
  }

  private expire(error: AuthApiError | null): void {
    this.generation++;
    this.state = null;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.emit('sessionExpired', { error });
  }

  /**
   * Signs out: ends the session on this page at once (the `signedOut` event fires before any
   * request), then asks the API to sign the user out everywhere and revoke the refresh token. A
   * refresh in flight is waited for, so the token it brings is the one revoked. Never rejects: a
   * failure to reach the API is in `error`.
   */
  async signOut(options: SignOutOptions = {}): Promise<SignOutResult> {
    const inflight = this.inflight && this.inflight.generation === this.generation ? this.inflight : null;
    const s = this.end('signOut');
    let access = s?.info.accessToken ?? null;
    let expiresAt = s?.info.expiresAt ?? 0;
    let refreshToken = s?.refreshToken ?? null;
    const took = (t: Tokens) => {
      access = t.accessToken;
      expiresAt = this.clock.now() + t.expiresIn * 1000;
      if (this.mode === 'memory' && t.refreshToken) refreshToken = t.refreshToken;
    };
    const none: SignOutResult = { serverSignedOut: false, everywhere: false, refreshTokenRevoked: false, error: null };
    if (inflight) await inflight.raw.then(took, () => {});
    if (!s && !inflight && this.mode === 'memory') return none;
    try {
      // Logout is a bearer route: an expired access token (or none: cookie mode after a reload)
      // needs one refresh first, whose answer is not installed (the session is over).
      if (access === null || this.clock.now() >= expiresAt) {
        if (this.mode === 'memory' && !refreshToken) return none;
        took(await send(this.t, 'refresh', this.mode === 'memory' ? { refreshToken } : undefined, undefined));
      }
      const body = {
        ...(this.mode === 'memory' && refreshToken ? { refreshToken } : {}),
        ...(options.everywhere === false ? { everywhere: false } : {}),
      };
      const r = await send(this.t, 'logout', Object.keys(body).length > 0 ? body : undefined, access!);
      return { serverSignedOut: r.signedOut, everywhere: r.everywhere, refreshTokenRevoked: r.refreshTokenRevoked, error: null };
    } catch (e) {
      return { ...none, error: e instanceof AuthApiError ? e : signedOutError('logout', String(e)) };
    }
  }
}
