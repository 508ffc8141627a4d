// The demo page: register, verify, log in (answering a TOTP challenge when asked), userinfo,
// refresh, TOTP setup, logout, delete the account (the last two after re-entering the password).
// Plain DOM, no framework; every call goes through the client package (client/,
// `cognito-auth-api-client`), which holds the session: the page never handles a refresh token.
import { AuthApiError, createAuthClient, type AuthClient, type Challenge, type SessionInfo, type SessionMode, type SignInStep } from 'cognito-auth-api-client';
import { renderPasswordless, wirePasswordless } from './passwordless.js';

const DEFAULT_API = 'http://127.0.0.1:3000';

/** What a step's result box shows: the value a call answered, or its AuthApiError. */
export type Outcome =
  | { kind: 'ok'; status: number | null; body: unknown; requestId: string | null }
  | { kind: 'error'; error: AuthApiError };

let auth: AuthClient = makeClient(initialApiUrl(), initialSessionMode());
/** The status and request id of the last answer, from the client's onResponse. */
let lastAnswer: { status: number | null; requestId: string | null } = { status: null, requestId: null };
/** A password sign-in waiting for its challenge's answer. */
let pendingChallenge: Challenge | null = null;

/**
 * Which app this page is (`?app=<id>`, sent as X-App-Id: docs/api.md "Which app is calling"); none: the API's one
 * app (`default`). `make dev` serves the page a second time as the app of cdk/apps.json that lists origins.
 */
function appId(): string | undefined {
  const id = new URLSearchParams(location.search).get('app');
  return id && /^[a-z][a-z0-9-]{0,31}$/.test(id) ? id : undefined;
}

function makeClient(baseUrl: string, sessionMode: SessionMode): AuthClient {
  const c = createAuthClient({
    baseUrl,
    sessionMode,
    appId: appId(),
    onResponse: (r) => {
      lastAnswer = { status: r.status, requestId: r.requestId };
      log(`${r.method} ${r.path}`, r.status === null ? 'no answer' : String(r.status), r.status !== null && r.status < 400, r.requestId);
    },
  });
  // The session's events: the page redraws, and the log shows what the client did on its own.
  for (const name of ['signedIn', 'refreshed', 'signedOut', 'sessionExpired'] as const) {
    c.on(name, () => {
      if (name === 'signedOut' || name === 'sessionExpired') clearTotpSecret();
      log(`session: ${name}`, '', name !== 'sessionExpired', null);
      renderSession();
    });
  }
  return c;
}

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}
const input = (id: string) => $(id) as HTMLInputElement;
const button = (id: string) => $(id) as HTMLButtonElement;

