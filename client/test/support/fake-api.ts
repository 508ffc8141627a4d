// An in-process stand-in for the auth API behind a fetch function, for the session tests. It keeps
// what matters to the client as the real API does (README "Bodies and answers", "Browser session
// mode"): access tokens that expire on the test's clock, refresh-token rotation with no grace
// period (a rotated-out token presented again is refused and counted as reuse), the cookie mode's
// HttpOnly cookie (sent only with credentials: 'include') and its X-Requested-With check, and the
// JSON errors with X-Request-Id and Retry-After. Answers arrive on the next I/O turn, so calls
// started together really are in flight together.
import { routes, type OperationId } from '../../src/index.js';
import type { FakeClock } from './fake-clock.js';

export interface Recorded {
  operation: OperationId;
  body: Record<string, unknown> | undefined;
  headers: Record<string, string>;
  credentials: RequestCredentials | undefined;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string>; raw?: string };
/** A scripted answer for the next call of an operation. */
export type Override = Answer | 'network' | 'hang' | { hold: Promise<void> };

interface User {
  password: string;
  totp: boolean;
  username: string;
}

export class FakeApi {
  readonly requests: Recorded[] = [];
  /** Presentations of a refresh token that rotation had already replaced (Cognito's reuse case). */
  reuse = 0;
  /** The browser's cookie for the API (what an HttpOnly cookie is: out of the page's reach). */
  cookie: string | null = null;
  expiresIn = 3600;
  private seq = 0;
  private readonly access = new Map<string, { exp: number; user: User }>();
  private readonly refreshTokens = new Map<string, { state: 'live' | 'rotated' | 'revoked'; user: User }>();
  private readonly users = new Map<string, User>();
  private readonly sessions = new Map<string, User>();
  private readonly overrides = new Map<OperationId, Override[]>();

  constructor(
    private readonly clock: FakeClock,
    readonly cookieMode = false,
  ) {}

  addUser(email: string, password: string, totp = false): void {
    this.users.set(email, { password, totp, username: `sub-${this.users.size + 1}` });
  }

  /** The next call of `operation` gets this answer instead of the fake's own. */
  script(operation: OperationId, o: Override): void {
    const q = this.overrides.get(operation) ?? [];
    q.push(o);
    this.overrides.set(operation, q);
  }

  count(operation: OperationId): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  /** Ends an access token early (as a sign-out on another device does). */
  revokeAccess(token: string): void {
    this.access.delete(token);
  }

  /** Refuses every refresh token of the user from now on. */
  revokeRefreshTokens(): void {
    for (const r of this.refreshTokens.values()) r.state = 'revoked';
  }

