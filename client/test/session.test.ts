// The session logic on a fake clock against the in-process fake API: refresh before expiry,
// rotation, one refresh for many calls, one retry after a 401, sign-out during a refresh, expiry,
// passing failures, the browser session (cookie) mode, and that nothing is written to storage.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { AuthApiError, createAuthClient, type AuthClient, type SessionEventName } from '../src/index.js';
import { FakeApi } from './support/fake-api.js';
import { FakeClock, settle } from './support/fake-clock.js';

const EMAIL = 'jane@example.com';
const PASSWORD = 'Corr3ct-Horse!battery';
const HOUR = 3600_000;

let clock: FakeClock;
let server: FakeApi;
let auth: AuthClient;
let events: { name: SessionEventName; payload: unknown }[];

function client(cookieMode = false, opts: { timeoutMs?: number } = {}): AuthClient {
  const c = createAuthClient({
    baseUrl: 'https://auth.example.com/',
    sessionMode: cookieMode ? 'cookie' : 'memory',
    fetch: server.fetch,
    clock,
    ...opts,
  });
  for (const name of ['signedIn', 'refreshed', 'signedOut', 'sessionExpired'] as const) c.on(name, (payload) => events.push({ name, payload }));
  return c;
}

function setUp(cookieMode = false): void {
  clock = new FakeClock();
  server = new FakeApi(clock, cookieMode);
  server.addUser(EMAIL, PASSWORD);
  events = [];
  auth = client(cookieMode);
}

async function signedIn(): Promise<void> {
  const step = await auth.signIn({ email: EMAIL, password: PASSWORD });
  assert.equal(step.kind, 'signedIn');
}

const refreshBodies = () => server.requests.filter((r) => r.operation === 'refresh').map((r) => r.body?.['refreshToken']);
const names = () => events.map((e) => e.name);

// ---- storage: nothing leaves memory -------------------------------------------------------------
// Every way a page script could later read a token back: Web Storage and document.cookie. The
// client must touch none of them, in either mode.
const touched: string[] = [];
function trapStorage(): void {
  const trap = (name: string) =>
    new Proxy({}, { get: (_, k) => (touched.push(`${name}.${String(k)}`), () => null), set: (_, k) => (touched.push(`${name}.${String(k)}=`), true) });
  const g = globalThis as Record<string, unknown>;
  g['localStorage'] = trap('localStorage');
  g['sessionStorage'] = trap('sessionStorage');
  g['indexedDB'] = trap('indexedDB');
  g['document'] = new Proxy({}, { get: (_, k) => (touched.push(`document.${String(k)}`), undefined), set: (_, k) => (touched.push(`document.${String(k)}=`), true) });
}
function untrapStorage(): void {
  for (const k of ['localStorage', 'sessionStorage', 'indexedDB', 'document']) delete (globalThis as Record<string, unknown>)[k];
  touched.length = 0;
}