function initialApiUrl(): string {
  const fromQuery = new URLSearchParams(location.search).get('api');
  return fromQuery && isHttpUrl(fromQuery) ? fromQuery : DEFAULT_API;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

// ---- rendering -----------------------------------------------------------------------------

/** Long secrets (tokens, sessions) are shortened for display: the page never shows a whole token. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) =>
        /token$|^session$/i.test(k) && typeof v === 'string' && v.length > 24 ? [k, `${v.slice(0, 12)}… (${v.length} chars)`] : [k, redact(v)],
      ),
    );
  }
  return value;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** How a session or a sign-in step is shown (functions dropped, the session's tokens shortened). */
export function view(value: unknown): unknown {
  if (value && typeof value === 'object' && 'kind' in value) {
    const step = value as SignInStep;
    if (step.kind === 'signedIn') return { signedIn: true, ...sessionView(step.session) };
    return Object.fromEntries(Object.entries(step).filter(([k, v]) => k !== 'kind' && typeof v !== 'function'));
  }
  return value;
}
function sessionView(s: SessionInfo): Record<string, unknown> {
  return { ...s, expiresAt: new Date(s.expiresAt).toISOString() };
}

/** Shows an outcome in a step's result box (the request log has every answer already). */
export function show(outId: string, what: string, outcome: Outcome): void {
  const out = $(outId);
  out.replaceChildren();
  out.dataset['seq'] = String(Number(out.dataset['seq'] ?? '0') + 1);
  delete out.dataset['status'];
  delete out.dataset['error'];
  out.hidden = false;

  const head = el('div', 'result-head');
  const body = el('pre', 'result-body');
  if (outcome.kind === 'ok') {
    out.dataset['kind'] = 'ok';
    if (outcome.status !== null) out.dataset['status'] = String(outcome.status);
    head.append(el('span', 'badge ok', String(outcome.status ?? '')), ` ${what}: done`);
    body.textContent = JSON.stringify(redact(view(outcome.body)), null, 2);
  } else {
    const e = outcome.error;
    // 'error' is an API refusal; the other kinds say why there was no usable answer.
    out.dataset['kind'] = e.kind === 'api' ? 'error' : e.kind;
    if (e.status !== null) out.dataset['status'] = String(e.status);
    out.dataset['error'] = e.code;
    switch (e.kind) {
      case 'api':
        head.append(el('span', 'badge err', String(e.status)), ' ', el('code', 'err-code', e.code), ` ${e.message}`);
        if (e.field) head.append(' ', el('span', 'field', `field: ${e.field}`));
        body.textContent = JSON.stringify({ error: e.code, message: e.message, requestId: e.requestId, field: e.field ?? undefined, retryAfter: e.retryAfter ?? undefined }, null, 2);
        break;
      case 'network':
      case 'timeout':
        head.append(el('span', 'badge err', 'no answer'), ` ${what}: could not reach ${auth.baseUrl}`);
        body.textContent = `${e.message}\n\nIs the API running (make dev)? Is the URL right? Does the API's CORS_ORIGIN list this page's origin, ${location.origin}?`;
        break;
      default:
        head.append(el('span', 'badge err', e.status === null ? e.kind : String(e.status)), ` ${what}: ${e.message}`);
        body.textContent = e.kind === 'unexpected' ? "The API answered something that is not its documented JSON." : '';
    }
  }
  out.append(head, body);
}

/**
 * Runs one call for a step and shows what it answered (or its error) in the step's box; the
 * status shown is the last answer's. Returns the value, or null after an error.
 */
export async function run<T>(outId: string, what: string, call: () => Promise<T>): Promise<T | null> {
  lastAnswer = { status: null, requestId: null };
  try {
    const value = await call();
    show(outId, what, { kind: 'ok', status: lastAnswer.status, body: value, requestId: lastAnswer.requestId });
    return value;
  } catch (e) {
    if (!(e instanceof AuthApiError)) throw e;
    show(outId, what, { kind: 'error', error: e });
    return null;
  }
}

function log(what: string, status: string, ok: boolean, requestId: string | null): void {
  const list = $('log');
  const li = el('li', ok ? 'ok' : 'err');
  li.textContent = `${new Date().toLocaleTimeString()}  ${what}${status ? ` → ${status}` : ''}${requestId ? ` (request ${requestId})` : ''}`;
  list.prepend(li);
  while (list.children.length > 50) list.lastElementChild?.remove();
}

function renderSession(): void {
  const state = $('session-state');
  const session = auth.session;
  state.dataset['signedIn'] = String(session !== null);
  if (session) {
    const mins = Math.max(0, Math.round((session.expiresAt - Date.now()) / 60000));
    state.textContent =
      `Signed in${session.username ? ` as ${session.username}` : ''}. Access token expires in about ${mins} min (the client refreshes it before then); ` +
      `refresh token ${cookieMode() ? "in the API's HttpOnly cookie (not readable by this page)" : 'in the client\'s memory (not handed to the page)'}.`;
  } else {
    state.textContent = cookieMode() ? 'Signed out here. Browser session mode: Refresh tokens restores a session the API cookie still holds.' : 'Signed out.';
  }
  for (const id of ['btn-userinfo', 'btn-logout', 'btn-logout-app', 'btn-totp-setup', 'btn-totp-verify', 'btn-delete']) button(id).disabled = session === null;
  button('btn-refresh').disabled = !cookieMode() && session === null;
  renderPasswordless(session !== null);
  $('challenge').hidden = pendingChallenge === null;
  if (pendingChallenge) {
    $('challenge-name').textContent = pendingChallenge.challenge === 'UNSUPPORTED' ? pendingChallenge.name : pendingChallenge.challenge;
    const totp = pendingChallenge.challenge === 'SOFTWARE_TOKEN_MFA';
    input('challenge-answer').type = totp ? 'text' : 'password';
    input('challenge-answer').autocomplete = totp ? 'one-time-code' : 'new-password';
    $('challenge-help').textContent = totp
      ? 'Enter the 6-digit code from your authenticator app.'
      : pendingChallenge.challenge === 'NEW_PASSWORD_REQUIRED'
        ? 'Cognito asks for a new password before this account can sign in.'
        : `This page cannot answer the ${$('challenge-name').textContent} challenge.`;
  }
}

/** A sign-in step: signed in, or a challenge to answer next. */
function took(step: SignInStep | null): void {
  if (step) pendingChallenge = step.kind === 'challenge' ? step : null;
}

// ---- actions ---------------------------------------------------------------------------------

const email = () => input('email').value.trim();
const password = () => input('password').value;

/** Runs an action with its button disabled, so a double click sends one request. */
function on(id: string, action: () => Promise<void>): void {
  const b = button(id);
  b.addEventListener('click', async (ev) => {
    ev.preventDefault();
    if (b.dataset['busy']) return;
    b.dataset['busy'] = '1';
    b.disabled = true;
    try {
      await action();
    } finally {
      delete b.dataset['busy'];
      b.disabled = false;
      renderSession();
    }
  });
}

/** Takes another client (API URL or session mode changed); the old one's session is signed out. */
function replaceClient(baseUrl: string, mode: SessionMode): void {
  const old = auth;
  if (old.session) void old.signOut();
  pendingChallenge = null;
  auth = makeClient(baseUrl, mode);
  renderSession();
}

function wire(): void {
  const apiInput = input('api-url');
  apiInput.value = auth.baseUrl;
  $('api-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = apiInput.value.trim();
    if (!isHttpUrl(v)) {
      apiInput.setCustomValidity('An http:// or https:// URL');
      apiInput.reportValidity();
      return;
    }
    apiInput.setCustomValidity('');
    replaceClient(v, auth.sessionMode);
    const q = new URLSearchParams(location.search);
    q.set('api', v);
    history.replaceState(null, '', `?${q}`);
    renderApi();
  });
  renderApi();
  wireSessionMode();

  on('btn-register', async () => void (await run('out-register', 'register', () => auth.api.register({ email: email(), password: password() }))));
  on('btn-verify', async () => void (await run('out-verify', 'verify', () => auth.api.verify({ email: email(), code: input('verify-code').value.trim() }))));
  on('btn-resend', async () => void (await run('out-verify', 'resend code', () => auth.api.resend({ email: email() }))));
  on('btn-login', async () => took(await run('out-login', 'log in', () => auth.signIn({ email: email(), password: password() }))));
  on('btn-challenge', async () => {
    const c = pendingChallenge;
    if (!c || (c.challenge !== 'SOFTWARE_TOKEN_MFA' && c.challenge !== 'NEW_PASSWORD_REQUIRED')) return;
    const step = await run('out-login', 'answer challenge', () => c.answer(input('challenge-answer').value.trim()));
    if (step) input('challenge-answer').value = '';
    else if (lastAnswer.status === 401) pendingChallenge = null; // the challenge session is spent: log in again
    took(step);
  });
  on('btn-userinfo', async () => void (await run('out-session', 'userinfo', () => auth.api.userinfo())));
  // Memory mode: new tokens now (the client also does this on its own before they expire).
  // Browser session mode: also what restores the session from the cookie after a reload.
  on('btn-refresh', async () => void (await run('out-session', cookieMode() ? 'refresh (cookie)' : 'refresh', () => (cookieMode() ? auth.restore() : auth.refresh()))));
  // Everywhere: every app of the pool, every device (GlobalSignOut); this app only: its refresh token revoked.
  for (const [id, everywhere] of [['btn-logout', true], ['btn-logout-app', false]] as const) {
    on(id, async () => {
      await run('out-session', everywhere ? 'log out everywhere' : 'log out of this app', async () => {
        const r = await auth.signOut({ everywhere });
        if (r.error) throw r.error;
        return r;
      });
    });
  }
  on('btn-totp-setup', async () => {
    // Replacing the authenticator needs the current password, not just the token.
    const r = await run('out-totp', 'TOTP setup', () => auth.api.totpSetup({ currentPassword: input('totp-current-password').value }));
    input('totp-current-password').value = '';
    if (r) {
      $('totp-secret').textContent = r.secret;
      $('totp-uri').textContent = r.otpauthUri;
      $('totp-local-hint').textContent = `.venv/bin/python -c "import pyotp; print(pyotp.TOTP('${r.secret}').now())"`;
      $('totp-secret-box').hidden = false;
    }
  });
  on('btn-totp-verify', async () => {
    const r = await run('out-totp', 'TOTP verify', () => auth.api.totpVerify({ code: input('totp-code').value.trim(), deviceName: 'demo page' }));
    if (r) input('totp-code').value = '';
  });
  on('btn-delete', async () => {
    // The client ends the session when the account is gone (the signedOut event).
    await run('out-delete', 'delete account', () => auth.api.deleteUser({ currentPassword: input('delete-current-password').value }));
    input('delete-current-password').value = '';
  });
  wirePasswordless({ client: () => auth, run, on, email });
  renderSession();
}