  isLive(refreshToken: string): boolean {
    return this.refreshTokens.get(refreshToken)?.state === 'live';
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const entry = Object.entries(routes).find(([, r]) => r.method === method && r.path === url.pathname);
    if (!entry) throw new Error(`the fake has no ${method} ${url.pathname}`);
    const operation = entry[0] as OperationId;
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
    this.requests.push({ operation, body, headers, credentials: init?.credentials });
    await new Promise((r) => setImmediate(r));

    const o = this.overrides.get(operation)?.shift();
    if (o === 'network') throw new TypeError('Failed to fetch');
    if (o === 'hang') {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    if (o && 'hold' in o) await o.hold;
    const a = o && !('hold' in o) ? o : this.handle(operation, body, headers, init?.credentials);
    const requestId = `req-${++this.seq}`;
    const respHeaders = new Headers({ 'content-type': 'application/json', 'x-request-id': requestId, ...(a.headers ?? {}) });
    const text = a.raw ?? JSON.stringify(a.status >= 400 && a.body && typeof a.body === 'object' && 'error' in a.body ? { requestId, ...a.body } : a.body);
    return new Response(text, { status: a.status, headers: respHeaders });
  };

  private error(status: number, error: string, message = error): Answer {
    return { status, body: { error, message } };
  }

  private tokens(user: User, credentials: RequestCredentials | undefined): Answer {
    const accessToken = `at-${++this.seq}`;
    const refreshToken = `rt-${++this.seq}`;
    this.access.set(accessToken, { exp: this.clock.now() + this.expiresIn * 1000, user });
    this.refreshTokens.set(refreshToken, { state: 'live', user });
    const body: Record<string, unknown> = { accessToken, idToken: `id-${this.seq}`, expiresIn: this.expiresIn, tokenType: 'Bearer', username: user.username };
    // Browser session mode: the refresh token goes in the cookie (stored only for a credentialed call), never the body.
    if (this.cookieMode) {
      if (credentials === 'include') this.cookie = refreshToken;
    } else {
      body['refreshToken'] = refreshToken;
    }
    return { status: 200, body };
  }

  private bearer(headers: Record<string, string>): User | Answer {
    const auth = headers['authorization'];
    if (!auth) return this.error(401, 'missing_token');
    const a = this.access.get(auth.replace(/^Bearer /, ''));
    if (!a || this.clock.now() >= a.exp) return this.error(401, 'invalid_token');
    return a.user;
  }

  private handle(op: OperationId, body: Record<string, unknown> | undefined, headers: Record<string, string>, credentials: RequestCredentials | undefined): Answer {
    const b = body ?? {};
    const user = this.users.get(String(b['email']));
    switch (op) {
      case 'login': {
        if (!user || user.password !== b['password']) return this.error(401, 'invalid_credentials', 'Incorrect email or password');
        if (user.totp) {
          const session = `s-${++this.seq}`;
          this.sessions.set(session, user);
          return { status: 200, body: { challenge: 'SOFTWARE_TOKEN_MFA', session } };
        }
        return this.tokens(user, credentials);
      }
      case 'loginStart': {
        const session = `s-${++this.seq}`;
        if (user) this.sessions.set(session, user);
        if (b['preferredChallenge'] === 'EMAIL_OTP') return { status: 200, body: { challenge: 'EMAIL_OTP', session, codeDeliveryDestination: 'j***@e***' } };
        if (b['preferredChallenge'] === 'WEB_AUTHN') {
          return { status: 200, body: { challenge: 'WEB_AUTHN', session, credentialRequestOptions: { challenge: 'AAECAw', rpId: 'localhost', allowCredentials: [], userVerification: 'required' } } };
        }
        return { status: 200, body: { challenge: 'SELECT_CHALLENGE', session, availableChallenges: ['WEB_AUTHN', 'EMAIL_OTP', 'PASSWORD'] } };
      }
      case 'loginChallenge': {
        const u = this.sessions.get(String(b['session']));
        if (!u) return this.error(401, 'invalid_session');
        if (b['challenge'] === 'WEB_AUTHN') {
          if (typeof (b['credential'] as { id?: unknown } | undefined)?.id !== 'string') return this.error(401, 'invalid_passkey');
        } else if (b['answer'] !== '123456') {
          return this.error(400, 'invalid_code');
        }
        this.sessions.delete(String(b['session']));
        return this.tokens(u, credentials);
      }
      case 'refresh': {
        let token = b['refreshToken'] as string | undefined;
        if (token === undefined && this.cookieMode && credentials === 'include' && this.cookie) {
          if (!headers['x-requested-with']) return this.error(403, 'csrf_header_missing');
          token = this.cookie;
        }
        if (token === undefined) return this.error(400, 'validation_error');
        const r = this.refreshTokens.get(token);
        if (r?.state === 'rotated') this.reuse++;
        if (!r || r.state !== 'live') return this.error(401, 'invalid_refresh_token');
        r.state = 'rotated';
        return this.tokens(r.user, credentials);
      }
      case 'logout': {
        const u = this.bearer(headers);
        if ('status' in u) return u;
        const token = (b['refreshToken'] as string | undefined) ?? (credentials === 'include' ? (this.cookie ?? undefined) : undefined);
        const everywhere = b['everywhere'] !== false;
        if (!everywhere && !token) return { status: 400, body: { error: 'validation_error', field: 'refreshToken', message: 'required', requestId: 'fake' } };
        const r = token ? this.refreshTokens.get(token) : undefined;
        if (r) r.state = 'revoked';
        if (everywhere) for (const [k, a] of this.access) if (a.user === u) this.access.delete(k);
        if (this.cookieMode && credentials === 'include') this.cookie = null;
        return { status: 200, body: { signedOut: true, everywhere, refreshTokenRevoked: r !== undefined } };
      }
      case 'userinfo': {
        const u = this.bearer(headers);
        if ('status' in u) return u;
        return { status: 200, body: { sub: u.username, username: u.username, email: 'x', emailVerified: true, attributes: {}, mfaEnabled: u.totp } };
      }
      case 'totpSetup':
      case 'deleteUser':
      case 'passkeyRegisterStart': {
        const u = this.bearer(headers);
        if ('status' in u) return u;
        if (b['currentPassword'] !== u.password) return this.error(401, 'incorrect_password');
        if (op === 'deleteUser') return { status: 200, body: { deleted: true } };
        if (op === 'totpSetup') return { status: 200, body: { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/x' } };
        return {
          status: 200,
          body: { options: { challenge: 'AAEC', rp: { id: 'localhost', name: 'x' }, user: { id: 'dXNlcg', name: 'u', displayName: 'u' }, pubKeyCredParams: [{ type: 'public-key', alg: -7 }] } },
        };
      }
      case 'passkeyRegisterComplete': {
        const u = this.bearer(headers);
        if ('status' in u) return u;
        return { status: 200, body: { registered: true } };
      }
      default:
        return { status: 200, body: {} };
    }
  }
}