describe('memory mode', () => {
  beforeEach(() => {
    setUp();
    trapStorage();
  });
  afterEach(untrapStorage);

  test('sign-in keeps the tokens in memory: no storage, no cookie, and no refresh token in what the app reads', async () => {
    await signedIn();
    const s = auth.session!;
    assert.match(s.accessToken, /^at-/);
    assert.equal(s.username, 'sub-1');
    assert.equal(s.expiresAt, clock.now() + HOUR);
    assert.ok(!JSON.stringify(s).includes('rt-'), `the session shows a refresh token: ${JSON.stringify(s)}`);
    await auth.api.userinfo();
    await clock.advance(HOUR);
    await auth.signOut();
    assert.deepEqual(touched, [], 'the client touched page storage');
    assert.deepEqual(names(), ['signedIn', 'refreshed', 'signedOut']);
  });

  test('refreshes shortly before expiry (60 s by default), not earlier', async () => {
    await signedIn();
    const first = auth.session!.accessToken;
    await clock.advance(HOUR - 61_000);
    assert.equal(server.count('refresh'), 0);
    await clock.advance(2_000);
    assert.equal(server.count('refresh'), 1);
    assert.notEqual(auth.session!.accessToken, first);
    assert.equal(auth.session!.expiresAt, clock.now() - 1_000 + HOUR, 'the new expiry counts from the refresh');
    assert.deepEqual(names(), ['signedIn', 'refreshed']);
    // The new token works; the old one is past its time soon after.
    assert.equal((await auth.api.userinfo()).sub, 'sub-1');
  });

  test('rotation: each refresh sends the refresh token the previous one answered, never a rotated-out one', async () => {
    await signedIn();
    for (let i = 0; i < 4; i++) await clock.advance(HOUR);
    assert.equal(server.count('refresh'), 4);
    const sent = refreshBodies();
    assert.equal(new Set(sent).size, 4, `a refresh token was sent twice: ${sent.join(', ')}`);
    assert.equal(server.reuse, 0);
    // The last answered token is the live one, and it is the one the next refresh will send.
    await auth.refresh();
    assert.equal(server.reuse, 0);
    assert.equal(server.count('refresh'), 5);
  });

  test('parallel calls past the refresh time share one refresh (rotation never sees the old token twice)', async () => {
    await signedIn();
    clock.jump(HOUR - 30_000); // the timer has not fired (a sleeping laptop): every call finds the token due
    const answers = await Promise.all(Array.from({ length: 6 }, () => auth.api.userinfo()));
    assert.equal(answers.length, 6);
    assert.equal(server.count('refresh'), 1, 'one refresh for six calls');
    assert.equal(server.reuse, 0);
    assert.deepEqual(names(), ['signedIn', 'refreshed']);
  });

  test('parallel explicit refreshes are one request', async () => {
    await signedIn();
    const [a, b, c] = await Promise.all([auth.refresh(), auth.refresh(), auth.refresh()]);
    assert.equal(a, b);
    assert.equal(b, c);
    assert.equal(server.count('refresh'), 1);
  });

  test('a 401 for the token: one refresh and one retry; parallel 401s share that refresh', async () => {
    await signedIn();
    server.revokeAccess(auth.session!.accessToken); // e.g. signed out on another device
    const answers = await Promise.all(Array.from({ length: 4 }, () => auth.api.userinfo()));
    assert.equal(answers.length, 4);
    assert.equal(server.count('refresh'), 1);
    assert.equal(server.count('userinfo'), 8, 'each call: the refused attempt and one retry');
    assert.equal(server.reuse, 0);
  });

  test('a second 401 after the refresh is the answer: no loop', async () => {
    await signedIn();
    server.revokeAccess(auth.session!.accessToken);
    server.script('userinfo', { status: 401, body: { error: 'invalid_token', message: 'x' } });
    server.script('userinfo', { status: 401, body: { error: 'invalid_token', message: 'x' } });
    await assert.rejects(auth.api.userinfo(), (e: AuthApiError) => e.code === 'invalid_token' && e.status === 401);
    assert.equal(server.count('refresh'), 1);
    assert.equal(server.count('userinfo'), 2);
  });

  test('a 401 that is not about the token (wrong current password) refreshes nothing', async () => {
    await signedIn();
    await assert.rejects(auth.api.totpSetup({ currentPassword: 'wrong' }), (e: AuthApiError) => e.code === 'incorrect_password');
    assert.equal(server.count('refresh'), 0);
    assert.equal(server.count('totpSetup'), 1);
  });

  test('sign-out during a refresh: signed out at once, the late answer does not bring the session back, and its tokens are the ones revoked', async () => {
    await signedIn();
    let release!: () => void;
    server.script('refresh', { hold: new Promise<void>((r) => (release = r)) });
    const refreshing = auth.refresh();
    await settle();
    const out = auth.signOut();
    assert.equal(auth.session, null, 'signed out before any answer');
    assert.deepEqual(names(), ['signedIn', 'signedOut']);
    release();
    await assert.rejects(refreshing, (e: AuthApiError) => e.kind === 'signed_out');
    const result = await out;
    assert.deepEqual(result, { serverSignedOut: true, everywhere: true, refreshTokenRevoked: true, error: null });
    assert.equal(auth.session, null);
    assert.deepEqual(names(), ['signedIn', 'signedOut'], 'no refreshed event after the sign-out');
    // The logout carried what the refresh answered (the newest tokens), so nothing stays live.
    const logout = server.requests.find((r) => r.operation === 'logout')!;
    const answered = (await server.fetch('https://auth.example.com/auth/refresh', { method: 'POST', body: JSON.stringify({ refreshToken: logout.body?.['refreshToken'] }) })).status;
    assert.equal(answered, 401, 'the refresh token the late answer brought was revoked');
    assert.notEqual(logout.headers['authorization'], undefined);
    await assert.rejects(auth.api.userinfo(), (e: AuthApiError) => e.kind === 'signed_out' && e.code === 'not_signed_in');
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  test('a refused refresh token ends the session with sessionExpired (e.g. revoked elsewhere)', async () => {
    await signedIn();
    server.revokeRefreshTokens();
    await clock.advance(HOUR);
    assert.equal(auth.session, null);
    assert.deepEqual(names(), ['signedIn', 'sessionExpired']);
    const payload = events[1]!.payload as { error: AuthApiError };
    assert.equal(payload.error.code, 'invalid_refresh_token');
    await assert.rejects(auth.api.userinfo(), (e: AuthApiError) => e.code === 'not_signed_in');
  });

  test('a passing refresh failure keeps the session and retries after Retry-After', async () => {
    await signedIn();
    server.script('refresh', { status: 503, body: { error: 'service_unavailable', message: 'x' }, headers: { 'retry-after': '5' } });
    await clock.advance(HOUR - 59_000);
    assert.equal(server.count('refresh'), 1);
    assert.notEqual(auth.session, null, 'still signed in');
    await clock.advance(3_000);
    assert.equal(server.count('refresh'), 1, 'not before Retry-After');
    await clock.advance(1_000);
    assert.equal(server.count('refresh'), 2);
    assert.deepEqual(names(), ['signedIn', 'refreshed']);
  });

  test('a call while the refresh fails for a passing reason still uses the unexpired token', async () => {
    await signedIn();
    clock.jump(HOUR - 30_000);
    server.script('refresh', 'network');
    assert.equal((await auth.api.userinfo()).sub, 'sub-1');
    assert.notEqual(auth.session, null);
  });

  test('deleting the account ends the session', async () => {
    await signedIn();
    await auth.api.deleteUser({ currentPassword: PASSWORD });
    assert.equal(auth.session, null);
    assert.deepEqual(events.at(-1), { name: 'signedOut', payload: { reason: 'accountDeleted' } });
  });

  test('signing out with an expired access token refreshes once to reach logout', async () => {
    await signedIn();
    clock.jump(2 * HOUR);
    const r = await auth.signOut();
    assert.equal(r.serverSignedOut, true);
    assert.equal(server.count('refresh'), 1);
    assert.equal(server.count('logout'), 1);
  });

  test('signing out of this app only sends everywhere: false with the refresh token; the default sends neither flag', async () => {
    await signedIn();
    let r = await auth.signOut({ everywhere: false });
    assert.deepEqual([r.serverSignedOut, r.everywhere, r.refreshTokenRevoked], [true, false, true]);
    const only = server.requests.filter((x) => x.operation === 'logout').at(-1)!;
    assert.equal((only.body as any).everywhere, false);
    assert.equal(typeof (only.body as any).refreshToken, 'string');
    await signedIn();
    r = await auth.signOut();
    assert.equal(r.everywhere, true);
    assert.equal('everywhere' in (server.requests.filter((x) => x.operation === 'logout').at(-1)!.body as any), false);
  });

  test('sign-out offline: signed out here, and the error says the API was not told', async () => {
    await signedIn();
    server.script('logout', 'network');
    const r = await auth.signOut();
    assert.equal(auth.session, null);
    assert.equal(r.serverSignedOut, false);
    assert.equal(r.error?.kind, 'network');
  });

  test('bearer calls without a session reject with not_signed_in and send nothing', async () => {
    await assert.rejects(auth.api.userinfo(), (e: AuthApiError) => e.kind === 'signed_out' && e.operation === 'userinfo');
    assert.equal(server.requests.length, 0);
  });

  test('in memory mode no call goes with credentials or the CSRF header', async () => {
    await signedIn();
    await auth.api.userinfo();
    await auth.refresh();
    for (const r of server.requests) {
      assert.equal(r.credentials, 'omit', r.operation);
      assert.equal(r.headers['x-requested-with'], undefined, r.operation);
    }
  });
});

describe('browser session (cookie) mode', () => {
  beforeEach(() => {
    setUp(true);
    trapStorage();
  });
  afterEach(untrapStorage);

  test('every call goes with credentials and X-Requested-With; refresh and logout send no refresh token', async () => {
    await signedIn();
    assert.ok(server.cookie, 'the browser holds the cookie');
    await auth.api.userinfo();
    await clock.advance(HOUR);
    assert.equal(server.count('refresh'), 1);
    await auth.signOut();
    for (const r of server.requests) {
      assert.equal(r.credentials, 'include', r.operation);
      assert.equal(r.headers['x-requested-with'], 'fetch', r.operation);
    }
    for (const op of ['refresh', 'logout'] as const) {
      for (const r of server.requests.filter((x) => x.operation === op)) assert.equal(r.body, undefined, `${op} sent a body`);
    }
    assert.equal(server.cookie, null, 'logout cleared the cookie');
    assert.deepEqual(touched, []);
  });

  test('the client never holds a refresh token, even one an answer carries by mistake', async () => {
    await signedIn();
    server.script('refresh', { status: 200, body: { accessToken: 'at-x', idToken: null, expiresIn: 3600, tokenType: 'Bearer', refreshToken: 'rt-leaked' } });
    await auth.refresh();
    await auth.refresh();
    assert.equal(refreshBodies().filter((t) => t !== undefined).length, 0, 'a refresh token went out in a body');
    assert.ok(!JSON.stringify(auth.session).includes('rt-'));
  });

  test('restore() after a reload resumes the session from the cookie; without one it answers null', async () => {
    await signedIn();
    events = [];
    auth = client(true); // a reload: a new page, the same browser cookie
    assert.equal(auth.session, null);
    const s = await auth.restore();
    assert.match(s!.accessToken, /^at-/);
    assert.deepEqual(names(), ['signedIn']);
    await auth.signOut();
    events = [];
    auth = client(true);
    assert.equal(await auth.restore(), null);
    assert.deepEqual(names(), [], 'no session, so no event');
  });

  test('sign-out after a reload (no access token yet) still revokes the cookie', async () => {
    await signedIn();
    auth = client(true);
    const r = await auth.signOut();
    assert.equal(r.refreshTokenRevoked, true);
    assert.equal(server.cookie, null);
  });

  test('parallel calls after the refresh time share one cookie refresh', async () => {
    await signedIn();
    clock.jump(HOUR);
    await Promise.all([auth.api.userinfo(), auth.api.userinfo(), auth.api.passkeysList(), auth.getAccessToken()]);
    assert.equal(server.count('refresh'), 1);
    assert.equal(server.reuse, 0);
  });
});

describe('timeouts', () => {
  beforeEach(() => setUp());

  test('no answer within timeoutMs is kind timeout, not an API refusal', async () => {
    auth = client(false, { timeoutMs: 5_000 });
    server.script('login', 'hang');
    const p = auth.signIn({ email: EMAIL, password: PASSWORD });
    const checked = assert.rejects(p, (e: AuthApiError) => e.kind === 'timeout' && e.code === 'timeout' && e.status === null && !e.isApiRefusal);
    await clock.advance(5_000);
    await checked;
  });
});