/** The enrolment secret is shown once, while signed in; it goes with the session. */
function clearTotpSecret(): void {
  $('totp-secret-box').hidden = true;
  for (const id of ['totp-secret', 'totp-uri', 'totp-local-hint']) $(id).textContent = '';
}

// ---- browser session mode ------------------------------------------------------------------
// The API's opt-in cookie mode: it answers the refresh token as an HttpOnly cookie (never in the
// JSON body, never readable here). The client sends every call with credentials and the
// X-Requested-With header, and restore() gets new tokens from the cookie.

function initialSessionMode(): SessionMode {
  return new URLSearchParams(location.search).get('session') === 'cookie' ? 'cookie' : 'memory';
}

function cookieMode(): boolean {
  return auth.sessionMode === 'cookie';
}

function wireSessionMode(): void {
  const box = input('session-cookie');
  box.checked = cookieMode();
  box.addEventListener('change', () => {
    replaceClient(auth.baseUrl, box.checked ? 'cookie' : 'memory');
    const q = new URLSearchParams(location.search);
    if (box.checked) q.set('session', 'cookie');
    else q.delete('session');
    history.replaceState(null, '', `?${q}`);
  });
}

function renderApi(): void {
  $('page-origin').textContent = location.origin;
  $('app-id').textContent = appId() ?? 'default (no X-App-Id)';
  const doc = $('openapi-link') as HTMLAnchorElement;
  doc.href = auth.baseUrl.replace(/\/+$/, '') + '/auth/openapi.json';
  doc.textContent = doc.href;
}

wire();
